/** The store gateway: historical blocks from object storage. */
import { Type } from '@sinclair/typebox';
import { Cache, ChunkMemcached } from './caches.js';
import { Duration, Obj, Replicas, Storage, withDefault, workloadOptions } from './common.js';
import { StoreRequestLimits } from './request-limits.js';

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
          'partition: up to now with `recentBlocks: serve` (the default), the receive retention minus `overlap` ' +
          'with `recentBlocks: skip`.',
      }),
    ),
  },
  'A time partition of the store gateway: its own set of shards serving [minTime, maxTime].',
);

export const StoreGateway = Obj(
  {
    enabled: Type.Boolean(withDefault({ default: true, description: 'Deploy the store gateway.' })),
    shards: Type.Integer(
      withDefault({
        minimum: 1,
        maximum: 64,
        default: 1,
        description: 'Hash shards per time partition (blocks split by `__block_id`).',
      }),
    ),
    replicasPerShard: Replicas(
      'Pods per shard, for availability. With 2 or more a shard keeps serving while its pods are replaced one by one ' +
        "(a rollout, a node drain); with 1 its blocks are unavailable from the old pod's stop until the new one " +
        'has loaded its index headers.',
      1,
    ),
    partitions: Type.Array(Partition, {
      default: [{}],
      description: 'Time partitions, newest first. Default one partition serving everything (see `recentBlocks`).',
    }),
    recentBlocks: Type.Union([Type.Literal('serve'), Type.Literal('skip')], {
      default: 'serve',
      description:
        'What the newest partition does with blocks younger than `receive.retention`, which the ingestors also ' +
        'answer from their disks. `serve` (default): it serves them too, up to now, and Query deduplicates the ' +
        "overlap (the series are the same once the ingestors' `replica` label is dropped): losing an ingestor " +
        'volume, or scaling a hashring down, leaves no hole in recent history, since the bucket has every block ' +
        "uploaded. The cost: the store gateways' index headers, disk and index cache also cover those recent " +
        '(mostly not yet compacted) blocks, and recent queries read both. `skip`: the older-only split, ' +
        'cheaper: the newest partition ends at `-(receive.retention - overlap)`, and recent history exists ' +
        "only on the ingestors' volumes. Only applies when the newest partition sets no `maxTime`.",
    }),
    overlap: Duration(
      'With `recentBlocks: skip`: how far the store gateway reaches into the receive retention, so a query never ' +
        'falls into a gap while blocks upload and sync; query deduplicates the overlap.',
      '6h',
    ),
    limits: StoreRequestLimits,
    indexCache: Cache('index cache'),
    bucketCache: Obj(
      {
        enabled: Type.Boolean(
          withDefault({
            default: false,
            description:
              'Cache chunks and object metadata (meta files, block lists) in memcached ' +
              '(`--store.caching-bucket.config-file`): fewer object-storage reads for queries over the store ' +
              'gateways.',
          }),
        ),
        memcached: ChunkMemcached,
      },
      'The caching bucket (chunks and metadata) in front of object storage, in its own memcached by default.',
      { default: {} },
    ),
    ...Storage,
    ...workloadOptions,
  },
  'Thanos Store Gateway: serves the blocks in object storage; the ingestors answer the recent days too (see ' +
    '`recentBlocks`).',
  { default: {} },
);
