/**
 * Thanos Compactor: compaction, downsampling and retention of the bucket. Exactly one replica per shard
 * (two compactors on the same blocks corrupt them), so each shard is its own StatefulSet of one pod.
 */
import { type Manifest, names, PORTS, selectorLabels } from '@thanos-gitops/core-model';
import { StatefulSet } from 'kubernetes-models/apps/v1';
import type { RenderContext } from './context.js';
import { disruptionBudget, metadata, service, serviceAccount, serviceMonitor } from './objects.js';
import { DATA_DIR, HTTP_PORT, thanosLabels, thanosPodTemplate } from './pod.js';
import { hashmodSelector } from './relabel.js';
import { volumeClaim } from './storage.js';

const FOLDER = 'compactor';
const APP = 'thanos-compact';

export function compactor(ctx: RenderContext): Manifest[] {
  const { env } = ctx;
  const c = env.compactor;
  if (!c.enabled) return [];
  const saLabels = thanosLabels(APP, APP, 'database-compactor', env);
  const out: Manifest[] = [serviceAccount(ctx, FOLDER, 'compactor', APP, saLabels)];
  const shards: (number | undefined)[] = c.sharding ? [...Array(c.sharding.shards).keys()] : [undefined];
  for (const shard of shards) {
    const name = names.compactor(shard);
    const labels = thanosLabels(APP, name, 'database-compactor', env);
    const args = [
      '--wait',
      '--wait-interval=5m',
      `--data-dir=${DATA_DIR}/compact`,
      `--http-address=0.0.0.0:${PORTS.http}`,
      `--retention.resolution-raw=${c.retention.raw}`,
      `--retention.resolution-5m=${c.retention['5m']}`,
      `--retention.resolution-1h=${c.retention['1h']}`,
      `--delete-delay=${c.deleteDelay}`,
      '--compact.concurrency=1',
      '--downsample.concurrency=1',
      ...(c.downsampling ? [] : ['--downsampling.disable']),
      ...c.deduplicationReplicaLabels.map((l) => `--deduplication.replica-label=${l}`),
      ...(c.sharding && shard !== undefined
        ? [`--selector.relabel-config=${hashmodSelector(c.sharding.label, shard, c.sharding.shards)}`]
        : []),
    ];
    const template = thanosPodTemplate({
      ctx,
      component: 'compactor',
      labels,
      options: c,
      optionsPath: ['compactor'],
      command: 'compact',
      args,
      ports: [HTTP_PORT],
      objstore: true,
      mounts: [{ name: 'data', mountPath: DATA_DIR }],
      serviceAccountName: APP,
      terminationGracePeriodSeconds: 300,
    });
    out.push(
      {
        component: FOLDER,
        object: new StatefulSet({
          metadata: metadata(env, name, labels),
          spec: {
            replicas: 1,
            serviceName: name,
            selector: { matchLabels: selectorLabels(labels) },
            template,
            volumeClaimTemplates: [volumeClaim('data', c.storage, c.storageClass)],
          },
        }),
      },
      service(ctx, FOLDER, name, labels, [{ name: 'http', port: PORTS.http }], { headless: true }),
      disruptionBudget(ctx, FOLDER, name, labels),
    );
  }
  out.push(...serviceMonitor(ctx, FOLDER, APP, saLabels, { selector: { 'app.kubernetes.io/name': APP } }));
  return out;
}
