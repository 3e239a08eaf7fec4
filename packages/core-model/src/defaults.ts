/**
 * Defaults that depend on other fields. Static defaults live in the schema (`default` keywords, applied by
 * ajv while validating); this file fills in the rest, once, right after validation.
 */
import { type SizedWorkload, sizedSections, sizedTitles, type WorkloadCommon } from './components.js';
import { formatDuration, parseDuration } from './duration.js';
import { EXTERNAL_LABELS } from './names.js';
import type { FieldPath } from './problems.js';
import type { Environment } from './schema/environment.js';

export type Size = Environment['size'];
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
// Keyed by the sizes spelled out: the schema reads this table, so it cannot be typed by the schema's `Size`.
export const CHUNK_CACHE_PRESETS: Record<'small' | 'medium' | 'large', MemcachedPreset> = {
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

/**
 * The size presets as table rows: per workload, for each size, `cpu request / memory request / memory limit`.
 * The schema's `size` description and the README show this table.
 */
export function sizePresetRows(): string[][] {
  const sizes = Object.keys(SIZE_PRESETS) as Size[];
  // One row per sized component, titled and ordered by the component records.
  return sizedTitles()
    .map(([w, title]) => [
      title,
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
    ]);
}

/** The size presets as a Markdown table. */
export function sizePresetTable(): string {
  const header = ['workload', ...Object.keys(SIZE_PRESETS)];
  const rows = [header, header.map(() => '---'), ...sizePresetRows()];
  return rows.map((r) => `| ${r.join(' | ')} |`).join('\n');
}

type WithResources = {
  resources?: { requests?: { cpu?: string; memory?: string }; limits?: { cpu?: string; memory?: string } };
};

function fill(target: WithResources, preset: ResourceSpec): void {
  const given = target.resources ?? {};
  const limits: { cpu?: string; memory: string } = { memory: given.limits?.memory ?? preset.limits.memory };
  const cpuLimit = given.limits?.cpu ?? preset.limits.cpu;
  if (cpuLimit !== undefined) limits.cpu = cpuLimit;
  target.resources = {
    requests: {
      cpu: given.requests?.cpu ?? preset.requests.cpu,
      memory: given.requests?.memory ?? preset.requests.memory,
    },
    limits,
  };
}

export type { WorkloadCommon };

/**
 * Every workload with size-preset resources: where it sits in the file, its component (the preset key), its
 * options. The component records' `sized.sections`, in record order.
 */
export function sizedWorkloads(env: Environment): [FieldPath, SizedWorkload, WorkloadCommon][] {
  return sizedSections(env);
}

/** The regional S3 endpoint of AWS: `.amazonaws.com.cn` in the China regions. */
export function awsS3Endpoint(region: string): string {
  return `s3.${region}.amazonaws.com${region.startsWith('cn-') ? '.cn' : ''}`;
}

/** Fills every default that is not a constant. Mutates the freshly validated document. */
export function applyDerivedDefaults(env: Environment): void {
  const preset = SIZE_PRESETS[env.size];
  const storage = env.objectStorage;
  if (storage.provider === 's3' && storage.region) storage.endpoint ??= awsS3Endpoint(storage.region);
  const id = env.identity;
  if (id?.aws) {
    id.aws.roleNamePrefix ??= `thanos-${env.name}`;
    id.aws.eksClusterName ??= env.cluster.name;
  }
  if (id?.gcp) id.gcp.serviceAccountPrefix ??= `thanos-${env.name}`;
  if (id?.azure) id.azure.identityPrefix ??= `thanos-${env.name}`;
  for (const [, kind, workload] of sizedWorkloads(env)) fill(workload, preset[kind]);
  const chunks = env.storeGateway.bucketCache.memcached;
  const chunkPreset = CHUNK_CACHE_PRESETS[env.size];
  chunks.replicas ??= chunkPreset.replicas;
  chunks.memoryLimitMb ??= chunkPreset.memoryLimitMb;
  chunks.cpu ??= chunkPreset.cpu;
  // Receive replication uploads one copy of each block per replica; merge them on the ingestors' replica label.
  const c = env.compactor;
  const replicated = env.receive.enabled && env.receive.replicationFactor > 1;
  c.deduplicationReplicaLabels ??= replicated ? [EXTERNAL_LABELS.ingestorReplica] : [];
  const onlyReceiveReplicas = c.deduplicationReplicaLabels.every((l) => l === EXTERNAL_LABELS.ingestorReplica);
  c.deduplicationFunc ??= onlyReceiveReplicas ? 'exact' : 'penalty';
  // With `recentBlocks: skip` the newest store partition serves what is older than the ingestors keep, reaching
  // `overlap` into it; with `serve` it has no upper bound and serves up to now.
  const newest = env.storeGateway.partitions[0];
  if (newest && newest.maxTime === undefined && env.receive.enabled && env.storeGateway.recentBlocks === 'skip') {
    newest.maxTime = derivedMaxTime(env);
  }
}

/** The `maxTime` the newest store partition gets with `recentBlocks: skip`: the receive retention less `overlap`. */
export function derivedMaxTime(env: Environment): string {
  const reach = (parseDuration(env.receive.retention) ?? 0) - (parseDuration(env.storeGateway.overlap) ?? 0);
  return `-${formatDuration(Math.max(reach, 0))}`;
}

/** The resolved resources of a workload (always present once defaults are applied). */
export function resourcesOf(workload: WithResources): ResourceSpec {
  const res = workload.resources;
  if (!res?.requests?.cpu || !res.requests.memory || !res.limits?.memory) {
    throw new Error('resources are filled by applyDerivedDefaults; was the environment loaded with loadEnvironments?');
  }
  return res as ResourceSpec;
}
