/** The cache configuration files, key by key, and the byte notations they are written in. */
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  chunkMemcachedOptions,
  memcachedItemBytes,
  quantityBytes,
  resultsCacheConfig,
  storeCachingBucketConfig,
  thanosBytes,
  thanosSize,
} from '../src/caches.js';
import { find, render } from './support/render.js';

describe('byte notations', () => {
  it('writes bytes in the largest exact binary unit Thanos parses', () => {
    expect(thanosBytes(3 * 2 ** 40)).toBe('3TiB');
    expect(thanosBytes(2 ** 30)).toBe('1GiB');
    expect(thanosBytes(5 * 2 ** 20)).toBe('5MiB');
    expect(thanosBytes(3 * 2 ** 10)).toBe('3KiB');
    expect(thanosBytes(1000)).toBe('1000B');
    expect(thanosBytes(0)).toBe('0B');
    expect(thanosBytes(2 ** 20 + 2 ** 10)).toBe('1025KiB');
  });

  it('reads Kubernetes quantities, whole bytes, and keeps what does not parse', () => {
    expect(quantityBytes('512Mi')).toBe(512 * 2 ** 20);
    expect(quantityBytes('1.5Ki')).toBe(1536);
    expect(quantityBytes('nonsense')).toBeUndefined();
    expect(thanosSize('512Mi')).toBe('512MiB');
    expect(thanosSize('1G')).toBe('1000000000B');
    expect(thanosSize('nonsense')).toBe('nonsense');
  });

  it("reads memcached's binary k and m item sizes, and refuses anything else", () => {
    expect(memcachedItemBytes('1k')).toBe(1024);
    expect(memcachedItemBytes('5m')).toBe(5 * 2 ** 20);
    expect(() => memcachedItemBytes('5g')).toThrow('not a memcached item size: 5g');
    expect(() => memcachedItemBytes('x5m')).toThrow();
    expect(() => memcachedItemBytes('5mb')).toThrow();
  });
});

describe('cache files', () => {
  it("configures the caching bucket's memcached client and TTLs", () => {
    const env = render('storeGateway: { bucketCache: { enabled: true, memcached: { maxItemSize: 4m } } }\n').env;
    expect(parse(storeCachingBucketConfig(env) ?? '')).toEqual({
      type: 'MEMCACHED',
      config: {
        addresses: ['dnssrv+_memcached._tcp.thanos-memcached-chunks.thanos.svc.cluster.local'],
        timeout: '500ms',
        max_idle_connections: 100,
        max_async_concurrency: 20,
        max_async_buffer_size: 10000,
        max_get_multi_concurrency: 100,
        max_get_multi_batch_size: 100,
        max_item_size: '4MiB',
        dns_provider_update_interval: '10s',
      },
      chunk_subrange_size: 16000,
      max_chunks_get_range_requests: 3,
      chunk_object_attrs_ttl: '24h',
      chunk_subrange_ttl: '24h',
      blocks_iter_ttl: '5m',
      metafile_exists_ttl: '2h',
      metafile_doesnt_exist_ttl: '15m',
      metafile_content_ttl: '24h',
    });
    expect(storeCachingBucketConfig(render().env)).toBeUndefined();
  });

  it('keeps query results 24h, in memory by the configured size, or in memcached', () => {
    expect(parse(resultsCacheConfig(render('queryFrontend: { cache: { size: 64Mi } }\n').env))).toEqual({
      type: 'IN-MEMORY',
      config: { max_size: '64MiB', max_size_items: 0, validity: '24h' },
    });
    const memcached = parse(resultsCacheConfig(render('queryFrontend: { cache: { type: memcached } }\n').env));
    expect(memcached.config.expiration).toBe('24h');
    expect(memcached.config.addresses).toEqual([
      'dnssrv+_memcached._tcp.thanos-memcached-results.thanos.svc.cluster.local',
    ]);
  });

  it('mounts the store cache files read-only and names each with its flag', () => {
    const r = render('storeGateway: { bucketCache: { enabled: true } }\n');
    const spec = find(r, 'StatefulSet', 'thanos-store-0').spec.template.spec;
    const args: string[] = spec.containers[0].args;
    expect(args).toContain('--index-cache.config-file=/etc/thanos/cache/index-cache.yaml');
    expect(args).toContain('--store.caching-bucket.config-file=/etc/thanos/cache/caching-bucket.yaml');
    expect(spec.volumes).toContainEqual({ name: 'cache-config', configMap: { name: 'thanos-store-cache' } });
    expect(spec.containers[0].volumeMounts).toContainEqual({
      name: 'cache-config',
      mountPath: '/etc/thanos/cache',
      readOnly: true,
    });
    expect(Object.keys(find(r, 'ConfigMap', 'thanos-store-cache').data).sort()).toEqual([
      'caching-bucket.yaml',
      'index-cache.yaml',
    ]);
  });

  it('accepts in-memory caches of exactly half the memory limit, and reports more at the size', () => {
    const ok = render('storeGateway: { indexCache: { size: 1Gi }, resources: { limits: { memory: 2Gi } } }\n');
    expect(ok.problems).toEqual([]);
    const big = render('storeGateway: { indexCache: { size: 1025Mi }, resources: { limits: { memory: 2Gi } } }\n', {
      expectProblems: true,
    });
    expect(big.problems).toEqual([
      {
        path: ['storeGateway', 'indexCache', 'size'],
        message:
          'in-memory caches of 1025MiB exceed half of the container memory limit (2Gi), leaving too little for ' +
          'queries: lower the size, raise resources.limits.memory, or use memcached',
      },
    ]);
  });
});

describe('the memcached of each cache', () => {
  it('refuses a chunk memcached the derived defaults did not size', () => {
    const { env } = render('storeGateway: { bucketCache: { enabled: true } }\n');
    expect(chunkMemcachedOptions(env)).not.toHaveProperty('dedicated');
    for (const option of ['replicas', 'memoryLimitMb', 'cpu'] as const) {
      const unsized = structuredClone(env);
      delete unsized.storeGateway.bucketCache.memcached[option];
      expect(() => chunkMemcachedOptions(unsized), option).toThrow('sized by applyDerivedDefaults');
    }
  });

  it("reports an item size the results memcached would refuse at the query frontend's option", () => {
    const r = render(
      'queryFrontend: { cache: { type: memcached, memcached: { memoryLimitMb: 64, maxItemSize: 40m } } }\n',
      {
        expectProblems: true,
      },
    );
    expect(r.problems).toEqual([
      {
        path: ['queryFrontend', 'cache', 'memcached', 'maxItemSize'],
        message: expect.stringContaining('half of memoryLimitMb'),
      },
    ]);
  });

  it('counts no in-memory budget for a cache kept in memcached, whatever size is left in the file', () => {
    const store = render(
      'storeGateway: { indexCache: { type: memcached, size: 4Gi }, resources: { limits: { memory: 2Gi } } }\n',
    );
    expect(store.problems).toEqual([]);
    const frontend = render(
      'queryFrontend: { cache: { type: memcached, size: 4Gi }, resources: { limits: { memory: 2Gi } } }\n',
    );
    expect(frontend.problems).toEqual([]);
  });
});
