/**
 * Thanos Receive in split mode: a stateless router Deployment that accepts remote-write and forwards each
 * series, by tenant and hash, to `replicationFactor` ingestors; and one ingestor StatefulSet per hashring that
 * only stores (IngestorOnly: no hashrings file, no local endpoint) and uploads blocks to object storage.
 *
 * Thanos picks the mode from two flags: a hashrings file without `--receive.local-endpoint` makes a
 * RouterOnly receiver, neither makes an IngestorOnly one (both would make a router-ingestor, which forwards
 * too). Routers reach ingestors on gRPC at the stable names their headless Services give them.
 *
 * With `receive.zones`, each hashring's ingestors are one StatefulSet per zone (`…-<hashring>-<zone>`), pinned
 * to it by node affinity and told apart by the pod label `thanos-gitops/zone`; they share the hashring's one
 * headless Service, ServiceMonitor job and PodDisruptionBudget (the write quorum is per hashring, whatever the
 * zone), and the hashrings file gives every endpoint its zone (`az`) for zone-aware ketama.
 */
import { type LabelSpec, type Manifest, yamlText } from '@thanos-gitops/manifests';
import {
  CONFIG_FILES,
  componentRecord,
  type EnvVarSpec,
  EXTERNAL_LABELS,
  ingestorSets,
  names,
  PORTS,
  writeQuorum,
} from '@thanos-gitops/model';
import type { FieldPath } from '@thanos-gitops/problems';
import type { Environment } from '@thanos-gitops/schema';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { autoscaler } from './autoscaling.js';
import type { RenderContext } from './context.js';
import { routerDrain } from './drain.js';
import { flagName } from './flags.js';
import { contentHash } from './hash.js';
import { hashringsJson } from './hashrings.js';
import { capnpChosen, ingestorCapnpAddress, ingestorTsdbArgs, routerIngestionArgs } from './ingestion.js';
import { capnpReplication } from './network-policies.js';
import {
  disruptionBudget,
  GRPC_AND_HTTP,
  HTTP_ONLY,
  metadata,
  service,
  serviceAccount,
  serviceMonitor,
} from './objects.js';
import { componentLabels, DATA_DIR, GRPC_PORT, HTTP_PORT, POD_LOCAL, thanosPodTemplate } from './pod.js';
import { ROLLOUT_POD_NAME_LABEL } from './rollout-operator.js';
import { deployment, statefulSet } from './workloads.js';

const ROUTER = componentRecord('receive-router');
const INGESTOR = componentRecord('receive-ingestor');
const FOLDER = ROUTER.folder;
const INGESTOR_APP = INGESTOR.app;
const HASHRINGS_DIR = '/etc/thanos/hashrings';
const LIMITS_DIR = '/etc/thanos/limits';
/** The ingestors' TSDB: the `receive/` folder of the data volume, or its root (`adopt.tsdbAtVolumeRoot`). */
const TSDB_PATH = `${DATA_DIR}/receive`;
const REMOTE_WRITE_PORT = { name: 'remote-write', containerPort: PORTS.remoteWrite };
const CAPNP_PORT = { name: 'capnp', containerPort: PORTS.capnp };
const POD_NAME: EnvVarSpec = { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } };
/** Pod label of an ingestor's zone (with `receive.zones`): in its StatefulSet's selector, not its Service's. */
export const INGESTOR_ZONE_LABEL = 'thanos-gitops/zone';

/**
 * `maxUnavailable` of the PodDisruptionBudget of a hashring's ingestors. Every series lives on `rf` ingestors
 * of its hashring and a write needs `writeQuorum(rf)` of them, so `rf - quorum` ingestors of a hashring may be
 * down at once without failing writes (1 for RF 3, 2 for RF 5).
 *
 * With RF 1 (and the rejected even RF 2) the quorum tolerates no failure at all: 0 would be the exact answer,
 * but a budget of 0 blocks every node drain forever, and it would protect nothing, since losing any single
 * ingestor already fails the writes of its share of series. So the budget is at least 1: one ingestor at a
 * time, whose writes fail until it is back and which the clients retry.
 */
export function ingestorDisruptionBudget(rf: number): number {
  return Math.max(rf - writeQuorum(rf), 1);
}

/**
 * The external labels (`--label`) of every ingestor: `replica` tells apart the RF copies of a series (query
 * deduplicates on it, the compactor merges the copies' blocks on it); `receive` marks the source.
 */
export const INGESTOR_LABELS: Readonly<Record<string, string>> = {
  [EXTERNAL_LABELS.ingestorReplica]: '$(POD_NAME)',
  [EXTERNAL_LABELS.receive]: 'true',
};

/** Every label an ingestor adds to the series it serves: its external labels and the tenant label. */
export function ingestorSeriesLabels(env: Environment): string[] {
  return env.receive.enabled ? [...Object.keys(INGESTOR_LABELS), env.receive.tenantLabel] : [];
}

export function receive(ctx: RenderContext): Manifest[] {
  if (!ctx.env.receive.enabled) return [];
  return [...router(ctx), ...ingestors(ctx)];
}

/**
 * Extra args that would silently change a receiver's mode: a local endpoint turns a router into a
 * router-ingestor with no disk, a hashring turns an ingestor into one that forwards.
 */
function modeGuard(ctx: RenderContext, extraArgs: readonly string[], at: FieldPath, role: 'router' | 'ingestor') {
  const forbidden =
    role === 'router'
      ? ['receive.local-endpoint']
      : ['receive.hashrings-file', 'receive.hashrings', 'receive.local-endpoint'];
  extraArgs.forEach((arg, i) => {
    const flag = flagName(arg);
    if (forbidden.includes(flag)) {
      ctx.report(
        [...at, 'extraArgs', i],
        `--${flag} would make the ${role}s ${role === 'router' ? 'ingest' : 'route'} too; split mode keeps ` +
          'routing on the routers and storage on the ingestors',
      );
    }
  });
}

/**
 * Tenancy flags, the same on routers and ingestors: the header and default tenant apply to HTTP remote-write
 * (the routers' job, though ingestors listen too), the label is what ingestors stamp on each tenant's blocks.
 */
function tenancyArgs(ctx: RenderContext): string[] {
  const r = ctx.env.receive;
  return [
    `--receive.tenant-header=${r.tenantHeader}`,
    `--receive.default-tenant-id=${r.defaultTenant}`,
    `--receive.tenant-label-name=${r.tenantLabel}`,
  ];
}

/**
 * Cap'n Proto replication has no TLS in any supported release (its server is a plain TCP listener, with no flag
 * for a certificate): with internal mTLS it would carry every tenant's writes unauthenticated, so it is refused.
 */
function capnpGuard(ctx: RenderContext): void {
  const r = ctx.env.receive;
  if (!ctx.env.remoteWrite.mtls.enabled || !ctx.env.remoteWrite.mtls.internal) return;
  const sets: [FieldPath, string[]][] = [
    [['receive', 'router'], r.router.extraArgs],
    ...r.hashrings.map((h, i): [FieldPath, string[]] => [['receive', 'hashrings', i], h.extraArgs]),
  ];
  for (const [at, extraArgs] of sets) {
    extraArgs.forEach((arg, i) => {
      if (arg !== '--receive.replication-protocol=capnproto') return;
      ctx.report(
        [...at, 'extraArgs', i],
        "Cap'n Proto replication has no TLS in Thanos (a plain TCP server on port 19391), so with " +
          "remoteWrite.mtls.internal it would carry every tenant's writes unauthenticated: keep the default " +
          'protobuf replication, which uses the gRPC mTLS',
      );
    });
  }
}

/** The routers' flags: servers (gRPC and Cap'n Proto pod-local), hashrings, tenancy, limits and ingestion. */
function routerArgs(ctx: RenderContext, limits: boolean): string[] {
  const r = ctx.env.receive;
  return [
    // Nothing dials a router's gRPC (its forwarded-write API would skip remote-write's client certificates) or
    // its Cap'n Proto server (routers store nothing): both listen on the pod itself only.
    `--grpc-address=${POD_LOCAL}:${PORTS.grpc}`,
    `--receive.capnproto-address=${POD_LOCAL}:${PORTS.capnp}`,
    `--http-address=0.0.0.0:${PORTS.http}`,
    `--remote-write.address=0.0.0.0:${PORTS.remoteWrite}`,
    // Thanos refuses to start without an external label; a router stores nothing, so one constant label does.
    `--label=${EXTERNAL_LABELS.receive}="true"`,
    `--receive.hashrings-file=${HASHRINGS_DIR}/${CONFIG_FILES.hashrings}`,
    `--receive.hashrings-algorithm=${r.hashringAlgorithm}`,
    `--receive.replication-factor=${r.replicationFactor}`,
    ...tenancyArgs(ctx),
    // Limits belong on the component that receives remote-write, which in split mode is the router.
    ...(limits ? [`--receive.limits-config-file=${LIMITS_DIR}/${CONFIG_FILES.limits}`] : []),
    ...routerIngestionArgs(r),
  ];
}

function router(ctx: RenderContext): Manifest[] {
  const { env } = ctx;
  const r = env.receive;
  const name = ROUTER.app;
  const labels = componentLabels(ROUTER, name, env);
  modeGuard(ctx, r.router.extraArgs, ['receive', 'router'], 'router');
  capnpGuard(ctx);
  const hashrings = hashringsJson(env);
  const limits = r.limits ? yamlText(r.limits) : undefined;
  const args = routerArgs(ctx, limits !== undefined);
  const template = thanosPodTemplate({
    ctx,
    component: ROUTER.kind,
    labels,
    options: r.router,
    optionsPath: ['receive', 'router'],
    command: 'receive',
    args,
    ports: [HTTP_PORT, REMOTE_WRITE_PORT],
    // The whole directory is mounted (no subPath) so that ConfigMap updates reach the file watchers.
    volumes: [
      { name: 'hashrings', configMap: { name: names.hashringsConfig } },
      ...(limits ? [{ name: 'limits', configMap: { name: names.limitsConfig } }] : []),
    ],
    mounts: [
      { name: 'hashrings', mountPath: HASHRINGS_DIR, readOnly: true },
      ...(limits ? [{ name: 'limits', mountPath: LIMITS_DIR, readOnly: true }] : []),
    ],
    rolloutAnnotations: {
      'thanos-gitops/hashrings-hash': contentHash(hashrings),
      ...(limits ? { 'thanos-gitops/limits-hash': contentHash(limits) } : {}),
    },
    serviceAccountName: name,
    ...routerDrain(env),
  });
  const out: Manifest[] = [
    serviceAccount(ctx, { folder: FOLDER, component: ROUTER.kind, name, labels }),
    configMap(ctx, { name: names.hashringsConfig, labels, file: CONFIG_FILES.hashrings, text: hashrings }),
    ...(limits ? [configMap(ctx, { name: names.limitsConfig, labels, file: CONFIG_FILES.limits, text: limits })] : []),
    deployment(ctx, {
      folder: FOLDER,
      name,
      labels,
      replicas: r.router.autoscaling ? undefined : r.router.replicas,
      template,
    }),
    service(ctx, {
      folder: FOLDER,
      name,
      labels,
      ports: [...HTTP_ONLY, { name: REMOTE_WRITE_PORT.name, port: PORTS.remoteWrite }],
    }),
    ...serviceMonitor(ctx, { folder: FOLDER, name, labels }),
  ];
  const scaling = r.router.autoscaling;
  if (r.router.replicas > 1 || scaling)
    out.push(disruptionBudget(ctx, { folder: FOLDER, name, labels, maxUnavailable: 1 }));
  if (scaling)
    out.push(autoscaler(ctx, { folder: FOLDER, name, labels, autoscaling: scaling, minReplicas: r.router.replicas }));
  return out;
}

type Hashring = Environment['receive']['hashrings'][number];
type IngestorSet = ReturnType<typeof ingestorSets>[number];

/**
 * How a hashring's ingestors roll. Every series has `replicationFactor` copies and a write needs the quorum, so
 * at most RF - quorum copies may be down at once. Without zones, the StatefulSet's rolling update restarts one
 * pod at a time (at most one copy of any series down) and waits `minReadySeconds` after it is Ready. With zones,
 * Kubernetes would roll the zones' StatefulSets all at once, taking every copy down together: they are `OnDelete`
 * in the hashring's rollout group, and the rollout-operator takes one zone at a time, all its pods together
 * (zone-aware ketama puts at most ceil(RF / zones) <= RF - quorum copies of a series in one zone).
 */
export function ingestorRollout(r: Environment['receive'], h: Hashring, set: IngestorSet) {
  if (set.zone === undefined) return { minReadySeconds: r.minReadySeconds };
  return {
    minReadySeconds: r.minReadySeconds,
    group: { name: names.rolloutGroup(h.name), maxUnavailable: set.replicas },
  };
}

/** The StatefulSet of one hashring's ingestors, or of their share in one zone (`set`). */
function ingestorStatefulSet(
  ctx: RenderContext,
  { h, i, set, labels, args }: { h: Hashring; i: number; set: IngestorSet; labels: LabelSpec; args: string[] },
): Manifest {
  const r = ctx.env.receive;
  // Stryker disable next-line ConditionalExpression: `{ label: undefined }` is equivalent, the built objects drop undefined values
  const zoneLabel = set.zone === undefined ? undefined : { [INGESTOR_ZONE_LABEL]: set.zone };
  const zoned = set.zone !== undefined;
  const template = thanosPodTemplate({
    ctx,
    component: INGESTOR.kind,
    labels,
    options: h,
    optionsPath: ['receive', 'hashrings', i],
    command: 'receive',
    args,
    ports: capnpChosen(r) ? [GRPC_PORT, HTTP_PORT, CAPNP_PORT] : [GRPC_PORT, HTTP_PORT],
    env: [POD_NAME],
    objstore: true,
    // An adopted volume may hold the TSDB at its root: mounted at the TSDB path itself, the data stays where it is.
    mounts: [{ name: 'data', mountPath: h.adopt?.tsdbAtVolumeRoot ? TSDB_PATH : DATA_DIR }],
    // On shutdown an ingestor cuts its head block and uploads it; cutting that short loses the upload.
    terminationGracePeriodSeconds: r.terminationGracePeriodSeconds,
    // One node or one zone must not hold more replicas of a series than the write quorum can lose.
    strictSpreading: true,
    zone: set.zone,
    // The rollout-operator finds a StatefulSet's pods by their `name` label, and waits for Ready only.
    podLabels: zoned ? { ...zoneLabel, [ROLLOUT_POD_NAME_LABEL]: set.name } : undefined,
    readyAfterSeconds: zoned ? r.minReadySeconds : 0,
    serviceAccountName: INGESTOR_APP,
  });
  // Keep volumes on scale-down and deletion: they may hold a WAL not yet uploaded as a block.
  return statefulSet(ctx, {
    folder: FOLDER,
    name: set.name,
    labels,
    replicas: set.replicas,
    template,
    data: { size: h.storage, storageClass: h.storageClass, keep: true },
    // Every StatefulSet of the hashring is governed by its one Service (one per hashring, zones or not).
    serviceName: set.service,
    selectorExtra: zoneLabel,
    rollout: ingestorRollout(r, h, set),
  });
}

/** One hashring's ingestors: a StatefulSet (one per zone with `receive.zones`), its headless Service and budget. */
function hashringIngestors(ctx: RenderContext, h: Hashring, i: number): Manifest[] {
  const { env } = ctx;
  const r = env.receive;
  const name = names.ingestor(h.name);
  const labels = componentLabels(INGESTOR, name, env);
  modeGuard(ctx, h.extraArgs, ['receive', 'hashrings', i], 'ingestor');
  const args = [
    `--grpc-address=0.0.0.0:${PORTS.grpc}`,
    `--http-address=0.0.0.0:${PORTS.http}`,
    // Routers forward over gRPC: an ingestor's own remote-write server is unused (and would take any tenant's
    // writes without a certificate), and so is its Cap'n Proto server unless replication uses it.
    `--remote-write.address=${POD_LOCAL}:${PORTS.remoteWrite}`,
    ...(capnpReplication(env) && !capnpChosen(r) ? [] : [ingestorCapnpAddress(capnpChosen(r), POD_LOCAL)]),
    `--tsdb.path=${TSDB_PATH}`,
    `--tsdb.retention=${r.retention}`,
    ...Object.entries(INGESTOR_LABELS).map(([label, value]) => `--label=${label}="${value}"`),
    ...tenancyArgs(ctx),
    ...ingestorTsdbArgs(r),
  ];
  return [
    ...ingestorSets(env, h).map((set) => ingestorStatefulSet(ctx, { h, i, set, labels, args })),
    service(ctx, { folder: FOLDER, name, labels, ports: GRPC_AND_HTTP, headless: true }),
    disruptionBudget(ctx, {
      folder: FOLDER,
      name,
      labels,
      maxUnavailable: ingestorDisruptionBudget(r.replicationFactor),
    }),
  ];
}

/** The ingestors of every hashring, sharing one ServiceAccount and one ServiceMonitor. */
function ingestors(ctx: RenderContext): Manifest[] {
  const { env } = ctx;
  const appLabels = componentLabels(INGESTOR, INGESTOR_APP, env);
  return [
    serviceAccount(ctx, { folder: INGESTOR.folder, component: INGESTOR.kind, name: INGESTOR_APP, labels: appLabels }),
    ...env.receive.hashrings.flatMap((h, i) => hashringIngestors(ctx, h, i)),
    ...serviceMonitor(ctx, { folder: FOLDER, name: INGESTOR_APP, labels: appLabels, selector: INGESTOR.selector }),
  ];
}

/** A ConfigMap `name` of the router holding one file. */
function configMap(
  ctx: RenderContext,
  { name, labels, file, text }: { name: string; labels: LabelSpec; file: string; text: string },
): Manifest {
  return {
    component: FOLDER,
    object: new ConfigMap({ metadata: metadata(ctx.env, name, labels), data: { [file]: text } }),
  };
}
