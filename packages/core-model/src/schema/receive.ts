/** The write path: Thanos Receive in split mode (routers in front of ingestor hashrings). */
import { Type } from '@sinclair/typebox';
import { DnsLabel, Duration, Obj, Replicas, Storage, workloadOptions } from './common.js';

export const Hashring = Obj(
  {
    name: DnsLabel('Hashring name; its ingestor StatefulSet is `thanos-receive-ingestor-<name>`.', 30),
    tenants: Type.Array(Type.String({ minLength: 1, maxLength: 128 }), {
      default: [],
      description:
        'Tenants routed to this hashring. Empty makes it the catch-all for tenants no other hashring names ' +
        '(exactly one catch-all is allowed, and it must come last).',
    }),
    tenantMatcher: Type.Union([Type.Literal('exact'), Type.Literal('glob')], {
      default: 'exact',
      description: 'How `tenants` match: `exact` names, or `glob` patterns (`team-*`). Default `exact`.',
    }),
    replicas: Replicas('Number of ingestors in this hashring; at least `receive.replicationFactor`.', 1),
    ...Storage,
    ...workloadOptions,
  },
  'One hashring: a set of ingestors that owns a set of tenants.',
);

export const Receive = Obj(
  {
    enabled: Type.Boolean({ default: true, description: 'Deploy the receive write path. Default true.' }),
    retention: Duration(
      'How long ingestors keep blocks on local disk (`--tsdb.retention`); the store gateway serves what is older. ' +
        'Default `15d`.',
      '15d',
    ),
    replicationFactor: Type.Integer({
      minimum: 1,
      maximum: 7,
      default: 1,
      description:
        'How many ingestors store each sample (`--receive.replication-factor`). Writes need a quorum of ' +
        'floor(RF/2)+1. Must be odd for a useful quorum and at most the ingestors of every hashring. Default 1.',
    }),
    hashringAlgorithm: Type.Union([Type.Literal('ketama'), Type.Literal('hashmod')], {
      default: 'ketama',
      description: 'How series are spread over a hashring (`--receive.hashrings-algorithm`). Default `ketama`.',
    }),
    tenantHeader: Type.String({
      pattern: '^[A-Za-z0-9-]+$',
      default: 'THANOS-TENANT',
      description: 'HTTP header carrying the tenant (`--receive.tenant-header`). Default `THANOS-TENANT`.',
    }),
    defaultTenant: Type.String({
      pattern: '^[A-Za-z0-9_.-]+$',
      default: 'default-tenant',
      description: 'Tenant of requests without the header (`--receive.default-tenant-id`). Default `default-tenant`.',
    }),
    tenantLabel: Type.String({
      pattern: '^[a-zA-Z_][a-zA-Z0-9_]*$',
      default: 'tenant_id',
      description: 'External label holding the tenant (`--receive.tenant-label-name`). Default `tenant_id`.',
    }),
    limits: Type.Optional(
      Type.Record(Type.String(), Type.Unknown(), {
        description:
          'Per-tenant limits, as the Thanos limits configuration (`write: {global: …, default: …, tenants: …}`). ' +
          'Written to a ConfigMap and passed with `--receive.limits-config-file`.',
      }),
    ),
    terminationGracePeriodSeconds: Type.Integer({
      minimum: 30,
      maximum: 3600,
      default: 900,
      description: 'Grace period of ingestors, long enough to flush and upload the head block. Default 900.',
    }),
    router: Obj(
      {
        replicas: Replicas('Number of routers.', 2),
        ...workloadOptions,
      },
      'The stateless routers that accept remote-write and forward by hashring.',
      { default: {} },
    ),
    hashrings: Type.Array(Hashring, {
      minItems: 1,
      default: [{ name: 'default' }],
      description: 'Hashrings. Default: one catch-all hashring `default` with one ingestor.',
    }),
  },
  'Thanos Receive: remote-write endpoint (routers) and ingestors grouped in hashrings.',
  { default: {} },
);
