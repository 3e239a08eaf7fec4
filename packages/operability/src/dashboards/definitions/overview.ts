/** The overview dashboard: headline signals of every running component, with links to their dashboards. */
import type { Environment } from '@thanos-gitops/schema';
import { jobSelector, RECORDS } from '@thanos-gitops/thanos-components';
import { type DashboardSpec, type Panel, RATE, type Row, stat, timeseries } from '../spec.js';
import type { Jobs } from './jobs.js';
import { p99, rate, ratio } from './promql.js';
import { upStat } from './shared-panels.js';

/** Requests, errors and latency at the routers, when the environment runs receive. */
function writePathRow(env: Environment, jobs: Jobs): Row | undefined {
  if (jobs.router.length === 0) return undefined;
  const sel = jobSelector(env, jobs.router);
  return {
    title: 'Write path',
    panels: [
      upStat(jobSelector(env, [...jobs.router, ...jobs.ingestors])),
      timeseries({
        title: 'Remote-write requests',
        unit: 'reqps',
        description: 'Requests per second accepted by the routers, by code.',
        queries: [{ expr: `sum by (code) (${RECORDS.receiveRequests}{${sel}})`, legend: '{{code}}' }],
      }),
      timeseries({
        title: 'Remote-write errors',
        unit: 'percentunit',
        description: 'Fraction of remote-write requests answered with 5xx.',
        queries: [
          {
            expr: `sum (${RECORDS.receiveRequests}{${sel}, code=~"5.."})\n/\nsum (${RECORDS.receiveRequests}{${sel}})`,
          },
        ],
      }),
      timeseries({
        title: 'Remote-write latency p99',
        unit: 's',
        description: 'Worst tenant p99.',
        queries: [{ expr: `max (${RECORDS.receiveLatencyP99}{${sel}})` }],
      }),
    ],
  };
}

/** Requests, errors and latency at the read entry point (the query frontend, else query), and the slowest store shard. */
function readPathRow(env: Environment, jobs: Jobs): Row {
  const entry = jobs.queryFrontend.length > 0 ? jobs.queryFrontend : jobs.query;
  const entryHttp = jobSelector(
    env,
    entry,
    jobs.queryFrontend.length > 0 ? 'handler="query-frontend"' : 'handler=~"query|query_range"',
  );
  return {
    title: 'Read path',
    panels: [
      upStat(jobSelector(env, [...jobs.queryFrontend, ...jobs.query, ...jobs.store])),
      timeseries({
        title: 'Query requests',
        unit: 'reqps',
        description: 'Requests per second at the read entry point, by code.',
        queries: [{ expr: rate('http_requests_total', entryHttp, 'code'), legend: '{{code}}' }],
      }),
      timeseries({
        title: 'Query errors',
        unit: 'percentunit',
        description: 'Fraction of read requests answered with 5xx.',
        queries: [{ expr: ratio('http_requests_total', entryHttp, 'code=~"5.."') }],
      }),
      timeseries({
        title: 'Query latency p99',
        unit: 's',
        description: '99th percentile of read request duration at the entry point.',
        queries: [{ expr: p99('http_request_duration_seconds_bucket', entryHttp, 'job') }],
      }),
      ...(jobs.store.length > 0
        ? [
            timeseries({
              title: 'Slowest store shard p99',
              unit: 's',
              description: 'The highest Series p99 among store shards.',
              queries: [{ expr: `max (${RECORDS.storeSeriesLatencyP99}{${jobSelector(env, jobs.store)}})` }],
            }),
          ]
        : []),
    ],
  };
}

/** Halted compactors, the compaction backlog and failing rule evaluations, when either runs. */
function backgroundRow(env: Environment, jobs: Jobs): Row | undefined {
  if (jobs.compact.length === 0 && jobs.rule.length === 0) return undefined;
  const panels: Panel[] = [];
  if (jobs.compact.length > 0) {
    const sel = jobSelector(env, jobs.compact);
    panels.push(
      stat({
        title: 'Compactor halted',
        unit: 'short',
        description: '1 when a compactor has halted.',
        query: { expr: `max(thanos_compact_halted{${sel}})` },
        redAt: 1,
        width: 4,
      }),
      timeseries({
        title: 'Compaction backlog',
        unit: 'short',
        description: 'Planned compactions.',
        queries: [{ expr: `sum (thanos_compact_todo_compactions{${sel}})` }],
      }),
    );
  }
  if (jobs.rule.length > 0) {
    panels.push(
      timeseries({
        title: 'Rule evaluation failures',
        unit: 'ops',
        description: 'Failed rule evaluations per second.',
        queries: [{ expr: rate('prometheus_rule_evaluation_failures_total', jobSelector(env, jobs.rule)) }],
      }),
    );
  }
  return { title: 'Background', panels };
}

/** The memcached hit ratio per cache, when any cache runs. */
function cachesRow(env: Environment, jobs: Jobs): Row | undefined {
  if (jobs.memcached.length === 0) return undefined;
  const sel = jobSelector(env, jobs.memcached);
  return {
    title: 'Caches',
    panels: [
      timeseries({
        title: 'Memcached hit ratio',
        unit: 'percentunit',
        description: 'Fraction of gets found, per cache.',
        queries: [
          {
            expr: `sum by (job) (rate(memcached_commands_total{${sel}, command="get", status="hit"}[${RATE}]))\n/\nsum by (job) (rate(memcached_commands_total{${sel}, command="get"}[${RATE}]))`,
            legend: '{{job}}',
          },
        ],
      }),
    ],
  };
}

/** Scraped pods of every job the component dashboards show. */
function targetsRow(env: Environment, components: DashboardSpec[]): Row {
  return {
    title: 'Targets',
    panels: [
      timeseries({
        title: 'Targets up by job',
        unit: 'short',
        description: 'Scraped pods per job; a missing job is a component that is down.',
        queries: [
          {
            expr: `sum by (job) (up{${jobSelector(
              env,
              components.flatMap((c) => c.jobs),
            )}})`,
            legend: '{{job}}',
          },
        ],
      }),
    ],
  };
}

/** Headline signals of every running component, with links to their dashboards. */
export function overview(env: Environment, jobs: Jobs, components: DashboardSpec[]): DashboardSpec {
  const rows = [
    writePathRow(env, jobs),
    readPathRow(env, jobs),
    backgroundRow(env, jobs),
    cachesRow(env, jobs),
    targetsRow(env, components),
  ].filter((r): r is Row => r !== undefined);
  return {
    id: 'overview',
    title: 'Overview',
    description: `Every component of environment ${env.name} at a glance; the links open each component's dashboard.`,
    jobs: [...new Set(components.flatMap((c) => c.jobs))],
    rows,
  };
}
