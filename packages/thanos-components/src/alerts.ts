/**
 * The PrometheusRule `thanos-alerts`: alerts for the failure modes of this deployment, one group per enabled
 * component plus one for availability. Every selector is scoped to the namespace and to the jobs the
 * ServiceMonitors produce (Prometheus Operator names a target's job after its Service), so the rules see only
 * this deployment even when the same Prometheus scrapes several. Metric names are those Thanos v0.42 exposes.
 */

import { PrometheusRule } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PrometheusRule';
import type { ComponentKind } from '@thanos-gitops/catalog';
import type { Manifest } from '@thanos-gitops/manifests';
import { names, storageOptions, writeQuorum } from '@thanos-gitops/model';
import type { Environment } from '@thanos-gitops/schema';
import type { RenderContext } from './context.js';
import { metadata } from './objects.js';
import { recordingGroups } from './recording-rules.js';
import { type Jobs, jobSelector, scrapeJobs } from './scrape-jobs.js';

export { type Jobs, jobSelector, scrapeJobs } from './scrape-jobs.js';

const FOLDER = 'monitoring';

export type Severity = 'critical' | 'warning' | 'info';

export interface Alert {
  alert: string;
  expr: string;
  for: string;
  severity: Severity;
  /** Labels besides `severity`. */
  labels?: Record<string, string>;
  summary: string;
  description: string;
}

export interface AlertGroup {
  name: string;
  alerts: Alert[];
}

/** `rate(numerator) / rate(denominator)` summed per job (a fraction), compared with a threshold. */
function ratioAbove(numerator: string, denominator: string, threshold: number, by = 'namespace, job'): string {
  return [
    '(',
    `  sum by (${by}) (rate(${numerator}[5m]))`,
    '/',
    `  sum by (${by}) (rate(${denominator}[5m]))`,
    `) > ${threshold}`,
  ].join('\n');
}

/** Fraction of failed requests above which the error-rate alerts fire. */
const ERROR_RATIO = 0.05;

const PERCENT = '{{ $value | humanizePercentage }}';
const AT = '{{ $labels.namespace }}/{{ $labels.job }}';
const POD = '{{ $labels.namespace }}/{{ $labels.pod }}';

/**
 * `thanos_receive_replications_total` counts each of the `replicationFactor` copies a router forwards, not
 * writes: a write fails only when more than `RF - quorum` of its copies fail. So the alert compares the failed
 * share of copies with `(RF - quorum) / RF` (1/3 for RF 3, 2/5 for RF 5), the share at which writes on average
 * lose their quorum. With RF 1 every failed copy is a failed write, and the usual error ratio applies.
 */
export function replicationErrorThreshold(rf: number): number {
  return rf > 1 ? (rf - writeQuorum(rf)) / rf : ERROR_RATIO;
}

function replicationAlert(env: Environment, router: string): Alert {
  const rf = env.receive.replicationFactor;
  const q = writeQuorum(rf);
  const threshold = replicationErrorThreshold(rf);
  return {
    alert: 'ThanosReceiveReplicationErrorRateHigh',
    expr: ratioAbove(
      `thanos_receive_replications_total{${router}, result="error"}`,
      `thanos_receive_replications_total{${router}}`,
      Number(threshold.toFixed(4)),
    ),
    for: '5m',
    severity: 'critical',
    summary:
      rf > 1
        ? 'Receive routers fail so many replica writes that writes lose their quorum.'
        : 'Receive routers fail to write samples to the ingestors.',
    description:
      rf > 1
        ? `${AT} fails ${PERCENT} of replica writes to ingestors; a write needs ${q} of its ${rf} copies, so ` +
          `above ${rf - q} in ${rf} failed copies writes are being refused.`
        : `${AT} fails ${PERCENT} of writes to ingestors (replication factor 1: each failure loses the write).`,
  };
}

function receiveGroup(env: Environment, jobs: Jobs): AlertGroup {
  const router = jobSelector(env, jobs['receive-router']);
  const receiveHttp = (extra: string) =>
    `http_requests_total{${jobSelector(env, jobs['receive-router'], `handler="receive"${extra}`)}}`;
  const ingestors = jobSelector(env, jobs['receive-ingestor']);
  return {
    name: 'thanos-receive',
    alerts: [
      {
        alert: 'ThanosReceiveHttpRequestErrorRateHigh',
        expr: ratioAbove(receiveHttp(', code=~"5.."'), receiveHttp(''), ERROR_RATIO),
        for: '5m',
        severity: 'critical',
        summary: 'Receive routers are failing remote-write requests.',
        description: `${AT} answers ${PERCENT} of remote-write requests with a server error: writers retry or lose samples.`,
      },
      replicationAlert(env, router),
      {
        alert: 'ThanosReceiveForwardErrorRateHigh',
        expr: ratioAbove(
          `thanos_receive_forward_requests_total{${router}, result="error"}`,
          `thanos_receive_forward_requests_total{${router}}`,
          ERROR_RATIO,
        ),
        for: '10m',
        severity: 'warning',
        summary: 'Receive routers fail to forward to some ingestors.',
        description: `${AT} fails ${PERCENT} of forward requests to ingestors; check the ingestors and their hashring.`,
      },
      {
        alert: 'ThanosReceiveHashringConfigReloadFailing',
        expr: `min by (namespace, job) (thanos_receive_config_last_reload_successful{${router}}) != 1`,
        for: '10m',
        severity: 'warning',
        summary: 'Receive routers cannot load the hashring configuration.',
        description: `${AT} failed to reload the hashrings file; it routes with the last good configuration.`,
      },
      {
        alert: 'ThanosReceiveIngestorNotUploading',
        // An ingestor cuts a block every 2h once its head spans 3h; a pod up for 6h must have uploaded in 3h.
        expr: [
          `sum by (namespace, job, pod) (increase(thanos_shipper_uploads_total{${ingestors}}[3h])) == 0`,
          'and on (namespace, job, pod)',
          `(time() - max by (namespace, job, pod) (process_start_time_seconds{${ingestors}})) > 6 * 3600`,
        ].join('\n'),
        for: '1h',
        severity: 'critical',
        summary: 'An ingestor has not uploaded a block to object storage.',
        description: `${POD} has uploaded no block for over 3 hours: its data is only on its disk.`,
      },
      {
        alert: 'ThanosReceiveIngestorUploadFailing',
        expr: `sum by (namespace, job, pod) (increase(thanos_shipper_upload_failures_total{${ingestors}}[1h])) > 0`,
        for: '15m',
        severity: 'warning',
        summary: 'An ingestor fails to upload blocks to object storage.',
        description: `${POD} failed {{ $value | humanize }} block uploads in the last hour.`,
      },
      ...rejectedSampleAlerts(ingestors),
      ...tenantLimitAlerts(env, router, ingestors),
    ],
  };
}

/** Samples the ingestors refuse: out of order (older than the series' newest), or before the head's time range. */
function rejectedSampleAlerts(ingestors: string): Alert[] {
  const rejected = (alert: string, metric: string, what: string): Alert => ({
    alert,
    expr: `sum by (namespace, job, tenant) (rate(${metric}{${ingestors}}[5m])) > 0`,
    for: '15m',
    severity: 'warning',
    summary: `Ingestors refuse ${what} samples.`,
    description:
      `${AT} refuses {{ $value | humanize }} ${what} samples per second of tenant {{ $labels.tenant }}: a writer ` +
      'sends duplicates with other values, restarted with an old WAL, or two writers share external labels.',
  });
  return [
    rejected('ThanosReceiveOutOfOrderSamples', 'prometheus_tsdb_out_of_order_samples_total', 'out-of-order'),
    rejected(
      'ThanosReceiveOutOfBoundsSamples',
      'prometheus_tsdb_out_of_bound_samples_total',
      'too old (out-of-bounds)',
    ),
  ];
}

/** A tenant whose active series near its `head_series_limit` (each series is held by `rf` ingestors). */
function nearSeriesLimit(rf: number, router: string, ingestors: string): Alert {
  return {
    alert: 'ThanosReceiveTenantNearSeriesLimit',
    // Each series is held by `rf` ingestors; the routers export each tenant's configured limit.
    expr: [
      `(sum by (namespace, tenant) (prometheus_tsdb_head_series{${ingestors}}) / ${rf})`,
      '/ on (namespace, tenant)',
      `max by (namespace, tenant) (thanos_receive_head_series_limit{${router}} > 0)`,
      '> 0.8',
    ].join('\n'),
    for: '15m',
    severity: 'warning',
    summary: 'A tenant is near its active series limit.',
    description: `Tenant {{ $labels.tenant }} of {{ $labels.namespace }} uses ${PERCENT} of its head series limit; at the limit its writes are refused.`,
  };
}

/** With a limits file: tenants near their head series limit, and requests the routers refuse for a limit. */
function tenantLimitAlerts(env: Environment, router: string, ingestors: string): Alert[] {
  const limits = env.receive.limits;
  if (!limits) return [];
  const rf = env.receive.replicationFactor;
  const tenants = [limits.write.default, ...Object.values(limits.write.tenants ?? {})];
  const seriesLimited = tenants.some((t) => t?.head_series_limit !== undefined);
  return [
    ...(seriesLimited ? [nearSeriesLimit(rf, router, ingestors)] : []),
    {
      alert: 'ThanosReceiveRequestsRefusedByLimits',
      expr: `sum by (namespace, job) (rate(http_requests_total{${router}, handler="receive", code=~"413|429"}[5m])) > 0`,
      for: '15m',
      severity: 'warning',
      summary: 'Receive routers refuse remote-write requests for a limit.',
      description: `${AT} refuses {{ $value | humanize }} requests per second with 413 or 429 (a request or tenant limit): those samples are lost unless the writer retries.`,
    },
  ];
}

function queryGroup(env: Environment, jobs: Jobs): AlertGroup {
  const query = jobSelector(env, jobs.query);
  const queryHttp = jobSelector(env, jobs.query, 'handler=~"query|query_range"');
  const alerts: Alert[] = [
    {
      alert: 'ThanosQueryHttpRequestErrorRateHigh',
      expr: ratioAbove(
        `http_requests_total{${queryHttp}, code=~"5.."}`,
        `http_requests_total{${queryHttp}}`,
        ERROR_RATIO,
        'namespace, job, handler',
      ),
      for: '5m',
      severity: 'critical',
      summary: 'Query is failing queries.',
      description: `${AT} answers ${PERCENT} of {{ $labels.handler }} requests with a server error.`,
    },
    {
      alert: 'ThanosQueryStoreApiErrorRateHigh',
      // Canceled: the caller gave up (a user closed the dashboard), not a failure of the endpoint.
      expr: ratioAbove(
        `grpc_client_handled_total{${query}, grpc_code!~"OK|Canceled"}`,
        `grpc_client_started_total{${query}}`,
        ERROR_RATIO,
      ),
      for: '15m',
      severity: 'warning',
      summary: 'Query gets errors from StoreAPI endpoints.',
      description: `${PERCENT} of the StoreAPI calls of ${AT} fail: results may be partial.`,
    },
  ];
  if (jobs['query-frontend'].length > 0) {
    const frontend = jobSelector(env, jobs['query-frontend'], 'handler="query-frontend"');
    alerts.push({
      alert: 'ThanosQueryFrontendErrorRateHigh',
      expr: ratioAbove(
        `http_requests_total{${frontend}, code=~"5.."}`,
        `http_requests_total{${frontend}}`,
        ERROR_RATIO,
      ),
      for: '5m',
      severity: 'critical',
      summary: 'The query frontend is failing queries.',
      description: `${AT} answers ${PERCENT} of requests with a server error.`,
    });
  }
  return { name: 'thanos-query', alerts };
}

function bucketFailures(alert: string, who: string, env: Environment, jobs: string[]): Alert {
  return {
    alert,
    expr: ratioAbove(
      `thanos_objstore_bucket_operation_failures_total{${jobSelector(env, jobs)}}`,
      `thanos_objstore_bucket_operations_total{${jobSelector(env, jobs)}}`,
      ERROR_RATIO,
    ),
    for: '15m',
    severity: 'warning',
    summary: `The ${who} fails operations on object storage.`,
    description: `${PERCENT} of the bucket operations of ${AT} fail.`,
  };
}

function storeGroup(env: Environment, jobs: Jobs): AlertGroup {
  const store = jobSelector(env, jobs['store-gateway']);
  return {
    name: 'thanos-store',
    alerts: [
      bucketFailures('ThanosStoreBucketOperationFailures', 'store gateway', env, jobs['store-gateway']),
      {
        alert: 'ThanosStoreGrpcErrorRateHigh',
        expr: ratioAbove(
          `grpc_server_handled_total{${store}, grpc_code=~"Unknown|Internal|Unavailable|DataLoss|DeadlineExceeded"}`,
          `grpc_server_started_total{${store}}`,
          ERROR_RATIO,
        ),
        for: '5m',
        severity: 'warning',
        summary: 'The store gateway fails StoreAPI requests.',
        description: `${AT} fails ${PERCENT} of its StoreAPI requests: queries over old data may be partial.`,
      },
      hitRatioCollapsed('ThanosStoreIndexCacheHitRatioCollapsed', 'index cache', 'thanos_store_index_cache', store),
      hitRatioCollapsed('ThanosCacheHitRatioCollapsed', 'memcached cache', 'thanos_cache_memcached', store, 'name'),
    ],
  };
}

/** A cache's hit ratio fallen below half of what it was a day before (`<prefix>_hits_total` / `_requests_total`). */
function hitRatioCollapsed(alert: string, what: string, prefix: string, selector: string, by = ''): Alert {
  const keys = `namespace, job${by ? `, ${by}` : ''}`;
  const ratio = (offset: string) =>
    `sum by (${keys}) (rate(${prefix}_hits_total{${selector}}[30m]${offset})) / ` +
    `sum by (${keys}) (rate(${prefix}_requests_total{${selector}}[30m]${offset}))`;
  return {
    alert,
    expr: `(${ratio('')})\n< 0.5 * (${ratio(' offset 1d')})`,
    for: '30m',
    severity: 'warning',
    summary: `The ${what} hit ratio has collapsed.`,
    description: `${AT}${by ? ` ({{ $labels.${by} }})` : ''} hits its ${what} less than half as often as a day ago: queries read the bucket instead, slower and costlier.`,
  };
}

function compactGroup(env: Environment, jobs: Jobs): AlertGroup {
  const compact = jobSelector(env, jobs.compactor);
  return {
    name: 'thanos-compact',
    alerts: [
      {
        alert: 'ThanosCompactHalted',
        expr: `max by (namespace, job) (thanos_compact_halted{${compact}}) == 1`,
        for: '5m',
        severity: 'critical',
        summary: 'The compactor has halted.',
        description:
          `${AT} halted after an error it cannot retry (such as overlapping blocks): no compaction, downsampling ` +
          'or retention happens until an operator fixes the bucket and restarts it.',
      },
      {
        alert: 'ThanosCompactNotRunning',
        expr: [
          `sum by (namespace, job) (increase(thanos_compact_iterations_total{${compact}}[6h])) == 0`,
          'and on (namespace, job)',
          `(time() - max by (namespace, job) (process_start_time_seconds{${compact}})) > 6 * 3600`,
        ].join('\n'),
        for: '30m',
        severity: 'warning',
        summary: 'The compactor has not completed a run in 6 hours.',
        description: `${AT} has finished no compaction iteration in 6 hours.`,
      },
      {
        alert: 'ThanosCompactMultipleRunning',
        expr: `sum by (namespace, job) (up{${compact}}) > 1`,
        for: '5m',
        severity: 'critical',
        summary: 'More than one compactor runs on the same blocks.',
        description: `${AT} has {{ $value }} pods: concurrent compactors corrupt the bucket. Keep one per shard.`,
      },
      {
        alert: 'ThanosCompactCompactionFailures',
        expr: ratioAbove(
          `thanos_compact_group_compactions_failures_total{${compact}}`,
          `thanos_compact_group_compactions_total{${compact}}`,
          ERROR_RATIO,
        ),
        for: '15m',
        severity: 'warning',
        summary: 'The compactor fails compactions.',
        description: `${AT} fails ${PERCENT} of its compactions.`,
      },
      bucketFailures('ThanosCompactBucketOperationFailures', 'compactor', env, jobs.compactor),
      {
        alert: 'ThanosCompactBacklog',
        // Each iteration plans and works off its compactions: one left over for a whole day is a backlog.
        expr: `min by (namespace, job) (min_over_time(thanos_compact_todo_compactions{${compact}}[24h])) > 0`,
        for: '1h',
        severity: 'warning',
        summary: 'The compactor does not keep up.',
        description: `${AT} has had at least {{ $value }} compactions waiting for a day: queries over old data read uncompacted blocks and retention lags.`,
      },
    ],
  };
}

function ruleGroup(env: Environment, jobs: Jobs): AlertGroup {
  const rule = jobSelector(env, jobs.ruler);
  const alerts: Alert[] = [
    {
      alert: 'ThanosRuleEvaluationFailures',
      expr: `sum by (namespace, job, pod) (rate(prometheus_rule_evaluation_failures_total{${rule}}[5m])) > 0`,
      for: '15m',
      severity: 'critical',
      summary: 'The ruler fails to evaluate rules.',
      description: `${POD} fails {{ $value | humanize }} rule evaluations per second: alerts and recorded series are missing.`,
    },
    {
      alert: 'ThanosRuleSenderDroppingAlerts',
      expr: `sum by (namespace, job, pod) (rate(thanos_alert_sender_alerts_dropped_total{${rule}}[5m])) > 0`,
      for: '5m',
      severity: 'critical',
      summary: 'The ruler cannot deliver alerts to Alertmanager.',
      description: `${POD} drops alerts it fails to send to Alertmanager.`,
    },
    {
      alert: 'ThanosRuleQueueDroppingAlerts',
      expr: `sum by (namespace, job, pod) (rate(thanos_alert_queue_alerts_dropped_total{${rule}}[5m])) > 0`,
      for: '5m',
      severity: 'critical',
      summary: 'The ruler alert queue overflows.',
      description: `${POD} drops alerts because its queue to Alertmanager is full.`,
    },
    {
      alert: 'ThanosRuleConfigReloadFailing',
      expr: `min by (namespace, job, pod) (thanos_rule_config_last_reload_successful{${rule}}) != 1`,
      for: '10m',
      severity: 'warning',
      summary: 'The ruler cannot load its rule files.',
      description: `${POD} failed to reload its rules; it evaluates the last good ones.`,
    },
  ];
  if (env.ruler.mode === 'stateless') {
    alerts.push({
      alert: 'ThanosRuleRemoteWriteFailing',
      expr: `sum by (namespace, job, pod) (rate(prometheus_remote_storage_samples_failed_total{${rule}}[5m])) > 0`,
      for: '15m',
      severity: 'critical',
      summary: 'The stateless ruler cannot remote-write its results.',
      description: `${POD} fails to remote-write results to the receive router: recorded series and alerts are lost.`,
    });
  }
  return { name: 'thanos-rule', alerts };
}

/**
 * The rollout-operator's own failure: a group it cannot reconcile (one of its StatefulSets is not `OnDelete`,
 * for instance after a patch, or the API refuses it) is a hashring whose pod-template changes are not rolled
 * out. A zone that does not come back is not a failed reconcile: the operator waits, with the other zones up, and
 * the ingestor's own alerts (down targets, replication errors) fire.
 */
function rolloutGroup(env: Environment, jobs: Jobs): AlertGroup {
  const operator = jobSelector(env, jobs['rollout-operator']);
  return {
    name: 'thanos-rollout',
    alerts: [
      {
        alert: 'ThanosIngestorRolloutReconcileFailing',
        expr: `sum by (namespace, job, rollout_group) (increase(rollout_operator_group_reconciles_failed_total{${operator}}[15m])) > 0`,
        for: '15m',
        severity: 'warning',
        summary: "The rollout-operator cannot roll a hashring's ingestors.",
        description:
          '{{ $labels.namespace }}/{{ $labels.rollout_group }} failed {{ $value | humanize }} reconciles in 15 ' +
          'minutes: its ingestors keep their old pod template. Every StatefulSet of the group must be OnDelete; ' +
          'see the logs of the rollout-operator.',
      },
    ],
  };
}

/** A component's availability alert: its name, what is down (for the summary), how bad. */
interface DownAlert {
  alert: string;
  what: string;
  severity: Severity;
}

/**
 * Each component's availability alert, in alert order; the memcached caches share one. Keyed by every kind, so
 * a new component does not compile until it names its own.
 */
export const DOWN_ALERTS: Readonly<Record<ComponentKind, DownAlert>> = {
  'receive-router': { alert: 'ThanosReceiveRouterDown', what: 'The receive router', severity: 'critical' },
  'receive-ingestor': { alert: 'ThanosReceiveIngestorDown', what: 'A receive hashring', severity: 'critical' },
  query: { alert: 'ThanosQueryDown', what: 'Query', severity: 'critical' },
  'query-frontend': { alert: 'ThanosQueryFrontendDown', what: 'The query frontend', severity: 'critical' },
  'store-gateway': { alert: 'ThanosStoreDown', what: 'A store gateway shard', severity: 'critical' },
  compactor: { alert: 'ThanosCompactDown', what: 'The compactor', severity: 'warning' },
  ruler: { alert: 'ThanosRuleDown', what: 'The ruler', severity: 'critical' },
  'bucket-web': { alert: 'ThanosBucketWebDown', what: 'The bucket web UI', severity: 'warning' },
  'rollout-operator': { alert: 'ThanosRolloutOperatorDown', what: 'The rollout-operator', severity: 'warning' },
  'memcached-index': { alert: 'ThanosMemcachedDown', what: 'A memcached cache', severity: 'warning' },
  'memcached-chunks': { alert: 'ThanosMemcachedDown', what: 'A memcached cache', severity: 'warning' },
  'memcached-results': { alert: 'ThanosMemcachedDown', what: 'A memcached cache', severity: 'warning' },
};

/** The availability alerts with the jobs each covers, one entry per alert name, in `DOWN_ALERTS` order. */
function downAlerts(jobs: Jobs): (DownAlert & { jobs: string[] })[] {
  const byAlert = new Map<string, DownAlert & { jobs: string[] }>();
  for (const [kind, a] of Object.entries(DOWN_ALERTS) as [ComponentKind, DownAlert][]) {
    const entry = byAlert.get(a.alert) ?? { ...a, jobs: [] };
    entry.jobs.push(...(jobs[kind] ?? []));
    byAlert.set(a.alert, entry);
  }
  return [...byAlert.values()];
}

/** Per Service, an alert when none of its targets is up (a job missing entirely counts as down). */
function availabilityGroup(env: Environment, jobs: Jobs): AlertGroup {
  const down = (alert: string, what: string, list: string[], severity: Severity): Alert[] =>
    list.map((job) => ({
      alert,
      expr: `absent(up{namespace="${env.namespace}", job="${job}"} == 1)`,
      for: '5m',
      severity,
      // absent() of a comparison keeps no labels: name the job here (which also tells the rules apart).
      labels: { namespace: env.namespace, job },
      summary: `${what} is down.`,
      description: `No target of ${env.namespace}/${job} has been up for 5 minutes.`,
    }));
  const all = Object.values(jobs).flat();
  return {
    name: 'thanos-availability',
    alerts: [
      ...downAlerts(jobs).flatMap((a) => down(a.alert, a.what, a.jobs, a.severity)),
      {
        alert: 'ThanosTargetDown',
        expr: `up{${jobSelector(env, all)}} == 0`,
        for: '10m',
        severity: 'warning',
        summary: 'A Thanos pod cannot be scraped.',
        description: `${POD} ({{ $labels.job }}) has been down or unreachable for 10 minutes.`,
      },
    ],
  };
}

/**
 * The kubelet's volume metrics (Kubernetes `pkg/kubelet/metrics`, subsystem `kubelet`): scraped from the kubelet,
 * not from Thanos, so selected by namespace and claim name, never by job.
 */
export const KUBELET_VOLUME_METRICS = [
  'kubelet_volume_stats_available_bytes',
  'kubelet_volume_stats_capacity_bytes',
] as const;

/** Every persistent volume claim the environment's StatefulSets create: `data-<statefulset>-<ordinal>`. */
export function claimSelector(env: Environment): string | undefined {
  const sets = storageOptions(env).flatMap((o) => o.statefulSets);
  if (sets.length === 0) return undefined;
  return `namespace="${env.namespace}", persistentvolumeclaim=~"data-(${sets.join('|')})-[0-9]+"`;
}

function volumeGroup(env: Environment): AlertGroup | undefined {
  const claims = claimSelector(env);
  if (!claims) return undefined;
  const by = 'namespace, persistentvolumeclaim';
  const [available, capacity] = KUBELET_VOLUME_METRICS.map((m) => `max by (${by}) (${m}{${claims}})`);
  const free = `${available} / ${capacity}`;
  const claim = '{{ $labels.namespace }}/{{ $labels.persistentvolumeclaim }}';
  return {
    name: 'thanos-volumes',
    alerts: [
      {
        alert: 'ThanosVolumeFillingUp',
        expr: [
          `(${free}) < 0.15`,
          `and on (${by})`,
          `max by (${by}) (predict_linear(${KUBELET_VOLUME_METRICS[0]}{${claims}}[6h], 4 * 24 * 3600)) < 0`,
        ].join('\n'),
        for: '1h',
        severity: 'warning',
        summary: 'A Thanos volume fills up within four days.',
        description: `${claim} has ${PERCENT} free and, at the rate of the last 6 hours, is full within four days.`,
      },
      {
        alert: 'ThanosVolumeAlmostFull',
        expr: `(${free}) < 0.05`,
        for: '15m',
        severity: 'critical',
        summary: 'A Thanos volume is almost full.',
        description: `${claim} has ${PERCENT} free: a full volume stops its pod writing (ingestors refuse samples, the compactor halts).`,
      },
    ],
  };
}

/** The alert groups of each environment already asked for: the PrometheusRule and the runbook both read them. */
const groupsOf = new WeakMap<Environment, readonly AlertGroup[]>();

/** The alert groups of the environment: only for the components it runs (the same array for the same object). */
export function alertGroups(env: Environment): readonly AlertGroup[] {
  const known = groupsOf.get(env);
  if (known) return known;
  const jobs = scrapeJobs(env);
  const groups: AlertGroup[] = [];
  if (env.receive.enabled) groups.push(receiveGroup(env, jobs));
  groups.push(queryGroup(env, jobs));
  if (env.storeGateway.enabled) groups.push(storeGroup(env, jobs));
  if (env.compactor.enabled) groups.push(compactGroup(env, jobs));
  if (env.ruler.enabled) groups.push(ruleGroup(env, jobs));
  if (jobs['rollout-operator'].length > 0) groups.push(rolloutGroup(env, jobs));
  const volumes = volumeGroup(env);
  if (volumes) groups.push(volumes);
  // The jobs exist only as the ServiceMonitors name them; without those, absence alerts would always fire.
  if (env.monitoring.serviceMonitors) groups.push(availabilityGroup(env, jobs));
  groupsOf.set(env, groups);
  return groups;
}

/** The generated runbook's file name, in `clusters/<env>/` beside the README (not in kustomization.yaml). */
export const RUNBOOK = 'RUNBOOK.md';

/** Where an alert's runbook section is: `runbookBaseUrl`'s, else the generated runbook's (see `repositoryUrl`). */
export function runbookUrl(env: Environment, alert: string): string {
  const anchor = alert.toLowerCase();
  const base = env.monitoring.runbookBaseUrl;
  if (base) return `${base}#${anchor}`;
  const repository = env.monitoring.repositoryUrl?.replace(/\/+$/, '');
  return `${repository ? `${repository}/` : ''}${env.delivery.path}/${env.name}/${RUNBOOK}#${anchor}`;
}

function ruleOf(env: Environment, a: Alert) {
  return {
    alert: a.alert,
    expr: a.expr,
    for: a.for,
    labels: { ...a.labels, severity: a.severity },
    annotations: {
      summary: a.summary,
      description: a.description,
      runbook_url: runbookUrl(env, a.alert),
    },
  };
}

export function alerts(ctx: RenderContext): Manifest[] {
  const { env } = ctx;
  if (!env.monitoring.prometheusRule) return [];
  const labels = { name: 'thanos', instance: `thanos-${env.name}`, component: 'alerts', version: env.thanos.version };
  const meta = metadata(env, names.prometheusRule, labels);
  return [
    {
      component: FOLDER,
      object: new PrometheusRule({
        metadata: { ...meta, labels: { ...meta.labels, ...env.monitoring.labels } },
        spec: {
          groups: [
            ...recordingGroups(env, scrapeJobs(env)),
            ...alertGroups(env).map((g) => ({ name: g.name, rules: g.alerts.map((a) => ruleOf(env, a)) })),
          ],
        },
      }),
    },
  ];
}
