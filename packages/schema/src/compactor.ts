/** The `compactor` section: compaction, downsampling, retention, deduplication, sharding. */
import { Type } from '@sinclair/typebox';
import { Duration, LABEL_NAME, Obj, Storage, withDefault, workloadOptions } from './common.js';

export const Compactor = Obj(
  {
    enabled: Type.Boolean(withDefault({ default: true, description: 'Deploy the compactor.' })),
    retention: Obj(
      {
        raw: Duration(
          'Retention of raw samples (`--retention.resolution-raw`); `0d` keeps forever. With downsampling on, ' +
            'at least `40h` (the compactor refuses less: raw blocks are only downsampled once 40h long).',
          '30d',
        ),
        '5m': Duration(
          'Retention of 5m downsampled data (`--retention.resolution-5m`); `0d` keeps forever. With ' +
            'downsampling on, at least `10d` (the age at which 1h downsampling happens).',
          '180d',
        ),
        '1h': Duration('Retention of 1h downsampled data (`--retention.resolution-1h`); `0d` keeps forever.', '1y'),
      },
      'Retention per resolution. Queries over old ranges fall back to the coarser resolutions, so keep ' +
        '`raw` <= `5m` <= `1h` unless you mean to drop detail first.',
      { default: {} },
    ),
    downsampling: Type.Boolean(
      withDefault({
        default: true,
        description: 'Downsample blocks to 5m and 1h resolution; `false` passes `--downsampling.disable`.',
      }),
    ),
    deleteDelay: Duration(
      'Delay before a block marked for deletion is removed (`--delete-delay`), so store gateways and queries ' +
        'that still use it are not cut off.',
      '48h',
    ),
    deduplicationReplicaLabels: Type.Optional(
      Type.Array(Type.String({ pattern: LABEL_NAME }), {
        description:
          'Replica labels to deduplicate at compaction (`--deduplication.replica-label`): blocks differing only ' +
          'by them are merged into one, irreversibly (vertical compaction). Default: `[replica]` when receive ' +
          'runs with `replicationFactor` > 1, else none. With replication every ingestor uploads its own copy of ' +
          'each block, told apart only by its `replica` external label, so without this the bucket, the ' +
          "compactor's work, the store gateways' index headers and the index cache all hold `replicationFactor` " +
          "copies forever (Thanos' compactor docs name this case). Only block external labels count: series " +
          "labels such as the stateless ruler's `rule_replica` travel inside the blocks and are never merged " +
          'here (query deduplicates them at read time). Set `[]` to keep every copy.',
      }),
    ),
    deduplicationFunc: Type.Optional(
      Type.Union([Type.Literal('penalty'), Type.Literal('exact')], {
        description:
          "How replicas are merged (`--deduplication.func`). `exact` (Thanos' default merger, no flag) is a " +
          'one-to-one sample merge: right for receive replicas, which hold the very same samples at the very same ' +
          'timestamps, and cheaper. `penalty` (the algorithm query uses at read time) is needed for replicas that ' +
          'sample at different instants, such as Prometheus HA pairs or stateful rulers uploading blocks. Default: ' +
          "`exact` when the labels are only the ingestors' `replica`, else `penalty`.",
      }),
    ),
    sharding: Type.Optional(
      Obj(
        {
          shards: Type.Integer({ minimum: 2, maximum: 32, description: 'Number of compactor shards.' }),
          label: Type.String({
            pattern: LABEL_NAME,
            description:
              'External label whose hash decides the shard of a block stream (`hashmod`). Blocks without it ' +
              'all land on one shard. It must not be a deduplication replica label (replicas would be split ' +
              'across shards and never merged).',
          }),
        },
        'Shard compaction by an external label: one compactor StatefulSet per shard, each reading its ' +
          '`hashmod` selector from a generated ConfigMap (`--selector.relabel-config-file`).',
      ),
    ),
    ...Storage,
    ...workloadOptions,
  },
  'Thanos Compactor: compaction, downsampling and retention of the bucket. Exactly one pod per shard: two ' +
    'compactors working on the same blocks corrupt the bucket.',
  { default: {} },
);
