/** The memcached dashboard: every cache the environment runs. */
import type { Environment } from '@thanos-gitops/schema';
import { jobSelector } from '@thanos-gitops/thanos-components';
import { type DashboardSpec, RATE, stat, timeseries } from '../spec.js';
import type { Jobs } from './jobs.js';
import { rate } from './promql.js';

/** The memcached dashboard, when any cache runs; else nothing. */
export function memcached(env: Environment, jobs: Jobs): DashboardSpec | undefined {
  if (jobs.memcached.length === 0) return undefined;
  return {
    id: 'memcached',
    title: 'Memcached',
    description: 'The generated memcached caches, one row each.',
    jobs: jobs.memcached,
    rows: jobs.memcached.map((job) => {
      const sel = jobSelector(env, [job]);
      return {
        title: job,
        panels: [
          timeseries({
            title: 'Hit ratio',
            unit: 'percentunit',
            description: 'Fraction of gets that found their key.',
            queries: [
              {
                expr: `sum (rate(memcached_commands_total{${sel}, command="get", status="hit"}[${RATE}]))\n/\nsum (rate(memcached_commands_total{${sel}, command="get"}[${RATE}]))`,
              },
            ],
          }),
          timeseries({
            title: 'Memory used',
            unit: 'percentunit',
            description: 'Bytes stored over the memory limit (`-m`), per pod.',
            queries: [
              {
                expr: `sum by (pod) (memcached_current_bytes{${sel}})\n/\nsum by (pod) (memcached_limit_bytes{${sel}})`,
                legend: '{{pod}}',
              },
            ],
          }),
          timeseries({
            title: 'Evictions',
            unit: 'ops',
            description: 'Items evicted per second to make room: the cache is too small when high.',
            queries: [{ expr: rate('memcached_items_evicted_total', sel, 'pod'), legend: '{{pod}}' }],
          }),
          timeseries({
            title: 'Connections',
            unit: 'short',
            description: 'Open connections per pod, against the limit (`-c`).',
            queries: [
              { expr: `sum by (pod) (memcached_current_connections{${sel}})`, legend: '{{pod}}' },
              { expr: `max by (pod) (memcached_max_connections{${sel}})`, legend: 'limit {{pod}}' },
            ],
          }),
          stat({
            title: 'Up',
            unit: 'short',
            description: 'memcached pods the exporter reaches.',
            query: { expr: `sum(memcached_up{${sel}})` },
            width: 4,
          }),
        ],
      };
    }),
  };
}
