/** The store gateway: historical blocks from object storage. */
import { Type } from '@sinclair/typebox';
import { Cache } from './caches.js';
import { Duration, Obj, Replicas, Storage, workloadOptions } from './common.js';

/** A Thanos time bound: RFC 3339, or a duration relative to now (`-14d`). */
export const TIME_BOUND =
  '^(-?(0|([0-9]+y)?([0-9]+w)?([0-9]+d)?([0-9]+h)?([0-9]+m)?([0-9]+s)?)|[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2}))$';

export const Partition = Obj(
  {
    minTime: Type.Optional(
      Type.String({
        pattern: TIME_BOUND,
        description:
          'Oldest data this partition serves (`--min-time`): RFC 3339 or relative (`-90d`). Unbounded when unset.',
      }),
    ),
    maxTime: Type.Optional(
      Type.String({
        pattern: TIME_BOUND,
        description:
          'Newest data this partition serves (`--max-time`): RFC 3339 or relative (`-14d`). Unset on the newest ' +
          'partition means: the receive retention minus `overlap`.',
      }),
    ),
  },
  'A time partition of the store gateway: its own set of shards serving [minTime, maxTime].',
);

export const StoreGateway = Obj(
  {
    enabled: Type.Boolean({ default: true, description: 'Deploy the store gateway. Default true.' }),
    shards: Type.Integer({
      minimum: 1,
      maximum: 64,
      default: 1,
      description: 'Hash shards per time partition (blocks split by `__block_id`). Default 1.',
    }),
    replicasPerShard: Replicas('Pods per shard, for availability. Default 1.', 1),
    partitions: Type.Array(Partition, {
      default: [{}],
      description:
        'Time partitions, newest first. Default one partition serving everything older than the receive ' +
        'retention (with `overlap`).',
    }),
    overlap: Duration(
      'How far the store gateway reaches into the receive retention, so a query never falls into a gap ' +
        'while blocks upload and sync; query deduplicates the overlap. Default `6h`.',
      '6h',
    ),
    indexCache: Cache('index cache'),
    bucketCache: Obj(
      {
        enabled: Type.Boolean({
          default: false,
          description:
            'Cache chunks and object metadata in memcached (`--store.caching-bucket.config`). Default false.',
        }),
        memcached: Type.Object(
          {},
          {
            additionalProperties: false,
            default: {},
            description: 'No options yet: the caching bucket uses the memcached of `indexCache`.',
          },
        ),
      },
      'The caching bucket (chunks and metadata) in front of object storage; uses the index cache memcached.',
      { default: {} },
    ),
    ...Storage,
    ...workloadOptions,
  },
  'Thanos Store Gateway: serves blocks from object storage older than the receive retention.',
  { default: {} },
);
