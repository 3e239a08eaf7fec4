/** Background and optional components: compactor, ruler, bucket web. */
import { Type } from '@sinclair/typebox';
import { ALERTMANAGER_URL, DnsLabel, Duration, Obj, Quantity, Replicas, Storage, workloadOptions } from './common.js';

const LABEL_NAME = '^[a-zA-Z_][a-zA-Z0-9_]*$';

export const Compactor = Obj(
  {
    enabled: Type.Boolean({ default: true, description: 'Deploy the compactor. Default true.' }),
    retention: Obj(
      {
        raw: Duration(
          'Retention of raw samples (`--retention.resolution-raw`); `0d` keeps forever. With downsampling on, ' +
            'at least `40h` (the compactor refuses less: raw blocks are only downsampled once 40h long). ' +
            'Default `30d`.',
          '30d',
        ),
        '5m': Duration(
          'Retention of 5m downsampled data (`--retention.resolution-5m`); `0d` keeps forever. With ' +
            'downsampling on, at least `10d` (the age at which 1h downsampling happens). Default `180d`.',
          '180d',
        ),
        '1h': Duration(
          'Retention of 1h downsampled data (`--retention.resolution-1h`); `0d` keeps forever. Default `1y`.',
          '1y',
        ),
      },
      'Retention per resolution. Queries over old ranges fall back to the coarser resolutions, so keep ' +
        '`raw` <= `5m` <= `1h` unless you mean to drop detail first.',
      { default: {} },
    ),
    downsampling: Type.Boolean({
      default: true,
      description: 'Downsample blocks to 5m and 1h resolution; `false` passes `--downsampling.disable`. Default true.',
    }),
    deleteDelay: Duration(
      'Delay before a block marked for deletion is removed (`--delete-delay`), so store gateways and queries ' +
        'that still use it are not cut off. Default `48h`.',
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

export const Ruler = Obj(
  {
    enabled: Type.Boolean({ default: false, description: 'Deploy the ruler. Default false.' }),
    mode: Type.Union([Type.Literal('stateless'), Type.Literal('stateful')], {
      default: 'stateless',
      description:
        '`stateless`: evaluates and remote-writes results to the receive router (`--remote-write.config-file`); ' +
        "keeps only a WAL in an emptyDir and needs no bucket access. After a restart it restores pending alerts' " +
        '`for` timers from `ALERTS_FOR_STATE` read back through Query, ignoring the labels those series gained on ' +
        "the way (the ruler's and the ingestors' external labels and the tenant label, minus Query's replica " +
        'labels: `--restore-ignored-label`). `stateful`: keeps a TSDB on a persistent volume, uploads blocks to ' +
        'object storage, serves StoreAPI to query and restores alert state from its own TSDB. In both modes ' +
        "Query lists the ruler as an endpoint for its Rules API (Query's rules and alerts pages, Grafana's alert " +
        'views). Default `stateless`.',
    }),
    replicas: Replicas(
      'Number of ruler pods. Each evaluates every rule; results carry `rule_replica` (a query replica label) ' +
        'and alerts drop it, so Alertmanager deduplicates them. Default 1.',
      1,
    ),
    evaluationInterval: Duration('Default rule evaluation interval (`--eval-interval`). Default `1m`.', '1m'),
    alertmanagers: Type.Array(Type.String({ pattern: ALERTMANAGER_URL }), {
      default: [],
      description:
        'Alertmanager URLs (`--alertmanagers.url`), e.g. `http://alertmanager-operated.monitoring.svc:9093` or ' +
        '`dnssrv+http://_web._tcp.alertmanager-operated.monitoring.svc`. Alerts go to all of them.',
    }),
    ruleConfigMaps: Type.Array(DnsLabel('ConfigMap name.', 253), {
      default: [],
      description:
        'ConfigMaps (in the namespace, not generated) holding rule files: each is mounted at ' +
        '`/etc/thanos/rules/<name>/` and its keys ending in `.yaml` or `.yml` are loaded. The ruler does not ' +
        'watch them: restart it (or POST `/-/reload`) after changing one.',
    }),
    retention: Type.Optional(
      Duration(
        'Stateful mode: how long the ruler keeps its TSDB (`--tsdb.retention`). The store gateway only serves ' +
          'what is older than the receive retention, so this must reach that far. Default: `receive.retention` ' +
          'when receive is enabled, else `48h`.',
      ),
    ),
    storage: Quantity(
      'Stateful mode: size of the TSDB volume of each pod. Stateless mode: size limit of the WAL emptyDir. ' +
        'Default `10Gi`.',
      '10Gi',
    ),
    storageClass: Storage.storageClass,
    ...workloadOptions,
  },
  'Thanos Ruler: recording and alerting rules over the whole of Thanos, evaluated through Query.',
  { default: {} },
);

export const BucketWeb = Obj(
  {
    enabled: Type.Boolean({ default: false, description: 'Deploy the bucket web UI. Default false.' }),
    replicas: Replicas('Number of pods.', 1),
    refresh: Duration(
      'How often block metadata is downloaded from the bucket (`--refresh`); at least twice `timeout`. ' +
        'Default `30m`.',
      '30m',
    ),
    timeout: Duration('Timeout of one metadata download (`--timeout`). Default `5m`.', '5m'),
    label: Type.Optional(
      Type.String({
        pattern: LABEL_NAME,
        description:
          'External block label whose value titles the block groups in the UI (`--label`). Default: ' +
          '`receive.tenantLabel` when receive is enabled, else none.',
      }),
    ),
    ...workloadOptions,
  },
  'Thanos bucket web (`thanos tools bucket web`): browse the blocks in the bucket, read-only (admin ' +
    'operations such as marking blocks for deletion are disabled).',
  { default: {} },
);
