/** Background and optional components: compactor, ruler, bucket web. */
import { Type } from '@sinclair/typebox';
import { DnsLabel, Duration, Obj, Replicas, Storage, workloadOptions } from './common.js';

export const Compactor = Obj(
  {
    enabled: Type.Boolean({ default: true, description: 'Deploy the compactor. Default true.' }),
    retention: Obj(
      {
        raw: Duration(
          'Retention of raw samples (`--retention.resolution-raw`); `0d` keeps forever. Default `30d`.',
          '30d',
        ),
        '5m': Duration('Retention of 5m downsampled data (`--retention.resolution-5m`). Default `180d`.', '180d'),
        '1h': Duration('Retention of 1h downsampled data (`--retention.resolution-1h`). Default `1y`.', '1y'),
      },
      'Retention per resolution.',
      { default: {} },
    ),
    downsampling: Type.Boolean({ default: true, description: 'Downsample blocks to 5m and 1h. Default true.' }),
    deleteDelay: Duration(
      'Delay before a block marked for deletion is removed (`--delete-delay`). Default `48h`.',
      '48h',
    ),
    deduplicationReplicaLabels: Type.Array(Type.String({ pattern: '^[a-zA-Z_][a-zA-Z0-9_]*$' }), {
      default: [],
      description:
        'Replica labels to deduplicate at compaction (`--deduplication.replica-label`); none by default, since ' +
        'this removes the replicas query would otherwise merge.',
    }),
    sharding: Type.Optional(
      Obj(
        {
          shards: Type.Integer({ minimum: 2, maximum: 32, description: 'Number of compactor shards.' }),
          label: Type.String({
            pattern: '^[a-zA-Z_][a-zA-Z0-9_]*$',
            description: 'External label whose hash decides the shard of a block stream (`hashmod`).',
          }),
        },
        'Shard compaction by an external label: one compactor StatefulSet per shard, each with a ' +
          '`--selector.relabel-config` keeping its share.',
      ),
    ),
    ...Storage,
    ...workloadOptions,
  },
  'Thanos Compactor: compaction, downsampling and retention of the bucket (one replica per shard).',
  { default: {} },
);

export const Ruler = Obj(
  {
    enabled: Type.Boolean({ default: false, description: 'Deploy the ruler. Default false.' }),
    mode: Type.Union([Type.Literal('stateless'), Type.Literal('stateful')], {
      default: 'stateless',
      description:
        '`stateless`: evaluates and remote-writes results to the receive router. `stateful`: keeps a TSDB, ' +
        'uploads blocks to object storage and serves StoreAPI. Default `stateless`.',
    }),
    replicas: Replicas('Number of ruler pods.', 1),
    evaluationInterval: Duration('Default rule evaluation interval (`--eval-interval`). Default `1m`.', '1m'),
    alertmanagers: Type.Array(Type.String({ pattern: '^(dnssrv\\+|dns\\+)?https?://[^\\s]+$' }), {
      default: [],
      description: 'Alertmanager URLs (`--alertmanagers.url`), e.g. `http://alertmanager.monitoring.svc:9093`.',
    }),
    ruleConfigMaps: Type.Array(DnsLabel('ConfigMap name.', 253), {
      default: [],
      description:
        'ConfigMaps (in the namespace, not generated) whose keys are rule files; each is mounted and loaded.',
    }),
    ...Storage,
    ...workloadOptions,
  },
  'Thanos Ruler: recording and alerting rules over the whole of Thanos.',
  { default: {} },
);

export const BucketWeb = Obj(
  {
    enabled: Type.Boolean({ default: false, description: 'Deploy the bucket web UI. Default false.' }),
    replicas: Replicas('Number of pods.', 1),
    ...workloadOptions,
  },
  'Thanos bucket web (`thanos tools bucket web`): browse the blocks in the bucket.',
  { default: {} },
);
