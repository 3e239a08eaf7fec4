/**
 * memcached for the caches that use it (`thanos-memcached-index`, `thanos-memcached-chunks` for the store
 * gateway's caching bucket, `thanos-memcached-results`): a StatefulSet
 * behind a headless Service, so Thanos finds every pod by the SRV record of the `memcached` port and each pod
 * keeps its name (and its share of the keys) across restarts. A Prometheus exporter runs beside each memcached.
 * Nothing is generated when no cache uses memcached.
 */
import { memcachedMemoryLimitMi as memoryLimitMi, type Size } from '@thanos-gitops/catalog';
import { type LabelSpec, type Manifest, standardLabels } from '@thanos-gitops/manifests';
import { componentRecord, MEMCACHED_EXPORTER_PORT, PORTS } from '@thanos-gitops/model';
import type { Environment } from '@thanos-gitops/schema';
import type { IContainer } from 'kubernetes-models/v1/Container';
import type { IPodTemplateSpec } from 'kubernetes-models/v1/PodTemplateSpec';
import { ServiceAccount } from 'kubernetes-models/v1/ServiceAccount';
import { type MemcachedOptions, memcachedItemBytes, type UsedMemcached, usedMemcached } from './caches.js';
import type { RenderContext } from './context.js';
import { pinnedImage, pullSecrets } from './images.js';
import { disruptionBudget, metadata, service, serviceMonitor } from './objects.js';
import { containerSecurityContext, podSecurityContext, scheduling, spreading } from './pod.js';
import { statefulSet } from './workloads.js';

/** The `memcache` user of the official memcached image. */
const MEMCACHED_UID = 11211;
/** memcached refuses items larger than this whatever `-m` is. */
const MAX_ITEM_LIMIT = 1024 * 2 ** 20;

export function memcached(ctx: RenderContext): Manifest[] {
  return usedMemcached(ctx.env).flatMap((used) => memcachedObjects(ctx, used));
}

/** Container memory limit in MiB: the item memory plus room for connections, buffers and the hash table. */
export function memcachedMemoryLimitMi(options: MemcachedOptions): number {
  return memoryLimitMi(options.memoryLimitMb);
}

/**
 * memcached's command line: item memory, item size limit, connections, threads, port. `-v` (errors and
 * warnings, including one line per refused item) only for the `small` size of development environments: in
 * production sizes it is log noise under load, and the exporter's metrics say the same.
 */
export function memcachedArgs(options: MemcachedOptions, size: Size = 'small'): string[] {
  return [
    ...['-m', String(options.memoryLimitMb)],
    ...['-I', options.maxItemSize],
    ...['-c', String(options.connectionLimit)],
    ...['-t', String(options.threads)],
    ...['-p', String(PORTS.memcached)],
    ...(size === 'small' ? ['-v'] : []),
  ];
}

/** memcached refuses to start with an item size below 1k, above 1g or above half its memory. */
function checkOptions(ctx: RenderContext, used: UsedMemcached): void {
  const { options, path } = used;
  const item = memcachedItemBytes(options.maxItemSize);
  const half = (options.memoryLimitMb * 2 ** 20) / 2;
  const at = [...path, 'maxItemSize'];
  if (item < 1024) ctx.report(at, `must be at least 1k (found "${options.maxItemSize}")`);
  else if (item > MAX_ITEM_LIMIT) ctx.report(at, `must be at most 1024m (found "${options.maxItemSize}")`);
  else if (item > half) {
    ctx.report(
      at,
      `must be at most half of memoryLimitMb (${options.memoryLimitMb}), or memcached refuses to start ` +
        `(found "${options.maxItemSize}")`,
    );
  }
}

function memcachedContainer(env: Environment, options: MemcachedOptions, size: Size): IContainer {
  const memory = `${memcachedMemoryLimitMi(options)}Mi`;
  return {
    name: 'memcached',
    image: pinnedImage(env, 'memcached'),
    imagePullPolicy: 'IfNotPresent',
    args: memcachedArgs(options, size),
    ports: [{ name: 'memcached', containerPort: PORTS.memcached, protocol: 'TCP' }],
    livenessProbe: { tcpSocket: { port: 'memcached' }, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3 },
    readinessProbe: { tcpSocket: { port: 'memcached' }, periodSeconds: 5, timeoutSeconds: 3, failureThreshold: 3 },
    // memcached grows into its memory and keeps it: request all of it so the node has it to give.
    resources: { requests: { cpu: options.cpu, memory }, limits: { memory } },
    securityContext: containerSecurityContext(),
    terminationMessagePolicy: 'FallbackToLogsOnError',
  };
}

function exporterContainer(env: Environment): IContainer {
  return {
    name: 'exporter',
    image: pinnedImage(env, 'memcachedExporter'),
    imagePullPolicy: 'IfNotPresent',
    args: [`--memcached.address=localhost:${PORTS.memcached}`, `--web.listen-address=:${MEMCACHED_EXPORTER_PORT}`],
    ports: [{ name: 'metrics', containerPort: MEMCACHED_EXPORTER_PORT, protocol: 'TCP' }],
    livenessProbe: { tcpSocket: { port: 'metrics' }, periodSeconds: 30, timeoutSeconds: 5, failureThreshold: 3 },
    readinessProbe: { tcpSocket: { port: 'metrics' }, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3 },
    resources: { requests: { cpu: '10m', memory: '32Mi' }, limits: { memory: '64Mi' } },
    securityContext: containerSecurityContext(),
    terminationMessagePolicy: 'FallbackToLogsOnError',
  };
}

/** The pod of a memcached StatefulSet `name`: memcached and its exporter. */
function podTemplate(
  ctx: RenderContext,
  { name, labels, options }: { name: string; labels: LabelSpec; options: MemcachedOptions },
): IPodTemplateSpec {
  return {
    metadata: { labels: standardLabels(ctx.env, labels) },
    spec: {
      serviceAccountName: name,
      automountServiceAccountToken: false,
      securityContext: {
        ...podSecurityContext(),
        runAsUser: MEMCACHED_UID,
        runAsGroup: MEMCACHED_UID,
        fsGroup: MEMCACHED_UID,
      },
      terminationGracePeriodSeconds: 30,
      ...pullSecrets(ctx.env),
      containers: [memcachedContainer(ctx.env, options, ctx.env.size), exporterContainer(ctx.env)],
      ...spreading(labels),
      ...scheduling(options),
    },
  };
}

function memcachedObjects(ctx: RenderContext, used: UsedMemcached): Manifest[] {
  checkOptions(ctx, used);
  const { env } = ctx;
  const record = componentRecord(`memcached-${used.cache}`);
  const folder = record.folder;
  const name = record.policy;
  const labels: LabelSpec = {
    name: record.app,
    instance: name,
    component: record.role,
    version: ctx.env.images.memcached.tag.split('-')[0] ?? '',
  };
  return [
    {
      component: folder,
      object: new ServiceAccount({ metadata: metadata(env, name, labels), automountServiceAccountToken: false }),
    },
    statefulSet(ctx, {
      folder,
      name,
      labels,
      replicas: used.options.replicas,
      template: podTemplate(ctx, { name, labels, options: used.options }),
    }),
    service(ctx, {
      folder,
      name,
      labels,
      ports: [
        { name: 'memcached', port: PORTS.memcached },
        { name: 'metrics', port: MEMCACHED_EXPORTER_PORT },
      ],
      headless: true,
    }),
    ...serviceMonitor(ctx, { folder, name, labels, port: 'metrics' }),
    disruptionBudget(ctx, { folder, name, labels }),
  ];
}
