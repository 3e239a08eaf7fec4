/** The scrape jobs each dashboard shows, read from the component records. */
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

/** The scrape jobs of each part, from the component records. */
export function jobsOf(env: Environment): Jobs {
  const j = scrapeJobs(env);
  return {
    router: j['receive-router'],
    ingestors: j['receive-ingestor'],
    query: j.query,
    queryFrontend: j['query-frontend'],
    store: j['store-gateway'],
    compact: j.compactor,
    rule: j.ruler,
    bucketWeb: j['bucket-web'],
    rolloutOperator: j['rollout-operator'],
    memcached: Object.entries(j)
      .filter(([kind]) => kind.startsWith('memcached'))
      .flatMap(([, jobs]) => jobs),
  };
}
