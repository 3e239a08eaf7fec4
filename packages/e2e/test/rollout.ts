/**
 * A rollout, measured (issue 19, item 6). While a real Prometheus writes through the routers, the ingestors are
 * replaced as a pod-template change replaces them: the steps, their order and their pace are those of the
 * rollout plan (`rolloutPlan` of @thanos-gitops/operability) read from the RENDERED objects — the
 * rollout-operator's zone-by-zone order for the zoned StatefulSets (`OnDelete`, `rollout-group`). Then the same
 * with every zone at once: the plan of the same objects with the StatefulSets left to Kubernetes'
 * `RollingUpdate` (no rollout-operator), which the plan reports unsafe. For each: the writer's remote-write
 * failures, retries and most samples pending, and the steps missing from the data read back through Query.
 */
import { type PlainObject, type RolloutGroup, rolloutPlan } from '@thanos-gitops/operability';
import { expect } from 'vitest';
import type { Figures } from './checks.js';
import type { Pod } from './harness/cluster.js';
import { restartPods } from './harness/restart.js';
import { type Topology, waitFor } from './harness/topology.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const ROLLOUT_GROUP = 'rollout-group';

/** The hashring groups of the plan of `objects`. */
function hashringGroups(objects: readonly PlainObject[]): RolloutGroup[] {
  return rolloutPlan(objects).groups.filter((g) => g.kind === 'hashring');
}

/**
 * The same objects without the rollout-operator's hold on the ingestors: `OnDelete` StatefulSets of a rollout
 * group become `RollingUpdate` ones (Kubernetes' default) outside any group, so each rolls on its own, at once.
 */
export function withoutRolloutOperator(objects: readonly PlainObject[]): PlainObject[] {
  return objects.map((o) => {
    if (o.kind !== 'StatefulSet' || o.spec?.updateStrategy?.type !== 'OnDelete') return o;
    const { [ROLLOUT_GROUP]: _group, ...labels } = o.metadata?.labels ?? {};
    return {
      ...o,
      metadata: { ...o.metadata, labels },
      spec: { ...o.spec, updateStrategy: { type: 'RollingUpdate' } },
    };
  });
}

/** Step i of every hashring at once (the rollout-operator works on each group on its own: the worst case). */
function lockstep(groups: readonly RolloutGroup[]): string[][] {
  const n = Math.max(0, ...groups.map((g) => g.steps.length));
  return Array.from({ length: n }, (_, i) => groups.flatMap((g) => g.steps[i]?.pods ?? []));
}

function planFigures(groups: readonly RolloutGroup[]): Figures {
  return Object.fromEntries(
    groups.map((g) => [
      g.name,
      {
        mechanisms: g.mechanisms,
        steps: g.steps.map((s) => s.pods),
        seriesCopiesDownAtMost: g.maxSeriesCopiesDown,
        replicationFactor: g.hashring?.replicationFactor,
        quorum: g.hashring?.quorum,
        budget: g.hashring?.budget,
        minReadySeconds: g.minReadySeconds,
        safe: g.safe,
      },
    ]),
  );
}

interface WriterMetrics {
  sent: number;
  failed: number;
  retried: number;
  pending: number;
  /** Seconds between the newest sample appended and the newest sent. */
  lag: number;
}

/** The writer's remote-write metrics (summed over its queues). */
async function writerMetrics(t: Topology, w: Pod): Promise<WriterMetrics> {
  const r = await t.cluster.get(`http://${w.ip}:9090/metrics`);
  if (r.status !== 200) throw new Error(`${w.name} /metrics: ${r.status}`);
  const sum = (name: string) =>
    r.body
      .split('\n')
      .filter((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `))
      .reduce((s, l) => s + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
  const newest = sum('prometheus_remote_storage_highest_timestamp_in_seconds');
  const sentUpTo = sum('prometheus_remote_storage_queue_highest_sent_timestamp_seconds');
  return {
    sent: sum('prometheus_remote_storage_samples_total'),
    failed: sum('prometheus_remote_storage_samples_failed_total'),
    retried: sum('prometheus_remote_storage_samples_retried_total'),
    pending: sum('prometheus_remote_storage_samples_pending'),
    lag: newest - sentUpTo,
  };
}

/** Polls the writer's pending samples until stopped; the most seen. */
function watchPending(t: Topology, w: Pod): () => Promise<number> {
  let on = true;
  let most = 0;
  const loop = (async () => {
    while (on) {
      const m = await writerMetrics(t, w).catch(() => undefined);
      if (m) most = Math.max(most, m.pending);
      await sleep(1000);
    }
  })();
  return async () => {
    on = false;
    await loop;
    return most;
  };
}

/**
 * Polls Query every second during a phase for the newest sample of the series (`timestamp()`): how many polls had
 * none (error or empty answer) and the oldest the newest sample was.
 */
function watchReads(
  t: Topology,
  q: Pod,
  selector: string,
): () => Promise<{ polls: number; empty: number; ageAtMost: number }> {
  let on = true;
  const seen = { polls: 0, empty: 0, ageAtMost: 0 };
  const loop = (async () => {
    while (on) {
      const r = await t.query(q, 'http', `timestamp(${selector})`).catch(() => []);
      const newest = Math.max(...r.map((x) => Number(x.value[1])));
      seen.polls++;
      if (r.length === 0) seen.empty++;
      else seen.ageAtMost = Math.max(seen.ageAtMost, Math.round(Date.now() / 1000 - newest));
      await sleep(1000);
    }
  })();
  return async () => {
    on = false;
    await loop;
    return seen;
  };
}

/** Waits (bounded) until the writer has sent what it appended: nothing pending, newest sample sent. */
async function drained(t: Topology, w: Pod): Promise<boolean> {
  const ok = await waitFor(180_000, async () => {
    const m = await writerMetrics(t, w).catch(() => undefined);
    return m && m.pending === 0 && m.lag <= 3 ? true : undefined;
  });
  return ok === true;
}

const STEP = 1;
const WINDOW = 3;

/**
 * Steps of [start, end] (every STEP s) where Query has no sample of the series in the WINDOW s before: with the
 * writer scraping every second, a missing step is at least WINDOW s without data. `dedup=false`: the union of the
 * ingestors' copies (what is stored), else Query's deduplicated answer (what a user reads).
 */
async function missingSteps(t: Topology, q: Pod, selector: string, start: number, end: number, dedup: boolean) {
  const promql = `count_over_time(${selector}[${WINDOW}s])`;
  const path =
    `/api/v1/query_range?query=${encodeURIComponent(promql)}&start=${start}&end=${end}&step=${STEP}` +
    `&dedup=${dedup}`;
  const data = await t.api(q, 'http', path);
  const present = new Set<number>();
  for (const s of data.result as { values: [number, string][] }[]) {
    for (const [ts, v] of s.values) if (Number(v) > 0) present.add(Math.round(ts));
  }
  const missing: number[] = [];
  for (let ts = start; ts <= end; ts += STEP) if (!present.has(ts)) missing.push(ts);
  let longest = 0;
  let run = 0;
  for (let i = 0; i < missing.length; i++) {
    run = i > 0 && missing[i] === (missing[i - 1] ?? 0) + STEP ? run + 1 : 1;
    longest = Math.max(longest, run);
  }
  return {
    steps: Math.floor((end - start) / STEP) + 1,
    missing: missing.length,
    longestGapSeconds: longest * STEP,
    missingAtSecond: missing.slice(0, 10).map((ts) => ts - start),
  };
}

interface Phase {
  steps: string[][];
  hold: number;
  query: Pod;
  writer: Pod;
  selector: string;
}

/** The writer's "Failed to send batch" log lines since line `from` (Prometheus drops repeats), by what it was told. */
function writerSaw(w: Pod, from: number): Record<string, number> {
  const out: Record<string, number> = {};
  for (const l of w.log.slice(from)) {
    if (!l.includes('Failed to send batch')) continue;
    const err = /err="(server returned HTTP status [^:"]+|[^:"]+)/.exec(l)?.[1] ?? 'other';
    out[err] = (out[err] ?? 0) + 1;
  }
  return out;
}

/** Runs the steps (each: its pods restarted together, Ready, held) while measuring the writer and the reads. */
async function measured(t: Topology, p: Phase) {
  const before = await writerMetrics(t, p.writer);
  const logFrom = p.writer.log.length;
  const start = Math.floor(Date.now() / 1000);
  const stopWatch = watchPending(t, p.writer);
  const stopReads = watchReads(t, p.query, p.selector);
  const steps = [];
  for (const names of p.steps) {
    const at = Math.round(Date.now() / 1000 - start);
    const pods = names.map((n) => t.cluster.pod(n));
    steps.push({ atSecond: at, ...(await restartPods(t, pods, p.hold)) });
  }
  const end = Math.floor(Date.now() / 1000);
  const pendingAtMost = await stopWatch();
  const readsDuring = await stopReads();
  const caughtUp = await drained(t, p.writer);
  const after = await writerMetrics(t, p.writer);
  return {
    seconds: end - start,
    steps,
    samplesSent: after.sent - before.sent,
    samplesFailed: after.failed - before.failed,
    samplesRetried: after.retried - before.retried,
    samplesPendingAtMost: pendingAtMost,
    writerCaughtUp: caughtUp,
    writerLogged: writerSaw(p.writer, logFrom),
    readsDuring,
    readDeduplicated: await missingSteps(t, p.query, p.selector, start, end, true),
    readEveryCopy: await missingSteps(t, p.query, p.selector, start, end, false),
  };
}

/** Waits until Query returns the writer's series. */
async function writing(t: Topology, q: Pod, selector: string): Promise<void> {
  const seen = await waitFor(
    180_000,
    async () => ((await t.query(q, 'http', selector).catch(() => [])).length > 0 ? true : undefined),
    2000,
  );
  expect(seen, `the writer's series did not arrive in 180 s`).toBe(true);
}

/**
 * The measured rollout: with the plan, then with every zone at once. `hold` is the wait after Ready per step
 * (the plan's `minReadySeconds` unless shortened, which is then listed as a substitution).
 */
export async function rolloutMeasured(t: Topology, writer: Pod, holdSeconds?: number): Promise<Figures> {
  const planned = hashringGroups(t.rendered.objects);
  const atOnce = hashringGroups(withoutRolloutOperator(t.rendered.objects));
  expect(planned.length, 'no hashring in the rendered objects').toBeGreaterThan(0);
  for (const g of planned) {
    expect(g.mechanisms, `${g.name}: zoned ingestors rolled by the rollout-operator`).toEqual(['rollout-operator']);
    expect(g.safe, `${g.name}: the plan keeps the quorum`).toBe(true);
  }
  for (const g of atOnce) expect(g.safe, `${g.name}: all zones at once is unsafe`).toBe(false);
  const rendered = Math.max(...planned.map((g) => g.minReadySeconds));
  const hold = holdSeconds ?? rendered;
  if (hold < rendered)
    t.cluster.note(
      `rollout: each step held ${hold} s after Ready instead of the rendered ${rendered} s (the machine's time budget)`,
    );
  t.cluster.note('rollout: a pod-template change is played as a restart of the same process (same args, same data)');
  const query = t.cluster.pods.find((p) => /^thanos-query-\d+$/.test(p.name));
  if (!query) throw new Error('no Query pod');
  const selector = `up{job="self", instance="${writer.ip}:9090"}`;
  await writing(t, query, selector);
  await sleep(15_000);
  const withPlan = await measured(t, { steps: lockstep(planned), hold, query, writer, selector });
  await sleep(15_000);
  const allAtOnce = await measured(t, { steps: lockstep(atOnce), hold, query, writer, selector });
  return {
    plan: planFigures(planned),
    planWithoutRolloutOperator: planFigures(atOnce),
    holdSeconds: hold,
    withPlan,
    allZonesAtOnce: allAtOnce,
    substitutions: t.cluster.substitutions,
  };
}

type Measured = Awaited<ReturnType<typeof measured>>;

/**
 * What the plan promises: with it, no write fails (one zone down keeps the quorum; retries are allowed) and the
 * data read back through Query has no gap in the copies the ingestors hold (`dedup=false`, every copy); with every
 * zone at once, the writer sees it (more failures or retries) or the data has a gap. The direction is asserted,
 * not the numbers. Query's deduplicated answer is printed, not asserted: its default `penalty` algorithm may skip
 * a few seconds where it switches from a restarted ingestor's copy to another's, though every sample is stored
 * (Thanos' query docs name this case for receivers; `chain` avoids it but cannot deduplicate the rulers' and HA
 * writers' replicas that the same Query deduplicates).
 */
export function assertRollout(f: Figures): void {
  const plan = f.withPlan as Measured;
  const all = f.allZonesAtOnce as Measured;
  expect(plan.writerCaughtUp, 'the writer caught up after the planned rollout').toBe(true);
  expect(plan.samplesFailed, 'samples failed during the planned rollout').toBe(0);
  expect(plan.readEveryCopy.missing, 'steps missing from the data read back after the planned rollout').toBe(0);
  const disrupted =
    all.samplesFailed + all.samplesRetried > plan.samplesFailed + plan.samplesRetried ||
    all.readEveryCopy.missing > plan.readEveryCopy.missing;
  expect(disrupted, 'all zones at once disrupted the writes no more than the plan').toBe(true);
}
