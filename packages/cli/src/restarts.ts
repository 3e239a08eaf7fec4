/**
 * What the restarts of a change do, read from the rendered objects through the rollout plan (`rolloutPlan` of
 * @thanos-gitops/operability): per receive hashring, in how many steps its restarted ingestors go and how many
 * copies of a series that takes down at once, with a loud warning when that is more than the write quorum allows
 * (or when the change leaves the hashring's next restart so); for the other workloads, how they roll.
 */

import { type RolloutGroup, type RolloutPlan, rolloutPlan, seriesCopiesDown } from '@thanos-gitops/operability';
import { markdownCode } from '@thanos-gitops/output';
import type { Plain, Restart, RestartConsequence } from './review-types.js';

export type { Restart, RestartConsequence } from './review-types.js';

type Ring = NonNullable<RolloutGroup['hashring']>;

const nameOfId = (id: string) => id.split('/').at(-1) ?? id;
const belongs = (pod: string, set: string) => pod.startsWith(`${set}-`) && /^\d+$/.test(pod.slice(set.length + 1));
const ownerOf = (pod: string, sets: readonly string[]) => sets.find((s) => belongs(pod, s)) ?? pod;
const steps = (n: number) => `${n} ${n === 1 ? 'step' : 'steps'}`;
const held = (g: RolloutGroup) => (g.minReadySeconds > 0 ? `, each held ${g.minReadySeconds}s after Ready` : '');
const mechanisms = (g: RolloutGroup) => g.mechanisms.map((m) => markdownCode(m)).join(', ');

/**
 * The plan's steps cut to the restarted StatefulSets, each with the copies of a series it takes down: the plan's
 * count when all restart; else the plan's `seriesCopiesDown` over the restarted pods, each restarted StatefulSet
 * standing for its zone (the generator renders one per zone).
 */
function restartedSteps(g: RolloutGroup, ring: Ring, restarted: readonly string[]) {
  const whole = restarted.length === g.workloads.length;
  const zoneOf = (pod: string) => ownerOf(pod, restarted);
  return g.steps
    .map((s) => {
      const pods = s.pods.filter((p) => restarted.some((r) => belongs(p, r)));
      return { pods, copies: whole ? (s.seriesCopiesDown ?? 0) : seriesCopiesDown(pods, ring, zoneOf) };
    })
    .filter((s) => s.pods.length > 0);
}

/** What takes a hashring below quorum: several StatefulSets (zones) at once, or several pods of one. */
function cause(pods: readonly string[], restarted: readonly string[], ring: Ring): string {
  const sets = new Set(pods.map((p) => ownerOf(p, restarted))).size;
  if (sets > 1) return `${sets} StatefulSets${ring.zones > 0 ? ' (one per zone)' : ''} restart at the same time`;
  return `${pods.length} pods of one StatefulSet restart together`;
}

/** How a hashring's restarted StatefulSets roll, and how many copies of a series are down at worst. */
function hashringHow(g: RolloutGroup, ring: Ring, restarted: readonly string[]): { how: string; danger?: string } {
  const cut = restartedSteps(g, ring, restarted);
  const stuck = g.stuck.filter((p) => restarted.some((r) => belongs(p, r)));
  const never =
    stuck.length > 0 ? `; **${stuck.length} pods never restart** (\`OnDelete\` without a rollout group)` : '';
  if (cut.length === 0)
    return { how: `**not restarted**: \`OnDelete\` without a rollout group, the pods keep the old template` };
  const max = Math.max(...cut.map((s) => s.copies));
  const copies = `; at most ${max} of ${ring.replicationFactor} copies of a series down (write quorum ${ring.quorum})`;
  if (max <= ring.budget) {
    const widest = Math.max(...cut.map((s) => s.pods.length));
    const how = g.mechanisms.includes('rollout-operator')
      ? `restarts ${ring.zones > 0 ? 'zone by zone' : 'StatefulSet by StatefulSet'} in ${steps(cut.length)} (rollout-operator)`
      : `${widest === 1 ? 'one pod' : `${widest} pods`} at a time, ${steps(cut.length)}`;
    return { how: `${how}${held(g)}${copies}${never}` };
  }
  const worst = cut.find((s) => s.copies === max)?.pods ?? [];
  const danger =
    `${cause(worst, restarted, ring)}: ${max} of ${ring.replicationFactor} copies of a series down at once ` +
    `(write quorum ${ring.quorum}), remote-write to the hashring's tenants fails until they are Ready again`;
  return { how: `**below the write quorum** (see above)${never}`, danger };
}

function hashringConsequence(
  g: RolloutGroup,
  before: RolloutGroup | undefined,
  restarts: readonly Restart[],
): RestartConsequence | undefined {
  const ring = g.hashring as Ring;
  const mine = restarts.filter((r) => r.id.startsWith('StatefulSet/') && g.workloads.includes(nameOfId(r.id)));
  if (mine.length === 0) {
    if (g.safe || before?.safe === false) return undefined;
    const danger =
      `nothing restarts now, but the next restart takes ${g.maxSeriesCopiesDown} of ${ring.replicationFactor} ` +
      `copies of a series down at once (write quorum ${ring.quorum}; ${mechanisms(g)})`;
    return { hashring: ring.name, restarts: [], how: 'no restart now', danger };
  }
  const h = hashringHow(
    g,
    ring,
    mine.map((r) => nameOfId(r.id)),
  );
  const c: RestartConsequence = { hashring: ring.name, restarts: mine, how: h.how };
  if (h.danger !== undefined) c.danger = h.danger;
  return c;
}

const HOW: Record<RolloutGroup['mechanisms'][number], string> = {
  'rollout-operator': 'one StatefulSet at a time (rollout-operator)',
  'rolling-update': 'one pod at a time',
  'on-delete': '**not restarted** (`OnDelete` without a rollout group): the pods keep the old template',
  deployment: 'rolling update',
  recreate: '**every pod replaced at once** (`Recreate`)',
};

/** How a workload that is no hashring rolls, loud when no pod of it stays Ready. */
function otherHow(g: RolloutGroup | undefined): string {
  if (g === undefined) return 'restarts';
  const how = g.mechanisms.map((m) => HOW[m]).join(', ');
  return g.safe || g.mechanisms.includes('recreate') ? how : `${how}, **no pod stays Ready**`;
}

/** The plan of a folder's objects; a plan that cannot be made (a hand-broken hashrings file) says why instead. */
function planOf(objects: readonly Plain[]): RolloutPlan | string {
  try {
    return rolloutPlan(objects);
  } catch (e) {
    return `restarts (no rollout plan: ${e instanceof Error ? e.message : String(e)})`;
  }
}

/** The consequences of the restarts of one folder: hashrings first, then the other workloads by how they roll. */
export function restartConsequences(
  before: readonly Plain[],
  after: readonly Plain[],
  restarts: readonly Restart[],
): RestartConsequence[] {
  const [was, is] = [planOf(before), planOf(after)];
  if (typeof is === 'string') return restarts.length > 0 ? [{ restarts: [...restarts], how: is }] : [];
  const out: RestartConsequence[] = [];
  const seen = new Set<string>();
  for (const g of is.groups.filter((x) => x.hashring !== undefined)) {
    const old = typeof was === 'string' ? undefined : was.groups.find((x) => x.name === g.name);
    const c = hashringConsequence(g, old, restarts);
    if (c === undefined) continue;
    for (const r of c.restarts) seen.add(r.id);
    out.push(c);
  }
  const others = new Map<string, Restart[]>();
  for (const r of restarts.filter((x) => !seen.has(x.id))) {
    const how = otherHow(is.groups.find((x) => x.hashring === undefined && x.workloads.includes(nameOfId(r.id))));
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
