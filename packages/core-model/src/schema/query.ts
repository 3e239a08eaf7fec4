/** The read path entry points: Query and Query Frontend. */
import { Type } from '@sinclair/typebox';
import { Duration, Obj, Quantity, Replicas, workloadOptions } from './common.js';

export const Memcached = Obj(
  {
    replicas: Replicas('Number of memcached pods.', 1),
    memoryLimitMb: Type.Integer({
      minimum: 64,
      maximum: 65536,
      default: 1024,
      description: 'Item memory of each memcached (`-m`, MiB). The container limit adds headroom. Default 1024.',
    }),
    maxItemSize: Type.String({
      pattern: '^[0-9]+[km]$',
      default: '5m',
      description: 'Largest item memcached accepts (`-I`). Default `5m`.',
    }),
  },
  'A memcached deployment generated for this cache.',
  { default: {} },
);

export const Cache = (what: string) =>
  Obj(
    {
      type: Type.Union([Type.Literal('in-memory'), Type.Literal('memcached')], {
        default: 'in-memory',
        description: `Where the ${what} lives: in the process, or in a generated memcached. Default \`in-memory\`.`,
      }),
      size: Quantity('Size of an in-memory cache (`512Mi`). Ignored with memcached.', '512Mi'),
      memcached: Memcached,
    },
    `The ${what}.`,
    { default: {} },
  );

export const Query = Obj(
  {
    replicas: Replicas('Number of Query pods (the minimum when autoscaling).', 1),
    replicaLabels: Type.Array(Type.String({ pattern: '^[a-zA-Z_][a-zA-Z0-9_]*$' }), {
      default: ['prometheus_replica', 'rule_replica', 'replica'],
      description:
        'External labels that only tell replicas apart; series differing only by them are deduplicated ' +
        '(`--query.replica-label`). The receive ingestors add `replica`. Default ' +
        '`[prometheus_replica, rule_replica, replica]`.',
    }),
    timeout: Duration('Maximum time to process a query (`--query.timeout`). Default `2m`.', '2m'),
    lookbackDelta: Type.Optional(Duration('Lookback for instant vectors (`--query.lookback-delta`).')),
    autoscaling: Type.Optional(
      Obj(
        {
          maxReplicas: Type.Integer({ minimum: 1, maximum: 100, description: 'Upper bound of the HPA.' }),
          targetCPUUtilization: Type.Integer({
            minimum: 10,
            maximum: 100,
            default: 70,
            description: 'Average CPU utilisation (percent of requests) the HPA aims for. Default 70.',
          }),
        },
        'A HorizontalPodAutoscaler for Query, from `replicas` to `maxReplicas`.',
      ),
    ),
    ...workloadOptions,
  },
  'Thanos Query: the PromQL engine that fans out to ingestors, store gateways and the ruler.',
  { default: {} },
);

export const QueryFrontend = Obj(
  {
    enabled: Type.Boolean({ default: true, description: 'Deploy Query Frontend in front of Query. Default true.' }),
    replicas: Replicas('Number of Query Frontend pods.', 1),
    splitInterval: Duration(
      'Split range queries by this interval (`--query-range.split-interval`). Default `24h`.',
      '24h',
    ),
    maxRetries: Type.Integer({
      minimum: 0,
      maximum: 20,
      default: 5,
      description: 'Retries of a failed query (`--query-range.max-retries-per-request`). Default 5.',
    }),
    cache: Cache('results cache'),
    ...workloadOptions,
  },
  'Thanos Query Frontend: splits, retries and caches range queries.',
  { default: {} },
);
