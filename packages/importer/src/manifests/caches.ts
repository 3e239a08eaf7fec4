/** Cache configs (in-memory or memcached) and the memcached StatefulSets behind them. */
import { parse } from 'yaml';
import { configOf, find, type ImportContext, note, put } from './context.js';
import { at, isPlain, type K8sObject, objectId, type Plain } from './objects.js';
import { source } from './workloads.js';

export function readCaches(ctx: ImportContext): void {
  for (const cache of ctx.caches) {
    const text = configOf(ctx, cache.workload, cache.base);
    const config = text ? (parse(text) as Plain | null) : undefined;
    const where = source(cache.workload, `${cache.base}-file`);
    if (cache.option === 'storeGateway.bucketCache') {
      if (config) bucketCache(ctx, config, where);
      continue;
    }
    if (!config) continue;
    const type = String(config.type ?? '').toUpperCase();
    if (type === 'IN-MEMORY') {
      const size = at(config, 'config', 'max_size');
      if (typeof size === 'string') put(ctx, `${cache.option}.size`, quantity(size), where);
    } else if (type === 'MEMCACHED') {
      put(ctx, `${cache.option}.type`, 'memcached', where);
      memcached(ctx, `${cache.option}.memcached`, config, where);
    } else {
      note(ctx, {
        kind: 'ignored',
        source: where,
        option: cache.option,
        detail: `cache type ${type || 'unknown'} is not modelled: the project's default applies`,
      });
    }
  }
}

function bucketCache(ctx: ImportContext, config: Plain, where: string): void {
  put(ctx, 'storeGateway.bucketCache.enabled', true, where);
  const o = memcachedObject(ctx, config);
  if (
    o &&
    o.metadata.name !== 'thanos-memcached-chunks' &&
    o.metadata.name === memcachedObject(ctx, indexConfig(ctx))?.metadata.name
  ) {
    put(ctx, 'storeGateway.bucketCache.memcached.dedicated', false, where, 'shares the index cache memcached');
  } else if (o) ctx.chunkCache = o;
}

function indexConfig(ctx: ImportContext): Plain {
  const index = ctx.caches.find((c) => c.option === 'storeGateway.indexCache');
  const text = index ? configOf(ctx, index.workload, index.base) : undefined;
  return (text ? parse(text) : {}) as Plain;
}

/** The memcached StatefulSet or Deployment a memcached client config points at. */
function memcachedObject(ctx: ImportContext, config: Plain): K8sObject | undefined {
  const addresses = at(config, 'config', 'addresses');
  const first = Array.isArray(addresses) ? String(addresses[0] ?? '') : '';
  const host =
    first
      .replace(/^dns(srv)?\+/, '')
      .replace(/^_[^.]+\._tcp\./, '')
      .split(/[.:]/)[0] ?? '';
  return find(ctx, 'StatefulSet', host) ?? find(ctx, 'Deployment', host);
}

export function memcached(ctx: ImportContext, option: string, config: Plain, where: string): void {
  const o = memcachedObject(ctx, config);
  if (!o) {
    note(ctx, {
      kind: 'needs-person',
      source: where,
      option,
      detail: 'a memcached the input does not hold: the project runs its own',
    });
    return;
  }
  memcachedSettings(ctx, option, o, undefined);
}

/** Replicas and the memcached flags of a memcached workload, each written unless it is `defaults`' value. */
export function memcachedSettings(ctx: ImportContext, option: string, o: K8sObject, defaults?: Plain): void {
  const containers = (at(o, 'spec', 'template', 'spec', 'containers') ?? []) as Plain[];
  const args = (
    (containers.find((c) => String(c.image).includes('memcached') && !String(c.image).includes('exporter'))?.args ??
      []) as string[]
  ).map(String);
  const value = (f: string) => args[args.indexOf(f) + 1];
  const settings: [string, unknown][] = [
    ['replicas', Number(at(o, 'spec', 'replicas') ?? 1)],
    ['memoryLimitMb', value('-m') === undefined ? undefined : Number(value('-m'))],
    ['maxItemSize', value('-I')],
    ['threads', value('-t') === undefined ? undefined : Number(value('-t'))],
    ['connectionLimit', value('-c') === undefined ? undefined : Number(value('-c'))],
  ];
  const fallback: Plain = { maxItemSize: '5m', threads: 4, connectionLimit: 4096, ...(defaults ?? {}) };
  for (const [key, v] of settings) {
    if (v === undefined || (isPlain(fallback) && fallback[key] === v)) continue;
    put(ctx, `${option}.${key}`, v, `${objectId(o)}${key === 'replicas' ? ': spec.replicas' : ''}`);
  }
}

/** A Thanos byte size (`256MB`, `128MiB`: both base 2 in Thanos) as a Kubernetes quantity (`256Mi`). */
export function quantity(size: string): string {
  const m = /^(\d+)\s*([KMGT])i?B$/i.exec(size.trim());
  return m ? `${m[1]}${(m[2] ?? '').toUpperCase()}i` : size;
}
