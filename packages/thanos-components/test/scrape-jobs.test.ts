/** The scrape jobs of the components and the matchers that select them (alerts, recording rules, dashboards). */
import { describe, expect, it } from 'vitest';
import { jobSelector, scrapeJobs } from '../src/scrape-jobs.js';
import { render } from './support/render.js';

describe('scrapeJobs', () => {
  it('lists the Services of every running component, and none for a component that does not run', () => {
    const jobs = scrapeJobs(render('storeGateway: { shards: 2 }\n').env);
    expect(jobs.query).toEqual(['thanos-query']);
    expect(jobs['store-gateway']).toEqual(['thanos-store-0', 'thanos-store-1']);
    expect(jobs.ruler).toEqual([]);
    expect(Object.keys(jobs)).toContain('memcached-chunks');
  });
});

describe('jobSelector', () => {
  const env = render().env;
  it('selects one job by equality, several by a regex, in the namespace', () => {
    expect(jobSelector(env, ['thanos-query'])).toBe('namespace="thanos", job="thanos-query"');
    expect(jobSelector(env, ['a', 'b'])).toBe('namespace="thanos", job=~"a|b"');
  });

  it('appends extra matchers after a comma, and nothing when there are none', () => {
    expect(jobSelector(env, ['a'], 'handler="query"')).toBe('namespace="thanos", job="a", handler="query"');
    expect(jobSelector(env, ['a'], '')).toBe('namespace="thanos", job="a"');
  });
});
