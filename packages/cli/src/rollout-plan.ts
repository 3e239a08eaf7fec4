/**
 * A stand-in for `rolloutPlan` of @thanos-gitops/operability (issue 18, ROLLOUT-DESIGN.md), with the same
 * interface, until that simulator is on main: from the rendered objects, in what order and how many at a time
 * the pods of each workload restart on a pod-template change, and for each receive hashring how many copies of a
 * series that takes down at once. It knows the ordinary Kubernetes rules only: StatefulSets of one hashring roll
 * at the same time (`RollingUpdate`, one pod each, highest ordinal first), `OnDelete` StatefulSets restart only
 * when something deletes their pods (the rollout-operator, one StatefulSet of a `rollout-group` at a time).
 */
import { writeQuorum } from '@thanos-gitops/core-model';
import type { Plain } from './review.js';

export interface RolloutGroup {
  /** The hashring Service name for ingestors, else the workload name. */
  name: string;
  hashring?: { name: string; replicationFactor: number; quorum: number };
  mechanism: 'rollout-operator' | 'rolling-update' | 'on-delete-unmanaged' | 'deployment';
  /** Pods restarted together, in order (each step waits for Ready and minReadySeconds). */
  steps: { pods: string[] }[];
  minReadySeconds: number;
  /** Hashrings: most copies of any series unavailable in any step. */
  maxSeriesCopiesDown?: number;
  /** maxSeriesCopiesDown <= RF − quorum (or RF − quorum is 0 and one pod at a time). */
  safe: boolean;
}

export interface RolloutPlan {
  groups: RolloutGroup[];
}

export const ROLLOUT_GROUP_LABEL = 'rollout-group';
const MAX_UNAVAILABLE_ANNOTATION = 'rollout-max-unavailable';

const nameOf = (o: Plain) => String(o.metadata?.name ?? '');
const podsOf = (s: Plain) => Array.from({ length: Number(s.spec?.replicas ?? 1) }, (_, i) => `${nameOf(s)}-${i}`);
const onDelete = (s: Plain) => s.spec?.updateStrategy?.type === 'OnDelete';
/** A `maxUnavailable`-like value as a pod count of `total`: a percentage rounds down, never below 1. */
const atOnce = (v: unknown, total: number) =>
  Math.max(
    1,
    typeof v === 'string' && v.endsWith('%') ? Math.floor((total * Number.parseFloat(v)) / 100) : Number(v) || 1,
  );
const chunks = <T>(list: readonly T[], size: number): T[][] =>
  Array.from({ length: Math.ceil(list.length / Math.max(1, size)) }, (_, i) => list.slice(i * size, (i + 1) * size));

/** The replication factor the routers use (`--receive.replication-factor`, 1 when absent). */
function replicationFactor(objects: readonly Plain[]): number {
  for (const o of objects) {
    for (const c of (o.spec?.template?.spec?.containers ?? []) as Plain[]) {
      for (const a of (c.args ?? []) as string[]) {
        const m = /^--receive\.replication-factor=(\d+)$/.exec(String(a));
        if (m) return Number(m[1]);
      }
    }
  }
  return 1;
}

/** Each hashring of the routers' hashrings file, with the Service its endpoints are addressed through. */
function hashrings(objects: readonly Plain[]): { name: string; service: string }[] {
  const out: { name: string; service: string }[] = [];
  for (const o of objects) {
    const text = o.kind === 'ConfigMap' ? o.data?.['hashrings.json'] : undefined;
    if (typeof text !== 'string') continue;
    let parsed: Plain[];
    try {
      parsed = JSON.parse(text) as Plain[];
    } catch {
      continue; // not a hashrings file this stand-in can read: no hashring groups from it
    }
    for (const h of Array.isArray(parsed) ? parsed : []) {
      const first = (h.endpoints ?? [])[0];
      const address = String(typeof first === 'string' ? first : (first?.address ?? ''));
      out.push({ name: String(h.hashring ?? 'default'), service: address.split('.')[1] ?? '' });
    }
  }
  return out;
}

/** The steps of StatefulSets: one at a time under the rollout-operator, else all at once, each pod by pod. */
function statefulSteps(sets: readonly Plain[], operator: boolean): RolloutGroup['steps'] {
  const byName = [...sets].sort((a, b) => (nameOf(a) < nameOf(b) ? -1 : 1));
  if (operator) {
    return byName.flatMap((s) =>
      chunks(podsOf(s), atOnce(s.metadata?.annotations?.[MAX_UNAVAILABLE_ANNOTATION], podsOf(s).length)).map(
        (pods) => ({ pods }),
      ),
    );
  }
  const rolling = byName.filter((s) => !onDelete(s));
  const each = rolling.map((s) =>
    chunks([...podsOf(s)].reverse(), atOnce(s.spec?.updateStrategy?.rollingUpdate?.maxUnavailable, podsOf(s).length)),
  );
  const n = Math.max(0, ...each.map((c) => c.length));
  return Array.from({ length: n }, (_, i) => ({ pods: each.flatMap((c) => c[i] ?? []) }));
}

function statefulGroup(name: string, sets: readonly Plain[], operator: boolean): RolloutGroup {
  const managed = operator && sets.every((s) => onDelete(s) && s.metadata?.labels?.[ROLLOUT_GROUP_LABEL]);
  const mechanism = managed ? 'rollout-operator' : sets.every(onDelete) ? 'on-delete-unmanaged' : 'rolling-update';
  return {
    name,
    mechanism,
    steps: statefulSteps(sets, managed),
    minReadySeconds: Math.max(0, ...sets.map((s) => Number(s.spec?.minReadySeconds ?? 0))),
    safe: true,
  };
}

/** Most copies of one series down in a step: one per zone (StatefulSet) when zoned, else one per pod. */
function seriesCopiesDown(pods: readonly string[], sets: readonly string[], rf: number): number {
  const owners = new Set(pods.map((p) => sets.find((s) => new RegExp(`^${s}-\\d+$`).test(p)) ?? p));
  return Math.min(rf, sets.length > 1 ? owners.size : pods.length);
}

export function rolloutPlan(objects: readonly Plain[]): RolloutPlan {
  const operator = objects.some((o) => o.kind === 'Deployment' && nameOf(o).endsWith('rollout-operator'));
  const rf = replicationFactor(objects);
  const stateful = objects.filter((o) => o.kind === 'StatefulSet');
  const grouped = new Set<Plain>();
  const groups: RolloutGroup[] = [];
  for (const h of hashrings(objects)) {
    const sets = stateful.filter((s) => s.spec?.serviceName === h.service);
    if (sets.length === 0) continue;
    for (const s of sets) grouped.add(s);
    const group = statefulGroup(h.service, sets, operator);
    const quorum = writeQuorum(rf);
    const down = group.steps.map((s) => seriesCopiesDown(s.pods, sets.map(nameOf), rf));
    const max = Math.max(0, ...down);
    const onePod = group.steps.every((s) => s.pods.length <= 1);
    const safe = max <= rf - quorum || (rf - quorum === 0 && onePod);
    groups.push({
      ...group,
      hashring: { name: h.name, replicationFactor: rf, quorum },
      maxSeriesCopiesDown: max,
      safe,
    });
  }
  for (const s of stateful) if (!grouped.has(s)) groups.push(statefulGroup(nameOf(s), [s], operator));
  for (const d of objects.filter((o) => o.kind === 'Deployment')) {
    const pods = Array.from({ length: Number(d.spec?.replicas ?? 1) }, (_, i) => `${nameOf(d)}-${i}`);
    const steps = chunks(pods, atOnce(d.spec?.strategy?.rollingUpdate?.maxUnavailable, pods.length)).map((p) => ({
      pods: p,
    }));
    groups.push({ name: nameOf(d), mechanism: 'deployment', steps, minReadySeconds: 0, safe: true });
  }
  return { groups };
}
