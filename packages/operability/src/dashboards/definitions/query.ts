/** The query dashboard. */
import type { Environment } from '@thanos-gitops/schema';
import { jobSelector, RECORDS } from '@thanos-gitops/thanos-components';
import { type DashboardSpec, timeseries } from '../spec.js';
import type { Jobs } from './jobs.js';
import { p99, rate } from './promql.js';
import { httpPanels, resourcesRow } from './shared-panels.js';

/** The query dashboard (query always runs). */
export function query(env: Environment, jobs: Jobs): DashboardSpec {
  const sel = jobSelector(env, jobs.query);
  const api = jobSelector(env, jobs.query, 'handler=~"query|query_range"');
  return {
    id: 'query',
    title: 'Query',
    description: 'Read path: the PromQL API and its fan-out to ingestors, store gateways and the ruler.',
    jobs: jobs.query,
    rows: [
      {
        title: 'PromQL API',
        panels: [
          ...httpPanels(api, 'Query').slice(0, 2),
          timeseries({
            title: 'Latency p99',
            unit: 's',
            description: '99th percentile of query and query_range duration.',
            queries: [{ expr: `max by (handler) (${RECORDS.queryLatencyP99}{${sel}})`, legend: '{{handler}}' }],
          }),
        ],
      },
      {
        title: 'StoreAPI fan-out',
        panels: [
          timeseries({
            title: 'Series calls by code',
            unit: 'reqps',
            description: 'Series calls Query makes to StoreAPI endpoints.',
            queries: [
              {
                expr: rate('grpc_client_handled_total', `${sel}, grpc_method="Series"`, 'grpc_code'),
                legend: '{{grpc_code}}',
              },
            ],
          }),
          timeseries({
            title: 'Series call latency p99',
            unit: 's',
            description: '99th percentile of Series calls to StoreAPI endpoints.',
            queries: [{ expr: p99('grpc_client_handling_seconds_bucket', `${sel}, grpc_method="Series"`, 'job') }],
          }),
          timeseries({
            title: 'Connected endpoints',
            unit: 'short',
            description: 'StoreAPI endpoints Query is connected to, by type.',
            queries: [
              { expr: `max by (store_type) (thanos_store_nodes_grpc_connections{${sel}})`, legend: '{{store_type}}' },
            ],
          }),
        ],
      },
      resourcesRow(sel),
    ],
  };
}
