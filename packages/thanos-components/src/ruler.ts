/**
 * Thanos Ruler: evaluates recording and alerting rules through the generated Query and sends alerts to
 * Alertmanager. A StatefulSet in both modes, so that each pod has a stable `rule_replica` external label
 * (query deduplicates on it; alerts drop it so Alertmanager deduplicates them).
 * - stateless: results are remote-written to the receive router; only a WAL lives in an emptyDir, and the
 *   pods get no bucket access.
 * - stateful: results go to a TSDB on a persistent volume, blocks are uploaded to the bucket, and the
 *   headless Service `thanos-rule` exposes StoreAPI to Query (see endpoints.ts).
 */
import { type Manifest, yamlText } from '@thanos-gitops/manifests';
import {
  alertmanagerUrl,
  CONFIG_FILES,
  componentRecord,
  EXTERNAL_LABELS,
  names,
  PORTS,
  queryUrl,
  type RemoteWriteClientTls,
  routerRemoteWriteUrl,
  type VolumeMountSpec,
} from '@thanos-gitops/model';
import type { Environment } from '@thanos-gitops/schema';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import type { IContainer } from 'kubernetes-models/v1/Container';
import type { RenderContext } from './context.js';
import { contentHash } from './hash.js';
import { pinnedImage } from './images.js';
import { disruptionBudget, GRPC_AND_HTTP, metadata, service, serviceAccount, serviceMonitor } from './objects.js';
import { componentLabels, containerSecurityContext, DATA_DIR, GRPC_PORT, HTTP_PORT, thanosPodTemplate } from './pod.js';
import { ingestorSeriesLabels } from './receive.js';
import { QUERY_DISCOVERY_SECONDS } from './rollout.js';
import { statefulSet } from './workloads.js';

const RULER = componentRecord('ruler');
const FOLDER = RULER.folder;
export const REMOTE_WRITE_CONFIG = `${names.ruler}-remote-write`;
const REMOTE_WRITE_DIR = '/etc/thanos/remote-write';
export const RULES_DIR = '/etc/thanos/rules';
/** The external label telling ruler replicas apart; one of query's default replica labels. */
export const REPLICA_LABEL = EXTERNAL_LABELS.rulerReplica;

/**
 * `--remote-write.config-file` of a stateless ruler: everything goes to the receive router, with the ruler's
 * client certificate when the routers require mTLS.
 */
export function remoteWriteConfig(env: Environment, client?: RemoteWriteClientTls): string {
  const target = {
    name: names.router,
    url: routerRemoteWriteUrl(env, client?.scheme ?? 'http'),
    ...(client ? { tls_config: { ...client.tlsConfig } } : {}),
  };
  return yamlText({ remote_write: [target] });
}

/** How long a stateful ruler keeps its TSDB: until the store gateway serves the uploaded blocks. */
export function rulerRetention(env: Environment): string {
  return env.ruler.retention ?? (env.receive.enabled ? env.receive.retention : '48h');
}

/**
 * Every rule ConfigMap as a volume (named by index: ConfigMap names may be too long for a volume name).
 * `optional`: a ConfigMap that does not exist (yet) leaves its directory empty instead of keeping the pod from
 * starting, so one missing team's rules do not stop every other rule and alert; once it is created the kubelet
 * fills the directory and the config reloader makes the ruler load it.
 */
function ruleVolumes(env: Environment) {
  return env.ruler.ruleConfigMaps.map((cm, i) => ({
    volume: { name: `rules-${i}`, configMap: { name: cm, optional: true } },
    mount: { name: `rules-${i}`, mountPath: `${RULES_DIR}/${cm}`, readOnly: true },
    // Only real keys: a ConfigMap volume also holds `..data` and timestamped directories, which `*` would match.
    args: [`--rule-file=${RULES_DIR}/${cm}/*.yaml`, `--rule-file=${RULES_DIR}/${cm}/*.yml`],
  }));
}

/**
 * The ruler's external labels: `rule_replica` tells its pods apart, `ruler_cluster` names the cluster (not
 * `cluster`: the ruler's external labels replace the labels of the series it evaluates).
 */
export function rulerLabels(env: Environment): Record<string, string> {
  return { [REPLICA_LABEL]: '$(POD_NAME)', [EXTERNAL_LABELS.rulerCluster]: env.cluster.name };
}

/**
 * `--restore-ignored-label` of a stateless ruler. After a restart it restores each pending alert's `for` timer
 * from the `ALERTS_FOR_STATE` series it wrote, read back through Query (with deduplication). Those series carry
 * labels the alert itself lacks: the ruler's external labels (attached on remote-write) and the labels the
 * ingestors add (their external labels and the tenant label). Query strips its replica labels before the ruler
 * sees them; every other such label must be ignored, or no series matches and every timer restarts.
 * A stateful ruler restores from its own TSDB, whose series carry no external labels: no flag there.
 */
export function restoreIgnoredLabels(env: Environment): string[] {
  const added = [...Object.keys(rulerLabels(env)), ...ingestorSeriesLabels(env)];
  const stripped = new Set(env.query.replicaLabels);
  return [...new Set(added.filter((l) => !stripped.has(l)))].sort();
}

/** The config reloader, pinned: the Prometheus Operator's, which is built on Thanos' own reloader package. */
const RELOADER_PORT = 8080;

/**
 * The sidecar that makes rule changes take effect: the ruler reads its rule files only at start and on
 * `POST /-/reload`, and the kubelet updates a mounted ConfigMap in place (no `subPath`), so the reloader watches
 * every rules directory and POSTs the ruler's reload endpoint, over localhost, when one changes.
 */
function configReloader(env: Environment, mounts: VolumeMountSpec[]): IContainer {
  return {
    name: 'config-reloader',
    image: pinnedImage(env, 'configReloader'),
    imagePullPolicy: 'IfNotPresent',
    args: [
      `--reload-url=http://127.0.0.1:${PORTS.http}/-/reload`,
      ...mounts.map((m) => `--watched-dir=${m.mountPath}`),
      '--log-format=logfmt',
      // Serves /healthz for the probes (and the reloader's own metrics).
      `--listen-address=:${RELOADER_PORT}`,
    ],
    ports: [{ name: 'reloader-web', containerPort: RELOADER_PORT, protocol: 'TCP' }],
    livenessProbe: {
      httpGet: { path: '/healthz', port: 'reloader-web', scheme: 'HTTP' },
      periodSeconds: 30,
      timeoutSeconds: 5,
      failureThreshold: 4,
    },
    readinessProbe: {
      httpGet: { path: '/healthz', port: 'reloader-web', scheme: 'HTTP' },
      periodSeconds: 10,
      timeoutSeconds: 5,
      failureThreshold: 3,
    },
    resources: { requests: { cpu: '10m', memory: '32Mi' }, limits: { memory: '64Mi' } },
    securityContext: containerSecurityContext(),
    terminationMessagePolicy: 'FallbackToLogsOnError',
    volumeMounts: mounts.map((m) => ({ ...m, readOnly: true })),
  };
}

function rulerArgs(env: Environment): string[] {
  const r = env.ruler;
  const stateful = r.mode === 'stateful';
  return [
    `--grpc-address=0.0.0.0:${PORTS.grpc}`,
    `--http-address=0.0.0.0:${PORTS.http}`,
    `--data-dir=${DATA_DIR}/rule`,
    `--eval-interval=${r.evaluationInterval}`,
    `--query=${queryUrl(env)}`,
    ...Object.entries(rulerLabels(env)).map(([label, value]) => `--label=${label}="${value}"`),
    `--alert.label-drop=${REPLICA_LABEL}`,
    ...r.alertmanagers.map((url) => `--alertmanagers.url=${alertmanagerUrl(url)}`),
    ...ruleVolumes(env).flatMap((v) => v.args),
    ...(stateful
      ? [`--tsdb.retention=${rulerRetention(env)}`]
      : [
          `--remote-write.config-file=${REMOTE_WRITE_DIR}/${CONFIG_FILES.rulerRemoteWrite}`,
          ...restoreIgnoredLabels(env).map((l) => `--restore-ignored-label=${l}`),
        ]),
  ];
}

/** The config reloader when the ruler mounts rule ConfigMaps, else nothing. */
function reloaderSidecars(env: Environment, rules: ReturnType<typeof ruleVolumes>): IContainer[] {
  return rules.length > 0
    ? [
        configReloader(
          env,
          rules.map((v) => v.mount),
        ),
      ]
    : [];
}

export function ruler(ctx: RenderContext): Manifest[] {
  const { env } = ctx;
  const r = env.ruler;
  if (!r.enabled) return [];
  const name = RULER.app;
  const stateful = r.mode === 'stateful';
  const labels = componentLabels(RULER, name, env);
  const rules = ruleVolumes(env);
  const remoteWrite = stateful ? undefined : remoteWriteConfig(env, ctx.tls.remoteWriteClient);
  const template = thanosPodTemplate({
    ctx,
    component: RULER.kind,
    labels,
    options: r,
    optionsPath: ['ruler'],
    command: 'rule',
    args: rulerArgs(env),
    ports: [GRPC_PORT, HTTP_PORT],
    env: [{ name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }],
    objstore: stateful,
    volumes: [
      ...rules.map((v) => v.volume),
      ...(remoteWrite ? [{ name: 'remote-write', configMap: { name: REMOTE_WRITE_CONFIG } }] : []),
      // Stateless: the remote-write WAL only, lost with the pod at no cost.
      ...(stateful ? [] : [{ name: 'data', emptyDir: { sizeLimit: r.storage } }]),
    ],
    mounts: [
      { name: 'data', mountPath: DATA_DIR },
      ...rules.map((v) => v.mount),
      ...(remoteWrite ? [{ name: 'remote-write', mountPath: REMOTE_WRITE_DIR, readOnly: true }] : []),
    ],
    ...(remoteWrite ? { rolloutAnnotations: { 'thanos-gitops/remote-write-hash': contentHash(remoteWrite) } } : {}),
    serviceAccountName: name,
    sidecars: reloaderSidecars(env, rules),
  });
  const out: Manifest[] = [serviceAccount(ctx, { folder: FOLDER, component: RULER.kind, name, labels })];
  if (remoteWrite) {
    out.push({
      component: FOLDER,
      object: new ConfigMap({
        metadata: metadata(env, REMOTE_WRITE_CONFIG, labels),
        data: { [CONFIG_FILES.rulerRemoteWrite]: remoteWrite },
      }),
    });
  }
  out.push(
    // Replicas are independent evaluators, started together. A stateful ruler keeps its volume on scale-down
    // and deletion: it may hold blocks not yet uploaded. Query reads its rules (and a stateful one's StoreAPI):
    // each rollout step is held until Query reads from the new pod (see rollout.ts).
    statefulSet(ctx, {
      folder: FOLDER,
      name,
      labels,
      replicas: r.replicas,
      template,
      ...(stateful ? { data: { size: r.storage, storageClass: r.storageClass, keep: true } } : {}),
      rollout: { minReadySeconds: QUERY_DISCOVERY_SECONDS },
    }),
    // Headless: Query discovers each stateful ruler's StoreAPI through its SRV records (`_grpc._tcp`).
    service(ctx, { folder: FOLDER, name, labels, ports: GRPC_AND_HTTP, headless: true }),
    ...serviceMonitor(ctx, { folder: FOLDER, name, labels }),
  );
  if (r.replicas > 1) out.push(disruptionBudget(ctx, { folder: FOLDER, name, labels }));
  return out;
}
