/**
 * The size presets: default requests and limits per workload for each environment `size`, and the caching
 * bucket's memcached per size. Data of the model that the schema reads (the `size` option's description shows
 * the table), so it imports nothing of the schema; `applyDerivedDefaults` (defaults.ts) fills them in.
 */
import type { SizedWorkload } from './component-kinds.js';

/** The environment's `size` (the schema's `size` option spells the same three out). */
export type Size = 'small' | 'medium' | 'large';
export type ResourceSpec = { requests: { cpu: string; memory: string }; limits: { cpu?: string; memory: string } };

const r = (cpu: string, memory: string, limit: string): ResourceSpec => ({
  requests: { cpu, memory },
  limits: { memory: limit },
});

/** Requests and memory limits per size. Sized for Thanos' own guidance: ingestors and store gateways need memory. */
export const SIZE_PRESETS: Record<Size, Record<SizedWorkload, ResourceSpec>> = {
  small: {
    'receive-router': r('100m', '128Mi', '512Mi'),
    'receive-ingestor': r('250m', '512Mi', '2Gi'),
    query: r('100m', '256Mi', '1Gi'),
    'query-frontend': r('50m', '128Mi', '512Mi'),
    'store-gateway': r('100m', '512Mi', '2Gi'),
    compactor: r('250m', '512Mi', '2Gi'),
    ruler: r('100m', '256Mi', '1Gi'),
    'bucket-web': r('50m', '64Mi', '256Mi'),
  },
  medium: {
    'receive-router': r('500m', '512Mi', '2Gi'),
    'receive-ingestor': r('1', '4Gi', '8Gi'),
    query: r('500m', '1Gi', '4Gi'),
    'query-frontend': r('250m', '512Mi', '2Gi'),
    'store-gateway': r('500m', '2Gi', '8Gi'),
    compactor: r('1', '2Gi', '8Gi'),
    ruler: r('500m', '1Gi', '4Gi'),
    'bucket-web': r('100m', '128Mi', '512Mi'),
  },
  large: {
    'receive-router': r('1', '1Gi', '4Gi'),
    'receive-ingestor': r('2', '16Gi', '32Gi'),
    query: r('2', '4Gi', '16Gi'),
    'query-frontend': r('500m', '1Gi', '4Gi'),
    'store-gateway': r('2', '8Gi', '32Gi'),
    compactor: r('2', '8Gi', '16Gi'),
    ruler: r('1', '2Gi', '8Gi'),
    'bucket-web': r('100m', '128Mi', '512Mi'),
  },
};

/** How a generated memcached is sized: pods, item memory per pod (`-m`, MiB), CPU request per pod. */
export interface MemcachedPreset {
  replicas: number;
  memoryLimitMb: number;
  cpu: string;
}

/**
 * The caching bucket's own memcached per size (`storeGateway.bucketCache.memcached`, when its options leave them
 * out). Chunks are the largest thing the store gateways read from the bucket, so this cache gets more room than
 * the index cache's 1 GiB default: 512 MiB to try it in development, 4 and 24 GiB across pods in production sizes.
 */
export const CHUNK_CACHE_PRESETS: Record<Size, MemcachedPreset> = {
  small: { replicas: 1, memoryLimitMb: 512, cpu: '100m' },
  medium: { replicas: 2, memoryLimitMb: 2048, cpu: '500m' },
  large: { replicas: 3, memoryLimitMb: 8192, cpu: '1' },
};

/** The memory limit of a memcached container, in MiB: its item memory plus room for connections and the hash table. */
export function memcachedMemoryLimitMi(memoryLimitMb: number): number {
  return memoryLimitMb + Math.max(128, Math.ceil(memoryLimitMb / 5));
}

/** The title of the caching bucket's memcached in the size-preset table. */
export const CHUNK_CACHE_TITLE = 'chunk cache memcached (`storeGateway.bucketCache.memcached`), pods ×';

/** Request limits per size (`storeGateway.limits`, `query.limits`, when their options leave them out). */
export interface RequestLimitPreset {
  /** `--store.limits.request-series` of the store gateways and Query. */
  requestSeries: number;
  /** `--store.limits.request-samples` of the store gateways and Query. */
  requestSamples: number;
  /** `--query.max-concurrent`. */
  maxConcurrent: number;
  /** `--query.max-concurrent-select`. */
  maxConcurrentSelect: number;
}

/**
 * Request limits per size: a query that would read more series or samples than a pod of that size holds in
 * memory fails with a message instead of an out-of-memory kill. Samples are about 100 per series (a day of 15 s
 * samples is 5760: a larger query range needs raising them, or downsampled data).
 */
export const REQUEST_LIMIT_PRESETS: Record<Size, RequestLimitPreset> = {
  small: { requestSeries: 250_000, requestSamples: 25_000_000, maxConcurrent: 10, maxConcurrentSelect: 4 },
  medium: { requestSeries: 1_000_000, requestSamples: 100_000_000, maxConcurrent: 20, maxConcurrentSelect: 4 },
  large: { requestSeries: 5_000_000, requestSamples: 500_000_000, maxConcurrent: 40, maxConcurrentSelect: 8 },
};

/** The titles of the request-limit rows of the size-preset table. */
export const REQUEST_LIMIT_TITLES = {
  store: 'store gateway request limits (`storeGateway.limits`), series / samples',
  query: 'query limits (`query.limits`), series / samples / concurrent / concurrent selects',
} as const;

/**
 * A whole number with commas between groups of three digits (`25,000,000`), as `toLocaleString('en-US')` writes
 * it. Not `toLocaleString` itself: its first call loads the ICU number formats (~20 ms), and the schema's `size`
 * description builds this table while its module loads, in every command.
 */
export function groupedDigits(x: number): string {
  const digits = String(Math.abs(Math.trunc(x)));
  let out = digits.slice(0, ((digits.length - 1) % 3) + 1);
  for (let i = out.length; i < digits.length; i += 3) out += `,${digits.slice(i, i + 3)}`;
  return x < 0 ? `-${out}` : out;
}

/** The request-limit rows of the size-preset table. */
function requestLimitRows(sizes: readonly Size[]): string[][] {
  const n = groupedDigits;
  return [
    [
      REQUEST_LIMIT_TITLES.store,
      ...sizes.map(
        (s) => `${n(REQUEST_LIMIT_PRESETS[s].requestSeries)} / ${n(REQUEST_LIMIT_PRESETS[s].requestSamples)}`,
      ),
    ],
    [
      REQUEST_LIMIT_TITLES.query,
      ...sizes.map((s) => {
        const p = REQUEST_LIMIT_PRESETS[s];
        return `${n(p.requestSeries)} / ${n(p.requestSamples)} / ${p.maxConcurrent} / ${p.maxConcurrentSelect}`;
      }),
    ],
  ];
}

/** What the size presets are called in tables, in the order of `SizedWorkload`. */
const WORKLOAD_TITLES: Record<SizedWorkload, string> = {
  'receive-router': 'receive router (`receive.router`)',
  'receive-ingestor': 'receive ingestor (`receive.hashrings[]`)',
  query: 'query',
  'query-frontend': 'query frontend',
  'store-gateway': 'store gateway',
  compactor: 'compactor',
  ruler: 'ruler',
  'bucket-web': 'bucket web',
};

/**
 * The size presets as table rows: per workload, for each size, `cpu request / memory request / memory limit`.
 * The schema's `size` description and the README show this table.
 */
export function sizePresetRows(): string[][] {
  const sizes = Object.keys(SIZE_PRESETS) as Size[];
  return (Object.keys(WORKLOAD_TITLES) as SizedWorkload[])
    .map((w) => [
      WORKLOAD_TITLES[w],
      ...sizes.map((size) => {
        const p = SIZE_PRESETS[size][w];
        return `${p.requests.cpu} / ${p.requests.memory} / ${p.limits.memory}`;
      }),
    ])
    .concat([
      [
        CHUNK_CACHE_TITLE,
        ...sizes.map((size) => {
          const p = CHUNK_CACHE_PRESETS[size];
          const memory = `${memcachedMemoryLimitMi(p.memoryLimitMb)}Mi`;
          return `${p.replicas} × ${p.cpu} / ${memory} / ${memory}`;
        }),
      ],
    ])
    .concat(requestLimitRows(sizes));
}

let presetTable: string | undefined;

/** The size presets as a Markdown table (built on the first call, then kept: the presets are constants). */
export function sizePresetTable(): string {
  if (presetTable !== undefined) return presetTable;
  const header = ['workload', ...Object.keys(SIZE_PRESETS)];
  const rows = [header, header.map(() => '---'), ...sizePresetRows()];
  presetTable = rows.map((r) => `| ${r.join(' | ')} |`).join('\n');
  return presetTable;
}
