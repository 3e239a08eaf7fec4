/**
 * The read entry point, for real: the rendered `thanos-query-readers` (its flags and web configuration as
 * generated, only its addresses made local) in front of a real receive holding two tenants, with the rendered
 * Certificates issued by openssl as cert-manager would. A reader of tenant A gets tenant A's series and none of
 * tenant B's, whatever it asks (a matcher on tenant B's label included; series and label values too); a request
 * without a client certificate, one with a writer's certificate (the writers' CA) and one with the internal
 * certificate (the internal CA) are refused in the TLS handshake.
 *
 * And by openssl alone, the other way round: a reader's certificate does not verify against the routers' client CA
 * (it cannot write) nor the internal servers' (it cannot reach the stores).
 *
 * Starts two Thanos processes on 127.0.0.1 (no network namespaces): needs the Thanos binary, kustomize and
 * openssl; skipped without them unless CI.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { thanosBinaries } from './harness/binaries.js';
import { issueAll, type SecretFiles } from './harness/pki.js';
import { pushSample } from './harness/remote-write-client.js';
import { findKustomize, fixtureSource, type Plain, renderAndBuild } from './harness/render.js';
import { waitFor } from './harness/topology.js';

const REQUIRED = process.env.CI === 'true';
const haveGo = spawnSync('sh', ['-c', 'command -v go || test -x /usr/local/go/bin/go']).status === 0;
const hasOwn = Object.keys(process.env).some((k) => k.startsWith('THANOS_BINARY'));
const runnable = findKustomize() !== undefined && spawnSync('openssl', ['version']).status === 0 && (haveGo || hasOwn);
if (!runnable && !REQUIRED) console.log('readers e2e skipped (needs kustomize, openssl, and Go or THANOS_BINARY)');

const children: ChildProcess[] = [];
const roots: string[] = [];
afterAll(() => {
  for (const c of children) c.kill('SIGKILL');
  for (const r of roots) rmSync(r, { recursive: true, force: true });
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const address = s.address();
      s.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

function start(binary: string, args: string[], log: string): ChildProcess {
  const child = spawn(binary, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  const lines: string[] = [];
  child.stderr?.on('data', (d: Buffer) => lines.push(d.toString()));
  // Kept for a failing run (the folder is removed after a passing one).
  child.on('exit', () => existsSync(dirname(log)) && writeFileSync(log, lines.join('')));
  children.push(child);
  return child;
}

interface Answer {
  status: number;
  body: string;
}

/** A GET over TLS to the readers' Query, with a client certificate or none; rejects when the handshake fails. */
function get(port: number, path: string, ca: string, client?: SecretFiles): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      {
        host: '127.0.0.1',
        port,
        path,
        ca,
        servername: 'thanos-query-readers',
        ...(client ? { cert: client['tls.crt'], key: client['tls.key'] } : {}),
        agent: false,
      },
      (res) => {
        let body = '';
        res.on('data', (d: Buffer) => {
          body += d.toString();
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end();
  });
}

/** The tenants of the series a query returns. */
function tenantsOf(answer: Answer): string[] {
  const data = JSON.parse(answer.body).data;
  const series: Plain[] = Array.isArray(data) ? data : (data?.result ?? []);
  return [...new Set(series.map((s) => (s.metric ?? s).tenant_id as string))].sort();
}

/** The readers' Query's args as rendered, with local addresses and files instead of the pod's. */
function localArgs(deployment: Plain, { http, grpc, store, web }: Record<string, string>): string[] {
  const c = deployment.spec.template.spec.containers[0];
  const rendered: string[] = [...(c.command ?? []).slice(1), ...(c.args ?? [])];
  const dropped = ['--endpoint.sd-config', '--tracing.config-file', '--grpc-client-tls', '--grpc-client-server-name'];
  return [
    ...rendered
      .filter((a) => !dropped.some((d) => a.startsWith(d)))
      .map((a) => {
        if (a.startsWith('--http-address=')) return `--http-address=${http}`;
        if (a.startsWith('--grpc-address=')) return `--grpc-address=${grpc}`;
        if (a.startsWith('--http.config=')) return `--http.config=${web}`;
        return a;
      }),
    `--endpoint=${store}`,
  ];
}

const openssl = findKustomize() !== undefined && spawnSync('openssl', ['version']).status === 0;

describe.runIf(openssl || REQUIRED)("the readers' certificates, by openssl", () => {
  it("verify against the readers' CA only: not the routers' client CA, not the internal servers'", () => {
    const root = mkdtempSync(join(tmpdir(), 'thanos-readers-pki-'));
    roots.push(root);
    const text = fixtureSource('prod', 'readers', [
      [['remoteWrite', 'mtls', 'internal'], true],
      [['readers'], { clients: [{ name: 'grafana-a', tenant: 'team-a', cluster: 'a' }] }],
    ]);
    const { objects } = renderAndBuild(root, 'readers', text);
    const secrets = issueAll(join(root, 'pki'), objects);
    const file = (secret: string, key: keyof SecretFiles) => {
      const path = join(root, `${secret}.${key}`);
      writeFileSync(path, (secrets.get(secret) as SecretFiles)[key]);
      return path;
    };
    const verifies = (ca: string, cert: string) =>
      spawnSync('openssl', ['verify', '-CAfile', ca, '-purpose', 'sslclient', cert]).status === 0;
    const reader = file('thanos-reader-grafana-a-tls', 'tls.crt');
    const readersCa = file('thanos-query-readers-tls', 'ca.crt');
    const routersClientCa = file('thanos-remote-write-tls', 'ca.crt');
    const internalCa = file('thanos-internal-tls', 'ca.crt');
    expect(verifies(readersCa, reader)).toBe(true);
    expect(verifies(routersClientCa, reader)).toBe(false);
    expect(verifies(internalCa, reader)).toBe(false);
    expect(verifies(readersCa, file('thanos-writer-payments-eu-tls', 'tls.crt'))).toBe(false);
    expect(verifies(readersCa, file('thanos-internal-tls', 'tls.crt'))).toBe(false);
  });
});

describe.runIf(runnable || REQUIRED)('the read entry point with real Thanos', () => {
  it('gives a reader its tenant only, and refuses no certificate, a writer and an internal certificate', async () => {
    const root = mkdtempSync(join(tmpdir(), 'thanos-readers-'));
    roots.push(root);
    const text = fixtureSource('prod', 'readers', [
      [['remoteWrite', 'mtls', 'internal'], true],
      [
        ['readers'],
        {
          clients: [
            { name: 'grafana-a', tenant: 'team-a', cluster: 'a' },
            { name: 'grafana-b', tenant: 'team-b', cluster: 'b' },
          ],
        },
      ],
    ]);
    const { objects } = renderAndBuild(root, 'readers', text);
    const secrets = issueAll(join(root, 'pki'), objects);
    const deployment = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === 'thanos-query-readers');
    const webText: string = objects.find(
      (o) => o.kind === 'ConfigMap' && o.metadata.name === 'thanos-query-readers-web',
    )?.data['web-config.yaml'];
    expect(deployment).toBeDefined();
    const serverTls = secrets.get('thanos-query-readers-tls') as SecretFiles;
    const tlsDir = join(root, 'readers-tls');
    mkdirSync(tlsDir);
    for (const [k, v] of Object.entries(serverTls)) writeFileSync(join(tlsDir, k), v);
    const web = join(root, 'web-config.yaml');
    writeFileSync(web, webText.replaceAll('/etc/thanos/tls/readers', tlsDir));

    const version = deployment?.spec.template.spec.containers[0].image.split(':')[1] ?? 'v0.42.4';
    const binary = thanosBinaries([version])[version] as string;
    const [rGrpc, rHttp, rWrite, qGrpc, qHttp] = (await Promise.all([1, 2, 3, 4, 5].map(() => freePort()))) as [
      number,
      number,
      number,
      number,
      number,
    ];
    start(
      binary,
      [
        'receive',
        `--tsdb.path=${join(root, 'tsdb')}`,
        `--grpc-address=127.0.0.1:${rGrpc}`,
        `--http-address=127.0.0.1:${rHttp}`,
        `--remote-write.address=127.0.0.1:${rWrite}`,
        '--label=receive_replica="0"',
        '--receive.tenant-label-name=tenant_id',
      ],
      join(root, 'receive.log'),
    );
    const write = `http://127.0.0.1:${rWrite}/api/v1/receive`;
    const labels = { __name__: 'e2e_reader_probe', job: 'e2e' };
    const accepted = await waitFor(60_000, async () => {
      const a = await pushSample(write, { header: 'THANOS-TENANT', tenant: 'team-a', labels, value: 1 }).catch(() => 0);
      return a === 200 ? a : undefined;
    });
    expect(accepted, 'receive accepts remote-write').toBe(200);
    expect(await pushSample(write, { header: 'THANOS-TENANT', tenant: 'team-b', labels, value: 2 })).toBe(200);

    const args = localArgs(deployment as Plain, {
      http: `127.0.0.1:${qHttp}`,
      grpc: `127.0.0.1:${qGrpc}`,
      store: `127.0.0.1:${rGrpc}`,
      web,
    });
    start(binary, args, join(root, 'query.log'));
    const ca = serverTls['ca.crt'];
    const readerA = secrets.get('thanos-reader-grafana-a-tls') as SecretFiles;
    const readerB = secrets.get('thanos-reader-grafana-b-tls') as SecretFiles;
    const q = (query: string) => `/api/v1/query?query=${encodeURIComponent(query)}`;
    const found = await waitFor(90_000, async () => {
      const a = await get(qHttp, q('e2e_reader_probe'), ca, readerA).catch(() => undefined);
      return a && a.status === 200 && tenantsOf(a).length > 0 ? a : undefined;
    });
    expect(found, 'reader A sees series').toBeDefined();
    const seenA = found as Answer;
    const figures: Record<string, unknown> = {
      args: args.filter((a) => a.includes('tenan') || a.includes('http.config')),
    };
    figures.readerA = tenantsOf(seenA);
    expect(tenantsOf(seenA)).toEqual(['team-a']);
    const askedForB = await get(qHttp, q('e2e_reader_probe{tenant_id="team-b"}'), ca, readerA);
    figures.readerAAskingForB = tenantsOf(askedForB);
    expect(tenantsOf(askedForB)).not.toContain('team-b');
    const series = await get(qHttp, `/api/v1/series?match[]=${encodeURIComponent('{job="e2e"}')}`, ca, readerA);
    figures.readerASeries = tenantsOf(series);
    expect(tenantsOf(series)).toEqual(['team-a']);
    const values = await get(qHttp, '/api/v1/label/tenant_id/values', ca, readerA);
    figures.readerATenantValues = JSON.parse(values.body).data;
    expect(JSON.parse(values.body).data).toEqual(['team-a']);
    const seenB = await get(qHttp, q('e2e_reader_probe'), ca, readerB);
    figures.readerB = tenantsOf(seenB);
    expect(tenantsOf(seenB)).toEqual(['team-b']);

    const refusal = (client?: SecretFiles) =>
      get(qHttp, q('e2e_reader_probe'), ca, client).then(
        (a) => `HTTP ${a.status}`,
        (e: NodeJS.ErrnoException) => e.code ?? e.message,
      );
    const writer = secrets.get('thanos-writer-payments-eu-tls') as SecretFiles;
    figures.noCertificate = await refusal();
    figures.writerCertificate = await refusal(writer);
    figures.internalCertificate = await refusal(secrets.get('thanos-internal-tls'));
    console.log(`readers e2e figures: ${JSON.stringify(figures)}`);
    expect(figures.noCertificate).not.toMatch(/^HTTP/);
    expect(figures.writerCertificate).not.toMatch(/^HTTP/);
    expect(figures.internalCertificate).not.toMatch(/^HTTP/);
  });
});
