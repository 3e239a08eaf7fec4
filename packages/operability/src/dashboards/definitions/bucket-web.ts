/** The bucket-web dashboard. */
import type { Environment } from '@thanos-gitops/schema';
import { jobSelector } from '@thanos-gitops/thanos-components';
import { type DashboardSpec, timeseries } from '../spec.js';
import type { Jobs } from './jobs.js';
import { rate } from './promql.js';
import { resourcesRow, upStat } from './shared-panels.js';

/** The bucket-web dashboard, when the environment runs bucket web; else nothing. */
export function bucketWeb(env: Environment, jobs: Jobs): DashboardSpec | undefined {
  if (jobs.bucketWeb.length === 0) return undefined;
  const sel = jobSelector(env, jobs.bucketWeb);
  return {
    id: 'bucket-web',
    title: 'Bucket Web',
    description: 'The bucket inspection UI: its requests and its object-storage reads.',
    jobs: jobs.bucketWeb,
    rows: [
      {
        title: 'Requests',
        panels: [
          upStat(sel),
          timeseries({
            title: 'HTTP requests',
            unit: 'reqps',
            description: 'UI requests per second, by handler and code.',
            queries: [{ expr: rate('http_requests_total', sel, 'handler, code'), legend: '{{handler}} {{code}}' }],
          }),
          timeseries({
            title: 'Bucket operations',
            unit: 'ops',
            description: 'Object-storage operations per second, and failures.',
            queries: [
              { expr: rate('thanos_objstore_bucket_operations_total', sel, 'operation'), legend: '{{operation}}' },
              {
                expr: rate('thanos_objstore_bucket_operation_failures_total', sel, 'operation'),
                legend: 'failed {{operation}}',
              },
            ],
          }),
        ],
      },
      resourcesRow(sel),
    ],
  };
}
