/**
 * Issue 21's real-process proofs, on prod with `mtls.internal` (stateless ruler), every pod a real Thanos:
 * - every port of every rendered container is listed from the built objects and classified (TLS-verified,
 *   pod-local, or plaintext by design); a port the table below does not name fails the test until classified;
 * - every TLS-verified internal port of every running pod refuses a writer's client certificate and a client
 *   without one, for the reason a server gives (an unknown authority, a certificate required), and accepts the
 *   internal certificate; the routers' remote-write refuses the internal certificate and accepts the writer's;
 * - a listener the rendered args bind to 127.0.0.1 is not reachable on the pod address (each pod run again alone
 *   in a network namespace of its own, as in Kubernetes), while the same process answers on 127.0.0.1;
 * - the upstream fail-open (thanos pkg/tls NewServerConfig: a client CA file without a parseable certificate
 *   returns no TLS config and no error, so the server serves plaintext) shown on a real router, and the
 *   ca-bundle check the generator renders (an init container) failing that pod before it starts.
 *
 * The client is e2e/tls-probe (Go's crypto/tls, standard library only). Needs what real-run.test.ts needs.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { TEST_RULES } from './checks.js';
import { HOW_TO_RUN, missingTools, thanosBinaries } from './harness/binaries.js';
import type { Pod } from './harness/cluster.js';
import { IsolatedPod } from './harness/isolated.js';
import { type Listener, type ListenerClass, renderedListeners } from './harness/listeners.js';
import { buildProbe, type ProbeResult, probe } from './harness/probe.js';
import { findKustomize, fixtureSource, type Plain, type Rendered, renderAndBuild } from './harness/render.js';
import { Topology, waitFor } from './harness/topology.js';

const REQUIRED = process.env.CI === 'true';
const missing = [...missingTools(), ...(findKustomize() ? [] : ['kustomize'])];
const runnable = missing.length === 0;
if (!runnable && !REQUIRED) console.log(`refusals e2e skipped (missing: ${missing.join(', ')}): ${HOW_TO_RUN}`);

const ENV = 'prod-internal';
const SET: [(string | number)[], unknown][] = [[['remoteWrite', 'mtls', 'internal'], true]];

/**
 * Every listener of prod with `mtls.internal`, by `<component label> <container> <flag or :port>`, and why it is
 * what it is. Plaintext by design: Thanos' HTTP servers (probes, metrics, UIs and the read APIs, reached through
 * the NetworkPolicies), memcached (no TLS in the rendered memcached) and the sidecars' metrics.
 */
const CLASSIFIED: Record<string, ListenerClass> = {
  'receive-router thanos --remote-write.address': 'tls', // writers, through the NLB: the writers' CA only
  'database-write-hashring thanos --grpc-address': 'tls', // router replication and Query: the internal CA only
  'object-store-gateway thanos --grpc-address': 'tls', // Query: internal CA
  'rule-evaluation-engine thanos --grpc-address': 'tls', // Query's rules and alerts APIs: internal CA
  'receive-router thanos --grpc-address': 'pod-local', // no peer uses the routers' StoreAPI
  'receive-router thanos --receive.capnproto-address': 'pod-local', // replication is gRPC
  'database-write-hashring thanos --remote-write.address': 'pod-local', // routers replicate over gRPC
  'database-write-hashring thanos --receive.capnproto-address': 'pod-local',
  'query-layer thanos --grpc-address': 'pod-local', // nothing dials Query's StoreAPI
  'query-layer thanos --http-address': 'plaintext',
  'query-cache thanos --http-address': 'plaintext',
  'receive-router thanos --http-address': 'plaintext',
  'database-write-hashring thanos --http-address': 'plaintext',
  'rule-evaluation-engine thanos --http-address': 'plaintext',
  'object-store-gateway thanos --http-address': 'plaintext',
  'database-compactor thanos --http-address': 'plaintext',
  'object-store-browser thanos --http-address': 'plaintext',
  'rule-evaluation-engine config-reloader --listen-address': 'plaintext', // reloader metrics (sidecar)
  'rollout-coordinator rollout-operator :8001': 'plaintext', // its metrics and webhooks' HTTP
  'chunks-cache memcached :11211': 'plaintext',
  'index-cache memcached :11211': 'plaintext',
  'results-cache memcached :11211': 'plaintext',
  'chunks-cache exporter --web.listen-address': 'plaintext',
  'index-cache exporter --web.listen-address': 'plaintext',
  'results-cache exporter --web.listen-address': 'plaintext',
};

const roots: string[] = [];
const cleanups: (() => unknown)[] = [];
afterAll(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
  if (!process.env.E2E_KEEP) for (const r of roots) rmSync(r, { recursive: true, force: true });
}, 120_000);

function render(): Rendered {
  const root = mkdtempSync(join(tmpdir(), `thanos-gitops-refusals-`));
  roots.push(root);
  return renderAndBuild(root, ENV, fixtureSource('prod', ENV, SET));
}

const flag = (args: string[], name: string) => args.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? '';

/** What a refusal of the client's certificate (or of its absence) looks like from the client. */
const REFUSED_CERT = /remote error: tls: unknown certificate authority/;
const REFUSED_NONE = /remote error: tls: certificate required/;

interface Credentials {
  writer: { cert: string; key: string };
  internal: { cert: string; key: string };
  internalServerName: string;
  routerServerName: string;
}

function credentials(t: Topology): Credentials {
  const [w = ''] = t.writers();
  const fragment = parse(t.rendered.files.get(`writers/${w}/prometheus.yml`) ?? '');
  const secret = /secrets\/([^/]+)\//.exec(fragment.remote_write[0].tls_config.cert_file)?.[1] ?? '';
  const store = t.cluster.pods.find((p) => p.args.some((a) => a.startsWith('--grpc-server-tls-cert=')));
  const query = t.rendered.objects.find((o) => o.kind === 'Deployment' && o.metadata.name === 'thanos-query');
  if (!store || !query) throw new Error('no internal TLS server or no Query');
  return {
    writer: { cert: join(t.pki, `${secret}.crt`), key: join(t.pki, `${secret}.key`) },
    // The internal certificate every internal server serves and every internal client presents.
    internal: { cert: flag(store.args, 'grpc-server-tls-cert'), key: flag(store.args, 'grpc-server-tls-key') },
    internalServerName: flag(query.spec.template.spec.containers[0].args, 'grpc-client-server-name'),
    routerServerName: new URL(fragment.remote_write[0].url).hostname,
  };
}

interface Seen {
  listener: string;
  pods: number;
  writer: string[];
  internal: string[];
  none: string[];
}

const summary = (r: ProbeResult) =>
  r.accepted
    ? `accepted${r.answer ? ` (${[r.answer, r.tlsVersion].filter(Boolean).join(', ')})` : ''}`
    : `refused: ${r.error}`;

/** Probes one TLS listener (all workloads of its key) on every running pod with the three credentials. */
function probeTls(t: Topology, bin: string, ls: Listener[], c: Credentials): Seen {
  const [l] = ls;
  if (!l) throw new Error('no listener');
  const workloads = new Set(ls.map((x) => x.workload));
  const pods = t.cluster.pods.filter((p) => workloads.has(p.owner.metadata?.name) && p.child);
  expect(pods.length, l.key).toBeGreaterThan(0);
  const remoteWrite = l.flag === 'remote-write.address';
  const answers = { writer: new Set<string>(), internal: new Set<string>(), none: new Set<string>() };
  for (const p of pods) {
    const ca = flag(p.args, l.clientCaFlag ?? '');
    const name = remoteWrite ? c.routerServerName : c.internalServerName;
    const base = [remoteWrite ? 'http' : 'grpc', `${p.ip}:${l.port}`, name, ca];
    const writer = probe(bin, t.cluster.netns, [...base, c.writer.cert, c.writer.key]);
    const internal = probe(bin, t.cluster.netns, [...base, c.internal.cert, c.internal.key]);
    const none = probe(bin, t.cluster.netns, base);
    const [own, foreign] = remoteWrite ? [writer, internal] : [internal, writer];
    expect(own, `${p.name} ${l.key}: its own domain's certificate`).toMatchObject({ accepted: true });
    expect(foreign.accepted, `${p.name} ${l.key}: the other domain's certificate`).toBe(false);
    expect(foreign.error, `${p.name} ${l.key}`).toMatch(REFUSED_CERT);
    expect(none.accepted, `${p.name} ${l.key}: no certificate`).toBe(false);
    expect(none.error, `${p.name} ${l.key}`).toMatch(REFUSED_NONE);
    answers.writer.add(summary(writer));
    answers.internal.add(summary(internal));
    answers.none.add(summary(none));
  }
  return {
    listener: `${l.key} :${l.port}`,
    pods: pods.length,
    writer: [...answers.writer],
    internal: [...answers.internal],
    none: [...answers.none],
  };
}

async function boot(): Promise<Topology> {
  const rendered = render();
  const names = new Set(rendered.objects.filter((o) => o.kind === 'ConfigMap').map((o) => o.metadata.name));
  const rules = rendered.objects
    .filter((o) => o.kind === 'StatefulSet' || o.kind === 'Deployment')
    .flatMap((o) => o.spec.template.spec.volumes ?? [])
    .map((v: Plain) => v.configMap?.name)
    .filter((n: string | undefined): n is string => n !== undefined && !names.has(n));
  const t = new Topology(join(rendered.dir, '..', '..'), rendered, {
    thanos: thanosBinaries(['v0.42.4']),
    alertmanagers: 0,
    ruleConfigMaps: Object.fromEntries(rules.map((n) => [n, TEST_RULES])),
  });
  cleanups.push(() => t.down());
  await t.start();
  return t;
}

const tcp = (bin: string, netns: string, addr: string) => probe(bin, netns, ['tcp', addr]);

/** Runs `pod` alone; waits until `ready` (an address on which it must answer) accepts a connection. */
async function isolated(bin: string, pod: Pod, ready: string, replace?: (a: string[]) => string[]) {
  const iso = new IsolatedPod(pod, replace);
  cleanups.push(() => iso.stopNow());
  iso.start();
  const up = await waitFor(60_000, () => (tcp(bin, iso.netns, ready).accepted ? true : undefined), 500);
  return { iso, up: up === true };
}

describe('refusals', () => {
  it.runIf(findKustomize() !== undefined || REQUIRED)(
    'classifies every port of every rendered container (a new port fails until classified)',
    () => {
      const listeners = renderedListeners(render().objects);
      const table = [...new Map(listeners.map((l) => [l.key, `${l.derived} ${l.host}:${l.port}`]))];
      console.log(`[refusals] listeners of ${ENV}\n${table.map(([k, v]) => `  ${k}: ${v}`).join('\n')}`);
      expect(listeners.filter((l) => !(l.key in CLASSIFIED)).map((l) => l.key)).toEqual([]);
      expect(Object.keys(CLASSIFIED).filter((k) => !listeners.some((l) => l.key === k))).toEqual([]);
      expect(listeners.filter((l) => l.derived !== CLASSIFIED[l.key]).map((l) => `${l.key}: ${l.derived}`)).toEqual([]);
    },
  );

  it.runIf(!runnable && REQUIRED)('has root, Go or THANOS_BINARY, and the Debian tools in CI', () => {
    expect.fail(`missing: ${missing.join(', ')}: ${HOW_TO_RUN}`);
  });

  it.runIf(runnable)('prod with internal mTLS: each domain refuses the other, pod-local is pod-local', async () => {
    const started = Date.now();
    const t = await boot();
    const booted = Date.now();
    const bin = buildProbe(join(t.root, 'probe'));
    const c = credentials(t);
    const listeners = renderedListeners(t.rendered.objects);
    const byKey = new Map<string, Listener[]>();
    for (const l of listeners.filter((x) => x.derived === 'tls')) byKey.set(l.key, [...(byKey.get(l.key) ?? []), l]);
    expect(new Set(byKey.keys())).toEqual(new Set(Object.keys(CLASSIFIED).filter((k) => CLASSIFIED[k] === 'tls')));
    const seen = [...byKey.values()].map((ls) => probeTls(t, bin, ls, c));
    console.log(`[refusals] TLS ports: every pod, the distinct answers\n${JSON.stringify(seen, null, 2)}`);
    const probed = Date.now();
    await t.down();
    const local = await podLocal(t, bin, listeners);
    console.log(`[refusals] pod-local listeners, each pod alone\n${JSON.stringify(local, null, 2)}`);
    const failOpen = await caBundleFailOpen(t, bin, c);
    console.log(`[refusals] empty client CA on a real router\n${JSON.stringify(failOpen, null, 2)}`);
    const s = (a: number, b: number) => (b - a) / 1000;
    console.log(
      `[refusals] wall time: boot ${s(started, booted)} s, TLS probes ${s(booted, probed)} s, ` +
        `isolated pods ${s(probed, Date.now())} s, total ${s(started, Date.now())} s`,
    );
  });
});

/** One pod of each workload with pod-local listeners, alone: 127.0.0.1 answers, the pod address does not. */
async function podLocal(t: Topology, bin: string, listeners: Listener[]) {
  const workloads = [...new Set(listeners.filter((l) => l.derived === 'pod-local').map((l) => l.workload))];
  const runs = await Promise.all(
    workloads.map(async (w) => {
      const pod = t.cluster.pods.find((p) => p.owner.metadata?.name === w);
      if (!pod) throw new Error(`no pod of ${w}`);
      const mine = listeners.filter((l) => l.workload === w && l.derived === 'pod-local' && l.container === 'thanos');
      const first = mine[0];
      if (!first) throw new Error(`${w}: no pod-local Thanos listener`);
      const { iso, up } = await isolated(bin, pod, `127.0.0.1:${first.port}`);
      expect(up, `${pod.name} alone did not listen on 127.0.0.1:${first.port}:\n${iso.log.slice(-8).join('\n')}`).toBe(
        true,
      );
      const ports = mine.map((l) => ({
        listener: l.key,
        loopback: summary(tcp(bin, iso.netns, `127.0.0.1:${l.port}`)),
        podAddress: summary(tcp(bin, iso.netns, `${pod.ip}:${l.port}`)),
      }));
      const open = listeners.find((l) => l.workload === w && l.derived !== 'pod-local' && l.container === 'thanos');
      const control = open ? summary(tcp(bin, iso.netns, `${pod.ip}:${open.port}`)) : 'none';
      iso.stopNow();
      return { pod: pod.name, ports, [`control ${open?.key ?? ''} on the pod address`]: control };
    }),
  );
  for (const r of runs) {
    for (const p of r.ports) {
      expect(p.loopback, `${r.pod} ${p.listener}`).toMatch(/^accepted/);
      expect(p.podAddress, `${r.pod} ${p.listener}`).toMatch(/connection refused/);
    }
    expect(Object.values(r).at(-1), r.pod).toMatch(/^accepted/);
  }
  return runs;
}

/**
 * The upstream fail-open, shown on a real router run alone: its remote-write client CA file replaced by an empty
 * file, it serves remote-write without TLS (a plain HTTP GET answers), where the rendered file makes it refuse
 * a client without a certificate. Then the rendered ca-bundle check (the init container's command, run by a real
 * shell) passes on the issued bundle and fails on the empty one, so that pod would never start.
 */
async function caBundleFailOpen(t: Topology, bin: string, c: Credentials) {
  const router = t.cluster.pods.find((p) => p.owner.metadata?.name === 'thanos-receive-router');
  if (!router) throw new Error('no router pod');
  const ca = flag(router.args, 'remote-write.server-tls-client-ca');
  const empty = join(t.root, 'empty-ca.crt');
  writeFileSync(empty, '');
  const port = Number(flag(router.args, 'remote-write.address').split(':').at(-1));
  const addr = `${router.ip}:${port}`;
  const asRendered = await isolated(bin, router, addr);
  const rendered = {
    plainHttp: summary(probe(bin, asRendered.iso.netns, ['plain-http', addr])),
    tlsNoCert: summary(probe(bin, asRendered.iso.netns, ['http', addr, c.routerServerName, ca])),
  };
  asRendered.iso.stopNow();
  const swap = (a: string[]) =>
    a.map((x) => (x === `--remote-write.server-tls-client-ca=${ca}` ? `${x.split('=')[0]}=${empty}` : x));
  const emptied = await isolated(bin, router, addr, swap);
  const withEmpty = {
    plainHttp: summary(probe(bin, emptied.iso.netns, ['plain-http', addr])),
    log: emptied.iso.log.filter((l) => /TLS|tls/.test(l)).slice(0, 4),
  };
  emptied.iso.stopNow();
  // A TLS server answers a plaintext request with Go's 400 "Client sent an HTTP request to an HTTPS server".
  expect(rendered.plainHttp).toMatch(/HTTP request to an HTTPS server/);
  expect(rendered.tlsNoCert).toMatch(REFUSED_NONE);
  expect(withEmpty.plainHttp, 'v0.42.4 serves plaintext with an empty client CA').toMatch(/^accepted \(HTTP\/1\.1 /);
  expect(withEmpty.plainHttp).not.toMatch(/HTTPS server/);
  return { rendered, withEmpty, check: caBundleCheck(t, ca, empty) };
}

/**
 * Runs the rendered ca-bundle check (the router's init container: its command, as the kubelet would) with a real
 * shell (busybox's, as in the Thanos image, when installed; else /bin/sh) on the router's issued files, then with
 * its client CA file emptied.
 */
function caBundleCheck(t: Topology, ca: string, empty: string): Record<string, unknown> {
  const router = t.rendered.objects.find((o) => o.kind === 'Deployment' && o.metadata.name === 'thanos-receive-router');
  const init = router?.spec.template.spec.initContainers?.find((c: Plain) => c.name === 'ca-bundle-check');
  expect(init?.command?.slice(0, 2), 'the router has the ca-bundle check').toEqual(['/bin/sh', '-c']);
  const pod = t.cluster.pods.find((p) => p.owner.metadata?.name === 'thanos-receive-router');
  const [, , script = '', name = '', ...files] = init.command as string[];
  const local = files.map((f) => join(pod?.root ?? '', f));
  expect(local).toContain(ca);
  const shell = spawnSync('busybox', ['true']).status === 0 ? ['busybox', 'sh'] : ['sh'];
  const run = (fs: string[]) =>
    spawnSync(shell[0] ?? 'sh', [...shell.slice(1), '-c', script, name, ...fs], { encoding: 'utf8' });
  const issued = run(local);
  const emptied = run(local.map((f) => (f === ca ? empty : f)));
  expect(issued.status, issued.stderr).toBe(0);
  expect(emptied.status).toBe(1);
  expect(emptied.stderr).toMatch(/no PEM certificate/);
  return {
    shell: shell.join(' '),
    issued: { exit: issued.status, out: issued.stdout.trim() },
    emptied: { exit: emptied.status, err: emptied.stderr.trim() },
  };
}
