/**
 * The rollout plan: how a pod-template change of every workload rolls, read from the RENDERED objects (plain
 * data, as `kustomize build` or the generator emits them, patches included), never from the environment model.
 * It is a small model of what Kubernetes and the rollout-operator do with those objects:
 *
 * - a StatefulSet with `updateStrategy: RollingUpdate` (the default) replaces one pod at a time, highest
 *   ordinal first, down to `partition`, each after the previous is Ready for `minReadySeconds`; separate
 *   StatefulSets roll at the same time, each on its own;
 * - a StatefulSet with `OnDelete` and a `rollout-group` label is rolled by the rollout-operator: one
 *   StatefulSet of the group at a time (in name order), `rollout-max-unavailable` pods of it at once, the next
 *   only once every pod of the group is Ready; `OnDelete` without a group is never rolled (pods keep their old
 *   template until deleted by hand);
 * - a Deployment surges `maxSurge` pods and takes down `maxUnavailable` (percentages as Kubernetes rounds them:
 *   surge up, unavailable down); `Recreate` takes every pod down first.
 *
 * Independent sequences are assumed to run in lockstep (they start in the same sync), which is the worst case.
 * For receive hashrings (the ingestors listed in the hashrings file), each step's unavailable pods are turned
 * into the most copies of one series they can hold: with zones (`az` on every endpoint), zone-aware ketama puts at
 * most ceil(RF / zones) copies of a series in one zone; without, any RF of the hashring's pods may hold one.
 */

import { writeQuorum } from '@thanos-gitops/model';
import {
  ingestorDisruptionBudget,
  ROLLOUT_GROUP_LABEL,
  ROLLOUT_MAX_UNAVAILABLE,
} from '@thanos-gitops/thanos-components';

// biome-ignore lint/suspicious/noExplicitAny: rendered objects of many kinds, read field by field.
export type PlainObject = Record<string, any>;

const HASHRINGS_FILE = 'hashrings.json';
const RF_FLAG = '--receive.replication-factor=';

export type RolloutMechanism = 'rollout-operator' | 'rolling-update' | 'on-delete' | 'deployment' | 'recreate';

/** Pods restarted together; the next step starts when these are Ready (and held for `minReadySeconds`). */
export interface RolloutStep {
  pods: string[];
  /** For hashrings: the most copies of one series among `pods`. */
  seriesCopiesDown?: number;
}

export interface HashringRollout {
  name: string;
  replicationFactor: number;
  quorum: number;
  /** Copies of a series that may be down with writes still reaching the quorum: RF - quorum, at least 1. */
  budget: number;
  /** Distinct zones of its endpoints (0 without `az`). */
  zones: number;
}

export interface RolloutGroup {
  /** The hashring's name for ingestors, else the workload's name. */
  name: string;
  kind: 'hashring' | 'StatefulSet' | 'Deployment';
  hashring?: HashringRollout;
  /** One mechanism per workload kind in the group, in order of appearance. */
  mechanisms: RolloutMechanism[];
  workloads: string[];
  replicas: number;
  steps: RolloutStep[];
  /** The longest wait after Ready before the next step (StatefulSet/Deployment `minReadySeconds`, probe hold). */
  minReadySeconds: number;
  /** Most pods of the group down at once. */
  maxPodsDown: number;
  /** Fewest pods Ready at once during the rollout. */
  minReady: number;
  /** Hashrings: most copies of any series down at once. */
  maxSeriesCopiesDown?: number;
  /** Hashrings: `maxSeriesCopiesDown <= budget`; other workloads: at least one pod stays Ready (or it has none). */
  safe: boolean;
  /** Pods that never restart on their own (`OnDelete` without a rollout group). */
  stuck: string[];
}

export interface RolloutPlan {
  groups: RolloutGroup[];
}

const metaName = (o: PlainObject): string => String(o.metadata?.name ?? '');
const byName = (a: PlainObject, b: PlainObject) => (metaName(a) < metaName(b) ? -1 : metaName(a) > metaName(b) ? 1 : 0);

interface Endpoint {
  hashring: string;
  az?: string;
}

/** Every ingestor pod of the hashrings file (by pod name, the first label of its address), with its zone. */
function hashringEndpoints(objects: readonly PlainObject[]): Map<string, Endpoint> {
  const out = new Map<string, Endpoint>();
  for (const o of objects) {
    const text = o.kind === 'ConfigMap' ? o.data?.[HASHRINGS_FILE] : undefined;
    if (typeof text !== 'string') continue;
    for (const h of JSON.parse(text) as {
      hashring: string;
      endpoints: (string | { address: string; az?: string })[];
    }[]) {
      for (const e of h.endpoints) {
        const address = typeof e === 'string' ? e : e.address;
        const pod = address.split(/[.:]/)[0] ?? address;
        out.set(pod, { hashring: h.hashring, ...(typeof e === 'string' || !e.az ? {} : { az: e.az }) });
      }
    }
  }
  return out;
}

/** The replication factor the routers run with (`--receive.replication-factor`), 1 when no router says. */
function replicationFactor(objects: readonly PlainObject[]): number {
  for (const o of objects) {
    if (o.kind !== 'Deployment' && o.kind !== 'StatefulSet') continue;
    for (const c of o.spec?.template?.spec?.containers ?? []) {
      const arg = (c.args ?? []).find((a: string) => a.startsWith(RF_FLAG));
      if (arg) return Number(arg.slice(RF_FLAG.length));
    }
  }
  return 1;
}

/** How long a new pod of the workload waits after Ready: `minReadySeconds`, or a readiness probe's extra successes. */
function readyHold(o: PlainObject): number {
  const probeHold = Math.max(
    0,
    ...(o.spec?.template?.spec?.containers ?? []).map((c: PlainObject) => {
      const p = c.readinessProbe;
      return p ? ((p.successThreshold ?? 1) - 1) * (p.periodSeconds ?? 10) : 0;
    }),
  );
  return Math.max(Number(o.spec?.minReadySeconds ?? 0), probeHold);
}

/** A quantity of pods, as Kubernetes reads an int-or-percent (`roundUp` for surge, down for unavailability). */
function podCount(value: unknown, replicas: number, roundUp: boolean, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value === 'number') return value;
  const percent = Number(String(value).replace('%', ''));
  const exact = (percent * replicas) / 100;
  return roundUp ? Math.ceil(exact) : Math.floor(exact);
}

/** One workload's part of a rollout: the chunks of pods it takes down, in order, and pods it never restarts. */
interface Sequence {
  mechanism: RolloutMechanism;
  chunks: string[][];
  stuck: string[];
}

const chunked = (pods: string[], size: number): string[][] =>
  Array.from({ length: Math.ceil(pods.length / size) }, (_, i) => pods.slice(i * size, (i + 1) * size));
const podsOf = (sts: PlainObject): string[] =>
  Array.from({ length: Number(sts.spec?.replicas ?? 1) }, (_, i) => `${metaName(sts)}-${i}`);
const operatorGroup = (sts: PlainObject): string | undefined =>
  sts.spec?.updateStrategy?.type === 'OnDelete' ? sts.metadata?.labels?.[ROLLOUT_GROUP_LABEL] : undefined;

/** A StatefulSet rolled by Kubernetes itself: highest ordinal first, down to `partition`; `OnDelete`: never. */
function statefulSetSequence(sts: PlainObject): Sequence {
  const pods = podsOf(sts);
  const strategy = sts.spec?.updateStrategy ?? {};
  if (strategy.type === 'OnDelete') return { mechanism: 'on-delete', chunks: [], stuck: pods };
  const partition = Number(strategy.rollingUpdate?.partition ?? 0);
  const at = Math.max(1, podCount(strategy.rollingUpdate?.maxUnavailable, pods.length, false, 1));
  return { mechanism: 'rolling-update', chunks: chunked(pods.slice(partition).reverse(), at), stuck: [] };
}

/** StatefulSets of one rollout-operator group: one after another in name order, `rollout-max-unavailable` at once. */
function operatorSequence(sets: readonly PlainObject[]): Sequence {
  const chunks = [...sets].sort(byName).flatMap((sts) => {
    const max = Number(sts.metadata?.annotations?.[ROLLOUT_MAX_UNAVAILABLE] ?? 1);
    return chunked(podsOf(sts), Number.isInteger(max) && max > 0 ? max : 1);
  });
  return { mechanism: 'rollout-operator', chunks, stuck: [] };
}

/** The sequences of a set of StatefulSets: one per operator group, one per StatefulSet Kubernetes rolls. */
function statefulSetSequences(sets: readonly PlainObject[]): Sequence[] {
  const groups = new Map<string, PlainObject[]>();
  const own: Sequence[] = [];
  for (const sts of sets) {
    const group = operatorGroup(sts);
    if (group === undefined) own.push(statefulSetSequence(sts));
    else groups.set(group, [...(groups.get(group) ?? []), sts]);
  }
  return [...[...groups.values()].map(operatorSequence), ...own];
}

/** Independent sequences in lockstep: step i takes down the i-th chunk of every sequence at once. */
function lockstep(sequences: readonly Sequence[]): string[][] {
  const length = Math.max(0, ...sequences.map((q) => q.chunks.length));
  return Array.from({ length }, (_, i) => sequences.flatMap((q) => q.chunks[i] ?? []));
}

/**
 * The most copies of one series that these pods of a hashring can hold: with zones, at most ceil(RF / zones) per
 * zone, `zoneOf` naming each pod's zone (the plan reads it from the hashrings file; `diff`, for a change that
 * restarts only some of a hashring's StatefulSets, takes each restarted StatefulSet for its zone); without, RF.
 */
export function seriesCopiesDown(
  pods: readonly string[],
  ring: Pick<HashringRollout, 'replicationFactor' | 'zones'>,
  zoneOf: (pod: string) => string,
): number {
  const rf = ring.replicationFactor;
  if (ring.zones === 0) return Math.min(pods.length, rf);
  const perZone = Math.ceil(rf / ring.zones);
  const down = new Map<string, number>();
  for (const pod of pods) down.set(zoneOf(pod), (down.get(zoneOf(pod)) ?? 0) + 1);
  return Math.min(
    rf,
    [...down.values()].reduce((sum, n) => sum + Math.min(n, perZone), 0),
  );
}

/** The rollout of one hashring's StatefulSets (or of one StatefulSet or operator group that is no hashring). */
function statefulSetGroup(
  name: string,
  sets: readonly PlainObject[],
  ring: { endpoints: Map<string, Endpoint>; hashring: HashringRollout } | undefined,
): RolloutGroup {
  const sequences = statefulSetSequences(sets);
  const steps: RolloutStep[] = lockstep(sequences).map((pods) =>
    ring
      ? { pods, seriesCopiesDown: seriesCopiesDown(pods, ring.hashring, (p) => ring.endpoints.get(p)?.az ?? p) }
      : { pods },
  );
  const replicas = sets.reduce((n, sts) => n + podsOf(sts).length, 0);
  const maxPodsDown = Math.max(0, ...steps.map((s) => s.pods.length));
  const maxSeriesCopiesDown = ring ? Math.max(0, ...steps.map((s) => s.seriesCopiesDown ?? 0)) : undefined;
  return {
    name,
    kind: ring ? 'hashring' : 'StatefulSet',
    ...(ring ? { hashring: ring.hashring } : {}),
    mechanisms: [...new Set(sequences.map((q) => q.mechanism))],
    workloads: sets.map(metaName),
    replicas,
    steps,
    minReadySeconds: Math.max(0, ...sets.map(readyHold)),
    maxPodsDown,
    minReady: replicas - maxPodsDown,
    ...(maxSeriesCopiesDown === undefined ? {} : { maxSeriesCopiesDown }),
    safe: ring ? (maxSeriesCopiesDown ?? 0) <= ring.hashring.budget : replicas - maxPodsDown >= 1 || replicas <= 1,
    stuck: sequences.flatMap((q) => q.stuck),
  };
}

/** A Deployment's rollout: surge and unavailability as Kubernetes computes them; the replicas of its HPA if any. */
function deploymentGroup(d: PlainObject, hpas: ReadonlyMap<unknown, PlainObject>): RolloutGroup {
  const name = metaName(d);
  const hpa = hpas.get(name);
  const replicas = Number(d.spec?.replicas ?? hpa?.spec?.minReplicas ?? 1);
  const strategy = d.spec?.strategy ?? {};
  const recreate = strategy.type === 'Recreate';
  const surge = recreate ? 0 : podCount(strategy.rollingUpdate?.maxSurge, replicas, true, Math.ceil(replicas / 4));
  let down = recreate
    ? replicas
    : podCount(strategy.rollingUpdate?.maxUnavailable, replicas, false, Math.floor(replicas / 4));
  if (!recreate && surge === 0 && down === 0) down = 1;
  const old = Array.from({ length: replicas }, (_, i) => `${name} (old pod ${i + 1})`);
  const per = recreate ? replicas : Math.max(1, surge + down);
  const steps = chunked(old, per).map((pods) => ({ pods: pods.slice(0, Math.max(down, 0)) }));
  return {
    name,
    kind: 'Deployment',
    mechanisms: [recreate ? 'recreate' : 'deployment'],
    workloads: [name],
    replicas,
    steps,
    minReadySeconds: readyHold(d),
    maxPodsDown: Math.min(down, replicas),
    minReady: Math.max(0, replicas - down),
    safe: replicas - down >= 1 || replicas === 0,
    stuck: [],
  };
}

/** The rollout plan of the rendered objects of one environment: one group per hashring and per other workload. */
export function rolloutPlan(objects: readonly PlainObject[]): RolloutPlan {
  const endpoints = hashringEndpoints(objects);
  const rf = replicationFactor(objects);
  // The workloads by kind, and the first HorizontalPodAutoscaler of each target, in one pass over the objects.
  const sets: PlainObject[] = [];
  const deployments: PlainObject[] = [];
  const hpas = new Map<unknown, PlainObject>();
  for (const o of objects) {
    if (o.kind === 'StatefulSet') sets.push(o);
    else if (o.kind === 'Deployment') deployments.push(o);
    else if (o.kind === 'HorizontalPodAutoscaler' && !hpas.has(o.spec?.scaleTargetRef?.name)) {
      hpas.set(o.spec?.scaleTargetRef?.name, o);
    }
  }
  sets.sort(byName);
  deployments.sort(byName);
  // The StatefulSets of each group (a hashring, an operator group, else its own), in name order.
  const byKey = new Map<string, PlainObject[]>();
  for (const sts of sets) {
    const key = endpoints.get(`${metaName(sts)}-0`)?.hashring ?? operatorGroup(sts) ?? metaName(sts);
    const members = byKey.get(key);
    if (members) members.push(sts);
    else byKey.set(key, [sts]);
  }
  const groups = [...byKey].map(([key, members]) => {
    const ring = endpoints.get(`${metaName(members[0] ?? {})}-0`);
    if (!ring) return statefulSetGroup(key, members, undefined);
    const pods = [...endpoints.entries()].filter(([, e]) => e.hashring === key);
    const zones = new Set(pods.map(([, e]) => e.az)).size;
    const quorum = writeQuorum(rf);
    const hashring = {
      name: key,
      replicationFactor: rf,
      quorum,
      budget: ingestorDisruptionBudget(rf),
      zones: pods.every(([, e]) => e.az !== undefined) ? zones : 0,
    };
    return statefulSetGroup(key, members, { endpoints, hashring });
  });
  return { groups: [...groups, ...deployments.map((d) => deploymentGroup(d, hpas))] };
}
