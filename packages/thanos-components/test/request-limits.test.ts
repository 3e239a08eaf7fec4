/** The read path's request-limit flags (request-limits.ts): each written only when set. */
import { describe, expect, it } from 'vitest';
import { queryLimitArgs, storeLimitArgs } from '../src/request-limits.js';
import { argsOf, find, render } from './support/render.js';

describe('request limits', () => {
  it('storeLimitArgs: series and samples per request, each when set', () => {
    expect(storeLimitArgs({})).toEqual([]);
    expect(storeLimitArgs({ requestSeries: 1000 })).toEqual(['--store.limits.request-series=1000']);
    expect(storeLimitArgs({ requestSamples: 5000 })).toEqual(['--store.limits.request-samples=5000']);
    expect(storeLimitArgs({ requestSeries: 1, requestSamples: 2 })).toEqual([
      '--store.limits.request-series=1',
      '--store.limits.request-samples=2',
    ]);
  });

  it('queryLimitArgs: the store limits, then the queries and selects run at once', () => {
    expect(queryLimitArgs({})).toEqual([]);
    expect(queryLimitArgs({ requestSeries: 1, requestSamples: 2, maxConcurrent: 3, maxConcurrentSelect: 4 })).toEqual([
      '--store.limits.request-series=1',
      '--store.limits.request-samples=2',
      '--query.max-concurrent=3',
      '--query.max-concurrent-select=4',
    ]);
    expect(queryLimitArgs({ maxConcurrentSelect: 4 })).toEqual(['--query.max-concurrent-select=4']);
  });

  it('reach the rendered Query and store gateway', () => {
    const r = render('query: { limits: { maxConcurrent: 7 } }\nstoreGateway: { limits: { requestSeries: 9 } }\n');
    expect(argsOf(find(r, 'Deployment', 'thanos-query'))).toContain('--query.max-concurrent=7');
    expect(argsOf(find(r, 'StatefulSet', 'thanos-store-0'))).toContain('--store.limits.request-series=9');
  });
});
