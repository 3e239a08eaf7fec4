/**
 * Thanos Compactor: compaction, downsampling, retention and (optionally) deduplication of the bucket.
 * Two compactors working on the same block stream corrupt it, so every shard is its own StatefulSet of
 * exactly one pod: a StatefulSet never starts a replacement pod before the old one is gone (unlike a
 * Deployment's surge). With sharding, each shard keeps the block streams whose external label hashes to
 * it, through a `hashmod` selector read from a generated ConfigMap.
 */
import type { Manifest } from '@thanos-gitops/manifests';
import { componentRecord, names, PORTS } from '@thanos-gitops/model';
import type { Environment } from '@thanos-gitops/schema';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import type { RenderContext } from './context.js';
import { contentHash } from './hash.js';
import { outOfOrderIngestion } from './ingestion.js';
import { disruptionBudget, metadata, service, serviceAccount, serviceMonitor } from './objects.js';
import { componentLabels, DATA_DIR, HTTP_PORT, thanosPodTemplate } from './pod.js';
import { hashmodSelector } from './relabel.js';
import { statefulSet } from './workloads.js';

const COMPACTOR = componentRecord('compactor');
const FOLDER = COMPACTOR.folder;
const APP = COMPACTOR.app;
/** The ConfigMap holding every shard's selector, one key per shard. */
export const SHARDS_CONFIG = `${APP}-shards`;
const SHARDS_DIR = '/etc/thanos/compact-shards';

/** The ConfigMap key of a shard's `--selector.relabel-config-file`. */
export function shardKey(shard: number): string {
  return `shard-${shard}.yaml`;
}

/** Retention, downsampling and deduplication flags, the same on every shard. */
function policyArgs(env: Environment): string[] {
  const c = env.compactor;
  // Filled by the defaults: `[replica]` with receive replication, else none.
  const dedup = c.deduplicationReplicaLabels ?? [];
  return [
    `--retention.resolution-raw=${c.retention.raw}`,
    `--retention.resolution-5m=${c.retention['5m']}`,
    `--retention.resolution-1h=${c.retention['1h']}`,
    ...(c.downsampling ? [] : ['--downsampling.disable']),
    `--delete-delay=${c.deleteDelay}`,
    ...dedup.map((l) => `--deduplication.replica-label=${l}`),
    // Thanos' default merge ("") is exact 1:1; penalty needs at least one replica label.
    ...(dedup.length > 0 && c.deduplicationFunc === 'penalty' ? ['--deduplication.func=penalty'] : []),
    // Out-of-order samples make blocks that overlap others: only vertical compaction merges them (a replica
    // label turns it on already).
    ...(dedup.length === 0 && outOfOrderIngestion(env) ? ['--compact.enable-vertical-compaction'] : []),
  ];
}

/** The selector of every shard, by shard number (empty without sharding). */
function shardSelectors(c: Environment['compactor']): string[] {
  const s = c.sharding;
  return s ? [...Array(s.shards).keys()].map((shard) => hashmodSelector(s.label, shard, s.shards)) : [];
}

export function compactor(ctx: RenderContext): Manifest[] {
  const { env } = ctx;
  const c = env.compactor;
  if (!c.enabled) return [];
  const saLabels = componentLabels(COMPACTOR, APP, env);
  const out: Manifest[] = [
    serviceAccount(ctx, { folder: FOLDER, component: COMPACTOR.kind, name: APP, labels: saLabels }),
  ];
  const selectors = shardSelectors(c);
  if (selectors.length > 0) {
    out.push({
      component: FOLDER,
      object: new ConfigMap({
        metadata: metadata(env, SHARDS_CONFIG, saLabels),
        data: Object.fromEntries(selectors.map((text, shard) => [shardKey(shard), text])),
      }),
    });
  }
  const shards: (Shard | undefined)[] =
    selectors.length > 0 ? selectors.map((selector, index) => ({ index, selector })) : [undefined];
  for (const shard of shards) out.push(...compactorShard(ctx, shard));
  out.push(...serviceMonitor(ctx, { folder: FOLDER, name: APP, labels: saLabels, selector: COMPACTOR.selector }));
  return out;
}

/** One shard of a sharded compactor: its number and its selector. */
interface Shard {
  index: number;
  selector: string;
}

/** The StatefulSet of one pod, its headless Service and its disruption budget, for one shard (or the only one). */
function compactorShard(ctx: RenderContext, shard: Shard | undefined): Manifest[] {
  const { env } = ctx;
  const c = env.compactor;
  const name = names.compactor(shard?.index);
  const labels = componentLabels(COMPACTOR, name, env);
  const args = [
    '--wait',
    '--wait-interval=5m',
    `--data-dir=${DATA_DIR}/compact`,
    `--http-address=0.0.0.0:${PORTS.http}`,
    ...policyArgs(env),
    '--compact.concurrency=1',
    '--downsample.concurrency=1',
    ...(shard ? [`--selector.relabel-config-file=${SHARDS_DIR}/${shardKey(shard.index)}`] : []),
  ];
  const template = thanosPodTemplate({
    ctx,
    component: COMPACTOR.kind,
    labels,
    options: c,
    optionsPath: ['compactor'],
    command: 'compact',
    args,
    ports: [HTTP_PORT],
    objstore: true,
    volumes: shard ? [{ name: 'shards', configMap: { name: SHARDS_CONFIG } }] : [],
    mounts: [
      { name: 'data', mountPath: DATA_DIR },
      ...(shard ? [{ name: 'shards', mountPath: SHARDS_DIR, readOnly: true }] : []),
    ],
    // Only this shard's selector: resharding rolls every shard anyway, since each one's selector changes.
    ...(shard ? { rolloutAnnotations: { 'thanos-gitops/selector-hash': contentHash(shard.selector) } } : {}),
    serviceAccountName: APP,
    terminationGracePeriodSeconds: 300,
  });
  return [
    // Never more than one pod: see the top of this file. The volume is only a scratch copy of blocks being
    // compacted; the bucket holds the data.
    statefulSet(ctx, {
      folder: FOLDER,
      name,
      labels,
      replicas: 1,
      template,
      ordered: true,
      data: { size: c.storage, storageClass: c.storageClass, keep: false },
    }),
    service(ctx, { folder: FOLDER, name, labels, ports: [{ name: 'http', port: PORTS.http }], headless: true }),
    // With a single pod, maxUnavailable 1 never blocks a node drain; it documents that the compactor may be
    // evicted (it resumes from the bucket) and keeps every workload covered by a budget.
    disruptionBudget(ctx, { folder: FOLDER, name, labels }),
  ];
}
