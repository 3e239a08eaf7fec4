/** What makes the query frontend work, by name (see support/intent.ts). */
import { describe, expect, it } from 'vitest';
import {
  expectIdentity,
  expectListens,
  expectMountedFile,
  expectNoBucket,
  expectSelectsOwnPods,
  expectServiceReaches,
  expectThanosProbes,
  flag,
  subcommand,
  workloadIn,
} from './support/intent.js';
import { find } from './support/render.js';

const frontend = workloadIn('Deployment', 'thanos-query-frontend');

describe('query frontend: what makes it work', () => {
  it('runs `thanos query-frontend` in front of the http port of the thanos-query Service', () => {
    const { r, w } = frontend();
    expect(subcommand(w)).toEqual(['query-frontend']);
    const url = new URL(flag(w, 'query-frontend.downstream-url'));
    expect(url.hostname).toBe('thanos-query.thanos.svc.cluster.local');
    const http = find(r, 'Service', 'thanos-query').spec.ports.find((p: { name: string }) => p.name === 'http');
    expect(Number(url.port)).toBe(http.port);
  });

  it('splits range queries and caches responses in the results memcached', () => {
    const { r, w } = frontend();
    expect(flag(w, 'query-range.split-interval')).toBe('24h');
    const cache = expectMountedFile(r, w, 'query-range.response-cache-config-file');
    expect(cache).toMatch(/type: MEMCACHED/);
    expect(cache).toContain('dnssrv+_memcached._tcp.thanos-memcached-results.thanos.svc.cluster.local');
    find(r, 'StatefulSet', 'thanos-memcached-results');
    expect(expectMountedFile(r, w, 'labels.response-cache-config-file')).toBe(cache);
  });

  it('listens for HTTP on 9090, reached through the thanos-query-frontend Service', () => {
    const { r, w } = frontend();
    expectListens(w, 'http', 9090, 'http-address');
    expectServiceReaches(r, w, 'thanos-query-frontend', ['http']);
  });

  it('reads no bucket, is probed, runs as thanos-query-frontend without an API token', () => {
    const { r, w } = frontend();
    expectNoBucket(w);
    expectThanosProbes(w);
    expectIdentity(r, w, 'thanos-query-frontend');
    expectSelectsOwnPods(w);
  });
});
