/** The write path: Thanos Receive in split mode (routers in front of ingestor hashrings). */
import { Type } from '@sinclair/typebox';
import {
  DnsLabel,
  Duration,
  HTTP_HEADER,
  HTTP_URL,
  LABEL_NAME,
  Obj,
  Replicas,
  Storage,
  TENANT_ID,
  workloadOptions,
} from './common.js';

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

const Count = (description: string) => Type.Integer({ minimum: 0, description });

const RequestLimits = Obj(
  {
    size_bytes_limit: Type.Optional(Count('Largest request body, in bytes; a larger request is refused with 413.')),
    series_limit: Type.Optional(Count('Most series in one request; more is refused with 413.')),
    samples_limit: Type.Optional(Count('Most samples in one request; more is refused with 413.')),
  },
  'Limits of each remote-write request. An unset value means no limit (under `tenants`: the `default` one).',
);

const TenantLimits = (description: string) =>
  Obj(
    {
      request: Type.Optional(RequestLimits),
      head_series_limit: Type.Optional(
        Count('Most active (head) series of a tenant, as counted by `global.meta_monitoring_url`; ignored without it.'),
      ),
    },
    description,
  );

/**
 * The Thanos limits file, modelled field by field: Thanos parses it strictly, so a misspelt key would
 * stop the routers at startup instead of failing here with a line number.
 */
export const Limits = Obj(
  {
    write: Obj(
      {
        global: Type.Optional(
          Obj(
            {
              max_concurrency: Type.Optional(
                Count('Most remote-write requests a router handles at once; 0 means no limit.'),
              ),
              meta_monitoring_url: Type.Optional(
                Type.String({
                  pattern: HTTP_URL,
                  description:
                    'Prometheus-compatible query API that knows the head series of every tenant (such as ' +
                    'Thanos Query); needed by `head_series_limit`.',
                }),
              ),
              meta_monitoring_limit_query: Type.Optional(
                Type.String({
                  minLength: 1,
                  description:
                    "Query returning head series per tenant. Thanos' default: " +
                    '`sum(prometheus_tsdb_head_series) by (tenant)`.',
                }),
              ),
              meta_monitoring_http_client: Type.Optional(
                Type.Record(Type.String(), Type.Unknown(), {
                  description:
                    'HTTP client settings (TLS, authorization) for `meta_monitoring_url`, as Thanos takes them.',
                }),
              ),
            },
            'Limits and gates over all requests and tenants.',
          ),
        ),
        default: Type.Optional(TenantLimits('Limits of every tenant not listed under `tenants`.')),
        tenants: Type.Optional(
          Type.Record(Type.String({ minLength: 1 }), TenantLimits('Limits of one tenant.'), {
            description: 'Limits per tenant, by tenant ID; an unset value falls back to `default`.',
          }),
        ),
      },
      'Limits of remote-write requests.',
    ),
  },
  'Per-tenant limits (the Thanos limits file). Written to the ConfigMap `thanos-receive-limits` and applied by ' +
    'the routers (`--receive.limits-config-file`), which receive the remote-write requests.',
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
      pattern: HTTP_HEADER,
      default: 'THANOS-TENANT',
      description: 'HTTP header carrying the tenant (`--receive.tenant-header`). Default `THANOS-TENANT`.',
    }),
    defaultTenant: Type.String({
      pattern: TENANT_ID,
      default: 'default-tenant',
      description: 'Tenant of requests without the header (`--receive.default-tenant-id`). Default `default-tenant`.',
    }),
    tenantLabel: Type.String({
      pattern: LABEL_NAME,
      default: 'tenant_id',
      description: 'External label holding the tenant (`--receive.tenant-label-name`). Default `tenant_id`.',
    }),
    limits: Type.Optional(Limits),
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
