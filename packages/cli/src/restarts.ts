/**
 * What the restarts of a change do, read from the rendered objects through the rollout plan: per receive hashring,
 * in how many steps its ingestors restart and how many copies of a series that takes down at once, with a loud
 * warning when that is more than the write quorum allows (or when the change leaves the next restart so); for the
 * other workloads, how they roll.
 */

import type { Plain } from './review.js';
// When operability's rolloutPlan is on main, this import is the one line to change (and rollout-plan.ts goes).
import { type RolloutGroup, rolloutPlan } from './rollout-plan.js';

export interface Restart {
  id: string;
  why: string;
}

/** The restarts of one hashring, or of the other workloads that roll the same way. */
export interface RestartConsequence {
  /** The hashring's name, for its ingestors. */
  hashring?: string;
  /** The workloads restarted, with why. */
  restarts: Restart[];
  /** How they restart, e.g. `zone by zone in 3 steps (rollout-operator)`. */
  how: string;
  /** Set when the change takes the hashring below its write quorum, or leaves its next restart so. */
  danger?: string;
}

const nameOfId = (id: string) => id.split('/').at(-1) ?? id;
const nameOf = (o: Plain) => String(o.metadata?.name ?? '');
const belongs = (pod: string, set: string) => new RegExp(`^${set}-\\d+$`).test(pod);

/** Most copies of one series down in a step: one per zone (StatefulSet) when zoned, else one per pod. */
function seriesCopiesDown(pods: readonly string[], sets: readonly string[], rf: number): number {
  const owners = new Set(pods.map((p) => sets.find((s) => belongs(p, s)) ?? p));
  return Math.min(rf, sets.length > 1 ? owners.size : pods.length);
}

function held(g: RolloutGroup): string {
  return g.minReadySeconds > 0 ? `, each held ${g.minReadySeconds}s after Ready` : '';
}

interface HashringHow {
  how: string;
  /** What takes the hashring below quorum, when it does. */
  danger?: string;
}

/** The worst step: several zones' StatefulSets at once, or several pods of one. */
function cause(worst: readonly string[], sets: readonly string[]): string {
  const zones = new Set(worst.map((p) => sets.find((s) => belongs(p, s)))).size;
  return zones > 1
    ? `${zones} StatefulSets (one per zone) restart at the same time`
    : `${worst.length} pods of one StatefulSet restart together`;
}

/** How a hashring's restarted StatefulSets roll, and how many copies of a series are down at worst. */
function hashringHow(g: RolloutGroup, sets: readonly string[], restarted: readonly string[]): HashringHow {
  const rf = g.hashring?.replicationFactor ?? 1;
  const quorum = g.hashring?.quorum ?? 1;
  const steps = g.steps
    .map((s) => s.pods.filter((p) => restarted.some((r) => belongs(p, r))))
    .filter((pods) => pods.length > 0);
  if (g.mechanism === 'on-delete-unmanaged') {
    return { how: 'not restarted: `OnDelete` and no rollout-operator, the pods keep the old template' };
  }
  const down = steps.map((pods) => seriesCopiesDown(pods, sets, rf));
  const max = Math.max(0, ...down);
  const n = `${steps.length} ${steps.length === 1 ? 'step' : 'steps'}`;
  const copies = `; at most ${max} of ${rf} copies of a series down (write quorum ${quorum})`;
  if (max <= rf - quorum || (rf === quorum && steps.every((pods) => pods.length === 1))) {
    const how =
      g.mechanism === 'rollout-operator'
        ? `restarts zone by zone in ${n} (rollout-operator)`
        : `one pod at a time, ${n}`;
    return { how: `${how}${held(g)}${copies}` };
  }
  const danger =
    `${cause(steps[down.indexOf(max)] ?? [], sets)}: ${max} of ${rf} copies of a series down at once ` +
    `(write quorum ${quorum}), remote-write to the hashring's tenants fails until they are Ready again`;
  return { how: '**below the write quorum** (see above)', danger };
}

function hashringConsequence(
  g: RolloutGroup,
  before: RolloutGroup | undefined,
  after: readonly Plain[],
  restarts: readonly Restart[],
): RestartConsequence | undefined {
  const sets = after.filter((o) => o.kind === 'StatefulSet' && o.spec?.serviceName === g.name).map(nameOf);
  const mine = restarts.filter((r) => r.id.startsWith('StatefulSet/') && sets.includes(nameOfId(r.id)));
  if (mine.length === 0) {
    if (g.safe || before?.safe === false) return undefined;
    const danger =
      `nothing restarts now, but the next restart takes ${g.maxSeriesCopiesDown} of ` +
      `${g.hashring?.replicationFactor} copies of a series down at once (write quorum ${g.hashring?.quorum}; ` +
      `\`${g.mechanism}\`)`;
    return { hashring: g.hashring?.name, restarts: [], how: 'no restart now', danger };
  }
  const h = hashringHow(
    g,
    sets,
    mine.map((r) => nameOfId(r.id)),
  );
  const c: RestartConsequence = { hashring: g.hashring?.name, restarts: mine, how: h.how };
  if (h.danger !== undefined) c.danger = h.danger;
  return c;
}

const HOW: Record<RolloutGroup['mechanism'], string> = {
  'rollout-operator': 'one at a time (rollout-operator)',
  'rolling-update': 'one pod at a time',
  'on-delete-unmanaged': 'not restarted (`OnDelete`, no rollout-operator): the pods keep the old template',
  deployment: 'rolling update',
};

/** The consequences of the restarts of one folder: hashrings first, then the other workloads by how they roll. */
export function restartConsequences(
  before: readonly Plain[],
  after: readonly Plain[],
  restarts: readonly Restart[],
): RestartConsequence[] {
  const [was, is] = [rolloutPlan(before), rolloutPlan(after)];
  const out: RestartConsequence[] = [];
  const seen = new Set<string>();
  for (const g of is.groups.filter((x) => x.hashring !== undefined)) {
    const c = hashringConsequence(
      g,
      was.groups.find((x) => x.name === g.name),
      after,
      restarts,
    );
    if (c === undefined) continue;
    for (const r of c.restarts) seen.add(r.id);
    out.push(c);
  }
  const others = new Map<string, Restart[]>();
  for (const r of restarts.filter((x) => !seen.has(x.id))) {
    const g = is.groups.find((x) => x.hashring === undefined && x.name === nameOfId(r.id));
    const how = g === undefined ? 'restarts' : HOW[g.mechanism];
    others.set(how, [...(others.get(how) ?? []), r]);
  }
  for (const [how, list] of others) out.push({ restarts: list, how });
  return out;
}

/** Consequences that say the same, merged: `hashrings \`a\`, \`b\`` with one text, in first-seen order. */
export function sameSaid(
  list: readonly RestartConsequence[],
  text: (c: RestartConsequence) => string | undefined,
): { hashrings: string[]; restarts: Restart[]; text: string }[] {
  const out = new Map<string, { hashrings: string[]; restarts: Restart[]; text: string }>();
  for (const c of list) {
    const t = text(c);
    if (t === undefined) continue;
    const key = c.hashring === undefined ? `workloads ${t}` : `hashring ${t}`;
    const entry = out.get(key) ?? { hashrings: [], restarts: [], text: t };
    if (c.hashring !== undefined) entry.hashrings.push(c.hashring);
    entry.restarts.push(...c.restarts);
    out.set(key, entry);
  }
  return [...out.values()];
}
