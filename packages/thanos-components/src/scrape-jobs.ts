/**
 * The scrape jobs of the components and the label matchers that select them: what the alerts, the recording rules
 * and the dashboards all select by. A file of its own, so the recording rules need not import the alerts.
 */
import type { ComponentKind } from '@thanos-gitops/catalog';
import { COMPONENT_RECORDS, jobsOf } from '@thanos-gitops/model';
import type { Environment } from '@thanos-gitops/schema';

/** The scrape jobs of every component, by component: its Services (`jobsOf`; none when it does not run). */
export type Jobs = Record<ComponentKind, string[]>;

export function scrapeJobs(env: Environment): Jobs {
  const jobs = {} as Jobs;
  for (const record of Object.values(COMPONENT_RECORDS)) jobs[record.kind] = jobsOf(record, env);
  return jobs;
}

/** A label matcher list selecting these jobs in the namespace (`namespace="thanos", job=~"a|b"`). */
export function jobSelector(env: Environment, jobs: string[], extra = ''): string {
  const job = jobs.length === 1 ? `job="${jobs[0]}"` : `job=~"${jobs.join('|')}"`;
  return `namespace="${env.namespace}", ${job}${extra ? `, ${extra}` : ''}`;
}
