/**
 * Thanos Store Gateway: serves the blocks in object storage that are older than what the ingestors keep.
 * One StatefulSet (with its headless Service) per time partition and hash shard; blocks are split between
 * shards by `__block_id`. The newest partition serves up to now by default (`recentBlocks`), overlapping the
 * ingestors, so that recent history does not depend on their disks alone.
 */

import type { Manifest } from '@thanos-gitops/manifests';
import { componentRecord, PORTS, storeSets } from '@thanos-gitops/model';
import { storeCacheFiles } from './caches.js';
import type { RenderContext } from './context.js';
import { disruptionBudget, GRPC_AND_HTTP, service, serviceAccount, serviceMonitor } from './objects.js';
import { componentLabels, DATA_DIR, GRPC_PORT, HTTP_PORT, thanosPodTemplate } from './pod.js';
import { hashmodSelector } from './relabel.js';
import { storeLimitArgs } from './request-limits.js';
import { QUERY_DISCOVERY_SECONDS } from './rollout.js';
import { statefulSet } from './workloads.js';

const STORE = componentRecord('store-gateway');
const FOLDER = STORE.folder;
const APP = STORE.app;

export function storeGateway(ctx: RenderContext): Manifest[] {
  const { env } = ctx;
  const s = env.storeGateway;
  if (!s.enabled) return [];
  const saLabels = componentLabels(STORE, APP, env);
  const cache = storeCacheFiles(ctx, FOLDER, saLabels);
  const out: Manifest[] = [
    serviceAccount(ctx, { folder: FOLDER, component: STORE.kind, name: APP, labels: saLabels }),
    cache.configMap,
  ];
  for (const { name, partition: p, shard, range } of storeSets(env)) {
    const labels = componentLabels(STORE, name, env);
    const args = [
      `--data-dir=${DATA_DIR}/store`,
      `--grpc-address=0.0.0.0:${PORTS.grpc}`,
      `--http-address=0.0.0.0:${PORTS.http}`,
      ...cache.args,
      '--store.enable-index-header-lazy-reader',
      ...storeLimitArgs(s.limits),
      ...(range.minTime ? [`--min-time=${range.minTime}`] : []),
      ...(range.maxTime ? [`--max-time=${range.maxTime}`] : []),
      ...(s.shards > 1 ? [`--selector.relabel-config=${hashmodSelector('__block_id', shard, s.shards)}`] : []),
    ];
    const template = thanosPodTemplate({
      ctx,
      component: STORE.kind,
      labels,
      options: s,
      optionsPath: ['storeGateway'],
      command: 'store',
      args,
      ports: [GRPC_PORT, HTTP_PORT],
      objstore: true,
      volumes: cache.volumes,
      mounts: [{ name: 'data', mountPath: DATA_DIR }, ...cache.mounts],
      rolloutAnnotations: cache.rolloutAnnotations,
      serviceAccountName: APP,
      podLabels: { 'thanos-gitops/store-shard': String(shard), 'thanos-gitops/store-partition': String(p) },
    });
    out.push(
      // The volume only caches index headers; the bucket holds the data. Each rollout step is held until
      // Query reads from the new pod, so a shard of two or more replicas keeps one serving (see rollout.ts).
      statefulSet(ctx, {
        folder: FOLDER,
        name,
        labels,
        replicas: s.replicasPerShard,
        template,
        data: { size: s.storage, storageClass: s.storageClass, keep: false },
        rollout: { minReadySeconds: QUERY_DISCOVERY_SECONDS },
      }),
      service(ctx, { folder: FOLDER, name, labels, ports: GRPC_AND_HTTP, headless: true }),
      disruptionBudget(ctx, { folder: FOLDER, name, labels }),
    );
  }
  out.push(...serviceMonitor(ctx, { folder: FOLDER, name: APP, labels: saLabels, selector: STORE.selector }));
  return out;
}
