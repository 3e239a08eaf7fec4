/**
 * Older data (issue 19, item 3): blocks older than the ingestors' retention, made with promtool from OpenMetrics
 * text and uploaded with `thanos tools bucket upload-blocks` (the shipper the ingestors use) under the external
 * labels the ingestors of the ruler's tenant give their blocks, are answered by the store gateway partition whose
 * `--min-time/--max-time` covers them; a query from now-30d to now through Query Frontend -> Query has a sample in
 * every hour, and the history and the ruler's live writes of the same recording rule come back as one series.
 *
 * The history is the past of the test recording rule `e2e:history:up` (HISTORY_RULES, `vector(1)` every minute):
 * one sample a minute around every partition boundary and over the last 31 days, one copy per ingestor of the
 * tenant's hashring (the replication factor's copies), seeded before the topology starts (the store gateways read
 * the bucket when they start) and removed again after the check (the compaction check measures the ingestors' own
 * uploads).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { stringify } from 'yaml';
import { type Figures, hashrings, readEntry, routerArgs } from './checks.js';
import { expandEnv, type Pod } from './harness/cluster.js';
import { portOf } from './harness/pods.js';
import { type Topology, waitFor } from './harness/topology.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
export const HISTORY_METRIC = 'e2e:history:up';

/** The test recording rule whose past the seeded blocks hold (appended to the harness' test rules). */
export const HISTORY_RULES = `  - name: e2e-history
    rules:
      - record: ${HISTORY_METRIC}
        expr: vector(1)
`;

export interface Seeded {
  seededAt: number;
  /** Sample windows [from, to) in ms. */
  windows: [number, number][];
  lastSample: number;
  series: Record<string, string>;
  copies: Record<string, string>[];
  blocks: { ulid: string; minTime: number; maxTime: number; replica: string }[];
}

/** A Prometheus/Thanos duration (`90d`, `1h30m`) in ms. */
function durationMs(text: string): number {
  const units: Record<string, number> = { y: 365 * DAY, w: 7 * DAY, d: DAY, h: HOUR, m: MINUTE, s: 1000, ms: 1 };
  let total = 0;
  const rest = text.replace(/(\d+)(ms|y|w|d|h|m|s)/g, (_, n: string, u: string) => {
    total += Number(n) * (units[u] ?? Number.NaN);
    return '';
  });
  if (rest !== '' || text === '') throw new Error(`not a duration: ${text}`);
  return total;
}

/** A `--min-time/--max-time` value (RFC 3339 or a duration relative to now) in ms; the default when absent. */
export function timeFlag(value: string | undefined, now: number, absent: number): number {
  if (value === undefined) return absent;
  if (/^\d{4}-/.test(value)) return Date.parse(value);
  return value.startsWith('-') ? now - durationMs(value.slice(1)) : now + durationMs(value);
}

function flag(args: string[], name: string): string | undefined {
  return args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
}

/** `--label=k="v"` flags of a rendered pod, `$(VAR)` expanded as the kubelet does. */
function labelsOf(p: Pod): Record<string, string> {
  const out: Record<string, string> = {};
  for (const a of p.container.args ?? []) {
    const m = /^--label=([a-zA-Z_][a-zA-Z0-9_]*)="(.*)"$/.exec(expandEnv(a, p.container.env, p));
    if (m?.[1]) out[m[1]] = m[2] ?? '';
  }
  return out;
}

/** The store gateway pods with their partition (`--min-time/--max-time` as rendered). */
export function storePods(t: Topology): { pod: Pod; min?: string; max?: string }[] {
  return t.cluster.pods
    .filter((p) => p.owner.kind !== 'External' && (p.container.args ?? [])[0] === 'store')
    .map((pod) => ({ pod, min: flag(pod.container.args, 'min-time'), max: flag(pod.container.args, 'max-time') }));
}

/** The tenant the stateless ruler writes into: its remote-write certificate's organization, else the default. */
function rulerTenant(t: Topology, ruler: Pod): string {
  const secrets = ruler.volumes.map((v) => v.secret?.secretName).filter(Boolean);
  const cert = t.rendered.objects.find((o) => o.kind === 'Certificate' && secrets.includes(o.spec.secretName));
  return cert?.spec.subject?.organizations?.[0] ?? flag(routerArgs(t), 'receive.default-tenant-id') ?? '';
}

/** Sample windows: every partition boundary +-2 days, and the last 31 days; merged, none past `now`. */
function windows(t: Topology, now: number): [number, number][] {
  const bounds = storePods(t).flatMap((s) =>
    [s.min, s.max].filter((x): x is string => x !== undefined).map((x) => timeFlag(x, now, now)),
  );
  const raw: [number, number][] = [
    [now - 31 * DAY, now],
    ...bounds.map((b): [number, number] => [b - 2 * DAY, b + 2 * DAY]),
  ];
  raw.sort((a, b) => a[0] - b[0]);
  const out: [number, number][] = [];
  for (const [from, to] of raw) {
    const last = out.at(-1);
    if (last && from <= last[1]) last[1] = Math.max(last[1], Math.min(to, now));
    else out.push([from, Math.min(to, now)]);
  }
  return out.map(([a, b]) => [Math.ceil(a / MINUTE) * MINUTE, b]);
}

function run(cmd: string, args: string[]): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 300_000, maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.slice(0, 3).join(' ')} failed (${r.status}): ${r.stderr}`);
  return r.stdout;
}

/**
 * Seeds the bucket (before the topology starts): the history of HISTORY_METRIC as the ruler writes it (its
 * external labels as series labels), one block set per copy the hashring keeps, uploaded under the labels of the
 * ingestor that would have shipped it.
 */
export function seedHistory(t: Topology): Seeded {
  const ruler = t.cluster.pods.find((p) => p.owner.metadata.name === 'thanos-rule');
  if (!ruler) throw new Error('older data: no ruler pod to write the history of');
  const tenant = rulerTenant(t, ruler);
  const tenantLabel = flag(routerArgs(t), 'receive.tenant-label-name') ?? 'tenant_id';
  const rings = hashrings(t);
  const ring = rings.find((r) => r.tenants?.includes(tenant)) ?? rings.find((r) => !r.tenants);
  const rf = Number(flag(routerArgs(t), 'receive.replication-factor') ?? '1');
  const ingestors = (ring?.endpoints ?? [])
    .slice(0, rf)
    .map((e) => t.cluster.pod((typeof e === 'string' ? e : e.address).split('.')[0] ?? ''));
  const copies = ingestors.map((p) => ({ ...labelsOf(p), [tenantLabel]: tenant }));
  const series = labelsOf(ruler);
  const now = Date.now();
  const spans = windows(t, now);
  const dir = join(t.root, 'history');
  mkdirSync(dir, { recursive: true });
  const text = [`# TYPE ${HISTORY_METRIC} gauge`];
  const selector = Object.entries(series)
    .map(([k, v]) => `${k}="${v}"`)
    .join(',');
  let lastSample = 0;
  for (const [from, to] of spans) {
    for (let ts = from; ts < to; ts += MINUTE) {
      text.push(`${HISTORY_METRIC}{${selector}} 1 ${ts / 1000}`);
      lastSample = Math.max(lastSample, ts);
    }
  }
  writeFileSync(join(dir, 'history.om'), `${text.join('\n')}\n# EOF\n`);
  const objstore = join(dir, 'objstore.yml');
  writeFileSync(objstore, stringify({ type: 'FILESYSTEM', config: { directory: t.bucket } }));
  const thanos = Object.values(t.options.thanos)[0] ?? '';
  copies.forEach((labels, i) => {
    const blocks = join(dir, `copy-${i}`);
    // 168h: blocks of up to 162h (promtool's largest compatible range) instead of one per 2 hours.
    run('promtool', [
      'tsdb',
      'create-blocks-from',
      'openmetrics',
      '-q',
      '--max-block-duration=168h',
      join(dir, 'history.om'),
      blocks,
    ]);
    const flags = Object.entries(labels).map(([k, v]) => `--label=${k}="${v}"`);
    run(thanos, [
      'tools',
      'bucket',
      'upload-blocks',
      `--objstore.config-file=${objstore}`,
      `--path=${blocks}`,
      ...flags,
    ]);
  });
  return { seededAt: now, windows: spans, lastSample, series, copies, blocks: uploaded(t) };
}

/** The blocks `upload-blocks` put in the bucket. */
function uploaded(t: Topology): Seeded['blocks'] {
  return readdirSync(t.bucket)
    .filter((d) => existsSync(join(t.bucket, d, 'meta.json')))
    .map((d) => JSON.parse(readFileSync(join(t.bucket, d, 'meta.json'), 'utf8')))
    .filter((m) => m.thanos?.source === 'bucket.upload')
    .map((m) => ({ ulid: m.ulid, minTime: m.minTime, maxTime: m.maxTime, replica: m.thanos.labels.replica }));
}

/** A metric of a pod's /metrics, summed over its label sets. */
async function metric(t: Topology, p: Pod, name: string): Promise<number> {
  const r = await t.cluster.get(`http://${p.ip}:${portOf(p, 'http')}/metrics`);
  let sum = 0;
  for (const line of r.body.split('\n')) {
    const m = /^([a-z_:]+)(\{[^}]*\})? (\S+)$/.exec(line);
    if (m?.[1] === name) sum += Number(m[3]);
  }
  return sum;
}

type Matrix = { metric: Record<string, string>; values: [number, string][] }[];

async function rangeQuery(t: Topology, p: Pod, port: string, q: string, from: number, to: number, step: number) {
  const path = `/api/v1/query_range?query=${encodeURIComponent(q)}&start=${from / 1000}&end=${to / 1000}&step=${step / 1000}`;
  return (await t.api(p, port, path)).result as Matrix;
}

interface Partition {
  key: string;
  from: number;
  to: number;
  pods: Pod[];
}

function partitions(t: Topology, now: number): Partition[] {
  const out = new Map<string, Partition>();
  for (const s of storePods(t)) {
    const key = `${s.min ?? '-inf'}..${s.max ?? '+inf'}`;
    const part = out.get(key) ?? {
      key,
      from: timeFlag(s.min, now, Number.NEGATIVE_INFINITY),
      to: timeFlag(s.max, now, Number.POSITIVE_INFINITY),
      pods: [],
    };
    part.pods.push(s.pod);
    out.set(key, part);
  }
  return [...out.values()];
}

const overlaps = (b: { minTime: number; maxTime: number }, from: number, to: number) =>
  b.maxTime >= from && b.minTime <= to;

/** Per store pod: how many blocks its Series calls touched so far. */
async function blocksQueried(t: Topology): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const { pod } of storePods(t))
    out[pod.name] = await metric(t, pod, 'thanos_bucket_store_series_blocks_queried_sum');
  return out;
}

/** Runs `query` and reports, per partition, how many blocks its store gateways touched for it. */
async function answeredBy(t: Topology, parts: Partition[], query: () => Promise<Matrix>) {
  const before = await blocksQueried(t);
  const result = await query();
  const after = await blocksQueried(t);
  const perPartition: Record<string, number> = {};
  for (const p of parts) {
    perPartition[p.key] = p.pods.reduce((s, pod) => s + (after[pod.name] ?? 0) - (before[pod.name] ?? 0), 0);
  }
  return { result, perPartition };
}

/** Blocks loaded per partition (each shard counted once: the most any replica of its StatefulSet loaded). */
async function loadedPerPartition(t: Topology, parts: Partition[]) {
  const out: Record<string, { loaded: number; perShard: Record<string, number> }> = {};
  for (const p of parts) {
    const perShard: Record<string, number> = {};
    for (const pod of p.pods) {
      const n = await metric(t, pod, 'thanos_bucket_store_blocks_loaded');
      perShard[pod.owner.metadata.name] = Math.max(perShard[pod.owner.metadata.name] ?? 0, n);
    }
    out[p.key] = { loaded: Object.values(perShard).reduce((s, n) => s + n, 0), perShard };
  }
  return out;
}

const days = (ms: number, now: number) => Number(((ms - now) / DAY).toFixed(3));

/** What Query's stores page says each store gateway covers (ms). */
async function advertised(t: Topology): Promise<Record<string, [number, number]>> {
  const q = t.cluster.pods.find((p) => /^thanos-query-\d+$/.test(p.name));
  if (!q) throw new Error('no Query pod');
  const data = await t.api(q, 'http', '/api/v1/stores');
  const out: Record<string, [number, number]> = {};
  for (const s of (data.store ?? []) as { name: string; minTime: number; maxTime: number }[]) {
    const pod = t.cluster.pods.find((p) => s.name.startsWith(`${p.ip}:`));
    if (pod) out[pod.name] = [s.minTime, s.maxTime];
  }
  return out;
}

/** Hourly sample counts of the history metric from `from` to `to` through Query Frontend (deduplicated). */
const hourly = `count_over_time(${HISTORY_METRIC}[1h])`;

function rawHours(r: Matrix): { series: number; values: [number, number][] } {
  return { series: r.length, values: (r[0]?.values ?? []).map(([ts, v]) => [ts * 1000, Number(v)]) };
}

/**
 * Steps without a value in [from, to]: between two returned steps more than one step apart, and at either end
 * (the frontend may align the steps it returns, so the ends are checked within one step).
 */
function missingSteps(values: [number, number][], from: number, to: number, step: number): string[] {
  const out: string[] = [];
  const first = values[0]?.[0] ?? Number.POSITIVE_INFINITY;
  const last = values.at(-1)?.[0] ?? Number.NEGATIVE_INFINITY;
  if (first > from + step) out.push(`none before ${new Date(first).toISOString()}`);
  if (last < to - step) out.push(`none after ${new Date(last).toISOString()}`);
  values.forEach(([ts], i) => {
    const prev = values[i - 1]?.[0];
    if (prev !== undefined && ts - prev !== step)
      out.push(`${new Date(prev).toISOString()} .. ${new Date(ts).toISOString()}`);
  });
  return out;
}

/** The last 30 days: a sample every minute in every hour the history covers, one series, answered by its stores. */
async function lastThirtyDays(t: Topology, s: Seeded, parts: Partition[], now: number): Promise<Figures> {
  const { pod, port } = readEntry(t);
  const start = Math.floor((now - 30 * DAY) / MINUTE) * MINUTE + 30_000;
  const { result, perPartition } = await answeredBy(t, parts, () => rangeQuery(t, pod, port, hourly, start, now, HOUR));
  const { series, values } = rawHours(result);
  const full = values.filter(([ts]) => ts <= s.lastSample);
  const perDay = Array.from({ length: Math.ceil((values.length - 1) / 24) }, (_, d) =>
    values.slice(24 * d + 1, 24 * d + 25).reduce((sum, [, v]) => sum + v, 0),
  );
  const ingestor = t.cluster.pods.find((p) => (p.container.args ?? [])[0] === 'receive' && /ingestor/.test(p.name));
  const retention = timeFlag(`-${flag(ingestor?.container.args ?? [], 'tsdb.retention') ?? '15d'}`, now, now);
  const atRetention = values.filter(([ts]) => Math.abs(ts - retention) <= 2 * HOUR).map(([, v]) => v);
  expect(series, 'history and live writes: one series after deduplication').toBe(1);
  expect(missingSteps(values, start, now, HOUR), 'hours without a sample (gaps)').toEqual([]);
  expect(
    full.filter(([, v]) => v !== 60),
    'hours inside the history without 60 samples',
  ).toEqual([]);
  for (const p of parts) {
    const inRange = s.blocks.some((b) => overlaps(b, Math.max(start - HOUR, p.from), Math.min(now, p.to)));
    if (inRange) expect(perPartition[p.key], `${p.key} answered`).toBeGreaterThan(0);
    else expect(perPartition[p.key], `${p.key} asked outside its range`).toBe(0);
  }
  return {
    via: pod.name,
    hourlySteps: values.length,
    fullHistoryHoursWith60Samples: full.length,
    samplesPerDay: perDay,
    hourlySamplesAroundReceiveRetention: { boundaryDays: days(retention, now), values: atRetention },
    lastHours: values.slice(-3).map(([ts, v]) => ({ atMinutesFromNow: Math.round((ts - now) / MINUTE), samples: v })),
    blocksTouchedPerPartition: perPartition,
  };
}

/** Around the partition boundaries: every hour has its 60 samples; each partition answered its side. */
async function acrossPartitions(t: Topology, parts: Partition[], now: number): Promise<Figures> {
  const bounds = parts.flatMap((p) => [p.from, p.to]).filter((x) => Number.isFinite(x) && x < now - 2 * DAY);
  if (bounds.length === 0) return { boundaries: 'none (one partition)' };
  const from = Math.floor((Math.min(...bounds) - 12 * HOUR) / MINUTE) * MINUTE + 30_000;
  const to = Math.max(...bounds) + 12 * HOUR;
  const { pod, port } = readEntry(t);
  const { result, perPartition } = await answeredBy(t, parts, () => rangeQuery(t, pod, port, hourly, from, to, HOUR));
  const { series, values } = rawHours(result);
  expect(series, 'one series across the partitions').toBe(1);
  expect(missingSteps(values, from, to, HOUR), 'hours without a sample (gaps)').toEqual([]);
  expect(
    values.filter(([, v]) => v !== 60),
    'hours without 60 samples across the boundary',
  ).toEqual([]);
  for (const p of parts) expect(perPartition[p.key], `${p.key} answered its side`).toBeGreaterThan(0);
  return {
    boundariesDays: bounds.map((b) => days(b, now)),
    rangeDays: [days(from, now), days(to, now)],
    hourlySteps: values.length,
    samplesPerHour: [...new Set(values.map(([, v]) => v))],
    blocksTouchedPerPartition: perPartition,
  };
}

/**
 * Where the history ends and the ruler's live writes begin (the seed happened before the processes started): the
 * timestamps of the newest sample at 15 s steps, through Query, waited for (bounded) until a live one shows.
 */
async function seam(t: Topology, s: Seeded): Promise<Figures> {
  const q = t.cluster.pods.find((p) => /^thanos-query-\d+$/.test(p.name));
  if (!q) throw new Error('no Query pod');
  let series = 0;
  let stamps: number[] = [];
  await waitFor(
    180_000,
    async () => {
      const r = await rangeQuery(
        t,
        q,
        'http',
        `timestamp(${HISTORY_METRIC})`,
        s.lastSample - 5 * MINUTE,
        Date.now(),
        15_000,
      );
      series = r.length;
      stamps = [...new Set((r[0]?.values ?? []).map(([, v]) => Number(v) * 1000))].sort((a, b) => a - b);
      return stamps.some((x) => x > s.lastSample) ? true : undefined;
    },
    5000,
  );
  const live = stamps.filter((x) => x > s.lastSample);
  expect(series, 'history and live writes of the recording rule: one series').toBe(1);
  expect(live.length, 'live samples of the recording rule after the history').toBeGreaterThan(0);
  return {
    lastHistorySample: new Date(s.lastSample).toISOString(),
    firstLiveSample: new Date(live[0] ?? 0).toISOString(),
    secondsBetween: ((live[0] ?? 0) - s.lastSample) / 1000,
    liveSamplesSoFar: live.length,
  };
}

function removeSeeded(t: Topology, s: Seeded): void {
  for (const b of s.blocks) rmSync(join(t.bucket, b.ulid), { recursive: true, force: true });
}

/** The older-data check; removes the seeded blocks afterwards (also when it fails). */
export async function olderData(t: Topology, s: Seeded): Promise<Figures> {
  try {
    const now = Date.now();
    const parts = partitions(t, now);
    const loaded = await loadedPerPartition(t, parts);
    const ranges = await advertised(t);
    const atSeed = partitions(t, s.seededAt);
    for (const p of parts) {
      // Relative --min-time/--max-time move with the clock: the store synced at start, so either count is right.
      const want = [atSeed.find((x) => x.key === p.key) ?? p, p].map(
        (x) => s.blocks.filter((b) => overlaps(b, x.from, x.to)).length,
      );
      expect(want[1], `no seeded block for partition ${p.key}`).toBeGreaterThan(0);
      expect(want, `blocks loaded by partition ${p.key}`).toContain(loaded[p.key]?.loaded);
      for (const pod of p.pods) {
        const [min, max] = ranges[pod.name] ?? [0, 0];
        if (min > max) continue;
        expect(min, `${pod.name} advertises before its --min-time`).toBeGreaterThanOrEqual(p.from - MINUTE);
        expect(max, `${pod.name} advertises after its --max-time`).toBeLessThanOrEqual(p.to + MINUTE);
      }
    }
    return {
      seeded: {
        blocks: s.blocks.length,
        copies: s.copies,
        series: s.series,
        windowsDays: s.windows.map((w) => w.map((x) => days(x, s.seededAt))),
      },
      blocksLoaded: loaded,
      advertisedDays: Object.fromEntries(
        Object.entries(ranges).map(([k, [a, b]]) => [k, a > b ? 'no block' : [days(a, now), days(b, now)]]),
      ),
      lastThirtyDays: await lastThirtyDays(t, s, parts, now),
      acrossPartitions: await acrossPartitions(t, parts, now),
      seam: await seam(t, s),
    };
  } finally {
    removeSeeded(t, s);
  }
}
