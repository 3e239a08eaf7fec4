/**
 * The recording rules the dashboards read: which groups exist for which components, each record's name (the
 * dashboards refer to `RECORDS`) and its exact expression, scoped to the namespace and the jobs of this deployment.
 * Every test renders for itself (mutation testing's per-test coverage).
 */
import { describe, expect, it } from 'vitest';
import { RECORDS, recordingGroups } from '../src/recording-rules.js';
import { scrapeJobs } from '../src/scrape-jobs.js';
import { render } from './support/render.js';

const RECEIVE = 'receive: { hashrings: [{ name: default, replicas: 3 }] }\n';

function groupsOf(extraYaml: string) {
  const r = render(extraYaml);
  return recordingGroups(r.env, scrapeJobs(r.env));
}

describe('recording rules', () => {
  it('names each record by the Prometheus convention level:metric:operations', () => {
    expect(RECORDS).toEqual({
      receiveRequests: 'namespace_job_tenant_code:thanos_receive_http_requests:rate5m',
      receiveLatencyP99: 'namespace_job_tenant:thanos_receive_http_request_duration_seconds:p99_5m',
      ingestorHeadSeries: 'namespace_job_pod:prometheus_tsdb_head_series:sum',
      queryLatencyP99: 'namespace_job_handler:thanos_query_http_request_duration_seconds:p99_5m',
      storeSeriesLatencyP99: 'namespace_job:thanos_store_grpc_series_duration_seconds:p99_5m',
    });
  });

  it('records receive, ingestor, query and store series with their exact expressions', () => {
    const sel = (job: string, extra: string) => `namespace="thanos", job="${job}"${extra}`;
    const router = sel('thanos-receive-router', ', handler="receive"');
    expect(groupsOf(RECEIVE)).toEqual([
      {
        name: 'thanos-receive.rules',
        rules: [
          {
            record: RECORDS.receiveRequests,
            expr: `sum by (namespace, job, tenant, code) (rate(http_requests_total{${router}}[5m]))`,
          },
          {
            record: RECORDS.receiveLatencyP99,
            expr: `histogram_quantile(0.99, sum by (namespace, job, tenant, le) (rate(http_request_duration_seconds_bucket{${router}}[5m])))`,
          },
        ],
      },
      {
        name: 'thanos-receive-ingestor.rules',
        rules: [
          {
            record: RECORDS.ingestorHeadSeries,
            expr: `sum by (namespace, job, pod) (prometheus_tsdb_head_series{${sel('thanos-receive-ingestor-default', '')}})`,
          },
        ],
      },
      {
        name: 'thanos-query.rules',
        rules: [
          {
            record: RECORDS.queryLatencyP99,
            expr: `histogram_quantile(0.99, sum by (namespace, job, handler, le) (rate(http_request_duration_seconds_bucket{${sel('thanos-query', ', handler=~"query|query_range"')}}[5m])))`,
          },
        ],
      },
      {
        name: 'thanos-store.rules',
        rules: [
          {
            record: RECORDS.storeSeriesLatencyP99,
            expr: `histogram_quantile(0.99, sum by (namespace, job, le) (rate(grpc_server_handling_seconds_bucket{${sel('thanos-store-0', ', grpc_method="Series"')}}[5m])))`,
          },
        ],
      },
    ]);
  });

  it('keeps only the query group without receive and without store gateways', () => {
    const groups = groupsOf('receive: { enabled: false }\nstoreGateway: { enabled: false }\n');
    expect(groups.map((g) => g.name)).toEqual(['thanos-query.rules']);
  });

  it('leads the PrometheusRule, before the alert groups, and follows the namespace', () => {
    const r = render(`namespace: observability\n${RECEIVE}`);
    const rule = r.objects.find((o) => o.kind === 'PrometheusRule');
    const names: string[] = rule?.spec.groups.map((g: { name: string }) => g.name) ?? [];
    expect(names.slice(0, 4)).toEqual([
      'thanos-receive.rules',
      'thanos-receive-ingestor.rules',
      'thanos-query.rules',
      'thanos-store.rules',
    ]);
    const exprs = rule?.spec.groups
      .slice(0, 4)
      .flatMap((g: { rules: { expr: string }[] }) => g.rules.map((x) => x.expr));
    for (const expr of exprs) expect(expr).toContain('namespace="observability"');
  });
});
