/**
 * The assertions of the real run, each returning the figures it saw (printed by the test file).
 */
import { expect } from 'vitest';
import { parse } from 'yaml';
import type { Pod } from './harness/cluster.js';
import type { Plain } from './harness/render.js';
import { type Topology, waitFor } from './harness/topology.js';

export type Figures = Record<string, unknown>;

const one = (t: Topology, prefix: string): Pod => {
  const p = t.cluster.pods.find((x) => x.name.startsWith(prefix) && x.owner.kind !== 'External');
  if (!p) throw new Error(`no pod ${prefix}*`);
  return p;
};

/** The Query Frontend (else Query) pod and its HTTP port name: where users read. */
export function readEntry(t: Topology): { pod: Pod; port: string } {
  const qf = t.cluster.pods.find((p) => p.name.startsWith('thanos-query-frontend-'));
  return qf ? { pod: qf, port: 'http' } : { pod: one(t, 'thanos-query-'), port: 'http' };
}

interface Ring {
  hashring: string;
  tenants?: string[];
  endpoints: (string | { address: string })[];
}

/** The rendered hashring file. */
export function hashrings(t: Topology): Ring[] {
  const cm = t.rendered.objects.find((o) => o.kind === 'ConfigMap' && o.data?.['hashrings.json']);
  return JSON.parse(cm?.data['hashrings.json'] ?? '[]');
}

function flagValue(args: string[], flag: string): string | undefined {
  return args.find((a) => a.startsWith(`--${flag}=`))?.slice(flag.length + 3);
}

/** The router's args as rendered. */
export function routerArgs(t: Topology): string[] {
  const router = t.rendered.objects.find((o) => o.kind === 'Deployment' && o.metadata.name === 'thanos-receive-router');
  return router?.spec.template.spec.containers[0].args ?? [];
}

/** The routers' default tenant (writers without a tenant header or certificate). */
export function defaultTenant(t: Topology): string {
  return flagValue(routerArgs(t), 'receive.default-tenant-id') ?? 'default-tenant';
}

/** The tenant each writer's certificate carries (its Certificate's organization). */
export function writerTenant(t: Topology, writer: string): string {
  const fragment = parse(t.rendered.files.get(`writers/${writer}/prometheus.yml`) ?? '');
  const secret = /secrets\/([^/]+)\//.exec(fragment.remote_write[0].tls_config.cert_file)?.[1];
  const cert = t.rendered.objects.find((o: Plain) => o.kind === 'Certificate' && o.spec.secretName === secret);
  return cert?.spec.subject?.organizations?.[0];
}

/**
 * Write path: every writer with its own certificate gets its series into its tenant; the refused senders'
 * series never arrive and the routers log their refused handshakes.
 */
export async function writePath(t: Topology, good: Pod[], refused: Pod[]): Promise<Figures> {
  const { pod, port } = readEntry(t);
  const tenantLabel = flagValue(routerArgs(t), 'receive.tenant-label-name') ?? 'tenant_id';
  const instances = (ps: Pod[]) => ps.map((p) => `${p.ip}:9090`).sort();
  const promql = `count by (${tenantLabel}, instance) (up{job="self"})`;
  const seen = await waitFor(
    180_000,
    async () => {
      const r = await t.query(pod, port, promql).catch(() => []);
      const got = r.map((x) => x.metric.instance).sort();
      return instances(good).every((i) => got.includes(i)) ? r : undefined;
    },
    2000,
  );
  expect(
    seen,
    `writers' series did not arrive in 180 s; routers:\n${routerLogs(t).slice(-10).join('\n')}`,
  ).toBeDefined();
  // The refused senders see the routers' refusal in their own log (outgoing connections on loopback all come from
  // 127.0.0.1, so the routers' log cannot tell the senders apart: it is counted by reason).
  // Refused at the TLS handshake, or (a certificate of the right CA without a tenant) by the routers' HTTP 4xx.
  const refusal =
    /remote error: tls|certificate required|unknown certificate authority|bad certificate|HTTP status 4\d\d/i;
  const refusedLines = await waitFor(90_000, () => {
    const lines = refused.map((p) => p.log.filter((l) => refusal.test(l)));
    return lines.every((l) => l.length > 0) ? lines : undefined;
  });
  const final = await t.query(pod, port, promql);
  const byInstance = Object.fromEntries(final.map((x) => [x.metric.instance, x.metric[tenantLabel]]));
  for (const p of refused) expect(byInstance[`${p.ip}:9090`], `${p.name} got series in`).toBeUndefined();
  expect(refusedLines, `no refused handshake logged for ${refused.map((p) => p.name).join(', ')}`).toBeDefined();
  const series = await t.query(pod, port, `count by (${tenantLabel}) ({job="self"})`);
  return {
    tenantOfWriter: Object.fromEntries(good.map((p) => [p.name, byInstance[`${p.ip}:9090`]])),
    seriesPerTenant: Object.fromEntries(series.map((x) => [x.metric[tenantLabel], Number(x.value[1])])),
    refusedSenderSaw: Object.fromEntries(
      refused.map((p, i) => [p.name, /err="?(.*)$/.exec(refusedLines?.[i]?.[0] ?? '')?.[1]?.slice(0, 200)]),
    ),
    routerHandshakeErrors: handshakeErrors(t),
  };
}

/** The routers' TLS handshake errors, counted by reason. */
function handshakeErrors(t: Topology): Record<string, number> {
  const out: Record<string, number> = {};
  for (const l of routerLogs(t)) {
    const reason = /TLS handshake error.*msg="([^"]*)"/.exec(l)?.[1];
    if (reason) out[reason] = (out[reason] ?? 0) + 1;
  }
  return out;
}

function routerLogs(t: Topology): string[] {
  return t.cluster.pods.filter((p) => p.name.startsWith('thanos-receive-router-')).flatMap((p) => p.log);
}

/**
 * The hashring spreads each tenant's series over its hashring's endpoints, RF copies each: counted per
 * ingestor (the `replica` external label) without deduplication.
 */
export async function hashringSpread(t: Topology, tenants: string[]): Promise<Figures> {
  const q = one(t, 'thanos-query-');
  const rf = Number(flagValue(routerArgs(t), 'receive.replication-factor') ?? '1');
  const rings = hashrings(t);
  const out: Figures = { replicationFactor: rf };
  for (const tenant of tenants) {
    const ring = rings.find((r) => r.tenants?.includes(tenant)) ?? rings.find((r) => !r.tenants);
    const endpoints = (ring?.endpoints ?? []).map((e) => (typeof e === 'string' ? e : e.address).split('.')[0]);
    const selector = `{job="self", tenant_id="${tenant}"}`;
    const want = Math.min(rf, endpoints.length);
    let distinct = 0;
    // Distinct series: Query's own deduplication (on the replica label). Retried until the copies add up: the
    // newest samples may still be on their way, and a self-scraping Prometheus adds series in its first minute.
    const perReplica = await waitFor(60_000, async () => {
      distinct = Number((await t.query(q, 'http', `count(${selector})`))[0]?.value[1] ?? 0);
      const r = await t.query(q, 'http', `count by (replica) (${selector})`, '&dedup=false');
      const sum = r.reduce((s, x) => s + Number(x.value[1]), 0);
      return distinct > 0 && sum === want * distinct ? r : undefined;
    });
    const copies = Object.fromEntries((perReplica ?? []).map((x) => [x.metric.replica, Number(x.value[1])]));
    out[tenant] = { hashring: ring?.hashring, distinctSeries: distinct, copiesPerIngestor: copies };
    expect(distinct).toBeGreaterThan(0);
    expect(
      Object.keys(copies).every((r) => endpoints.includes(r)),
      `${tenant} landed outside ${ring?.hashring}`,
    ).toBe(true);
    const total = Object.values(copies).reduce((s: number, n) => s + Number(n), 0);
    expect(total, `${tenant}: copies`).toBe(want * distinct);
  }
  return out;
}

/** Read path: through the Query Frontend each series once (dedup), with its tenant label. */
export async function readPath(t: Topology, tenants: string[]): Promise<Figures> {
  const { pod, port } = readEntry(t);
  const q = one(t, 'thanos-query-');
  const out: Figures = { via: pod.name };
  for (const tenant of tenants) {
    const selector = `{job="self", tenant_id="${tenant}"}`;
    const copies = copiesOf(t, tenant);
    let figures = { deduplicated: 0, withoutDedup: 0, copiesPerSeries: copies };
    // Retried until the counts agree: a self-scraping Prometheus adds series during its first minute.
    await waitFor(60_000, async () => {
      const count = async (p: Pod, portName: string, extra: string) =>
        Number((await t.query(p, portName, `count(${selector})`, extra))[0]?.value[1] ?? 0);
      figures = {
        deduplicated: await count(pod, port, ''),
        withoutDedup: await count(q, 'http', '&dedup=false'),
        copiesPerSeries: copies,
      };
      return figures.deduplicated > 0 && figures.withoutDedup === copies * figures.deduplicated ? true : undefined;
    });
    out[tenant] = figures;
    expect(figures.deduplicated).toBeGreaterThan(0);
    expect(figures.withoutDedup, `${tenant}: each series once after deduplication`).toBe(copies * figures.deduplicated);
  }
  return out;
}

/** How many copies of each series of `tenant` the hashring file and replication factor make. */
function copiesOf(t: Topology, tenant: string): number {
  const rf = Number(flagValue(routerArgs(t), 'receive.replication-factor') ?? '1');
  const rings = hashrings(t);
  const ring = rings.find((r) => r.tenants?.includes(tenant)) ?? rings.find((r) => !r.tenants);
  return Math.min(rf, ring?.endpoints.length ?? 0);
}

/** Every endpoint of the rendered endpoint file, resolved as Thanos resolves it, is healthy on every Query pod. */
export async function storesHealthy(t: Topology): Promise<Figures> {
  const cm = t.rendered.objects.find((o) => o.kind === 'ConfigMap' && o.data?.['endpoints.yaml']);
  const file = parse(cm?.data['endpoints.yaml'] ?? 'endpoints: []');
  const expected = (file.endpoints as { address: string }[]).flatMap((e) => {
    const m = /^dnssrv\+(.*)$/.exec(e.address);
    return m?.[1] ? t.cluster.srvTargets(m[1]) : [e.address];
  });
  expect(expected.length).toBeGreaterThan(0);
  const out: Figures = { expectedEndpoints: expected.length };
  for (const q of t.cluster.pods.filter((p) => /^thanos-query-\d+$/.test(p.name))) {
    let last: Record<string, string | null> = {};
    const ok = await waitFor(
      120_000,
      async () => {
        const data = await t.api(q, 'http', '/api/v1/stores').catch(() => ({}));
        last = {};
        for (const group of Object.values(data ?? {}) as { name: string; lastError: string | null }[][]) {
          for (const s of group) last[s.name] = s.lastError;
        }
        return expected.every((e) => e in last && last[e] === null) ? true : undefined;
      },
      2000,
    );
    const bad = expected.filter((e) => !(e in last) || last[e] !== null).map((e) => `${e}: ${last[e] ?? 'missing'}`);
    expect(ok, `${q.name} stores not healthy:\n${bad.join('\n')}`).toBe(true);
    out[q.name] = `${Object.values(last).filter((e) => e === null).length} healthy of ${Object.keys(last).length}`;
  }
  return out;
}

/** The harness' test rules, in the rule ConfigMap the environment names (user-managed, not rendered). */
export const TEST_RULES = `groups:
  - name: e2e
    rules:
      - record: e2e:self_up:count
        expr: count(up{job="self"})
      - alert: E2EAlwaysFiring
        expr: vector(1)
        labels: { severity: none }
`;

/**
 * Rules and alerts: the ruler's recording rule result is queryable through the read path (stateless: written
 * through the routers; stateful: served by the ruler's StoreAPI), and the test alert reaches every Alertmanager.
 */
export async function rulesAndAlerts(t: Topology): Promise<Figures> {
  const { pod, port } = readEntry(t);
  const recorded = await waitFor(
    240_000,
    async () => {
      const r = await t.query(pod, port, 'e2e:self_up:count').catch(() => []);
      return r.length > 0 ? r : undefined;
    },
    5000,
  );
  expect(recorded, 'the recording rule result never became queryable').toBeDefined();
  const ams = t.cluster.pods.filter((p) => p.name.startsWith('alertmanager-e2e-'));
  const perAm: Record<string, number> = {};
  await waitFor(
    120_000,
    async () => {
      for (const am of ams) {
        const r = await t.cluster.get(`http://${am.ip}:9093/api/v2/alerts`);
        const alerts = r.status === 200 ? (JSON.parse(r.body) as { labels: Record<string, string> }[]) : [];
        perAm[am.name] = alerts.filter((a) => a.labels.alertname === 'E2EAlwaysFiring').length;
      }
      return Object.values(perAm).every((n) => n > 0) ? true : undefined;
    },
    3000,
  );
  for (const am of ams) expect(perAm[am.name], `${am.name} got no test alert`).toBeGreaterThan(0);
  return {
    recorded: recorded?.map((x) => ({ labels: x.metric, value: x.value[1] })),
    testAlertsPerAlertmanager: perAm,
  };
}

interface BlockMeta {
  ulid: string;
  stats?: { numSeries?: number };
  compaction?: { level?: number };
  thanos?: { labels?: Record<string, string> };
}

/** `thanos tools bucket ls -o json` on the rendered compactor's object storage config. */
function bucketBlocks(t: Topology, thanos: string, objstore: string, extra: string[] = []): BlockMeta[] {
  const r = t.cluster.exec(thanos, [
    'tools',
    'bucket',
    'ls',
    `--objstore.config-file=${objstore}`,
    '-o',
    'json',
    ...extra,
  ]);
  if (r.status !== 0) throw new Error(`bucket ls failed: ${r.stderr}`);
  // One indented JSON document per block, back to back (no comma between them).
  const text = r.stdout.trim();
  return text === '' ? [] : (JSON.parse(`[${text.replace(/}\s*{/g, '},{')}]`) as BlockMeta[]);
}

function byTenant(blocks: BlockMeta[]): Record<string, { blocks: number; series: number[] }> {
  const out: Record<string, { blocks: number; series: number[] }> = {};
  for (const b of blocks) {
    const tenant = b.thanos?.labels?.tenant_id ?? '?';
    out[tenant] ??= { blocks: 0, series: [] };
    out[tenant].blocks++;
    out[tenant].series.push(b.stats?.numSeries ?? 0);
  }
  return out;
}

/**
 * Compaction: the ingestors stop as Kubernetes stops them (SIGTERM: they flush their heads and upload), then one
 * run of the rendered compactor (its args without `--wait`) deduplicates the RF copies; `tools bucket ls` before
 * and after. Ends the topology's ingestors: run it last.
 */
export async function compaction(t: Topology): Promise<Figures> {
  const ingestors = t.cluster.pods.filter((p) => p.name.startsWith('thanos-receive-ingestor-'));
  await Promise.all(ingestors.map((p) => t.cluster.stop(p, 120_000)));
  const compactor = one(t, 'thanos-compact-');
  await t.cluster.stop(compactor, 30_000);
  const objstore = compactor.args.find((a) => a.startsWith('--objstore.config-file='))?.split('=')[1] ?? '';
  const before = bucketBlocks(t, compactor.program, objstore);
  expect(before.length, 'the ingestors uploaded no block on shutdown').toBeGreaterThan(0);
  t.cluster.note('compaction check: one compactor run without --wait, --consistency-delay=0s (blocks are minutes old)');
  const args = [
    ...compactor.args.filter((a) => a !== '--wait' && !a.startsWith('--wait-interval=')),
    '--consistency-delay=0s',
  ];
  const run = t.cluster.exec(compactor.program, args, 300_000);
  const log = `${run.stdout}${run.stderr}`;
  expect(run.status, `compactor run failed:\n${log.slice(-2000)}`).toBe(0);
  const halted = log.split('\n').filter((l) => /halt/i.test(l) && /level=(error|warn)/.test(l));
  expect(halted, 'the compactor halted').toEqual([]);
  const after = bucketBlocks(t, compactor.program, objstore, ['--exclude-delete']);
  const b = byTenant(before);
  const a = byTenant(after);
  for (const tenant of Object.keys(b)) {
    const copies = b[tenant]?.series ?? [];
    const merged = a[tenant]?.series ?? [];
    if (copies.length < 2) continue;
    expect(merged.length, `${tenant}: copies merged`).toBeLessThan(copies.length);
    expect(Math.max(...merged), `${tenant}: series after`).toBeGreaterThanOrEqual(Math.max(...copies));
    expect(
      merged.reduce((s, n) => s + n, 0),
      `${tenant}: series after`,
    ).toBeLessThan(copies.reduce((s, n) => s + n, 0));
  }
  return { before: b, after: a, compactorHaltLines: halted.length };
}
