/**
 * Thanos bucket web (`thanos tools bucket web`): a UI listing the blocks in the bucket. A stateless
 * Deployment with read-only bucket access; admin operations (marking blocks for deletion or no-compaction)
 * are disabled, since they would fail under a read-only identity and belong to the compactor anyway.
 */
import { type Environment, type Manifest, names, PORTS } from '@thanos-gitops/core-model';
import type { RenderContext } from './context.js';
import { disruptionBudget, service, serviceAccount, serviceMonitor } from './objects.js';
import { HTTP_PORT, thanosLabels, thanosPodTemplate } from './pod.js';
import { deployment } from './workloads.js';

const FOLDER = 'bucket-web';
const COMPONENT = 'object-store-browser';

/** The external label titling block groups: the tenant, when receive writes the blocks. */
export function groupLabel(env: Environment): string | undefined {
  return env.bucketWeb.label ?? (env.receive.enabled ? env.receive.tenantLabel : undefined);
}

export function bucketWeb(ctx: RenderContext): Manifest[] {
  const { env } = ctx;
  const b = env.bucketWeb;
  if (!b.enabled) return [];
  const name = names.bucketWeb;
  const labels = thanosLabels(name, name, COMPONENT, env);
  const label = groupLabel(env);
  const template = thanosPodTemplate({
    ctx,
    component: 'bucket-web',
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
    serviceAccount(ctx, FOLDER, 'bucket-web', name, labels),
    deployment(ctx, FOLDER, name, labels, { replicas: b.replicas, template }),
    service(ctx, FOLDER, name, labels, [{ name: 'http', port: PORTS.http }]),
    ...serviceMonitor(ctx, FOLDER, name, labels),
  ];
  if (b.replicas > 1) out.push(disruptionBudget(ctx, FOLDER, name, labels));
  return out;
}
