/** The read path entry points: Query and Query Frontend. */
import { Type } from '@sinclair/typebox';
import { Autoscaling } from './autoscaling.js';
import { Cache } from './caches.js';
import { Duration, GRPC_ENDPOINT, LABEL_NAME, Obj, Replicas, withDefault, workloadOptions } from './common.js';
import { QueryRequestLimits } from './request-limits.js';

export const Query = Obj(
  {
    replicas: Replicas('Number of Query pods (the minimum when autoscaling).', 1),
    replicaLabels: Type.Array(
      Type.String({ pattern: LABEL_NAME }),
      withDefault({
        default: ['prometheus_replica', 'rule_replica', 'replica'],
        description:
          'External labels that only tell replicas apart; series differing only by them are deduplicated ' +
          '(`--query.replica-label`). The receive ingestors add `replica`.',
      }),
    ),
    timeout: Duration('Maximum time to process a query (`--query.timeout`); longer than 0.', '2m'),
    lookbackDelta: Type.Optional(Duration('Lookback for instant vectors (`--query.lookback-delta`).')),
    extraEndpoints: Type.Array(
      Type.String({
        pattern: GRPC_ENDPOINT,
        description:
          'A gRPC endpoint: `host:port` (one address), `dns+host:port` (every A record) or ' +
          '`dnssrv+_grpc._tcp.host` (SRV records).',
      }),
      {
        default: [],
        description:
          'StoreAPI (or Rules, Exemplars… API) endpoints outside this deployment that Query fans out to, such as a ' +
          'sidecar or another Query in another namespace or cluster; added to its endpoint file. The ' +
          'NetworkPolicies allow Query to reach each on its port: `<service>.<namespace>.svc…` is that ' +
          'namespace, an IPv4 address is itself, any other host any address on that port. `dnssrv+` endpoints ' +
          "are allowed on Thanos' gRPC port 10901 (SRV records choose the port: use `dns+host:port` for " +
          'another). Do not pass `--endpoint` in `extraArgs`: the NetworkPolicies would block it, and it is ' +
          'refused while they are on.',
      },
    ),
    autoscaling: Autoscaling('Query'),
    limits: QueryRequestLimits,
    ...workloadOptions,
  },
  'Thanos Query: the PromQL engine that fans out to ingestors, store gateways and the ruler.',
  { default: {} },
);

export const QueryFrontend = Obj(
  {
    enabled: Type.Boolean(withDefault({ default: true, description: 'Deploy Query Frontend in front of Query.' })),
    replicas: Replicas('Number of Query Frontend pods (the minimum when autoscaling).', 1),
    autoscaling: Autoscaling('Query Frontend'),
    splitInterval: Duration(
      'Split range queries into requests of at most this interval, run in parallel and cached separately ' +
        '(`--query-range.split-interval`). Must be longer than 0, since results are always cached.',
      '24h',
    ),
    maxRetries: Type.Integer(
      withDefault({
        minimum: 0,
        maximum: 20,
        default: 5,
        description:
          'Retries of a failed request to Query: range queries (`--query-range.max-retries-per-request`), ' +
          'instant queries (`--query.max-retries-per-request`) and label/series requests ' +
          '(`--labels.max-retries-per-request`, set whether or not `labelsCache` is on).',
      }),
    ),
    downstreamIdleConnections: Type.Integer(
      withDefault({
        minimum: 2,
        maximum: 10000,
        default: 100,
        description:
          'Idle HTTP connections the frontend keeps to Query (`max_idle_conns` and `max_idle_conns_per_host` of ' +
          "`--query-frontend.downstream-tripper-config`). Go's default keeps 2 per host, and every request the " +
          'frontend splits or retries then opens a new connection to the one Query Service; Thanos recommends at ' +
          'least 100.',
      }),
    ),
    logQueriesLongerThan: Type.Optional(
      Duration(
        'Log every query that takes longer than this (`--query-frontend.log-queries-longer-than`), with its ' +
          'expression, range and time taken. Off when unset.',
      ),
    ),
    cache: Cache('results cache', '128Mi'),
    labelsCache: Type.Boolean(
      withDefault({
        default: true,
        description:
          'Also split and cache label names, label values and series requests (`--labels.response-cache-config-file`, ' +
          '`--labels.split-interval` = `splitInterval`). They share the memcached; in-memory, they get a second ' +
          'cache of `cache.size`.',
      }),
    ),
    ...workloadOptions,
  },
  'Thanos Query Frontend (`thanos-query-frontend`, port 9090): the read entry point in front of Query; splits, ' +
    'retries and caches range queries.',
  { default: {} },
);
