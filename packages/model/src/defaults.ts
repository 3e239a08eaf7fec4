/**
 * Defaults that depend on other fields. Static defaults live in the schema (`default` keywords, applied by
 * ajv while validating); this file fills in the rest, once, right after validation.
 */
import {
  CHUNK_CACHE_PRESETS,
  REQUEST_LIMIT_PRESETS,
  type ResourceSpec,
  SIZE_PRESETS,
  type SizedWorkload,
} from '@thanos-gitops/catalog';
import type { FieldPath } from '@thanos-gitops/problems';
import type { Environment } from '@thanos-gitops/schema';
import { applyCapacity } from './capacity.js';
import { sizedSections, type WorkloadCommon } from './components.js';
import { formatDuration, parseDuration } from './duration.js';
import { EXTERNAL_LABELS } from './names.js';

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

/**
 * Fills every default that is not a constant. Mutates the freshly validated document. `given` says whether the
 * file gives a path (the values `capacity` derives never replace one); without it, nothing is derived from it.
 */
export function applyDerivedDefaults(env: Environment, given: (path: FieldPath) => boolean = () => true): void {
  applyCapacity(env, given);
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
  fillRequestLimits(env);
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

/** The request limits of the store gateways and Query the options leave out, from the size preset. */
function fillRequestLimits(env: Environment): void {
  const p = REQUEST_LIMIT_PRESETS[env.size];
  const store = env.storeGateway.limits;
  store.requestSeries ??= p.requestSeries;
  store.requestSamples ??= p.requestSamples;
  const q = env.query.limits;
  q.requestSeries ??= p.requestSeries;
  q.requestSamples ??= p.requestSamples;
  q.maxConcurrent ??= p.maxConcurrent;
  q.maxConcurrentSelect ??= p.maxConcurrentSelect;
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
