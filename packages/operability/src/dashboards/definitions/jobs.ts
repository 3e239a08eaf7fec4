/** The scrape jobs each dashboard shows, read from the component records. */
import type { ComponentKind } from '@thanos-gitops/catalog';
import type { Environment } from '@thanos-gitops/schema';
import { scrapeJobs } from '@thanos-gitops/thanos-components';

/** The scrape jobs of each part the dashboards show, read from the component records (`scrapeJobs`). */
export interface Jobs {
  router: string[];
  ingestors: string[];
  query: string[];
  queryFrontend: string[];
  store: string[];
  compact: string[];
  rule: string[];
  bucketWeb: string[];
  /** The rollout-operator of zoned ingestors. */
  rolloutOperator: string[];
  /** Every memcached component's jobs, whatever caches the records define. */
  memcached: string[];
}

/**
 * The part of the dashboards each component's jobs are shown in. Keyed by every kind: a new component does not
 * compile until it says where its jobs go.
 */
export const DASHBOARD_PART: Readonly<Record<ComponentKind, keyof Jobs>> = {
  'receive-router': 'router',
  'receive-ingestor': 'ingestors',
  query: 'query',
  'query-frontend': 'queryFrontend',
  'store-gateway': 'store',
  compactor: 'compact',
  ruler: 'rule',
  'bucket-web': 'bucketWeb',
  'memcached-index': 'memcached',
  'memcached-chunks': 'memcached',
  'memcached-results': 'memcached',
  'rollout-operator': 'rolloutOperator',
};

/** The scrape jobs of each part, from the component records, in record order within a part. */
export function jobsOf(env: Environment): Jobs {
  const jobs: Jobs = {
    router: [],
    ingestors: [],
    query: [],
    queryFrontend: [],
    store: [],
    compact: [],
    rule: [],
    bucketWeb: [],
    rolloutOperator: [],
    memcached: [],
  };
  for (const [kind, list] of Object.entries(scrapeJobs(env)) as [ComponentKind, string[]][]) {
    jobs[DASHBOARD_PART[kind]].push(...list);
  }
  return jobs;
}
