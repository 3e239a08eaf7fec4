/** The query-frontend dashboard. */
import type { Environment } from '@thanos-gitops/schema';
import { jobSelector } from '@thanos-gitops/thanos-components';
import { type DashboardSpec, timeseries } from '../spec.js';
import type { Jobs } from './jobs.js';
import { rate } from './promql.js';
import { httpPanels, resourcesRow } from './shared-panels.js';

/** The query-frontend dashboard, when the environment runs one; else nothing. */
export function queryFrontend(env: Environment, jobs: Jobs): DashboardSpec | undefined {
  if (jobs.queryFrontend.length === 0) return undefined;
  const sel = jobSelector(env, jobs.queryFrontend);
  const http = jobSelector(env, jobs.queryFrontend, 'handler="query-frontend"');
  return {
    id: 'query-frontend',
    title: 'Query Frontend',
    description: 'The read entry point: requests, latency, splitting and the results cache.',
    jobs: jobs.queryFrontend,
    rows: [
      { title: 'Requests', panels: httpPanels(http, 'query frontend') },
      {
        title: 'Splitting and caching',
        panels: [
          timeseries({
            title: 'Queries by type',
            unit: 'reqps',
            description: 'Queries per second by operation (range, instant, labels, series).',
            queries: [{ expr: rate('thanos_query_frontend_queries_total', sel, 'op'), legend: '{{op}}' }],
          }),
          timeseries({
            title: 'Split queries',
            unit: 'reqps',
            description: 'Requests sent to Query after splitting by interval.',
            queries: [{ expr: rate('thanos_frontend_split_queries_total', sel) }],
          }),
          timeseries({
            title: 'Results cache hit ratio',
            unit: 'percentunit',
            description: 'Fraction of cache keys looked up that were found.',
            queries: [
              {
                expr: `${rate('cortex_cache_hits_total', sel, 'name')}\n/\n${rate('cortex_cache_fetched_keys_total', sel, 'name')}`,
                legend: '{{name}}',
              },
            ],
          }),
        ],
      },
      resourcesRow(sel),
    ],
  };
}
