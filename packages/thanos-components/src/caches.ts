/**
 * Cache configurations: the store gateway's index cache and caching bucket, the query frontend's results
 * cache. In-memory caches live in the process; memcached ones point at the generated memcached Services
 * (see memcached.ts). The configurations are written to a ConfigMap per component, mounted into its pods and
 * passed with `--…config-file` flags; a hash of them rolls the pods when they change.
 */
import { type LabelSpec, type Manifest, yamlText } from '@thanos-gitops/manifests';
import {
  chunkCacheDedicated,
  componentRecord,
  names,
  parseQuantity,
  resourcesOf,
  serviceHost,
  type VolumeMountSpec,
  type VolumeSpec,
} from '@thanos-gitops/model';
import type { FieldPath } from '@thanos-gitops/problems';
import type { Environment } from '@thanos-gitops/schema';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import type { RenderContext } from './context.js';
import { contentHash } from './hash.js';
import { metadata, type ObjectProps } from './objects.js';

export type MemcachedCache = 'index' | 'chunks' | 'results';
/** The `memcached` block of a cache in the environment file. */
export type MemcachedOptions = Environment['queryFrontend']['cache']['memcached'];

export const CACHE_CONFIG_DIR = '/etc/thanos/cache';
export const CACHE_HASH_ANNOTATION = 'thanos-gitops/cache-config-hash';
export const STORE_CACHE_CONFIG = 'thanos-store-cache';
export const QUERY_FRONTEND_CACHE_CONFIG = 'thanos-query-frontend-cache';

/** Results older than this are fetched again, so that compaction and late data show up eventually. */
const RESULTS_TTL = '24h';
/** Thanos' own default for the largest item of an in-memory index cache. */
const IN_MEMORY_MAX_ITEM = 125 * 1024 * 1024;

export interface UsedMemcached {
  cache: MemcachedCache;
  options: MemcachedOptions;
  /** Where `options` sits in the environment file. */
  path: FieldPath;
}

/**
 * The options of the caching bucket's memcached, with replicas, memory and CPU filled from the size preset
 * (`applyDerivedDefaults`).
 */
export function chunkMemcachedOptions(env: Environment): MemcachedOptions {
  const { dedicated: _, ...m } = env.storeGateway.bucketCache.memcached;
  if (m.replicas === undefined || m.memoryLimitMb === undefined || m.cpu === undefined) {
    throw new Error(
      'the chunk cache is sized by applyDerivedDefaults; was the environment loaded with loadEnvironments?',
    );
  }
  return { ...m, replicas: m.replicas, memoryLimitMb: m.memoryLimitMb, cpu: m.cpu };
}

/**
 * The memcached deployments the environment needs: the index one when the store gateway's index cache uses
 * memcached or its caching bucket shares it (`dedicated: false`); the chunks one when the caching bucket is on
 * with its own memcached (the default); the results one when the query frontend's cache uses memcached.
 */
export function usedMemcached(env: Environment): UsedMemcached[] {
  const used: UsedMemcached[] = [];
  if (componentRecord('memcached-index').enabled(env)) {
    const options = env.storeGateway.indexCache.memcached;
    used.push({ cache: 'index', options, path: ['storeGateway', 'indexCache', 'memcached'] });
  }
  if (componentRecord('memcached-chunks').enabled(env)) {
    const options = chunkMemcachedOptions(env);
    used.push({ cache: 'chunks', options, path: ['storeGateway', 'bucketCache', 'memcached'] });
  }
  if (componentRecord('memcached-results').enabled(env)) {
    const options = env.queryFrontend.cache.memcached;
    used.push({ cache: 'results', options, path: ['queryFrontend', 'cache', 'memcached'] });
  }
  return used;
}

/** Bytes in a Kubernetes quantity (`512Mi`, `1G`, `1000`), or undefined when it does not parse. */
export function quantityBytes(quantity: string): number | undefined {
  const value = parseQuantity(quantity);
  return value === undefined ? undefined : Math.floor(value);
}

/** Bytes in the notation Thanos parses, in the largest binary unit that is exact (`512MiB`, `1GiB`, `1000B`). */
export function thanosBytes(bytes: number): string {
  for (const [unit, size] of [
    ['TiB', 2 ** 40],
    ['GiB', 2 ** 30],
    ['MiB', 2 ** 20],
    ['KiB', 2 ** 10],
  ] as const) {
    if (bytes > 0 && bytes % size === 0) return `${bytes / size}${unit}`;
  }
  return `${bytes}B`;
}

/** A Kubernetes quantity as Thanos bytes (`512Mi` → `512MiB`). */
export function thanosSize(quantity: string): string {
  const bytes = quantityBytes(quantity);
  return bytes === undefined ? quantity : thanosBytes(bytes);
}

/** Bytes in a memcached `-I` value; memcached's `k` and `m` are binary. */
export function memcachedItemBytes(maxItemSize: string): number {
  const m = /^([0-9]+)([km])$/.exec(maxItemSize);
  if (!m) throw new Error(`not a memcached item size: ${maxItemSize}`);
  return Number(m[1]) * (m[2] === 'k' ? 2 ** 10 : 2 ** 20);
}

/** The SRV name Thanos resolves to find every pod of a generated memcached (the port is named `memcached`). */
export function memcachedAddress(env: Environment, cache: MemcachedCache): string {
  return `dnssrv+_memcached._tcp.${serviceHost(env, names.memcached(cache))}`;
}

/**
 * Thanos' memcached client settings. `max_item_size` is memcached's own `-I`, so Thanos skips exactly the
 * items memcached would refuse.
 */
function memcachedClient(env: Environment, cache: MemcachedCache, options: MemcachedOptions) {
  return {
    addresses: [memcachedAddress(env, cache)],
    timeout: '500ms',
    max_idle_connections: 100,
    max_async_concurrency: 20,
    max_async_buffer_size: 10000,
    max_get_multi_concurrency: 100,
    max_get_multi_batch_size: 100,
    max_item_size: thanosBytes(memcachedItemBytes(options.maxItemSize)),
    dns_provider_update_interval: '10s',
  };
}

/** The index cache configuration of the store gateway (`--index-cache.config-file`). */
export function indexCacheConfig(env: Environment): string {
  const c = env.storeGateway.indexCache;
  if (c.type === 'memcached') {
    return yamlText({ type: 'MEMCACHED', config: memcachedClient(env, 'index', c.memcached) });
  }
  const size = quantityBytes(c.size) ?? 0;
  // Thanos refuses an in-memory cache whose largest item exceeds the cache itself.
  const maxItem = Math.min(IN_MEMORY_MAX_ITEM, Math.floor(size / 2));
  return yamlText({ type: 'IN-MEMORY', config: { max_size: thanosBytes(size), max_item_size: thanosBytes(maxItem) } });
}

/**
 * The caching bucket configuration of the store gateway, when enabled: chunks and metadata in its own memcached
 * (`thanos-memcached-chunks`), or in the index cache's when it shares that one (`dedicated: false`).
 */
export function storeCachingBucketConfig(env: Environment): string | undefined {
  const s = env.storeGateway;
  if (!s.bucketCache.enabled) return undefined;
  const client = chunkCacheDedicated(env)
    ? memcachedClient(env, 'chunks', chunkMemcachedOptions(env))
    : memcachedClient(env, 'index', s.indexCache.memcached);
  return yamlText({
    type: 'MEMCACHED',
    config: client,
    chunk_subrange_size: 16000,
    max_chunks_get_range_requests: 3,
    chunk_object_attrs_ttl: '24h',
    chunk_subrange_ttl: '24h',
    blocks_iter_ttl: '5m',
    metafile_exists_ttl: '2h',
    metafile_doesnt_exist_ttl: '15m',
    metafile_content_ttl: '24h',
  });
}

/** The response cache configuration of the query frontend (range queries, and labels when enabled). */
export function resultsCacheConfig(env: Environment): string {
  const c = env.queryFrontend.cache;
  if (c.type === 'memcached') {
    return yamlText({
      type: 'MEMCACHED',
      config: { ...memcachedClient(env, 'results', c.memcached), expiration: RESULTS_TTL },
    });
  }
  return yamlText({
    type: 'IN-MEMORY',
    config: { max_size: thanosSize(c.size), max_size_items: 0, validity: RESULTS_TTL },
  });
}

/** What a component needs to load its cache configurations from a ConfigMap. */
export interface CacheFiles {
  configMap: Manifest;
  args: string[];
  volumes: VolumeSpec[];
  mounts: VolumeMountSpec[];
  rolloutAnnotations: Record<string, string>;
}

interface CacheFile {
  key: string;
  content: string;
  /** The `--…config-file` flags that read it. */
  flags: string[];
}

/** The ConfigMap `name` holding `files`, and what a pod needs to read them. */
function cacheFiles(
  ctx: RenderContext,
  { folder, name, labels, files }: ObjectProps & { files: CacheFile[] },
): CacheFiles {
  const data = Object.fromEntries(files.map((f) => [f.key, f.content]));
  return {
    configMap: { component: folder, object: new ConfigMap({ metadata: metadata(ctx.env, name, labels), data }) },
    args: files.flatMap((f) => f.flags.map((flag) => `--${flag}=${CACHE_CONFIG_DIR}/${f.key}`)),
    volumes: [{ name: 'cache-config', configMap: { name } }],
    mounts: [{ name: 'cache-config', mountPath: CACHE_CONFIG_DIR, readOnly: true }],
    rolloutAnnotations: { [CACHE_HASH_ANNOTATION]: contentHash(yamlText(data)) },
  };
}

/**
 * Reports in-memory caches that take more than half of the container memory limit: queries need the rest,
 * and Go counts the caches against GOMEMLIMIT.
 */
function checkInMemoryBudget(ctx: RenderContext, path: FieldPath, cacheBytes: number, memoryLimit: string): void {
  const limit = quantityBytes(memoryLimit);
  if (limit === undefined || cacheBytes <= limit / 2) return;
  ctx.report(
    path,
    `in-memory caches of ${thanosBytes(cacheBytes)} exceed half of the container memory limit (${memoryLimit}), ` +
      'leaving too little for queries: lower the size, raise resources.limits.memory, or use memcached',
  );
}

/** The store gateway's index cache and caching bucket configurations. */
export function storeCacheFiles(ctx: RenderContext, folder: string, labels: LabelSpec): CacheFiles {
  const s = ctx.env.storeGateway;
  if (s.indexCache.type === 'in-memory') {
    const size = quantityBytes(s.indexCache.size) ?? 0;
    checkInMemoryBudget(ctx, ['storeGateway', 'indexCache', 'size'], size, resourcesOf(s).limits.memory);
  }
  const bucket = storeCachingBucketConfig(ctx.env);
  return cacheFiles(ctx, {
    folder,
    name: STORE_CACHE_CONFIG,
    labels,
    files: [
      { key: 'index-cache.yaml', content: indexCacheConfig(ctx.env), flags: ['index-cache.config-file'] },
      ...(bucket ? [{ key: 'caching-bucket.yaml', content: bucket, flags: ['store.caching-bucket.config-file'] }] : []),
    ],
  });
}

/** The query frontend's response cache configuration, read by the range (and labels) flags. */
export function queryFrontendCacheFiles(ctx: RenderContext, folder: string, labels: LabelSpec): CacheFiles {
  const qf = ctx.env.queryFrontend;
  if (qf.cache.type === 'in-memory') {
    const size = (quantityBytes(qf.cache.size) ?? 0) * (qf.labelsCache ? 2 : 1);
    checkInMemoryBudget(ctx, ['queryFrontend', 'cache', 'size'], size, resourcesOf(qf).limits.memory);
  }
  const flags = ['query-range.response-cache-config-file'];
  if (qf.labelsCache) flags.push('labels.response-cache-config-file');
  return cacheFiles(ctx, {
    folder,
    name: QUERY_FRONTEND_CACHE_CONFIG,
    labels,
    files: [{ key: 'response-cache.yaml', content: resultsCacheConfig(ctx.env), flags }],
  });
}
