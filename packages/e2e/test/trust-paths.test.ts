/**
 * Every TLS connection the deployment makes, proved from the built objects with openssl: each address of Query's
 * endpoint file, each endpoint of the receive hashrings, the stateless ruler's remote-write and each writer's.
 *
 * The rendered Certificates are issued as cert-manager would (`harness/pki.ts`), then for every dial the dialing
 * side's settings (CA file, client certificate, server name; read from its flags or config, through its mounts
 * to the Secret) and the serving side's (server certificate, client CA; the pods behind the dialed name's Service)
 * must verify: the server certificate against the dialer's CA for the name the dialer checks, with server-auth
 * usage; the dialer's certificate against the server's client CA, with client-auth usage. And across the two trust
 * domains nothing verifies: no writer's (or the ruler's remote-write) certificate passes an internal server's
 * client CA, and the internal certificate does not pass the routers' remote-write client CA.
 *
 * Needs kustomize and openssl only (no Thanos process); skipped without them unless CI.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { issueAll, type SecretFiles } from './harness/pki.js';
import { findKustomize, fixtureSource, type Plain, type Rendered, renderAndBuild } from './harness/render.js';

const REQUIRED = process.env.CI === 'true';
const tools = findKustomize() !== undefined && spawnSync('openssl', ['version']).status === 0;
const roots: string[] = [];
afterAll(() => {
  for (const r of roots) rmSync(r, { recursive: true, force: true });
});

/** A Thanos workload as the dial checks read it: its args and which Secret each mounted file comes from. */
interface Workload {
  name: string;
  labels: Record<string, string>;
  args: string[];
  fileOf: (path: string) => { secret: string; key: string } | undefined;
}

function workloads(objects: Plain[]): Workload[] {
  return objects
    .filter((o) => o.kind === 'Deployment' || o.kind === 'StatefulSet')
    .map((o) => {
      const pod = o.spec.template.spec;
      const c = pod.containers[0];
      return {
        name: o.metadata.name,
        labels: o.spec.template.metadata.labels,
        args: [...(c.command ?? []).slice(1), ...(c.args ?? [])],
        fileOf: (path: string) => {
          const m = (c.volumeMounts ?? []).find((v: Plain) => path.startsWith(`${v.mountPath}/`));
          const secret = pod.volumes?.find((v: Plain) => v.name === m?.name)?.secret?.secretName;
          return m && secret ? { secret, key: path.slice(m.mountPath.length + 1) } : undefined;
        },
      };
    });
}

const flag = (w: Workload, name: string) => w.args.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];

/** The pods behind a Service, as their workloads. */
function behind(objects: Plain[], all: Workload[], service: string): Workload[] {
  const svc = objects.find((o) => o.kind === 'Service' && o.metadata.name === service);
  if (!svc) throw new Error(`no Service ${service}`);
  const sel: Record<string, string> = svc.spec.selector;
  return all.filter((w) => Object.entries(sel).every(([k, v]) => w.labels[k] === v));
}

/** One TLS side: a certificate and key (if it presents one) and the CA it verifies the other side with. */
interface Side {
  who: string;
  cert?: string;
  ca?: string;
}

interface Dial {
  what: string;
  /** The name the dialer checks the server certificate for. */
  name: string;
  dialer: Side;
  server: Side;
}

class Pki {
  constructor(
    private readonly dir: string,
    private readonly secrets: Map<string, SecretFiles>,
  ) {}

  /** The file of `w` at `path` (a mounted Secret's key), written out; fails if it is not a rendered Secret. */
  file(w: Workload, path: string | undefined): string | undefined {
    if (path === undefined) return undefined;
    const ref = w.fileOf(path);
    if (!ref) throw new Error(`${w.name}: ${path} is not in a mounted certificate Secret`);
    return this.secretFile(ref.secret, ref.key as keyof SecretFiles);
  }

  secretFile(secret: string, key: keyof SecretFiles): string {
    const files = this.secrets.get(secret);
    if (!files) throw new Error(`Secret ${secret} is issued by no rendered Certificate`);
    const out = join(this.dir, 'files', secret, key);
    mkdirSync(join(this.dir, 'files', secret), { recursive: true });
    writeFileSync(out, files[key]);
    return out;
  }
}

/** `openssl verify` of `cert` against `ca`, for a purpose and (servers) a host name. */
function verifies(ca: string, cert: string, purpose: 'sslserver' | 'sslclient', host?: string): boolean {
  const hostArgs = host ? ['-verify_hostname', host] : [];
  const r = spawnSync('openssl', ['verify', '-CAfile', ca, '-purpose', purpose, ...hostArgs, cert], {
    encoding: 'utf8',
  });
  return r.status === 0 && r.stdout.trim().endsWith(': OK');
}

function grpcServer(pki: Pki, w: Workload): Side {
  return {
    who: w.name,
    cert: pki.file(w, flag(w, 'grpc-server-tls-cert')),
    ca: pki.file(w, flag(w, 'grpc-server-tls-client-ca')),
  };
}

/** Query → every address of its endpoint file. */
function queryDials(r: Rendered, pki: Pki, all: Workload[]): { dials: Dial[]; outside: Plain[] } {
  const query = all.find((w) => w.name === 'thanos-query');
  if (!query) throw new Error('no Query');
  const cm = r.objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'thanos-query-endpoints');
  const endpoints: Plain[] = parse(cm?.data['endpoints.yaml']).endpoints;
  const dialer: Side = {
    who: query.name,
    cert: pki.file(query, flag(query, 'grpc-client-tls-cert')),
    ca: pki.file(query, flag(query, 'grpc-client-tls-ca')),
  };
  const dials: Dial[] = [];
  const outside: Plain[] = [];
  for (const e of endpoints) {
    const address: string = e.address;
    const host =
      address
        .replace(/^dnssrv\+_grpc\._tcp\./, '')
        .replace(/^dns\+/, '')
        .split(':')[0] ?? '';
    const service = host.split('.')[0] ?? '';
    if (!address.startsWith('dnssrv+_grpc._tcp.')) {
      outside.push(e);
      continue;
    }
    const name = flag(query, 'grpc-client-server-name') ?? host;
    for (const w of behind(r.objects, all, service)) {
      dials.push({ what: `query -> ${address} (${w.name})`, name, dialer, server: grpcServer(pki, w) });
    }
  }
  return { dials, outside };
}

/** The routers → every endpoint of the hashrings file. */
function routerDials(r: Rendered, pki: Pki, all: Workload[]): Dial[] {
  const router = all.find((w) => w.name === 'thanos-receive-router');
  if (!router) throw new Error('no router');
  const cm = r.objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'thanos-receive-hashrings');
  const hashrings: Plain[] = JSON.parse(cm?.data['hashrings.json']);
  const dialer: Side = {
    who: router.name,
    cert: pki.file(router, flag(router, 'remote-write.client-tls-cert')),
    ca: pki.file(router, flag(router, 'remote-write.client-tls-ca')),
  };
  return hashrings.flatMap((h) =>
    h.endpoints.map((e: string | Plain) => {
      const address = typeof e === 'string' ? e : e.address;
      const [pod = '', service = ''] = address.split('.');
      const w = behind(r.objects, all, service).find((x) => pod.startsWith(`${x.name}-`));
      if (!w) throw new Error(`hashring endpoint ${address}: no StatefulSet has that pod`);
      const name = flag(router, 'remote-write.client-server-name') ?? address.split(':')[0] ?? '';
      return { what: `router -> ${address}`, name, dialer, server: grpcServer(pki, w) };
    }),
  );
}

function routerServer(pki: Pki, all: Workload[]): Side {
  const router = all.find((w) => w.name === 'thanos-receive-router');
  if (!router) throw new Error('no router');
  return {
    who: router.name,
    cert: pki.file(router, flag(router, 'remote-write.server-tls-cert')),
    ca: pki.file(router, flag(router, 'remote-write.server-tls-client-ca')),
  };
}

/** The stateless ruler and every writer → the routers' remote-write. */
function remoteWriteDials(r: Rendered, pki: Pki, all: Workload[]): Dial[] {
  const server = routerServer(pki, all);
  const dials: Dial[] = [];
  const ruler = all.find((w) => w.name === 'thanos-rule');
  const rw = r.objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'thanos-rule-remote-write');
  if (ruler && rw) {
    for (const entry of parse(rw.data['remote-write.yaml']).remote_write) {
      const tls = entry.tls_config;
      dials.push({
        what: `ruler -> ${entry.url}`,
        name: tls.server_name ?? new URL(entry.url).hostname,
        dialer: { who: ruler.name, cert: pki.file(ruler, tls.cert_file), ca: pki.file(ruler, tls.ca_file) },
        server,
      });
    }
  }
  for (const [path, text] of r.files) {
    const m = /^writers\/([^/]+)\/prometheus\.yml$/.exec(path);
    if (!m) continue;
    const secret = `thanos-writer-${m[1]}-tls`;
    for (const entry of parse(text).remote_write) {
      dials.push({
        what: `writer ${m[1]} -> ${entry.url}`,
        name: entry.tls_config.server_name ?? new URL(entry.url).hostname,
        dialer: { who: m[1] ?? '', cert: pki.secretFile(secret, 'tls.crt'), ca: pki.secretFile(secret, 'ca.crt') },
        server,
      });
    }
  }
  return dials;
}

/**
 * Whether a CA file holds a certificate openssl parses. Thanos' TLS helpers wrap a nil error when a CA file holds no
 * parseable certificate (issue 21: the server then runs without TLS, without a word): the one fail-open of the chain.
 */
function holdsCertificate(file: string): boolean {
  return spawnSync('openssl', ['x509', '-noout', '-in', file]).status === 0;
}

/** What fails to verify in a dial, in words (empty when it verifies both ways). */
function failures(d: Dial): string[] {
  const out: string[] = [];
  const { dialer, server } = d;
  if (!server.cert || !server.ca) out.push(`${d.what}: ${server.who} serves no mTLS`);
  if (!dialer.cert || !dialer.ca) out.push(`${d.what}: ${dialer.who} dials without a certificate or CA`);
  if (out.length > 0 || !server.cert || !server.ca || !dialer.cert || !dialer.ca) return out;
  if (!holdsCertificate(server.ca)) out.push(`${d.what}: ${server.who}'s client CA file holds no certificate`);
  if (!verifies(dialer.ca, server.cert, 'sslserver', d.name)) {
    out.push(`${d.what}: ${server.who}'s certificate does not verify for ${d.name} against ${dialer.who}'s CA`);
  }
  if (!verifies(server.ca, dialer.cert, 'sslclient')) {
    out.push(`${d.what}: ${dialer.who}'s certificate does not verify against ${server.who}'s client CA`);
  }
  return out;
}

function setup(name: string, set: [(string | number)[], unknown][]) {
  const root = mkdtempSync(join(tmpdir(), 'thanos-gitops-trust-'));
  roots.push(root);
  const r = renderAndBuild(root, name, fixtureSource('prod', name, set));
  const pki = new Pki(root, issueAll(join(root, 'pki'), r.objects));
  return { r, pki, all: workloads(r.objects) };
}

const INTERNAL: [(string | number)[], unknown] = [['remoteWrite', 'mtls', 'internal'], true];

describe.runIf(tools || REQUIRED)('trust paths of the rendered prod, with internal mTLS', () => {
  for (const mode of ['stateless', 'stateful'] as const) {
    it(`${mode} ruler: every dial verifies both ways, for the name the dialer checks`, () => {
      const { r, pki, all } = setup(`trust-${mode}`, [
        INTERNAL,
        [['ruler', 'mode'], mode],
        [['query', 'extraEndpoints'], ['external-store.external.svc.cluster.local:10901']],
      ]);
      const q = queryDials(r, pki, all);
      const dials = [...q.dials, ...routerDials(r, pki, all), ...remoteWriteDials(r, pki, all)];
      // Every ingestor pod, store gateway and the ruler behind Query's file; 6 hashring endpoints; writers.
      const counted = (p: string) => dials.filter((d) => d.what.startsWith(p)).length;
      expect(counted('query -> ')).toBe(6 + 4 + 1);
      expect(counted('router -> ')).toBe(6);
      expect(counted('writer ')).toBe(2);
      expect(counted('ruler -> ')).toBe(mode === 'stateless' ? 1 : 0);
      expect(dials.flatMap(failures)).toEqual([]);
      // The one address outside the deployment is dialed with TLS off by its own client settings.
      expect(q.outside).toEqual([
        {
          address: 'external-store.external.svc.cluster.local:10901',
          client_config: { tls_config: { enabled: false } },
        },
      ]);
    });
  }

  it("refuses the writers' certificates on every internal port and the internal one on remote-write", () => {
    const { r, pki, all } = setup('trust-domains', [INTERNAL]);
    const internalServers = [...queryDials(r, pki, all).dials, ...routerDials(r, pki, all)].map((d) => d.server);
    expect(internalServers.length).toBeGreaterThan(10);
    const outsiders = [
      ...r.objects
        .filter((o) => o.kind === 'Certificate' && /^thanos-(writer-.*|rule-remote-write)$/.test(o.metadata.name))
        .map((o) => o.spec.secretName as string),
    ];
    expect(outsiders).toHaveLength(3);
    const crossings: string[] = [];
    for (const s of internalServers) {
      for (const secret of outsiders) {
        if (verifies(s.ca ?? '', pki.secretFile(secret, 'tls.crt'), 'sslclient'))
          crossings.push(`${secret} -> ${s.who}`);
      }
    }
    const router = routerServer(pki, all);
    if (verifies(router.ca ?? '', pki.secretFile('thanos-internal-tls', 'tls.crt'), 'sslclient')) {
      crossings.push('thanos-internal-tls -> remote-write');
    }
    expect(crossings).toEqual([]);
    // The check can fail: each writer certificate does verify against the routers' client CA.
    for (const secret of outsiders)
      expect(verifies(router.ca ?? '', pki.secretFile(secret, 'tls.crt'), 'sslclient')).toBe(true);
  });
});
