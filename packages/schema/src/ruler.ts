/** The `ruler` section: rule evaluation, stateless or stateful. */
import { Type } from '@sinclair/typebox';
import {
  ALERTMANAGER_URL,
  ByteSize,
  DnsLabel,
  Duration,
  Obj,
  Replicas,
  Storage,
  withDefault,
  workloadOptions,
} from './common.js';

export const Ruler = Obj(
  {
    enabled: Type.Boolean(withDefault({ default: false, description: 'Deploy the ruler.' })),
    mode: Type.Union(
      [Type.Literal('stateless'), Type.Literal('stateful')],
      withDefault({
        default: 'stateless',
        description:
          '`stateless`: evaluates and remote-writes results to the receive router (`--remote-write.config-file`); ' +
          "keeps only a WAL in an emptyDir and needs no bucket access. After a restart it restores pending alerts' " +
          '`for` timers from `ALERTS_FOR_STATE` read back through Query, ignoring the labels those series gained on ' +
          "the way (the ruler's and the ingestors' external labels and the tenant label, minus Query's replica " +
          'labels: `--restore-ignored-label`). `stateful`: keeps a TSDB on a persistent volume, uploads blocks to ' +
          'object storage, serves StoreAPI to query and restores alert state from its own TSDB. In both modes ' +
          "Query lists the ruler as an endpoint for its Rules API (Query's rules and alerts pages, Grafana's alert " +
          'views).',
      }),
    ),
    replicas: Replicas(
      'Number of ruler pods. Each evaluates every rule; results carry `rule_replica` (a query replica label) ' +
        'and alerts drop it, so Alertmanager deduplicates them.',
      1,
    ),
    evaluationInterval: Duration('Default rule evaluation interval (`--eval-interval`); longer than 0.', '1m'),
    alertmanagers: Type.Array(Type.String({ pattern: ALERTMANAGER_URL }), {
      default: [],
      description:
        'Alertmanager URLs (`--alertmanagers.url`). Alerts go to every address a URL resolves to, so name a ' +
        'replicated Alertmanager through DNS discovery: `dnssrv+http://_web._tcp.alertmanager-operated.monitoring.svc` ' +
        '(SRV records of its headless Service: every pod and its port) or ' +
        '`dns+http://alertmanager-operated.monitoring.svc:9093` (every A record, on that port). A plain ' +
        '`http://…` URL is one static address: behind a headless Service only one pod would get alerts, so a URL ' +
        'that looks headless (`…-operated`, or `headless` in the name) is generated with `dns+` and warned about.',
    }),
    ruleConfigMaps: Type.Array(DnsLabel('ConfigMap name.', 253), {
      default: [],
      description:
        'ConfigMaps (in the namespace, not generated) holding rule files: each is mounted at ' +
        '`/etc/thanos/rules/<name>/` and its keys ending in `.yaml` or `.yml` are loaded. A config-reloader ' +
        'sidecar (pinned prometheus-config-reloader, restricted security context) watches them and POSTs the ' +
        "ruler's `/-/reload` when one changes, so edits apply within about a minute without a restart. The " +
        'volumes are `optional`: a ConfigMap that does not exist yet leaves its directory empty rather than ' +
        'keeping every ruler pod from starting (and every other rule from being evaluated); it is loaded once ' +
        'created. Watch `thanos_rule_loaded_rules` for rules you expect.',
    }),
    retention: Type.Optional(
      Duration(
        'Stateful mode: how long the ruler keeps its TSDB (`--tsdb.retention`). The store gateway only serves ' +
          'what is older than the receive retention, so this must reach that far. Default: `receive.retention` ' +
          'when receive is enabled, else `48h`.',
      ),
    ),
    storage: ByteSize(
      'Stateful mode: size of the TSDB volume of each pod. Stateless mode: size limit of the WAL emptyDir.',
      '10Gi',
    ),
    storageClass: Storage.storageClass,
    ...workloadOptions,
  },
  'Thanos Ruler: recording and alerting rules over the whole of Thanos, evaluated through Query.',
  { default: {} },
);
