/** The environment-wide options: name, namespace, cluster, release, size and resources, labels, monitoring. */
import { CHUNK_CACHE_PRESETS, SIZE_PRESETS, type Size } from '@thanos-gitops/catalog';
import { FLUX_PRUNE, SYNC_WAVE } from '@thanos-gitops/delivery';
import { DEFAULT_THANOS_VERSION } from '@thanos-gitops/schema';
import type { ImportOptions } from '../options.js';
import { memcachedSettings } from './caches.js';
import { type ImportContext, note, put } from './context.js';
import { at, objectId, type Plain } from './objects.js';
import { supported } from './workloads.js';

export function readEnvironment(ctx: ImportContext, options: ImportOptions): void {
  const namespace = options.namespace ?? ctx.workloads[0]?.object.metadata.namespace ?? 'thanos';
  const name = options.name ?? namespace;
  put(ctx, 'name', name, options.name ? '--name' : 'metadata.namespace');
  put(ctx, 'namespace', namespace, 'metadata.namespace');
  const tags = ctx.workloads.map((w) => w.tag).filter((t) => t !== undefined);
  const tag = tags[0];
  const version = supported(tag);
  if (version !== DEFAULT_THANOS_VERSION) put(ctx, 'thanos.version', version, `image ${tag}`);
  if (tag !== version) {
    note(ctx, {
      kind: 'version',
      source: `image ${ctx.workloads[0]?.image ?? '?'}`,
      option: 'thanos.version',
      detail: `${tag ?? 'an unknown release'} → ${version}: read the release notes in between; flags were read against ${version}'s table`,
    });
  }
  const image = ctx.workloads[0]?.image.replace(/[:@].*$/, '');
  if (image?.includes('bitnami/')) {
    note(ctx, {
      kind: 'default-differs',
      source: `image ${image}`,
      option: 'thanos.image',
      detail: "Bitnami's Thanos images are no longer published: the project runs quay.io/thanos/thanos",
    });
  } else if (image && image !== 'quay.io/thanos/thanos') put(ctx, 'thanos.image', image, 'image');
  const digest = /@(sha256:[a-f0-9]{64})$/.exec(ctx.workloads[0]?.image ?? '')?.[1];
  if (digest) put(ctx, 'thanos.digest', digest, 'image');
  for (const w of ctx.workloads) {
    for (const f of w.unknownFlags)
      note(ctx, {
        kind: 'ignored',
        source: `${objectId(w.object)}: --${f}`,
        detail: `not a flag of \`thanos ${w.command}\` ${version}`,
      });
  }
}

/** `cluster.name` when nothing better named it: the environment's. */
export function readCluster(ctx: ImportContext, options: ImportOptions & { cluster?: string }): void {
  if (options.cluster) put(ctx, 'cluster.name', options.cluster, '--cluster');
  if (at(ctx.env, 'cluster', 'name')) return;
  put(ctx, 'cluster.name', String(ctx.env.name), 'input', 'placeholder');
  note(ctx, {
    kind: 'needs-person',
    source: 'input',
    option: 'cluster.name',
    detail: 'the manifests do not name the cluster: set cluster.name (it goes into labels, dashboards and IAM names)',
  });
}

const same = (a: unknown, b: unknown) => String(a ?? '') === String(b ?? '');

function matches(res: unknown, preset: { requests: Plain; limits: Plain }): boolean {
  return (
    same(at(res, 'requests', 'cpu'), preset.requests.cpu) &&
    same(at(res, 'requests', 'memory'), preset.requests.memory) &&
    same(at(res, 'limits', 'cpu'), preset.limits.cpu) &&
    same(at(res, 'limits', 'memory'), preset.limits.memory)
  );
}

/** The size preset most workloads match; the others get their own `resources`. */
export function readSize(ctx: ImportContext): void {
  const sizes: Size[] = ['small', 'medium', 'large'];
  const score = (s: Size) =>
    ctx.resources.filter((r) => matches(r.workload.container.resources, SIZE_PRESETS[s][r.preset])).length;
  const size = sizes.reduce((best, s) => (score(s) > score(best) ? s : best), 'small');
  if (size !== 'small')
    put(ctx, 'size', size, 'resources', `${score(size)} of ${ctx.resources.length} workloads match the ${size} preset`);
  for (const r of ctx.resources) {
    const res = r.workload.container.resources;
    if (matches(res, SIZE_PRESETS[size][r.preset])) continue;
    if (!res || Object.keys(res).length === 0) {
      note(ctx, {
        kind: 'default-differs',
        source: objectId(r.workload.object),
        option: `${r.option}.resources`,
        detail: `no resources: the ${size} preset applies`,
      });
      continue;
    }
    put(ctx, `${r.option}.resources`, res, `${objectId(r.workload.object)}: resources`);
  }
  if (ctx.chunkCache)
    memcachedSettings(ctx, 'storeGateway.bucketCache.memcached', ctx.chunkCache, { ...CHUNK_CACHE_PRESETS[size] });
}

const STANDARD = /^(app\.kubernetes\.io\/|controller\.receive\.thanos\.io|helm\.sh\/|app$|chart$|release$|heritage$)/;

/** Labels every Thanos workload carries beyond the standard ones, and what the ServiceMonitors add. */
export function readLabels(ctx: ImportContext): void {
  const common = commonLabels(ctx.workloads.map((w) => w.object.metadata.labels ?? {}));
  if (Object.keys(common).length > 0) put(ctx, 'labels', common, 'metadata.labels', 'labels on every workload');
  const monitors = ctx.objects.filter((o) => o.kind === 'ServiceMonitor');
  if (monitors.length === 0) put(ctx, 'monitoring.serviceMonitors', false, 'input', 'no ServiceMonitors in the input');
  const selected = commonLabels(
    monitors.map((m) => m.metadata.labels ?? {}),
    OWN,
  );
  for (const key of Object.keys(common)) delete selected[key];
  if (Object.keys(selected).length > 0) put(ctx, 'monitoring.labels', selected, 'ServiceMonitor metadata.labels');
  if (!ctx.objects.some((o) => o.kind === 'PrometheusRule')) {
    note(ctx, {
      kind: 'default-differs',
      source: 'input',
      option: 'monitoring.prometheusRule',
      detail: 'no PrometheusRule ran: the project adds its alerts',
    });
  }
  readDelivery(ctx);
}

/** Argo CD's sync waves or Flux's prune protection: the tool that applied the folder (its settings live elsewhere). */
function readDelivery(ctx: ImportContext): void {
  const annotated = (key: string) => ctx.objects.find((o) => o.metadata.annotations?.[key] !== undefined);
  const argo = annotated(SYNC_WAVE);
  const flux = annotated(FLUX_PRUNE);
  const found = argo ?? flux;
  if (!found) return;
  const tool = argo ? 'argocd' : 'flux';
  put(
    ctx,
    'delivery',
    { tool, repoURL: 'https://git.example.com/REPLACE_ME.git' },
    `${objectId(found)}: ${argo ? SYNC_WAVE : FLUX_PRUNE}`,
    `${tool}, placeholder repoURL`,
  );
  note(ctx, {
    kind: 'needs-person',
    source: objectId(found),
    option: 'delivery.repoURL',
    detail: `set the git repository ${tool === 'argocd' ? 'Argo CD' : 'Flux'} clones, and the delivery settings the manifests do not carry`,
  });
}

/** The project's own label keys (a Prometheus selects ServiceMonitors by `release` and the like). */
const OWN = /^app\.kubernetes\.io\//;

function commonLabels(all: Record<string, string>[], standard = STANDARD): Record<string, string> {
  const [first, ...rest] = all;
  const common: Record<string, string> = {};
  for (const [k, v] of Object.entries(first ?? {})) {
    if (!standard.test(k) && rest.every((l) => l[k] === v)) common[k] = v;
  }
  return common;
}
