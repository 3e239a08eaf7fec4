/**
 * Recording rules the dashboards read: the expensive aggregations (per-tenant request rates, latency quantiles
 * over histograms) evaluated once by Prometheus instead of on every dashboard refresh. They go into the same
 * PrometheusRule as the alerts, one group per component, and carry `namespace` and `job` like their inputs.
 * Names follow Prometheus' `level:metric:operations` convention.
 */
import type { Environment } from '@thanos-gitops/schema';
import { type Jobs, jobSelector } from './scrape-jobs.js';

export interface RecordingRule {
  record: string;
  expr: string;
}

export interface RecordingGroup {
  name: string;
  rules: RecordingRule[];
}

/** The recorded series, by what they hold. Dashboards refer to them through this table. */
export const RECORDS = {
  /** Remote-write requests per second at the routers, by tenant and HTTP code. */
  receiveRequests: 'namespace_job_tenant_code:thanos_receive_http_requests:rate5m',
  /** 99th percentile of remote-write request latency at the routers, by tenant. */
  receiveLatencyP99: 'namespace_job_tenant:thanos_receive_http_request_duration_seconds:p99_5m',
  /** Series in the head of each ingestor pod (all tenants). */
  ingestorHeadSeries: 'namespace_job_pod:prometheus_tsdb_head_series:sum',
  /** 99th percentile of Query's HTTP API latency, by handler. */
  queryLatencyP99: 'namespace_job_handler:thanos_query_http_request_duration_seconds:p99_5m',
  /** 99th percentile of StoreAPI Series latency of each store gateway job (shard and partition). */
  storeSeriesLatencyP99: 'namespace_job:thanos_store_grpc_series_duration_seconds:p99_5m',
} as const;

/** A histogram quantile over `metric`, aggregated by `by` (plus `le`). */
function quantile(q: number, metric: string, selector: string, by: string): string {
  return `histogram_quantile(${q}, sum by (${by}, le) (rate(${metric}{${selector}}[5m])))`;
}

export function recordingGroups(env: Environment, jobs: Jobs): RecordingGroup[] {
  const groups: RecordingGroup[] = [];
  if (jobs['receive-router'].length > 0) {
    const receive = jobSelector(env, jobs['receive-router'], 'handler="receive"');
    groups.push({
      name: 'thanos-receive.rules',
      rules: [
        {
          record: RECORDS.receiveRequests,
          expr: `sum by (namespace, job, tenant, code) (rate(http_requests_total{${receive}}[5m]))`,
        },
        {
          record: RECORDS.receiveLatencyP99,
          expr: quantile(0.99, 'http_request_duration_seconds_bucket', receive, 'namespace, job, tenant'),
        },
      ],
    });
  }
  if (jobs['receive-ingestor'].length > 0) {
    groups.push({
      name: 'thanos-receive-ingestor.rules',
      rules: [
        {
          record: RECORDS.ingestorHeadSeries,
          expr: `sum by (namespace, job, pod) (prometheus_tsdb_head_series{${jobSelector(env, jobs['receive-ingestor'])}})`,
        },
      ],
    });
  }
  groups.push({
    name: 'thanos-query.rules',
    rules: [
      {
        record: RECORDS.queryLatencyP99,
        expr: quantile(
          0.99,
          'http_request_duration_seconds_bucket',
          jobSelector(env, jobs.query, 'handler=~"query|query_range"'),
          'namespace, job, handler',
        ),
      },
    ],
  });
  if (jobs['store-gateway'].length > 0) {
    groups.push({
      name: 'thanos-store.rules',
      rules: [
        {
          record: RECORDS.storeSeriesLatencyP99,
          expr: quantile(
            0.99,
            'grpc_server_handling_seconds_bucket',
            jobSelector(env, jobs['store-gateway'], 'grpc_method="Series"'),
            'namespace, job',
          ),
        },
      ],
    });
  }
  return groups;
}
