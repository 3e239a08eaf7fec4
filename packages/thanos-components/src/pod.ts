/**
 * Pod plumbing every Thanos workload shares: the restricted security context, probes, spreading across
 * zones and nodes, identity and TLS wiring, the object-storage secret, and the escape hatches.
 * A component file calls these and only says what is special about it.
 */
import type { ComponentKind } from '@thanos-gitops/catalog';
import { type LabelSpec, selectorLabels, standardLabels } from '@thanos-gitops/manifests';
import {
  CONFIG_FILES,
  type ComponentRecord,
  type EnvVarSpec,
  names,
  PORTS,
  resourcesOf,
  type VolumeMountSpec,
  type VolumeSpec,
  type WorkloadCommon,
} from '@thanos-gitops/model';
import type { FieldPath } from '@thanos-gitops/problems';
import type { Environment, ThanosVersion } from '@thanos-gitops/schema';
import type { IContainer } from 'kubernetes-models/v1/Container';
import type { IPodSecurityContext } from 'kubernetes-models/v1/PodSecurityContext';
import type { IPodSpec } from 'kubernetes-models/v1/PodSpec';
import type { IPodTemplateSpec } from 'kubernetes-models/v1/PodTemplateSpec';
import type { ISecurityContext } from 'kubernetes-models/v1/SecurityContext';
import type { GeneratedPod } from './built-pod.js';
import { caBundleCheckContainer } from './ca-bundle-check.js';
import type { RenderContext } from './context.js';
import { checkThanosArgs, isKnownFlag, type ThanosCommand } from './flags.js';
import { pullSecrets, thanosImage } from './images.js';
import { checkPodOptions } from './pod-options.js';
import { tracingPod } from './tracing.js';

export const OBJSTORE_DIR = '/etc/thanos/objstore';
export const OBJSTORE_FILE = `${OBJSTORE_DIR}/${CONFIG_FILES.objstore}`;
export const DATA_DIR = '/var/thanos';
/** nobody:nogroup, as in the Thanos image. */
export const RUN_AS = 65534;

/** The labels of a Thanos component's object: its record's application and role, the workload `instance`. */
export function componentLabels(record: ComponentRecord, instance: string, env: Environment): LabelSpec {
  return { name: record.app, instance, component: record.role, version: env.thanos.version };
}

/** Pod-level security context satisfying Pod Security Standards "restricted". */
export function podSecurityContext(): IPodSecurityContext {
  return {
    runAsNonRoot: true,
    runAsUser: RUN_AS,
    runAsGroup: RUN_AS,
    fsGroup: RUN_AS,
    fsGroupChangePolicy: 'OnRootMismatch',
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

/** Container-level security context satisfying Pod Security Standards "restricted". */
export function containerSecurityContext(): ISecurityContext {
  return {
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    runAsNonRoot: true,
    capabilities: { drop: ['ALL'] },
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

/** How often the readiness probe asks Thanos' `/-/ready`. */
export const READINESS_PERIOD_SECONDS = 5;

/**
 * HTTP probes on Thanos' health endpoints. `readyAfterSeconds` holds the pod not-Ready until `/-/ready` has
 * answered ready for that long (consecutive successes), for controllers that wait for Ready but not for
 * `minReadySeconds` (the rollout-operator).
 */
export function thanosProbes(
  port = 'http',
  readyAfterSeconds = 0,
): Pick<IContainer, 'livenessProbe' | 'readinessProbe'> {
  const successThreshold = 1 + Math.ceil(readyAfterSeconds / READINESS_PERIOD_SECONDS);
  return {
    livenessProbe: {
      httpGet: { path: '/-/healthy', port, scheme: 'HTTP' },
      periodSeconds: 30,
      timeoutSeconds: 5,
      failureThreshold: 4,
    },
    readinessProbe: {
      httpGet: { path: '/-/ready', port, scheme: 'HTTP' },
      periodSeconds: READINESS_PERIOD_SECONDS,
      timeoutSeconds: 5,
      failureThreshold: 20,
      ...(successThreshold > 1 ? { successThreshold } : {}),
    },
  };
}

/** TCP probes on the HTTP port: the server accepts connections (it cannot be asked over HTTP). */
export function tcpProbes(): Pick<IContainer, 'livenessProbe' | 'readinessProbe'> {
  const probe = (periodSeconds: number, failureThreshold: number) => ({
    tcpSocket: { port: 'http' },
    periodSeconds,
    timeoutSeconds: 5,
    failureThreshold,
  });
  return { livenessProbe: probe(30, 4), readinessProbe: probe(READINESS_PERIOD_SECONDS, 20) };
}

/** The well-known node label naming a node's zone (set by EKS, GKE, AKS). */
export const ZONE_LABEL = 'topology.kubernetes.io/zone';

/**
 * Spread pods evenly across zones and nodes. By default a preference (one pod per node, even zones), so a
 * small cluster still schedules everything. `strict` (receive ingestors) makes it a rule: never two pods of the
 * set on one node (losing a node then costs at most one replica of any series, within what the write quorum
 * tolerates), and never a pod into a zone that already has more than its share (`DoNotSchedule`, skew 1): the
 * pod waits for room instead of piling replicas into one zone. This relies on the `topology.kubernetes.io/zone`
 * label, which every managed cloud (EKS, GKE, AKS) sets on its nodes.
 *
 * `zone` pins the pods to one zone instead (required node affinity on that label; receive ingestors with
 * `receive.zones`, one StatefulSet per zone): there is then no zone to spread over, only nodes.
 */
export function spreading(
  labels: LabelSpec,
  strict = false,
  zone?: string,
): Pick<IPodSpec, 'affinity' | 'topologySpreadConstraints'> {
  const selector = { matchLabels: selectorLabels(labels) };
  const perNode = { labelSelector: selector, topologyKey: 'kubernetes.io/hostname' };
  const inZone = {
    requiredDuringSchedulingIgnoredDuringExecution: {
      nodeSelectorTerms: [{ matchExpressions: [{ key: ZONE_LABEL, operator: 'In' as const, values: [zone ?? ''] }] }],
    },
  };
  return {
    affinity: {
      ...(zone === undefined ? {} : { nodeAffinity: inZone }),
      podAntiAffinity: strict
        ? { requiredDuringSchedulingIgnoredDuringExecution: [perNode] }
        : { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: perNode }] },
    },
    topologySpreadConstraints: [
      ...(zone === undefined
        ? [
            {
              maxSkew: 1,
              topologyKey: ZONE_LABEL,
              whenUnsatisfiable: strict ? ('DoNotSchedule' as const) : ('ScheduleAnyway' as const),
              labelSelector: selector,
            },
          ]
        : []),
      {
        maxSkew: 1,
        topologyKey: 'kubernetes.io/hostname',
        whenUnsatisfiable: 'ScheduleAnyway',
        labelSelector: selector,
      },
    ],
  };
}

/** The environment's scheduling knobs (node selector, tolerations, priority class) as pod spec fields. */
export function scheduling(options: Pick<WorkloadCommon, 'nodeSelector' | 'tolerations' | 'priorityClassName'>) {
  return {
    ...(Object.keys(options.nodeSelector ?? {}).length > 0 ? { nodeSelector: { ...options.nodeSelector } } : {}),
    ...(options.tolerations?.length ? { tolerations: options.tolerations.map((t) => ({ ...t })) } : {}),
    ...(options.priorityClassName ? { priorityClassName: options.priorityClassName } : {}),
  };
}

export function resourceRequirements(options: WorkloadCommon) {
  const r = resourcesOf(options);
  return { requests: { ...r.requests }, limits: { ...r.limits } };
}

export interface ThanosPod {
  ctx: RenderContext;
  component: ComponentKind;
  labels: LabelSpec;
  options: WorkloadCommon;
  /** Where `options` sits in the environment file, for problems with extra args and volumes. */
  optionsPath: FieldPath;
  /** `receive`, `query`, `store`, …, or `tools bucket web`. */
  command: ThanosCommand;
  args: string[];
  ports: { name: string; containerPort: number }[];
  /** Environment variables of the component itself (e.g. POD_NAME for `$(POD_NAME)` in args). */
  env?: EnvVarSpec[];
  /** Mount the object-storage config and pass `--objstore.config-file`. */
  objstore?: boolean;
  volumes?: VolumeSpec[];
  mounts?: VolumeMountSpec[];
  /** A pod annotation whose change rolls the pods (e.g. the hash of a mounted config). */
  rolloutAnnotations?: Record<string, string>;
  terminationGracePeriodSeconds?: number;
  /**
   * A `preStop` sleep of the `thanos` container: the pod keeps serving for this long after Kubernetes took it out of
   * its Services' endpoints, before the kubelet sends SIGTERM (part of `terminationGracePeriodSeconds`, so the
   * servers' drain flags get only what is left after it). @default none
   */
  preStopSleepSeconds?: number;
  /** Required (not preferred) spreading over nodes and zones: see `spreading`. */
  strictSpreading?: boolean;
  /** Pin the pods to this zone (required node affinity) instead of spreading them over zones. @default none */
  zone?: string;
  serviceAccountName: string;
  /**
   * Labels of the pods only, after the standard and identity labels: not on the workload, not in its selector
   * (e.g. the store gateway's shard and partition, for dashboards and queries).
   */
  podLabels?: Record<string, string>;
  /** Containers beside `thanos` (e.g. the ruler's config reloader). @default none */
  sidecars?: IContainer[];
  /** Seconds `/-/ready` must answer ready before the pod is Ready (see `thanosProbes`). @default 0 */
  readyAfterSeconds?: number;
  /**
   * TCP probes on the HTTP port instead of Thanos' health endpoints, for an HTTP server that requires a client
   * certificate the kubelet cannot present (the readers' Query). @default false
   */
  tcpProbes?: boolean;
}

/** The kubelet's grace period of Thanos pods that do not say otherwise. */
export const DEFAULT_TERMINATION_GRACE_SECONDS = 120;

/**
 * How long Thanos' HTTP and gRPC servers drain in-flight requests on shutdown (`--http-grace-period`,
 * `--grpc-grace-period`, Thanos' default 2m). It must end before the kubelet's SIGKILL at the pod's
 * `terminationGracePeriodSeconds`, leaving time for the rest of the shutdown (closing the TSDB, flushing the
 * remote-write WAL): 30 s less than the pod's (at least half of it), and never more than Thanos' own 2m.
 */
export function serverGracePeriodSeconds(podGraceSeconds: number): number {
  return Math.min(120, Math.max(podGraceSeconds - 30, Math.floor(podGraceSeconds / 2)));
}

/** The grace-period flags of a command, for a pod of this termination grace period. */
export function gracePeriodArgs(command: ThanosCommand, podGraceSeconds: number, version?: ThanosVersion): string[] {
  const grace = `${serverGracePeriodSeconds(podGraceSeconds)}s`;
  return ['http-grace-period', 'grpc-grace-period']
    .filter((flag) => isKnownFlag(command, flag, version))
    .map((flag) => `--${flag}=${grace}`);
}

/** The generated part of a pod: common flags, the component's, then object storage, tracing and TLS wiring. */
export function generatedPod(p: ThanosPod, graceSeconds: number): GeneratedPod {
  const { env } = p.ctx;
  const tls = p.ctx.tls.forComponent(p.component);
  const volumes: VolumeSpec[] = [...(p.volumes ?? [])];
  const mounts: VolumeMountSpec[] = [...(p.mounts ?? [])];
  const args = [
    `--log.level=${p.options.logLevel}`,
    '--log.format=logfmt',
    '--enable-auto-gomemlimit',
    ...p.args,
    ...gracePeriodArgs(p.command, graceSeconds, env.thanos.version),
  ];
  if (p.objstore) {
    volumes.push({ name: 'objstore', secret: { secretName: names.objstoreSecret, defaultMode: 0o440 } });
    mounts.push({ name: 'objstore', mountPath: OBJSTORE_DIR, readOnly: true });
    args.push(`--objstore.config-file=${OBJSTORE_FILE}`);
  }
  const traced = tracingPod(env, p.component);
  if (traced) {
    volumes.push(traced.volume);
    mounts.push(traced.mount);
    args.push(traced.arg);
  }
  args.push(...tls.args);
  volumes.push(...tls.volumes);
  mounts.push(...tls.mounts);
  const problems = checkThanosArgs(p.command, args, env.thanos.version);
  if (problems.length > 0) {
    throw new Error(`generated an invalid flag for thanos ${p.command}: ${problems.join('; ')}`);
  }
  return { command: p.command, args, volumes, mounts, annotations: traced?.annotation ?? {} };
}

/** The volumes and mounts of the section's `extraVolumes`. */
function extraVolumes(options: WorkloadCommon): { volumes: VolumeSpec[]; mounts: VolumeMountSpec[] } {
  const volumes = options.extraVolumes.map((v): VolumeSpec => {
    const source = v.configMap
      ? { configMap: { name: v.configMap } }
      : v.secret
        ? { secret: { secretName: v.secret } }
        : { emptyDir: v.emptyDir?.sizeLimit ? { sizeLimit: v.emptyDir.sizeLimit } : {} };
    return { name: v.name, ...source };
  });
  const mounts = options.extraVolumes.map((v) => ({ name: v.name, mountPath: v.mountPath, readOnly: v.readOnly }));
  return { volumes, mounts };
}

/** The container's environment: the component's own variables, its identity's, then the section's `extraEnv`. */
function containerEnv(p: ThanosPod, identityEnv: readonly EnvVarSpec[]): EnvVarSpec[] {
  return [
    ...(p.env ?? []),
    ...identityEnv,
    ...p.options.extraEnv.map((e) =>
      e.secretKeyRef
        ? { name: e.name, valueFrom: { secretKeyRef: { ...e.secretKeyRef } } }
        : { name: e.name, value: e.value ?? '' },
    ),
  ];
}

/** The `thanos` container: the command, its flags, ports, probes, resources and the restricted security context. */
function thanosContainer(
  p: ThanosPod,
  { args, env, mounts }: { args: string[]; env: EnvVarSpec[]; mounts: VolumeMountSpec[] },
): IContainer {
  // The kubelet's own `sleep` action: no shell or binary of the image is needed (the Thanos image has a busybox
  // shell, but a mirrored or rebuilt image may not).
  const preStop = p.preStopSleepSeconds;
  return {
    name: 'thanos',
    image: thanosImage(p.ctx.env),
    imagePullPolicy: 'IfNotPresent',
    args: [...p.command.split(' '), ...args],
    ports: p.ports.map((port) => ({ ...port, protocol: 'TCP' })),
    ...(p.tcpProbes ? tcpProbes() : thanosProbes('http', p.readyAfterSeconds)),
    resources: resourceRequirements(p.options),
    securityContext: containerSecurityContext(),
    terminationMessagePolicy: 'FallbackToLogsOnError',
    ...(preStop ? { lifecycle: { preStop: { sleep: { seconds: preStop } } } } : {}),
    ...(env.length > 0 ? { env } : {}),
    ...(mounts.length > 0 ? { volumeMounts: mounts } : {}),
  };
}

/**
 * The pod template of a Thanos workload. Each pod is recorded in `ctx.pods`, so that the escape hatches of its
 * section are checked once against every pod built from it (`checkPodOptions`); without a record (a component
 * rendered on its own) they are checked here.
 */
export function thanosPodTemplate(p: ThanosPod): IPodTemplateSpec {
  const { env } = p.ctx;
  const identity = p.ctx.identity.forComponent(p.component);
  const graceSeconds = p.terminationGracePeriodSeconds ?? DEFAULT_TERMINATION_GRACE_SECONDS;
  // The servers drain after SIGTERM, which comes only once the preStop sleep is over.
  const generated = generatedPod(p, graceSeconds - (p.preStopSleepSeconds ?? 0));
  const built = { optionsPath: p.optionsPath, options: p.options, generated };
  if (p.ctx.pods) p.ctx.pods.push(built);
  else checkPodOptions(p.ctx, [built]);
  const extra = extraVolumes(p.options);
  const volumes = [...generated.volumes, ...extra.volumes];
  const mounts = [...generated.mounts, ...extra.mounts];
  const container = thanosContainer(p, {
    args: [...generated.args, ...p.options.extraArgs],
    env: containerEnv(p, identity.env),
    mounts,
  });
  const check = caBundleCheckContainer(container.image ?? '', container.args ?? [], mounts, containerSecurityContext());
  const annotations = { ...p.options.podAnnotations, ...(p.rolloutAnnotations ?? {}), ...generated.annotations };
  return {
    metadata: {
      labels: { ...standardLabels(env, p.labels), ...identity.podLabels, ...p.podLabels },
      ...(Object.keys(annotations).length > 0 ? { annotations } : {}),
    },
    spec: {
      serviceAccountName: p.serviceAccountName,
      ...pullSecrets(p.ctx.env),
      automountServiceAccountToken: false,
      securityContext: podSecurityContext(),
      terminationGracePeriodSeconds: graceSeconds,
      ...(check ? { initContainers: [check] } : {}),
      containers: [container, ...(p.sidecars ?? [])],
      ...(volumes.length > 0 ? { volumes } : {}),
      ...spreading(p.labels, p.strictSpreading, p.zone),
      ...scheduling(p.options),
    },
  };
}

export const HTTP_PORT = { name: 'http', containerPort: PORTS.http };
export const GRPC_PORT = { name: 'grpc', containerPort: PORTS.grpc };
/**
 * The address of a listener no other pod uses: only the pod itself can connect (Thanos has no flag that turns
 * these servers off). Its port is in no Service, container port list or NetworkPolicy.
 */
export const POD_LOCAL = '127.0.0.1';
