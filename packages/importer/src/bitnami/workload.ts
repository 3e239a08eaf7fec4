/**
 * What every component section of the chart shares (resources, scheduling, log level, persistence, extra flags,
 * ingress) and how it maps onto the options every workload of an environment has.
 */
import type { Json, Values } from './values.js';

const LOG_LEVELS = ['debug', 'info', 'warn', 'error'];

function resourceList(x: Json | undefined): Record<string, string> | undefined {
  if (typeof x !== 'object' || x === null || Array.isArray(x)) return undefined;
  const out: Record<string, string> = {};
  for (const key of ['cpu', 'memory'] as const) {
    const value = x[key];
    if (typeof value === 'string' || typeof value === 'number') out[key] = String(value);
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/** `resources` (requests and limits of CPU and memory); `resourcesPreset` is the chart's sizing, not ours. */
function resources(v: Values, from: string, to: string, into: Record<string, unknown>): void {
  const r = v.obj(`${from}.resources`);
  const requests = resourceList(r?.requests);
  const limits = resourceList(r?.limits);
  if (requests || limits) {
    // The chart's `resources` replaced its preset whole: no memory limit meant none. The environment's size preset
    // would add one, maybe below the request; the request is the honest limit.
    const limit = limits?.memory ?? requests?.memory;
    const all = { ...limits, ...(limit ? { memory: limit } : {}) };
    into.resources = { ...(requests ? { requests } : {}), ...(Object.keys(all).length > 0 ? { limits: all } : {}) };
    v.add('mapped', `${from}.resources`, 'requests and limits of CPU and memory kept', `${to}.resources`);
    if (limits?.memory === undefined && limit) {
      v.add(
        'default-differs',
        `${from}.resources.limits.memory`,
        `no memory limit before: the limit is the request (${limit})`,
        `${to}.resources.limits.memory`,
      );
    }
  }
  if (v.has(`${from}.resourcesPreset`)) {
    v.add(
      'default-differs',
      `${from}.resourcesPreset`,
      "the chart's presets are replaced by the environment's `size` preset, which `resources` overrides value by value",
      'size',
    );
  }
}

/** Scheduling, pod annotations and log level, which carry over as they are. */
function scheduling(v: Values, from: string, to: string, into: Record<string, unknown>): void {
  for (const key of ['nodeSelector', 'tolerations', 'podAnnotations'] as const) {
    if (!v.has(`${from}.${key}`)) continue;
    into[key] = v.get(`${from}.${key}`);
    v.add('mapped', `${from}.${key}`, 'kept', `${to}.${key}`);
  }
  const level = v.str(`${from}.logLevel`);
  if (level !== undefined && level !== 'info' && LOG_LEVELS.includes(level)) {
    into.logLevel = level;
    v.add('mapped', `${from}.logLevel`, 'kept', `${to}.logLevel`);
  }
}

/** What needs a person in any section: extra flags, env and volumes, ingresses, TLS and sidecars. */
function escapeHatches(v: Values, from: string): void {
  const person: [string, string][] = [
    [
      'extraFlags',
      "not carried over: review each flag, and put what still applies in `extraArgs` (checked against the release's flags)",
    ],
    ['args', 'the whole command line was replaced: the project generates it; review what it held'],
    ['extraEnvVars', 'not carried over: use `extraEnv` (a literal credential is refused)'],
    ['extraVolumes', 'not carried over: use `extraVolumes`'],
    ['sidecars', 'not carried over: add them with a patch'],
    ['initContainers', 'not carried over: add them with a patch'],
    [
      'ingress.enabled',
      'an Ingress the project does not model: expose it yourself (a patch or your own manifest), or use `remoteWrite.exposure` for receive',
    ],
    ['httpRoute.enabled', 'an HTTPRoute the project does not model: add your own'],
    [
      'serviceAccount.annotations',
      'ServiceAccount annotations (an IAM role?) are not copied: the identity options annotate the ServiceAccounts',
    ],
    ['grpc.server.tls.enabled', "the chart's gRPC TLS is replaced by the internal mTLS of `remoteWrite.mtls.internal`"],
  ];
  for (const [key, detail] of person) {
    const value = v.get(`${from}.${key}`);
    if (value === undefined || value === false || value === '' || (Array.isArray(value) && value.length === 0))
      continue;
    if (typeof value === 'object' && value !== null && !Array.isArray(value) && Object.keys(value).length === 0)
      continue;
    v.add('needs-person', `${from}.${key}`, detail);
  }
}

/** A section's workload options, written into `into` (the environment's section for it). */
export function workloadOptions(v: Values, from: string, to: string, into: Record<string, unknown>): void {
  resources(v, from, to, into);
  scheduling(v, from, to, into);
  escapeHatches(v, from);
}

/** `persistence.size` and `storageClass` of a section, into `storage` and `storageClass`. */
export function persistence(v: Values, from: string, to: string, into: Record<string, unknown>, why: string): boolean {
  const enabled = v.bool(`${from}.persistence.enabled`, true);
  if (!enabled) return false;
  const size = v.str(`${from}.persistence.size`);
  if (size !== undefined) {
    into.storage = size;
    v.add('mapped', `${from}.persistence.size`, why, `${to}.storage`);
  }
  const cls = v.str(`${from}.persistence.storageClass`) ?? v.str('global.defaultStorageClass');
  if (cls !== undefined && cls !== '-') {
    into.storageClass = cls;
    v.add('mapped', `${from}.persistence.storageClass`, 'kept', `${to}.storageClass`);
  }
  return true;
}

/** The replica count of a section, when it differs from `otherwise` or is written at all. */
export function replicas(v: Values, from: string, to: string, into: Record<string, unknown>, key = 'replicas'): number {
  const n = v.num(`${from}.replicaCount`);
  if (n === undefined) return 1;
  into[key] = Math.max(n, 1);
  v.add('mapped', `${from}.replicaCount`, n < 1 ? 'at least 1' : 'kept', `${to}.${key}`);
  return Math.max(n, 1);
}
