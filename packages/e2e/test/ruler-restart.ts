/**
 * A pending alert keeps its `for` state across a ruler restart (issue 19, item 5).
 *
 * The stateless ruler (prod) writes ALERTS_FOR_STATE (the alert's activeAt) through the routers into the ingestors
 * and, after a restart, reads it back through Query (`--query`, deduplicated, the `--restore-ignored-label`s
 * dropped) before it emits anything; the stateful ruler reads it from its own TSDB. Prometheus' rule manager
 * restores only alerts whose `for` is at least `--for-grace-period` (10m by default): shorter ones start over by
 * design. So the harness passes `--for-grace-period=1m` to the ruler (a substitution, printed) and the test alert
 * has `for: 5m`; it goes pending when the ruler starts, so this check starts right after boot and runs alongside
 * the others.
 *
 * After two minutes pending, every ruler is stopped as Kubernetes stops a pod (SIGTERM, SIGKILL after
 * terminationGracePeriodSeconds) and started again on the same data folder. Asserted: before the restart the alert is pending and its stored for-state
 * is queryable; after it, every ruler's activeAt is the stored one (not the restart time); the alert fires at that
 * activeAt + `for`, earlier than an alert started over at the restart could.
 */
import { existsSync } from 'node:fs';
import { expect } from 'vitest';
import type { Figures } from './checks.js';
import type { Pod } from './harness/cluster.js';
import { type Topology, waitFor } from './harness/topology.js';

export const FOR_STATE_ALERT = 'E2EForRestored';
const FOR_MS = 5 * 60_000;
/** How long the alert is pending before the restart: the margin between a kept and a restarted `for`. */
const PENDING_MS = 2 * 60_000;
const INTERVAL_MS = 10_000;
/** Substitution: the ruler's `--for-grace-period` (default 10m), by workload name (BootOptions.extraArgs). */
export const FOR_STATE_ARGS: Record<string, string[]> = { 'thanos-rule': ['--for-grace-period=1m'] };

/** The test alert with a long `for` (appended to the harness' test rules). */
export const FOR_STATE_RULES = `  - name: e2e-for-state
    interval: ${INTERVAL_MS / 1000}s
    rules:
      - alert: ${FOR_STATE_ALERT}
        expr: vector(1)
        for: ${FOR_MS / 60_000}m
        labels: { severity: none }
`;

interface Seen {
  state: string;
  activeAt: number;
}

/** The test alert as a ruler reports it (`/api/v1/alerts`). */
async function alertOf(t: Topology, ruler: Pod): Promise<Seen | undefined> {
  const data = await t.api(ruler, 'http', '/api/v1/alerts').catch(() => undefined);
  // Thanos' ruler answers `{"Alerts": [...]}` (Prometheus: `alerts`).
  const a = (data?.Alerts ?? data?.alerts ?? []).find(
    (x: { labels: Record<string, string> }) => x.labels.alertname === FOR_STATE_ALERT,
  );
  return a ? { state: a.state, activeAt: Date.parse(a.activeAt) } : undefined;
}

/** Polls every ruler until `ok` holds for each; the last seen per ruler either way. */
async function everyRuler(t: Topology, rulers: Pod[], ms: number, ok: (s: Seen, ruler: Pod) => boolean) {
  const seen: Record<string, Seen | undefined> = {};
  const done = await waitFor(
    ms,
    async () => {
      if (down(t)) throw new Error('ruler restart: the topology went down (another check failed)');
      for (const r of rulers) seen[r.name] = await alertOf(t, r);
      return rulers.every((r) => seen[r.name] && ok(seen[r.name] as Seen, r)) ? true : undefined;
    },
    2000,
  );
  return { done: done === true, seen };
}

/** The topology's network namespace is gone: the test ended while this check ran alongside. */
const down = (t: Topology) => !existsSync(`/etc/netns/${t.cluster.netns}`);

/** Restarts pods as Kubernetes does: SIGTERM, SIGKILL after the pod's grace period, then the same process again. */
async function restart(t: Topology, pods: Pod[]) {
  if (down(t)) throw new Error('ruler restart: the topology went down (another check failed)');
  const stopping = Date.now();
  await Promise.all(
    pods.map((p) => t.cluster.stop(p, 1000 * (p.owner.spec?.template?.spec?.terminationGracePeriodSeconds ?? 30))),
  );
  const stoppedAt = Date.now();
  for (const p of pods) t.cluster.run(p);
  const startedAt = Date.now();
  await t.waitReady(pods, 180_000);
  return { stopping, stoppedAt, startedAt, readyAt: Date.now() };
}

const iso = (ms: number) => new Date(ms).toISOString();
const secs = (ms: number) => Math.round(ms / 100) / 10;

/** The check; returns its figures (times as ISO strings, durations in seconds). */
export async function rulerRestart(t: Topology): Promise<Figures> {
  const rulers = t.cluster.pods.filter(
    (p) => p.owner.kind === 'StatefulSet' && p.owner.metadata.name === 'thanos-rule',
  );
  const q = t.cluster.pods.find((p) => /^thanos-query-\d+$/.test(p.name));
  if (rulers.length === 0 || !q) throw new Error('ruler restart: no ruler or no Query pod');
  const pending = await everyRuler(t, rulers, 180_000, (s) => s.state === 'pending');
  expect(pending.done, `${FOR_STATE_ALERT} not pending on every ruler: ${JSON.stringify(pending.seen)}`).toBe(true);
  const before = pending.seen as Record<string, Seen>;
  // The for-state the restarted rulers will read: through Query, deduplicated, as the ruler asks for it.
  const stored = await waitFor(
    180_000,
    async () => {
      const r = await t.query(q, 'http', `ALERTS_FOR_STATE{alertname="${FOR_STATE_ALERT}"}`).catch(() => []);
      return r[0] ? { labels: r[0].metric, activeAt: Number(r[0].value[1]) * 1000, series: r.length } : undefined;
    },
    2000,
  );
  expect(stored, 'ALERTS_FOR_STATE of the test alert never became queryable through Query').toBeDefined();
  const since = Math.min(...rulers.map((r) => before[r.name]?.activeAt ?? Date.now()));
  await waitFor(PENDING_MS + 10_000, () => (down(t) || Date.now() >= since + PENDING_MS ? true : undefined), 1000);
  const stillPending = await everyRuler(t, rulers, 0, (s) => s.state === 'pending');
  expect(stillPending.done, `${FOR_STATE_ALERT} fired before the restart: ${JSON.stringify(stillPending.seen)}`).toBe(
    true,
  );
  const times = await restart(t, rulers);
  // Restored: the activeAt moves back from the first evaluation after the restart to the stored one.
  const restored = await everyRuler(t, rulers, 120_000, (s) => s.activeAt < times.stopping);
  const after = restored.seen;
  const storedAt = stored?.activeAt ?? 0;
  const shiftMax = times.readyAt - times.stopping + 3 * INTERVAL_MS + 3000;
  for (const r of rulers) {
    const at = after[r.name]?.activeAt ?? Number.NaN;
    expect(at, `${r.name}: activeAt after the restart (stopped ${iso(times.stopping)})`).toBeLessThan(times.stopping);
    // Prometheus' restore: a stored activeAt (whole seconds) shifted by the time from the last sample it finds to
    // the restore. Stateless: the last 1 s step of its range query through Query (the deduplicated series): about
    // nothing. Stateful: its own TSDB's last sample before the stop: about the downtime.
    // Through Query the stored series is deduplicated across the rulers, and each ruler has its own activeAt (they
    // went pending at different evaluations): the sample a stateless ruler restores from may be any ruler's, so the
    // window spans every ruler's activeAt, not only this one's.
    const owns = rulers.map((o) => before[o.name]?.activeAt ?? storedAt);
    const [lo, hi] = [Math.min(storedAt, ...owns) - 1000, Math.max(storedAt, ...owns) + shiftMax];
    const seen = `stored ${iso(storedAt)}, the rulers' own ${owns.map(iso).join(', ')}`;
    expect(at >= lo && at <= hi, `${r.name}: restored ${iso(at)}, ${seen}`).toBe(true);
  }
  const firstFiring: Record<string, number> = {};
  const fired = await everyRuler(t, rulers, FOR_MS + 120_000, (s, r) => {
    if (s.state === 'firing') firstFiring[r.name] ??= Date.now();
    return s.state === 'firing';
  });
  expect(fired.done, `${FOR_STATE_ALERT} never fired after the restart: ${JSON.stringify(fired.seen)}`).toBe(true);
  for (const r of rulers) {
    const at = after[r.name]?.activeAt ?? 0;
    const f = firstFiring[r.name] ?? 0;
    expect(f, `${r.name} fired before activeAt + for`).toBeGreaterThanOrEqual(at + FOR_MS - 1000);
    expect(f, `${r.name} fired no earlier than an alert started over at the restart`).toBeLessThan(
      times.startedAt + FOR_MS,
    );
  }
  return {
    forSeconds: FOR_MS / 1000,
    groupIntervalSeconds: INTERVAL_MS / 1000,
    activeAtBefore: Object.fromEntries(rulers.map((r) => [r.name, iso(before[r.name]?.activeAt ?? 0)])),
    storedThroughQuery: { activeAt: iso(storedAt), labels: stored?.labels, series: stored?.series },
    restart: {
      sigterm: iso(times.stopping),
      pendingSecondsBefore: secs(times.stopping - since),
      shutdownSeconds: secs(times.stoppedAt - times.stopping),
      readySecondsAfterStart: secs(times.readyAt - times.startedAt),
    },
    activeAtAfter: Object.fromEntries(rulers.map((r) => [r.name, iso(after[r.name]?.activeAt ?? 0)])),
    restoredMinusStoredSeconds: Object.fromEntries(
      rulers.map((r) => [r.name, secs((after[r.name]?.activeAt ?? 0) - storedAt)]),
    ),
    firstSeenFiring: Object.fromEntries(rulers.map((r) => [r.name, iso(firstFiring[r.name] ?? 0)])),
    firedSecondsAfterActivePlusFor: Object.fromEntries(
      rulers.map((r) => [r.name, secs((firstFiring[r.name] ?? 0) - (after[r.name]?.activeAt ?? 0) - FOR_MS)]),
    ),
    startedOverWouldFireAt: iso(times.startedAt + FOR_MS),
  };
}
