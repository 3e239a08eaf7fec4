/**
 * Thanos bucket web (`thanos tools bucket web`): a UI listing the blocks in the bucket. A stateless
 * Deployment with read-only bucket access; admin operations (marking blocks for deletion or no-compaction)
 * are disabled, since they would fail under a read-only identity and belong to the compactor anyway.
 */
import type { Manifest } from '@thanos-gitops/manifests';
import { componentRecord, PORTS } from '@thanos-gitops/model';
import type { Environment } from '@thanos-gitops/schema';
import type { RenderContext } from './context.js';
import { disruptionBudget, service, serviceAccount, serviceMonitor } from './objects.js';
import { componentLabels, HTTP_PORT, thanosPodTemplate } from './pod.js';
import { deployment } from './workloads.js';

const BUCKET_WEB = componentRecord('bucket-web');
const FOLDER = BUCKET_WEB.folder;

/** The external label titling block groups: the tenant, when receive writes the blocks. */
export function groupLabel(env: Environment): string | undefined {
  return env.bucketWeb.label ?? (env.receive.enabled ? env.receive.tenantLabel : undefined);
}

export function bucketWeb(ctx: RenderContext): Manifest[] {
  const { env } = ctx;
  const b = env.bucketWeb;
  if (!b.enabled) return [];
  const name = BUCKET_WEB.app;
  const labels = componentLabels(BUCKET_WEB, name, env);
  const label = groupLabel(env);
  const template = thanosPodTemplate({
    ctx,
    component: BUCKET_WEB.kind,
    labels,
    options: b,
    optionsPath: ['bucketWeb'],
    command: 'tools bucket web',
    args: [
      `--http-address=0.0.0.0:${PORTS.http}`,
      `--refresh=${b.refresh}`,
      `--timeout=${b.timeout}`,
      ...(label ? [`--label=${label}`] : []),
      '--disable-admin-operations',
    ],
    ports: [HTTP_PORT],
    objstore: true,
    serviceAccountName: name,
  });
  const out: Manifest[] = [
    serviceAccount(ctx, { folder: FOLDER, component: BUCKET_WEB.kind, name, labels }),
    deployment(ctx, { folder: FOLDER, name, labels, replicas: b.replicas, template }),
    service(ctx, { folder: FOLDER, name, labels, ports: [{ name: 'http', port: PORTS.http }] }),
    ...serviceMonitor(ctx, { folder: FOLDER, name, labels }),
  ];
  if (b.replicas > 1) out.push(disruptionBudget(ctx, { folder: FOLDER, name, labels }));
  return out;
}
