/**
 * Cache configurations: the store gateway's index cache and caching bucket, the query frontend's results
 * cache. In-memory caches live in the process; memcached ones point at the generated memcached Services.
 */
import { type Environment, names, PORTS, serviceHost, yamlText } from '@thanos-gitops/core-model';

/** Bytes in a Kubernetes quantity, as the Thanos size notation (`512MiB`). */
export function thanosSize(quantity: string): string {
  const m = /^([0-9]+)(Ki|Mi|Gi|Ti)?$/.exec(quantity);
  if (!m) return quantity;
  return `${m[1]}${m[2] ? `${m[2]}B` : 'B'}`;
}

function memcachedAddress(env: Environment, cache: 'index' | 'results'): string {
  return `dnssrv+_memcached._tcp.${serviceHost(env, names.memcached(cache))}`;
}

/** `--index-cache.config` of the store gateway. */
export function indexCacheConfig(env: Environment): string {
  const c = env.storeGateway.indexCache;
  if (c.type === 'memcached') {
    return yamlText({
      type: 'MEMCACHED',
      config: {
        addresses: [memcachedAddress(env, 'index')],
        max_item_size: '5MiB',
        max_async_buffer_size: 10000,
        max_get_multi_batch_size: 100,
        dns_provider_update_interval: '30s',
        timeout: '500ms',
      },
    }).trimEnd();
  }
  return yamlText({ type: 'IN-MEMORY', config: { max_size: thanosSize(c.size) } }).trimEnd();
}

/** `--store.caching-bucket.config` of the store gateway, when enabled (it uses the index memcached). */
export function storeCachingBucketConfig(env: Environment): string | undefined {
  const s = env.storeGateway;
  if (!s.bucketCache.enabled) return undefined;
  return yamlText({
    type: 'MEMCACHED',
    config: { addresses: [memcachedAddress(env, 'index')], max_item_size: '5MiB', timeout: '500ms' },
    chunk_subrange_size: 16000,
    max_chunks_get_range_requests: 3,
    chunk_object_attrs_ttl: '24h',
    chunk_subrange_ttl: '24h',
    blocks_iter_ttl: '5m',
    metafile_exists_ttl: '2h',
    metafile_doesnt_exist_ttl: '15m',
    metafile_content_ttl: '24h',
  }).trimEnd();
}

/** `--query-range.response-cache-config` of the query frontend. */
export function resultsCacheConfig(env: Environment): string {
  const c = env.queryFrontend.cache;
  if (c.type === 'memcached') {
    return yamlText({
      type: 'MEMCACHED',
      config: { addresses: [memcachedAddress(env, 'results')], max_item_size: '5MiB', timeout: '500ms' },
    }).trimEnd();
  }
  return yamlText({ type: 'IN-MEMORY', config: { max_size: thanosSize(c.size), validity: '0s' } }).trimEnd();
}

export { PORTS };
