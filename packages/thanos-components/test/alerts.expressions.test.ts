/**
 * Each alert as Prometheus evaluates it: its exact expression, how long it must hold and how bad it is, for an
 * environment with every component (receive with replication factor 3 and a head series limit, the frontend, a
 * store gateway, the compactor, a stateless ruler); the texts a responder reads where they depend on the
 * environment; and which alerts each option adds. Loads the environment without rendering (alertGroups only):
 * each test loads for itself (mutation testing's per-test coverage) and stays cheap per mutant.
 */
import { loadEnvironments } from '@thanos-gitops/input';
import { toPlain } from '@thanos-gitops/manifests';
import type { Environment } from '@thanos-gitops/schema';
import { describe, expect, it } from 'vitest';
import {
  type Alert,
  alertGroups,
  alerts,
  claimSelector,
  DOWN_ALERTS,
  replicationErrorThreshold,
  runbookUrl,
} from '../src/alerts.js';
import { example, MINIMAL } from './support/render.js';

function load(extraYaml = ''): Environment {
  const [loaded] = loadEnvironments([{ path: 'environments/test.yaml', text: `${MINIMAL}${extraYaml}` }]);
  if (!loaded) throw new Error('no environment');
  return loaded.env;
}

const FULL = `receive:
  replicationFactor: 3
  hashrings: [{ name: default, replicas: 3 }]
  limits:
    write:
      global: { meta_monitoring_url: "http://thanos-query.thanos.svc:9090" }
      default: { head_series_limit: 1000 }
ruler: { enabled: true }
`;

const all = (env: Environment): Alert[] => alertGroups(env).flatMap((g) => g.alerts);
const byName = (env: Environment, name: string): Alert => {
  const a = all(env).find((x) => x.alert === name);
  if (!a) throw new Error(`no alert ${name}`);
  return a;
};

/** [alert, for, severity, expression] of every alert but the availability ones, in group order. */
const EXPECTED: [string, string, string, string][] = [
  [
    'ThanosReceiveHttpRequestErrorRateHigh',
    '5m',
    'critical',
    [
      '(',
      '  sum by (namespace, job) (rate(http_requests_total{namespace="thanos", job="thanos-receive-router", handler="receive", code=~"5.."}[5m]))',
      '/',
      '  sum by (namespace, job) (rate(http_requests_total{namespace="thanos", job="thanos-receive-router", handler="receive"}[5m]))',
      ') > 0.05',
    ].join('\n'),
  ],
  [
    'ThanosReceiveReplicationErrorRateHigh',
    '5m',
    'critical',
    [
      '(',
      '  sum by (namespace, job) (rate(thanos_receive_replications_total{namespace="thanos", job="thanos-receive-router", result="error"}[5m]))',
      '/',
      '  sum by (namespace, job) (rate(thanos_receive_replications_total{namespace="thanos", job="thanos-receive-router"}[5m]))',
      ') > 0.3333',
    ].join('\n'),
  ],
  [
    'ThanosReceiveForwardErrorRateHigh',
    '10m',
    'warning',
    [
      '(',
      '  sum by (namespace, job) (rate(thanos_receive_forward_requests_total{namespace="thanos", job="thanos-receive-router", result="error"}[5m]))',
      '/',
      '  sum by (namespace, job) (rate(thanos_receive_forward_requests_total{namespace="thanos", job="thanos-receive-router"}[5m]))',
      ') > 0.05',
    ].join('\n'),
  ],
  [
    'ThanosReceiveHashringConfigReloadFailing',
    '10m',
    'warning',
    'min by (namespace, job) (thanos_receive_config_last_reload_successful{namespace="thanos", job="thanos-receive-router"}) != 1',
  ],
  [
    'ThanosReceiveIngestorNotUploading',
    '1h',
    'critical',
    [
      'sum by (namespace, job, pod) (increase(thanos_shipper_uploads_total{namespace="thanos", job="thanos-receive-ingestor-default"}[3h])) == 0',
      'and on (namespace, job, pod)',
      '(time() - max by (namespace, job, pod) (process_start_time_seconds{namespace="thanos", job="thanos-receive-ingestor-default"})) > 6 * 3600',
    ].join('\n'),
  ],
  [
    'ThanosReceiveIngestorUploadFailing',
    '15m',
    'warning',
    'sum by (namespace, job, pod) (increase(thanos_shipper_upload_failures_total{namespace="thanos", job="thanos-receive-ingestor-default"}[1h])) > 0',
  ],
  [
    'ThanosReceiveOutOfOrderSamples',
    '15m',
    'warning',
    'sum by (namespace, job, tenant) (rate(prometheus_tsdb_out_of_order_samples_total{namespace="thanos", job="thanos-receive-ingestor-default"}[5m])) > 0',
  ],
  [
    'ThanosReceiveOutOfBoundsSamples',
    '15m',
    'warning',
    'sum by (namespace, job, tenant) (rate(prometheus_tsdb_out_of_bound_samples_total{namespace="thanos", job="thanos-receive-ingestor-default"}[5m])) > 0',
  ],
  [
    'ThanosReceiveTenantNearSeriesLimit',
    '15m',
    'warning',
    [
      '(sum by (namespace, tenant) (prometheus_tsdb_head_series{namespace="thanos", job="thanos-receive-ingestor-default"}) / 3)',
      '/ on (namespace, tenant)',
      'max by (namespace, tenant) (thanos_receive_head_series_limit{namespace="thanos", job="thanos-receive-router"} > 0)',
      '> 0.8',
    ].join('\n'),
  ],
  [
    'ThanosReceiveRequestsRefusedByLimits',
    '15m',
    'warning',
    'sum by (namespace, job) (rate(http_requests_total{namespace="thanos", job="thanos-receive-router", handler="receive", code=~"413|429"}[5m])) > 0',
  ],
  // thanos-query
  [
    'ThanosQueryHttpRequestErrorRateHigh',
    '5m',
    'critical',
    [
      '(',
      '  sum by (namespace, job, handler) (rate(http_requests_total{namespace="thanos", job="thanos-query", handler=~"query|query_range", code=~"5.."}[5m]))',
      '/',
      '  sum by (namespace, job, handler) (rate(http_requests_total{namespace="thanos", job="thanos-query", handler=~"query|query_range"}[5m]))',
      ') > 0.05',
    ].join('\n'),
  ],
  [
    'ThanosQueryStoreApiErrorRateHigh',
    '15m',
    'warning',
    [
      '(',
      '  sum by (namespace, job) (rate(grpc_client_handled_total{namespace="thanos", job="thanos-query", grpc_code!~"OK|Canceled"}[5m]))',
      '/',
      '  sum by (namespace, job) (rate(grpc_client_started_total{namespace="thanos", job="thanos-query"}[5m]))',
      ') > 0.05',
    ].join('\n'),
  ],
  [
    'ThanosQueryFrontendErrorRateHigh',
    '5m',
    'critical',
    [
      '(',
      '  sum by (namespace, job) (rate(http_requests_total{namespace="thanos", job="thanos-query-frontend", handler="query-frontend", code=~"5.."}[5m]))',
      '/',
      '  sum by (namespace, job) (rate(http_requests_total{namespace="thanos", job="thanos-query-frontend", handler="query-frontend"}[5m]))',
      ') > 0.05',
    ].join('\n'),
  ],
  // thanos-store
  [
    'ThanosStoreBucketOperationFailures',
    '15m',
    'warning',
    [
      '(',
      '  sum by (namespace, job) (rate(thanos_objstore_bucket_operation_failures_total{namespace="thanos", job="thanos-store-0"}[5m]))',
      '/',
      '  sum by (namespace, job) (rate(thanos_objstore_bucket_operations_total{namespace="thanos", job="thanos-store-0"}[5m]))',
      ') > 0.05',
    ].join('\n'),
  ],
  [
    'ThanosStoreGrpcErrorRateHigh',
    '5m',
    'warning',
    [
      '(',
      '  sum by (namespace, job) (rate(grpc_server_handled_total{namespace="thanos", job="thanos-store-0", grpc_code=~"Unknown|Internal|Unavailable|DataLoss|DeadlineExceeded"}[5m]))',
      '/',
      '  sum by (namespace, job) (rate(grpc_server_started_total{namespace="thanos", job="thanos-store-0"}[5m]))',
      ') > 0.05',
    ].join('\n'),
  ],
  [
    'ThanosStoreIndexCacheHitRatioCollapsed',
    '30m',
    'warning',
    [
      '(sum by (namespace, job) (rate(thanos_store_index_cache_hits_total{namespace="thanos", job="thanos-store-0"}[30m])) / sum by (namespace, job) (rate(thanos_store_index_cache_requests_total{namespace="thanos", job="thanos-store-0"}[30m])))',
      '< 0.5 * (sum by (namespace, job) (rate(thanos_store_index_cache_hits_total{namespace="thanos", job="thanos-store-0"}[30m] offset 1d)) / sum by (namespace, job) (rate(thanos_store_index_cache_requests_total{namespace="thanos", job="thanos-store-0"}[30m] offset 1d)))',
    ].join('\n'),
  ],
  [
    'ThanosCacheHitRatioCollapsed',
    '30m',
    'warning',
    [
      '(sum by (namespace, job, name) (rate(thanos_cache_memcached_hits_total{namespace="thanos", job="thanos-store-0"}[30m])) / sum by (namespace, job, name) (rate(thanos_cache_memcached_requests_total{namespace="thanos", job="thanos-store-0"}[30m])))',
      '< 0.5 * (sum by (namespace, job, name) (rate(thanos_cache_memcached_hits_total{namespace="thanos", job="thanos-store-0"}[30m] offset 1d)) / sum by (namespace, job, name) (rate(thanos_cache_memcached_requests_total{namespace="thanos", job="thanos-store-0"}[30m] offset 1d)))',
    ].join('\n'),
  ],
  // thanos-compact
  [
    'ThanosCompactHalted',
    '5m',
    'critical',
    'max by (namespace, job) (thanos_compact_halted{namespace="thanos", job="thanos-compact"}) == 1',
  ],
  [
    'ThanosCompactNotRunning',
    '30m',
    'warning',
    [
      'sum by (namespace, job) (increase(thanos_compact_iterations_total{namespace="thanos", job="thanos-compact"}[6h])) == 0',
      'and on (namespace, job)',
      '(time() - max by (namespace, job) (process_start_time_seconds{namespace="thanos", job="thanos-compact"})) > 6 * 3600',
    ].join('\n'),
  ],
  [
    'ThanosCompactMultipleRunning',
    '5m',
    'critical',
    'sum by (namespace, job) (up{namespace="thanos", job="thanos-compact"}) > 1',
  ],
  [
    'ThanosCompactCompactionFailures',
    '15m',
    'warning',
    [
      '(',
      '  sum by (namespace, job) (rate(thanos_compact_group_compactions_failures_total{namespace="thanos", job="thanos-compact"}[5m]))',
      '/',
      '  sum by (namespace, job) (rate(thanos_compact_group_compactions_total{namespace="thanos", job="thanos-compact"}[5m]))',
      ') > 0.05',
    ].join('\n'),
  ],
  [
    'ThanosCompactBucketOperationFailures',
    '15m',
    'warning',
    [
      '(',
      '  sum by (namespace, job) (rate(thanos_objstore_bucket_operation_failures_total{namespace="thanos", job="thanos-compact"}[5m]))',
      '/',
      '  sum by (namespace, job) (rate(thanos_objstore_bucket_operations_total{namespace="thanos", job="thanos-compact"}[5m]))',
      ') > 0.05',
    ].join('\n'),
  ],
  [
    'ThanosCompactBacklog',
    '1h',
    'warning',
    'min by (namespace, job) (min_over_time(thanos_compact_todo_compactions{namespace="thanos", job="thanos-compact"}[24h])) > 0',
  ],
  // thanos-rule
  [
    'ThanosRuleEvaluationFailures',
    '15m',
    'critical',
    'sum by (namespace, job, pod) (rate(prometheus_rule_evaluation_failures_total{namespace="thanos", job="thanos-rule"}[5m])) > 0',
  ],
  [
    'ThanosRuleSenderDroppingAlerts',
    '5m',
    'critical',
    'sum by (namespace, job, pod) (rate(thanos_alert_sender_alerts_dropped_total{namespace="thanos", job="thanos-rule"}[5m])) > 0',
  ],
  [
    'ThanosRuleQueueDroppingAlerts',
    '5m',
    'critical',
    'sum by (namespace, job, pod) (rate(thanos_alert_queue_alerts_dropped_total{namespace="thanos", job="thanos-rule"}[5m])) > 0',
  ],
  [
    'ThanosRuleConfigReloadFailing',
    '10m',
    'warning',
    'min by (namespace, job, pod) (thanos_rule_config_last_reload_successful{namespace="thanos", job="thanos-rule"}) != 1',
  ],
  [
    'ThanosRuleRemoteWriteFailing',
    '15m',
    'critical',
    'sum by (namespace, job, pod) (rate(prometheus_remote_storage_samples_failed_total{namespace="thanos", job="thanos-rule"}[5m])) > 0',
  ],
  // thanos-volumes
  [
    'ThanosVolumeFillingUp',
    '1h',
    'warning',
    [
      '(max by (namespace, persistentvolumeclaim) (kubelet_volume_stats_available_bytes{namespace="thanos", persistentvolumeclaim=~"data-(thanos-receive-ingestor-default|thanos-store-0|thanos-compact)-[0-9]+"}) / max by (namespace, persistentvolumeclaim) (kubelet_volume_stats_capacity_bytes{namespace="thanos", persistentvolumeclaim=~"data-(thanos-receive-ingestor-default|thanos-store-0|thanos-compact)-[0-9]+"})) < 0.15',
      'and on (namespace, persistentvolumeclaim)',
      'max by (namespace, persistentvolumeclaim) (predict_linear(kubelet_volume_stats_available_bytes{namespace="thanos", persistentvolumeclaim=~"data-(thanos-receive-ingestor-default|thanos-store-0|thanos-compact)-[0-9]+"}[6h], 4 * 24 * 3600)) < 0',
    ].join('\n'),
  ],
  [
    'ThanosVolumeAlmostFull',
    '15m',
    'critical',
    '(max by (namespace, persistentvolumeclaim) (kubelet_volume_stats_available_bytes{namespace="thanos", persistentvolumeclaim=~"data-(thanos-receive-ingestor-default|thanos-store-0|thanos-compact)-[0-9]+"}) / max by (namespace, persistentvolumeclaim) (kubelet_volume_stats_capacity_bytes{namespace="thanos", persistentvolumeclaim=~"data-(thanos-receive-ingestor-default|thanos-store-0|thanos-compact)-[0-9]+"})) < 0.05',
  ],
  // thanos-availability
  [
    'ThanosTargetDown',
    '10m',
    'warning',
    'up{namespace="thanos", job=~"thanos-receive-router|thanos-receive-ingestor-default|thanos-query|thanos-query-frontend|thanos-store-0|thanos-compact|thanos-rule"} == 0',
  ],
];

describe('every alert, as Prometheus evaluates it', () => {
  it('has the groups of the components, in order', () => {
    expect(alertGroups(load(FULL)).map((g) => g.name)).toEqual([
      'thanos-receive',
      'thanos-query',
      'thanos-store',
      'thanos-compact',
      'thanos-rule',
      'thanos-volumes',
      'thanos-availability',
    ]);
  });

  it('are built once per environment object (the PrometheusRule and the runbook read the same groups)', () => {
    const env = load(FULL);
    const groups = alertGroups(env);
    expect(alertGroups(env)).toBe(groups);
    // Another object, even an equal one, gets its own: the groups follow the environment they are asked for.
    const other = load(FULL);
    expect(alertGroups(other)).not.toBe(groups);
    expect(alertGroups(other)).toEqual(groups);
    expect(alertGroups({ ...env, namespace: 'other' }).map((g) => g.alerts[0]?.expr)).not.toEqual(
      groups.map((g) => g.alerts[0]?.expr),
    );
  });

  it('selects, compares and waits as written, with its severity', () => {
    const alerts = all(load(FULL)).filter((a) => a.labels === undefined);
    expect(alerts.map((a) => [a.alert, a.for, a.severity, a.expr])).toEqual(EXPECTED);
  });
});

const AT = '{{ $labels.namespace }}/{{ $labels.job }}';

describe('the texts that depend on the environment', () => {
  it('replication factor 3: a write needs 2 of its 3 copies, the alert fires above 1 in 3 failed copies', () => {
    const a = byName(load(FULL), 'ThanosReceiveReplicationErrorRateHigh');
    expect(a.summary).toBe('Receive routers fail so many replica writes that writes lose their quorum.');
    expect(a.description).toBe(
      `${AT} fails {{ $value | humanizePercentage }} of replica writes to ingestors; a write needs 2 of its 3 ` +
        'copies, so above 1 in 3 failed copies writes are being refused.',
    );
    expect(replicationErrorThreshold(3)).toBeCloseTo(1 / 3);
    expect(replicationErrorThreshold(5)).toBeCloseTo(2 / 5);
  });

  it('replication factor 1: every failed copy is a lost write, the usual error ratio applies', () => {
    const a = byName(
      load('receive: { replicationFactor: 1, hashrings: [{ name: default, replicas: 1 }] }\n'),
      'ThanosReceiveReplicationErrorRateHigh',
    );
    expect(replicationErrorThreshold(1)).toBe(0.05);
    expect(a.expr.endsWith(') > 0.05')).toBe(true);
    expect(a.summary).toBe('Receive routers fail to write samples to the ingestors.');
    expect(a.description).toBe(
      `${AT} fails {{ $value | humanizePercentage }} of writes to ingestors (replication factor 1: each failure loses the write).`,
    );
  });

  it('names the memcached cache whose hit ratio collapsed, not the index cache', () => {
    const env = load(FULL);
    expect(byName(env, 'ThanosCacheHitRatioCollapsed').description).toBe(
      `${AT} ({{ $labels.name }}) hits its memcached cache less than half as often as a day ago: queries read the bucket instead, slower and costlier.`,
    );
    expect(byName(env, 'ThanosStoreIndexCacheHitRatioCollapsed').description).toBe(
      `${AT} hits its index cache less than half as often as a day ago: queries read the bucket instead, slower and costlier.`,
    );
    expect(byName(env, 'ThanosCacheHitRatioCollapsed').summary).toBe('The memcached cache hit ratio has collapsed.');
  });

  it('says which component fails bucket operations', () => {
    const env = load(FULL);
    expect(byName(env, 'ThanosStoreBucketOperationFailures').summary).toBe(
      'The store gateway fails operations on object storage.',
    );
    expect(byName(env, 'ThanosCompactBucketOperationFailures').summary).toBe(
      'The compactor fails operations on object storage.',
    );
  });
});

describe('the texts a responder reads, whole', () => {
  const WHY =
    ': a writer sends duplicates with other values, restarted with an old WAL, or two writers share external labels.';
  const CLAIM = '{{ $labels.namespace }}/{{ $labels.persistentvolumeclaim }}';

  it('refused samples, the tenant near its limit, the halted compactor, the volumes', () => {
    const env = load(FULL);
    const texts = (name: string) => {
      const a = byName(env, name);
      return [a.summary, a.description];
    };
    expect(texts('ThanosReceiveOutOfOrderSamples')).toEqual([
      'Ingestors refuse out-of-order samples.',
      `${AT} refuses {{ $value | humanize }} out-of-order samples per second of tenant {{ $labels.tenant }}${WHY}`,
    ]);
    expect(texts('ThanosReceiveOutOfBoundsSamples')).toEqual([
      'Ingestors refuse too old (out-of-bounds) samples.',
      `${AT} refuses {{ $value | humanize }} too old (out-of-bounds) samples per second of tenant {{ $labels.tenant }}${WHY}`,
    ]);
    expect(texts('ThanosReceiveTenantNearSeriesLimit')).toEqual([
      'A tenant is near its active series limit.',
      'Tenant {{ $labels.tenant }} of {{ $labels.namespace }} uses {{ $value | humanizePercentage }} of its head series limit; at the limit its writes are refused.',
    ]);
    expect(texts('ThanosCompactHalted')[1]).toBe(
      `${AT} halted after an error it cannot retry (such as overlapping blocks): no compaction, downsampling or retention happens until an operator fixes the bucket and restarts it.`,
    );
    expect(texts('ThanosVolumeFillingUp')[1]).toBe(
      `${CLAIM} has {{ $value | humanizePercentage }} free and, at the rate of the last 6 hours, is full within four days.`,
    );
    expect(texts('ThanosVolumeAlmostFull')[1]).toBe(
      `${CLAIM} has {{ $value | humanizePercentage }} free: a full volume stops its pod writing (ingestors refuse samples, the compactor halts).`,
    );
  });

  it('the rollout-operator: which group, and what to check', () => {
    expect(byName(example('prod'), 'ThanosIngestorRolloutReconcileFailing').description).toBe(
      '{{ $labels.namespace }}/{{ $labels.rollout_group }} failed {{ $value | humanize }} reconciles in 15 minutes: ' +
        'its ingestors keep their old pod template. Every StatefulSet of the group must be OnDelete; see the logs ' +
        'of the rollout-operator.',
    );
  });
});

describe('the availability alerts', () => {
  it('one per job, labelled with it, with the severity and the words of its component', () => {
    const down = alertGroups(load(FULL)).find((g) => g.name === 'thanos-availability')?.alerts ?? [];
    expect(down.filter((a) => a.labels).map((a) => [a.alert, a.labels?.job, a.severity])).toEqual([
      ['ThanosReceiveRouterDown', 'thanos-receive-router', 'critical'],
      ['ThanosReceiveIngestorDown', 'thanos-receive-ingestor-default', 'critical'],
      ['ThanosQueryDown', 'thanos-query', 'critical'],
      ['ThanosQueryFrontendDown', 'thanos-query-frontend', 'critical'],
      ['ThanosStoreDown', 'thanos-store-0', 'critical'],
      ['ThanosCompactDown', 'thanos-compact', 'warning'],
      ['ThanosRuleDown', 'thanos-rule', 'critical'],
    ]);
    expect(down[0]).toEqual({
      alert: 'ThanosReceiveRouterDown',
      expr: 'absent(up{namespace="thanos", job="thanos-receive-router"} == 1)',
      for: '5m',
      severity: 'critical',
      labels: { namespace: 'thanos', job: 'thanos-receive-router' },
      summary: 'The receive router is down.',
      description: 'No target of thanos/thanos-receive-router has been up for 5 minutes.',
    });
    expect(down.find((a) => a.alert === 'ThanosStoreDown')?.summary).toBe('A store gateway shard is down.');
  });

  it('the memcached caches share one alert, one rule per cache job; bucket web and the rollout-operator have theirs', () => {
    const down = alertGroups(example('prod')).find((g) => g.name === 'thanos-availability')?.alerts ?? [];
    const memcached = down.filter((a) => a.alert === 'ThanosMemcachedDown');
    expect(memcached.length).toBeGreaterThanOrEqual(2);
    expect(new Set(memcached.map((a) => a.labels?.job)).size).toBe(memcached.length);
    for (const a of memcached) {
      expect(a.summary).toBe('A memcached cache is down.');
      expect(a.severity).toBe('warning');
    }
    expect(down.find((a) => a.alert === 'ThanosBucketWebDown')?.summary).toBe('The bucket web UI is down.');
    expect(down.find((a) => a.alert === 'ThanosRolloutOperatorDown')?.summary).toBe('The rollout-operator is down.');
    // In DOWN_ALERTS order: the caches after bucket web and the rollout-operator.
    const order = [...new Set(down.map((a) => a.alert))];
    expect(order.indexOf('ThanosMemcachedDown')).toBe(order.indexOf('ThanosRolloutOperatorDown') + 1);
    expect(Object.keys(DOWN_ALERTS)).toHaveLength(12);
  });

  it('kinds that share an alert give it the same words and severity (whichever of them runs first)', () => {
    const byAlert = new Map<string, string>();
    for (const a of Object.values(DOWN_ALERTS)) {
      const words = `${a.what}|${a.severity}`;
      expect(byAlert.get(a.alert) ?? words, a.alert).toBe(words);
      byAlert.set(a.alert, words);
    }
    expect(DOWN_ALERTS['memcached-results']).toEqual({
      alert: 'ThanosMemcachedDown',
      what: 'A memcached cache',
      severity: 'warning',
    });
  });

  it('are left out without ServiceMonitors, which name the jobs', () => {
    const names = alertGroups(load('monitoring: { serviceMonitors: false }\n')).map((g) => g.name);
    expect(names).not.toContain('thanos-availability');
    expect(names).toContain('thanos-compact');
  });
});

describe('the alerts each option adds or drops', () => {
  const names = (extra: string) => all(load(extra)).map((a) => a.alert);

  it('the rollout-operator: its reconcile alert for zoned ingestors', () => {
    const a = byName(example('prod'), 'ThanosIngestorRolloutReconcileFailing');
    expect(a.expr).toBe(
      'sum by (namespace, job, rollout_group) (increase(rollout_operator_group_reconciles_failed_total{namespace="thanos", job="thanos-rollout-operator"}[15m])) > 0',
    );
    expect([a.for, a.severity]).toEqual(['15m', 'warning']);
    expect(a.summary).toBe("The rollout-operator cannot roll a hashring's ingestors.");
    expect(names(FULL)).not.toContain('ThanosIngestorRolloutReconcileFailing');
  });

  it('receive limits: refused requests always, the series limit only with a head series limit', () => {
    expect(names(FULL)).toEqual(
      expect.arrayContaining(['ThanosReceiveTenantNearSeriesLimit', 'ThanosReceiveRequestsRefusedByLimits']),
    );
    const request = names(
      'receive:\n  hashrings: [{ name: default, replicas: 3 }]\n  limits: { write: { default: { request: { series_limit: 10 } } } }\n',
    );
    expect(request).toContain('ThanosReceiveRequestsRefusedByLimits');
    expect(request).not.toContain('ThanosReceiveTenantNearSeriesLimit');
    const tenant = names(`receive:
  hashrings: [{ name: default, replicas: 3 }]
  limits:
    write:
      global: { meta_monitoring_url: "http://thanos-query.thanos.svc:9090" }
      tenants: { team-a: { head_series_limit: 1000 } }
`);
    expect(tenant).toContain('ThanosReceiveTenantNearSeriesLimit');
    const none = names('receive: { hashrings: [{ name: default, replicas: 3 }] }\n');
    expect(none).not.toContain('ThanosReceiveRequestsRefusedByLimits');
    expect(none).not.toContain('ThanosReceiveTenantNearSeriesLimit');
  });

  it('without receive, the frontend, store gateways, compactor or ruler: none of their alerts', () => {
    const left = names(
      'receive: { enabled: false }\nqueryFrontend: { enabled: false }\nstoreGateway: { enabled: false }\ncompactor: { enabled: false }\n',
    );
    for (const prefix of [
      'ThanosReceive',
      'ThanosQueryFrontend',
      'ThanosStore',
      'ThanosCompact',
      'ThanosRule',
      'ThanosVolume',
    ]) {
      expect(
        left.filter((n) => n.startsWith(prefix)),
        prefix,
      ).toEqual([]);
    }
    expect(left).toContain('ThanosQueryHttpRequestErrorRateHigh');
    expect(
      claimSelector(
        load('receive: { enabled: false }\nstoreGateway: { enabled: false }\ncompactor: { enabled: false }\n'),
      ),
    ).toBeUndefined();
  });

  it('a stateful ruler: no remote-write alert', () => {
    const stateful = names('ruler: { enabled: true, mode: stateful }\n');
    expect(stateful).toContain('ThanosRuleEvaluationFailures');
    expect(stateful).not.toContain('ThanosRuleRemoteWriteFailing');
  });
});

describe('the runbook link and the PrometheusRule', () => {
  it('links runbookBaseUrl, else the generated runbook on the repository host, else relative to the repository', () => {
    expect(
      runbookUrl(load("monitoring: { runbookBaseUrl: 'https://rb.example.com/thanos' }\n"), 'ThanosCompactHalted'),
    ).toBe('https://rb.example.com/thanos#thanoscompacthalted');
    expect(
      runbookUrl(load("monitoring: { repositoryUrl: 'https://git.example.com/a/b/blob/main//' }\n"), 'ThanosQueryDown'),
    ).toBe('https://git.example.com/a/b/blob/main/clusters/test/RUNBOOK.md#thanosquerydown');
    expect(runbookUrl(load(), 'ThanosQueryDown')).toBe('clusters/test/RUNBOOK.md#thanosquerydown');
  });

  it('is one PrometheusRule in the monitoring folder with the monitoring labels, none when turned off', () => {
    const env = load('monitoring: { labels: { release: kps } }\n');
    const [m, ...rest] = alerts({ env } as never);
    expect(rest).toEqual([]);
    expect(m?.component).toBe('monitoring');
    const rule = toPlain(m!.object) as Record<string, any>;
    expect(rule.kind).toBe('PrometheusRule');
    expect(rule.metadata.labels).toMatchObject({
      release: 'kps',
      'app.kubernetes.io/name': 'thanos',
      'app.kubernetes.io/instance': 'thanos-test',
      'app.kubernetes.io/component': 'alerts',
    });
    const halted = rule.spec.groups
      .flatMap((g: { rules: Record<string, any>[] }) => g.rules)
      .find((x: Record<string, any>) => x.alert === 'ThanosCompactHalted');
    expect(halted).toEqual({
      alert: 'ThanosCompactHalted',
      expr: byName(env, 'ThanosCompactHalted').expr,
      for: '5m',
      labels: { severity: 'critical' },
      annotations: {
        summary: 'The compactor has halted.',
        description: byName(env, 'ThanosCompactHalted').description,
        runbook_url: 'clusters/test/RUNBOOK.md#thanoscompacthalted',
      },
    });
    expect(rule.spec.groups[0].name).toBe('thanos-receive.rules');
    expect(alerts({ env: load('monitoring: { prometheusRule: false }\n') } as never)).toEqual([]);
  });
});
