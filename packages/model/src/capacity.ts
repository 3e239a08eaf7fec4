/**
 * Sizing from numbers: what `capacity` (active series, samples per second, tenants, queries per second) makes of
 * the volumes, requests and chunk cache, by formulas written once here and shown by the README and the
 * environment README (`capacityFigures`). `applyCapacity` runs before the size presets fill what is left, and
 * sets only what the file does not give (`given`).
 */
import { CHUNK_CACHE_PRESETS } from '@thanos-gitops/catalog';
import type { FieldPath } from '@thanos-gitops/problems';
import type { Environment } from '@thanos-gitops/schema';
import { parseDuration } from './duration.js';

/** The constants of the formulas, with the reason for each (rules of thumb from Prometheus and Thanos). */
export const CAPACITY_CONSTANTS = {
  /** Bytes per sample on disk, blocks and WAL (Prometheus: 1-2 compressed; the WAL more): 2. */
  diskBytesPerSample: 2,
  /** What an ingestor keeps beyond its retention: the WAL and the head, about 3 hours of samples. */
  walSeconds: 3 * 3600,
  /** Room left on a volume: 25 %. */
  headroom: 1.25,
  /** Head memory per active series on an ingestor, bytes (labels, postings, open chunks): 6 KiB. */
  headBytesPerSeries: 6 * 1024,
  /** Per tenant TSDB on an ingestor, bytes: 64 MiB. Plus a base of 256 MiB per ingestor. */
  tenantBytes: 64 * 2 ** 20,
  baseBytes: 256 * 2 ** 20,
  /** Samples per second one core ingests (ingestor) or forwards (router). */
  ingestPerCore: 40_000,
  forwardPerCore: 100_000,
  /** Cores per query per second on Query. */
  coresPerQuery: 0.5,
  /** The compactor's largest compaction: 14 days of raw blocks, downloaded and written once more. */
  compactionDays: 14,
  /** Chunk cache memory per active series, bytes: 1 KiB (a few recent chunks of the series dashboards read). */
  chunkCacheBytesPerSeries: 1024,
} as const;

const GI = 2 ** 30;
const MI = 2 ** 20;
const gi = (bytes: number, floor = 10) => `${Math.max(floor, Math.ceil(bytes / GI))}Gi`;
const mi = (bytes: number) => `${Math.ceil(bytes / MI / 64) * 64}Mi`;
const cpu = (cores: number) => `${Math.max(100, Math.ceil((cores * 1000) / 50) * 50)}m`;

/** One derived value: the option it sizes, the value, and the formula with the environment's numbers. */
export interface CapacityFigure {
  path: FieldPath;
  value: string;
  formula: string;
}

function ingestorFigures(env: Environment, c: NonNullable<Environment['capacity']>): CapacityFigure[] {
  const r = env.receive;
  const k = CAPACITY_CONSTANTS;
  const ingestors = r.hashrings.reduce((n, h) => n + h.replicas, 0);
  const rf = r.replicationFactor;
  const retention = (parseDuration(r.retention) ?? 0) / 1000;
  const perIngestorSps = (c.samplesPerSecond * rf) / ingestors;
  const disk = perIngestorSps * (retention + k.walSeconds) * k.diskBytesPerSample * k.headroom;
  const memory = ((c.activeSeries * rf) / ingestors) * k.headBytesPerSeries + c.tenants * k.tenantBytes + k.baseBytes;
  const share = `samplesPerSecond ${c.samplesPerSecond} × RF ${rf} / ${ingestors} ingestors`;
  return r.hashrings.flatMap((_, i): CapacityFigure[] => [
    {
      path: ['receive', 'hashrings', i, 'storage'],
      value: gi(disk),
      formula: `${share} × (retention ${retention} s + 3 h of WAL) × 2 B × 1.25, at least 10Gi`,
    },
    {
      path: ['receive', 'hashrings', i, 'resources', 'requests', 'memory'],
      value: mi(memory),
      formula: `activeSeries ${c.activeSeries} × RF ${rf} / ${ingestors} × 6 KiB + tenants ${c.tenants} × 64 MiB + 256 MiB (limit: twice)`,
    },
    {
      path: ['receive', 'hashrings', i, 'resources', 'requests', 'cpu'],
      value: cpu(perIngestorSps / k.ingestPerCore),
      formula: `${share} / 40000 samples/s per core, at least 100m`,
    },
  ]);
}

function otherFigures(env: Environment, c: NonNullable<Environment['capacity']>): CapacityFigure[] {
  const k = CAPACITY_CONSTANTS;
  const rf = env.receive.replicationFactor;
  const copies = rf + 1;
  const compactorBytes = c.samplesPerSecond * 86_400 * k.compactionDays * k.diskBytesPerSample * copies;
  const chunks = env.storeGateway.bucketCache.memcached;
  const chunkPods = chunks.replicas ?? CHUNK_CACHE_PRESETS[env.size].replicas;
  const queryPods = env.query.replicas;
  return [
    {
      path: ['compactor', 'storage'],
      value: gi(compactorBytes * k.headroom),
      formula: `samplesPerSecond ${c.samplesPerSecond} × 14 d × 2 B × (RF ${rf} copies + 1 written) × 1.25, at least 10Gi`,
    },
    {
      path: ['receive', 'router', 'resources', 'requests', 'cpu'],
      value: cpu((c.samplesPerSecond * rf) / env.receive.router.replicas / k.forwardPerCore),
      formula: `samplesPerSecond ${c.samplesPerSecond} × RF ${rf} / ${env.receive.router.replicas} routers / 100000 samples/s per core`,
    },
    {
      path: ['query', 'resources', 'requests', 'cpu'],
      value: cpu((c.queriesPerSecond * k.coresPerQuery) / queryPods),
      formula: `queriesPerSecond ${c.queriesPerSecond} × 0.5 core / ${queryPods} Query pods`,
    },
    {
      path: ['storeGateway', 'bucketCache', 'memcached', 'memoryLimitMb'],
      value: String(Math.max(512, Math.ceil((c.activeSeries * k.chunkCacheBytesPerSeries) / MI / chunkPods))),
      formula: `activeSeries ${c.activeSeries} × 1 KiB / ${chunkPods} pods, in MiB, at least 512`,
    },
  ];
}

/** Every value `capacity` derives, with its formula; empty without `capacity`. */
export function capacityFigures(env: Environment): CapacityFigure[] {
  const c = env.capacity;
  if (c === undefined) return [];
  return [...(env.receive.enabled ? ingestorFigures(env, c) : []), ...otherFigures(env, c)];
}

/** Sets `path` of `env` to `value` (a number for `memoryLimitMb`), creating the objects on the way. */
function setAt(env: Environment, path: FieldPath, value: string): void {
  // biome-ignore lint/suspicious/noExplicitAny: a walk over the environment by path
  let at: any = env;
  for (const key of path.slice(0, -1)) {
    at[key] ??= {};
    at = at[key];
  }
  const last = path[path.length - 1] as string;
  at[last] = last === 'memoryLimitMb' ? Number(value) : value;
}

/**
 * Applies the derived values the file does not give (`given(path)` is false), before the size presets fill the
 * rest. A derived memory request brings its limit (twice the request) unless the file gives one.
 */
export function applyCapacity(env: Environment, given: (path: FieldPath) => boolean): void {
  for (const f of capacityFigures(env)) {
    if (given(f.path)) continue;
    setAt(env, f.path, f.value);
    if (f.path.at(-1) === 'memory') {
      const limitPath = [...f.path.slice(0, -2), 'limits', 'memory'];
      if (!given(limitPath)) setAt(env, limitPath, `${Number.parseInt(f.value, 10) * 2}Mi`);
    }
  }
}
