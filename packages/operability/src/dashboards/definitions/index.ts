/**
 * What each dashboard shows, read from the environment and the scrape jobs its ServiceMonitors produce: a
 * hashring, store shard, partition or cache added to the environment gets its rows and series without a change
 * here. Every selector is scoped to the namespace and the component's jobs, like the alerts. One file per
 * dashboard; the PromQL shapes (promql.ts) and the panels they share (shared-panels.ts) beside them.
 */
import type { Environment } from '@thanos-gitops/schema';
import type { DashboardSpec } from '../spec.js';
import { bucketWeb } from './bucket-web.js';
import { compact } from './compactor.js';
import { jobsOf } from './jobs.js';
import { memcached } from './memcached.js';
import { overview } from './overview.js';
import { query } from './query.js';
import { queryFrontend } from './query-frontend.js';
import { receive } from './receive.js';
import { rule } from './ruler.js';
import { store } from './store-gateway.js';

/** The dashboards of an environment: the overview first, then one per running component. */
export function dashboardSpecs(env: Environment): DashboardSpec[] {
  const jobs = jobsOf(env);
  const components = [
    receive(env, jobs),
    query(env, jobs),
    queryFrontend(env, jobs),
    store(env, jobs),
    compact(env, jobs),
    rule(env, jobs),
    bucketWeb(env, jobs),
    memcached(env, jobs),
  ].filter((d): d is DashboardSpec => d !== undefined);
  return [overview(env, jobs, components), ...components];
}
