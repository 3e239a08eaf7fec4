/** The write path: Thanos Receive in split mode (routers in front of ingestor hashrings). */
import { Type } from '@sinclair/typebox';
import { DNS_LABEL_MAX, STATEFULSET_NAME_MAX } from '@thanos-gitops/catalog';
import { Autoscaling } from './autoscaling.js';
import {
  DNS_LABEL,
  DnsLabel,
  Duration,
  HTTP_HEADER,
  HTTP_URL,
  LABEL_NAME,
  Obj,
  Replicas,
  Storage,
  TENANT_ID,
  withDefault,
  workloadOptions,
} from './common.js';
import { hashringIngestionOptions, ingestionOptions } from './ingestion.js';

/**
 * Adoption in place: what a hashring's ingestors keep of a deployment made by another tool, so that its volumes
 * (and the `replica` external label, the pod name) are reused instead of recreated.
 */
export const HashringAdopt = Obj(
  {
    statefulSet: DnsLabel(
      'Name of the ingestor StatefulSet to keep instead of `thanos-receive-ingestor-<name>`: its pods ' +
        '(`<statefulSet>-0`, …) and volume claims (`data-<statefulSet>-0`, …) keep their names, so the existing ' +
        "volumes are bound again and the `replica` external label (the pod name) carries on. The hashring's " +
        'headless Service stays `thanos-receive-ingestor-<name>`. Not with `receive.zones` (one StatefulSet per ' +
        'zone).',
      STATEFULSET_NAME_MAX,
    ),
    tsdbAtVolumeRoot: Type.Boolean(
      withDefault({
        default: false,
        description:
          'The TSDB sits at the root of the data volume (as the Bitnami chart lays it out) instead of in its ' +
          '`receive/` folder: the volume is mounted at `/var/thanos/receive`, the `--tsdb.path`, instead of at ' +
          '`/var/thanos`.',
      }),
    ),
  },
  "Keep the names of an adopted deployment's ingestors (`thanos-gitops import` sets it): the StatefulSet, " +
    'hence the pods and volume claims, and where the TSDB sits in the volume.',
);

export const Hashring = Obj(
  {
    name: DnsLabel(
      'Hashring name; its ingestors are the StatefulSet `thanos-receive-ingestor-<name>` (with `receive.zones`, ' +
        'one per zone, `thanos-receive-ingestor-<name>-<zone>`) behind the headless Service ' +
        '`thanos-receive-ingestor-<name>`.',
      30,
    ),
    tenants: Type.Array(Type.String({ minLength: 1, maxLength: 128 }), {
      default: [],
      description:
        'Tenants routed to this hashring. Empty makes it the catch-all for tenants no other hashring names ' +
        '(exactly one catch-all is allowed, and it must come last).',
    }),
    tenantMatcher: Type.Union(
      [Type.Literal('exact'), Type.Literal('glob')],
      withDefault({
        default: 'exact',
        description: 'How `tenants` match: `exact` names, or `glob` patterns (`team-*`).',
      }),
    ),
    ...hashringIngestionOptions,
    replicas: Replicas(
      'Number of ingestors in this hashring; at least `receive.replicationFactor`, and with `receive.zones` a ' +
        'multiple of the number of zones (each zone gets `replicas / zones`).',
      1,
    ),
    ...Storage,
    adopt: Type.Optional(HashringAdopt),
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
    enabled: Type.Boolean(withDefault({ default: true, description: 'Deploy the receive write path.' })),
    retention: Duration(
      'How long ingestors keep blocks on local disk (`--tsdb.retention`); the store gateway serves what is older.',
      '15d',
    ),
    replicationFactor: Type.Integer(
      withDefault({
        minimum: 1,
        maximum: 7,
        default: 1,
        description:
          'How many ingestors store each sample (`--receive.replication-factor`). Writes need a quorum of ' +
          'floor(RF/2)+1. Must be odd for a useful quorum and at most the ingestors of every hashring.',
      }),
    ),
    hashringAlgorithm: Type.Union(
      [Type.Literal('ketama'), Type.Literal('hashmod')],
      withDefault({
        default: 'ketama',
        description:
          'How series are spread over a hashring (`--receive.hashrings-algorithm`). Only `ketama` knows zones ' +
          '(`zones`).',
      }),
    ),
    tenantHeader: Type.String(
      withDefault({
        pattern: HTTP_HEADER,
        default: 'THANOS-TENANT',
        description: 'HTTP header carrying the tenant (`--receive.tenant-header`).',
      }),
    ),
    defaultTenant: Type.String(
      withDefault({
        pattern: TENANT_ID,
        default: 'default-tenant',
        description: 'Tenant of requests without the header (`--receive.default-tenant-id`).',
      }),
    ),
    tenantLabel: Type.String(
      withDefault({
        pattern: LABEL_NAME,
        default: 'tenant_id',
        description: 'External label holding the tenant (`--receive.tenant-label-name`).',
      }),
    ),
    zones: Type.Array(
      Type.String({
        pattern: DNS_LABEL,
        minLength: 1,
        maxLength: DNS_LABEL_MAX,
        description: "A zone, as the nodes' `topology.kubernetes.io/zone` label names it (`eu-west-1a`).",
      }),
      {
        maxItems: 16,
        default: [],
        description:
          "Availability zones the ingestors run in, as the nodes' `topology.kubernetes.io/zone` label names them " +
          '(`[eu-west-1a, eu-west-1b, eu-west-1c]`). When set, the ingestors of each hashring are split into one ' +
          'StatefulSet per zone, `thanos-receive-ingestor-<hashring>-<zone>` with `replicas / zones` pods, pinned ' +
          "to its zone by node affinity; all of a hashring's pods stay behind its one headless Service " +
          '(`thanos-receive-ingestor-<hashring>`), and every endpoint of the hashrings file carries its zone as ' +
          "`az`, so Thanos' zone-aware ketama puts the `replicationFactor` copies of each series in different " +
          'zones (evenly, when there are fewer zones than copies) and a zone outage leaves the write quorum. ' +
          'Needs `hashringAlgorithm: ketama` (hashmod refuses `az`), at least 3 zones when `replicationFactor` > 1 ' +
          "(with 2, one zone holds more copies than the quorum can lose), and every hashring's `replicas` a " +
          'multiple of the number of zones (an uneven split overloads the smaller zones, and can leave the ' +
          'routers no valid placement). Empty (the default): one StatefulSet per hashring, spread over whatever ' +
          'zones the nodes have by a `DoNotSchedule` topology spread constraint, and no `az`. Default `[]`.',
      },
    ),
    limits: Type.Optional(Limits),
    ...ingestionOptions,
    terminationGracePeriodSeconds: Type.Integer(
      withDefault({
        minimum: 30,
        maximum: 3600,
        default: 900,
        description: 'Grace period of ingestors, long enough to flush and upload the head block.',
      }),
    ),
    minReadySeconds: Type.Integer(
      withDefault({
        minimum: 0,
        maximum: 3600,
        default: 60,
        description:
          'How long a restarted ingestor must stay Ready before the rollout takes down the next one ' +
          "(`minReadySeconds` of the ingestors' StatefulSets; with `receive.zones`, where the rollout-operator " +
          'waits for Ready only, also the consecutive successes their readiness probe needs). Thanos marks an ' +
          'ingestor ready once its WAL is replayed, but the routers only reach it again after their gRPC ' +
          "reconnect backoff (grpc-go's grows past 40 s during a restart of a minute or two) and the 5 s " +
          'forward backoff (`--receive-forward-max-backoff`) have run out, and after the DNS cache (CoreDNS ' +
          'caches 30 s) has the new pod address: taking the next copy down before then loses the write quorum ' +
          'for a moment (thanos#4831). 0 turns the wait off.',
      }),
    ),
    router: Obj(
      {
        replicas: Replicas('Number of routers (the minimum when autoscaling).', 2),
        autoscaling: Autoscaling('the receive routers'),
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
