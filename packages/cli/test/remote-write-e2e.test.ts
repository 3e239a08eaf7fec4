/**
 * End to end with real Prometheus on loopback: only a writer holding a certificate of the environment CA gets
 * samples in.
 *
 * From a rendered environment this test takes the generated Certificates (subjects, SANs, usages) and the
 * routers' TLS flags, builds a local PKI with openssl that matches them, and starts:
 * - a receiving Prometheus with the TLS settings the routers get (server certificate, client certificates
 *   required and verified against the CA, the same minimum TLS version: Thanos and Prometheus share Go's TLS
 *   server);
 * - a sender using writer `alpha`'s generated `prometheus.yml` fragment verbatim, apart from file paths and the
 *   URL's host (127.0.0.1 and a free port; the local server certificate adds that address to the generated names)
 *   and path (Prometheus receives on `/api/v1/write`, Thanos on `/api/v1/receive`);
 * - a sender without a certificate (writer `beta`'s fragment without cert_file/key_file) and a sender with a
 *   certificate of another CA, same subject (writer `gamma`'s fragment).
 * Each sender scrapes itself every second. The test waits (bounded) for alpha's samples to arrive with its
 * external labels, checks that nothing of beta's or gamma's ever arrives and that they logged a refused
 * handshake, and stops every process. Requires prometheus and openssl (installed by .ci/run); skipped locally
 * without them, required in CI.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { renderEnvironments } from '../src/render.js';
import { type Plain, plainObjects, tempDir } from './helpers.js';

const ENV = `name: e2e
cluster: { name: c }
objectStorage: { provider: s3, bucket: acme-e2e, region: eu-west-1 }
receive:
  hashrings:
    - name: teams
      tenants: [team-a, team-b, team-c]
    - name: default
networkPolicies: { remoteWriteCIDRs: [198.51.100.0/24] }
remoteWrite:
  hostname: rw.e2e.example.com
  mtls:
    enabled: true
    issuer: { kind: bootstrap }
  exposure:
    type: loadBalancer
  writers:
    - { name: alpha, tenant: team-a, cluster: alpha-eu, externalLabels: { cluster: alpha-eu, writer: alpha } }
    - { name: beta, tenant: team-b, cluster: beta-us, externalLabels: { cluster: beta-us, writer: beta } }
    - { name: gamma, tenant: team-c, cluster: gamma-ap, externalLabels: { cluster: gamma-ap, writer: gamma } }
`;

const REQUIRED = process.env.CI === 'true';
const has = (cmd: string, args: string[]) => {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  return !r.error && r.status === 0;
};
const tools = has('prometheus', ['--version']) && has('openssl', ['version']);

/** cert-manager usages in openssl's words. */
const OPENSSL_USAGE: Record<string, [kind: 'key' | 'ext', name: string]> = {
  'digital signature': ['key', 'digitalSignature'],
  'key encipherment': ['key', 'keyEncipherment'],
  'server auth': ['ext', 'serverAuth'],
  'client auth': ['ext', 'clientAuth'],
};

function openssl(dir: string, args: string[]): void {
  const r = spawnSync('openssl', args, { cwd: dir, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`openssl ${args.join(' ')}: ${r.stderr}`);
}

/** A CA key and self-signed certificate. */
function makeCa(dir: string, name: string, cn: string): void {
  openssl(dir, [
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-days',
    '1',
    '-keyout',
    `${name}.key`,
    '-out',
    `${name}.crt`,
    '-subj',
    `/O=thanos-gitops/CN=${cn}`,
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign,digitalSignature',
  ]);
}

/** A leaf certificate as a cert-manager Certificate spec describes it, signed by `ca`. */
function makeLeaf(dir: string, name: string, ca: string, spec: Plain, extraSan: string[] = []): void {
  const subject = `${(spec.subject?.organizations ?? []).map((o: string) => `/O=${o}`).join('')}/CN=${spec.commonName}`;
  openssl(dir, [
    'req',
    '-new',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-keyout',
    `${name}.key`,
    '-out',
    `${name}.csr`,
    '-subj',
    subject,
  ]);
  const key = spec.usages.map((u: string) => OPENSSL_USAGE[u]).filter((u: [string, string]) => u[0] === 'key');
  const ext = spec.usages.map((u: string) => OPENSSL_USAGE[u]).filter((u: [string, string]) => u[0] === 'ext');
  const sans = [...(spec.dnsNames ?? []).map((d: string) => `DNS:${d}`), ...extraSan];
  const lines = [
    'basicConstraints=critical,CA:FALSE',
    `keyUsage=critical,${key.map((u: [string, string]) => u[1]).join(',')}`,
    `extendedKeyUsage=${ext.map((u: [string, string]) => u[1]).join(',')}`,
    ...(sans.length > 0 ? [`subjectAltName=${sans.join(',')}`] : []),
  ];
  writeFileSync(join(dir, `${name}.ext`), `${lines.join('\n')}\n`);
  openssl(dir, [
    'x509',
    '-req',
    '-in',
    `${name}.csr`,
    '-CA',
    `${ca}.crt`,
    '-CAkey',
    `${ca}.key`,
    '-CAcreateserial',
    '-days',
    '1',
    '-extfile',
    `${name}.ext`,
    '-out',
    `${name}.crt`,
  ]);
}

/** A free TCP port on loopback. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      srv.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

interface Proc {
  name: string;
  child: ChildProcess;
  log: string[];
}
const procs: Proc[] = [];

function startPrometheus(name: string, dir: string, port: number, config: string, extra: string[] = []): Proc {
  const home = join(dir, name);
  mkdirSync(home, { recursive: true });
  writeFileSync(join(home, 'prometheus.yml'), config);
  const child = spawn(
    'prometheus',
    [
      `--config.file=${join(home, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(home, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--storage.remote.flush-deadline=5s',
      '--log.level=info',
      ...extra,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const p: Proc = { name, child, log: [] };
  const collect = (b: Buffer) => p.log.push(...b.toString().split('\n').filter(Boolean));
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  procs.push(p);
  return p;
}

async function stopAll(): Promise<void> {
  await Promise.all(
    procs.map(
      (p) =>
        new Promise<void>((resolve) => {
          if (p.child.exitCode !== null || p.child.signalCode !== null) return resolve();
          const kill = setTimeout(() => p.child.kill('SIGKILL'), 10_000);
          p.child.once('exit', () => {
            clearTimeout(kill);
            resolve();
          });
          p.child.kill('SIGTERM');
        }),
    ),
  );
}
afterAll(stopAll);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `check` every 500 ms until it returns a value, or gives up after `ms`. */
async function waitFor<T>(ms: number, check: () => Promise<T | undefined> | T | undefined): Promise<T | undefined> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const v = await check();
    if (v !== undefined) return v;
    await sleep(500);
  }
  return undefined;
}

describe('remote-write mTLS with real Prometheus', () => {
  it.runIf(REQUIRED)('has prometheus and openssl in CI', () => expect(tools).toBe(true));

  it.runIf(tools)(
    'lets in the writer with a certificate of the CA, with its labels, and refuses the others',
    async () => {
      const started = Date.now();
      const [rendered] = renderEnvironments([{ path: 'environments/e2e.yaml', text: ENV }]);
      if (!rendered) throw new Error('no render');
      const objects = plainObjects(rendered);
      const cert = (n: string) => objects.find((o) => o.kind === 'Certificate' && o.metadata.name === n)?.spec;
      const routerArgs: string[] = objects.find(
        (o) => o.kind === 'Deployment' && o.metadata.name === 'thanos-receive-router',
      )?.spec.template.spec.containers[0].args;
      const flag = (f: string) => routerArgs.find((a) => a.startsWith(`--${f}=`))?.split('=')[1];
      expect(flag('remote-write.server-tls-client-ca')).toBeDefined();
      const minVersion = flag('remote-write.server-tls-min-version');
      expect(minVersion).toBe('1.3');

      // The local PKI, as the generated Certificates describe it.
      const dir = tempDir('thanos-gitops-e2e-');
      const ca = cert('thanos-ca');
      makeCa(dir, 'ca', ca.commonName);
      makeCa(dir, 'rogue-ca', ca.commonName); // another CA with the same name
      makeLeaf(dir, 'server', 'ca', cert('thanos-remote-write'), ['IP:127.0.0.1']);
      makeLeaf(dir, 'alpha', 'ca', cert('thanos-writer-alpha'));
      makeLeaf(dir, 'gamma', 'rogue-ca', cert('thanos-writer-gamma'));
      makeLeaf(dir, 'reader', 'ca', { commonName: 'e2e-reader', usages: ['digital signature', 'client auth'] });
      const subject = spawnSync('openssl', ['x509', '-in', 'alpha.crt', '-noout', '-subject'], {
        cwd: dir,
        encoding: 'utf8',
      });
      expect(subject.stdout).toMatch(/O\s*=\s*team-a/);

      // The receiver: the routers' TLS settings.
      const receiverPort = await freePort();
      const webConfig = {
        tls_server_config: {
          cert_file: join(dir, 'server.crt'),
          key_file: join(dir, 'server.key'),
          client_auth_type: 'RequireAndVerifyClientCert',
          client_ca_file: join(dir, 'ca.crt'),
          min_version: `TLS${(minVersion ?? '').replace('.', '')}`,
        },
      };
      writeFileSync(join(dir, 'web.yml'), stringify(webConfig));
      const receiver = startPrometheus('receiver', dir, receiverPort, stringify({ global: {} }), [
        '--web.enable-remote-write-receiver',
        `--web.config.file=${join(dir, 'web.yml')}`,
      ]);

      // The senders: generated fragments, with local file paths and the receiver's address.
      const fragment = (writer: string) => parse(rendered.tree.files.get(`writers/${writer}/prometheus.yml`) ?? '');
      const sender = async (writer: string, files: (tls: Plain) => Plain) => {
        const f = fragment(writer);
        const entry = f.remote_write[0];
        expect(new URL(entry.url).hostname).toBe('rw.e2e.example.com');
        const url = new URL(entry.url);
        url.host = `127.0.0.1:${receiverPort}`;
        // Prometheus receives on /api/v1/write where Thanos receives on /api/v1/receive: same protocol.
        expect(url.pathname).toBe('/api/v1/receive');
        url.pathname = '/api/v1/write';
        entry.url = url.toString();
        entry.tls_config = files(entry.tls_config);
        const port = await freePort();
        const config = {
          global: { ...f.global, scrape_interval: '1s', evaluation_interval: '1s' },
          remote_write: f.remote_write,
          scrape_configs: [{ job_name: 'self', static_configs: [{ targets: [`127.0.0.1:${port}`] }] }],
        };
        return startPrometheus(writer, dir, port, stringify(config));
      };
      const local = (name: string, ca: string) => (tls: Plain) => ({
        ...tls,
        ca_file: join(dir, `${ca}.crt`),
        cert_file: join(dir, `${name}.crt`),
        key_file: join(dir, `${name}.key`),
      });
      await sender('alpha', local('alpha', 'ca'));
      const beta = await sender('beta', ({ cert_file: _c, key_file: _k, ...tls }) => ({
        ...tls,
        ca_file: join(dir, 'ca.crt'),
      }));
      const gamma = await sender('gamma', local('gamma', 'ca'));

      // Ask the receiver (over mTLS, with a reader certificate) which senders' series it has.
      const clusters = () =>
        new Promise<string[] | undefined>((resolve) => {
          const req = request(
            {
              host: '127.0.0.1',
              port: receiverPort,
              path: `/api/v1/query?query=${encodeURIComponent('count by (cluster, writer) (up)')}`,
              ca: readFileSync(join(dir, 'ca.crt')),
              cert: readFileSync(join(dir, 'reader.crt')),
              key: readFileSync(join(dir, 'reader.key')),
              servername: 'rw.e2e.example.com',
              timeout: 2000,
            },
            (res) => {
              let body = '';
              res.on('data', (c) => {
                body += c;
              });
              res.on('end', () => {
                try {
                  const data = JSON.parse(body).data.result as { metric: Record<string, string> }[];
                  resolve(data.map((r) => `${r.metric.cluster}/${r.metric.writer}`).sort());
                } catch {
                  resolve(undefined);
                }
              });
            },
          );
          req.on('error', () => resolve(undefined));
          req.on('timeout', () => req.destroy());
          req.end();
        });
      const arrived = await waitFor(60_000, async () => {
        const c = await clusters();
        return c?.includes('alpha-eu/alpha') ? c : undefined;
      });
      const refusal = /remote error: tls|certificate required|unknown certificate authority|bad certificate/i;
      const refusedLogs = await waitFor(30_000, () =>
        [beta, gamma].every((p) => p.log.some((l) => refusal.test(l)))
          ? [beta, gamma].map((p) => ({ name: p.name, lines: p.log.filter((l) => refusal.test(l)).slice(0, 2) }))
          : undefined,
      );
      const final = await clusters();
      await stopAll();

      expect(arrived, `receiver log:\n${receiver.log.join('\n')}`).toContain('alpha-eu/alpha');
      expect(final).toEqual(['alpha-eu/alpha']);
      expect(refusedLogs, `beta:\n${beta.log.join('\n')}\ngamma:\n${gamma.log.join('\n')}`).toBeDefined();
      expect(receiver.log.some((l) => /TLS handshake error/.test(l))).toBe(true);
      // The figures for the record (not asserted: wall-clock time depends on the machine).
      console.log(
        `remote-write e2e: ${((Date.now() - started) / 1000).toFixed(1)} s\n` +
          `${(refusedLogs ?? []).map((r) => `refused ${r.name}:\n  ${r.lines.join('\n  ')}`).join('\n')}\n` +
          `receiver:\n  ${receiver.log
            .filter((l) => /TLS handshake error/.test(l))
            .slice(0, 2)
            .join('\n  ')}`,
      );
    },
    110_000,
  );
});
