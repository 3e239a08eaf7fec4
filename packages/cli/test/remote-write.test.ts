/**
 * Remote-write with mTLS, end to end through the pipeline with this file's own environments: every Secret a pod
 * mounts has a producer, certificates cover what is exposed, writer files stay out of Kustomize, NetworkPolicies
 * follow the exposure, and every generated Prometheus fragment passes `promtool check config` (real promtool;
 * skipped locally without it, required in CI where .ci/run installs it).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { renderEnvironments } from '../src/render.js';
import { type Plain, plainObjects, tempDir } from './helpers.js';

const BASE = (name: string) => `name: ${name}
cluster: { name: c }
objectStorage: { provider: s3, bucket: acme-b, region: eu-west-1, prefix: ${name} }
identity:
  aws: { accountId: "123456789012", oidcProvider: oidc.example.com/id/X }
ruler:
  enabled: true
  mode: stateless
  alertmanagers: [http://alertmanager.monitoring.svc:9093]
receive:
  hashrings:
    - name: teams
      tenants: [team-a, team-b]
    - name: default
query:
  extraVolumes: [{ name: user-certs, mountPath: /user, secret: my-user-secret }]
`;

const NLB = `${BASE('nlb')}networkPolicies: { remoteWriteCIDRs: [198.51.100.0/24] }
remoteWrite:
  hostname: rw.nlb.example.com
  mtls:
    enabled: true
    issuer: { kind: bootstrap }
    internal: true
  exposure:
    type: loadBalancer
    loadBalancer: { scheme: internet-facing, healthCheckCIDRs: [10.0.0.0/16] }
  amp: { workspaceId: ws-0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b, region: eu-west-1 }
  writers:
    - { name: alpha, tenant: team-a, cluster: alpha }
    - { name: beta, tenant: team-b, cluster: beta }
    - { name: gamma, tenant: team-a, cluster: gamma, target: amp }
  externalSecrets: { enabled: true }
`;

const GATEWAY = `${BASE('gw')}remoteWrite:
  hostname: rw.gw.example.com
  mtls:
    enabled: true
    issuer: { kind: ClusterIssuer, name: vault }
    tenancy: header
  exposure:
    type: gateway
    gateway: { name: edge, namespace: gateway-system, port: 8443 }
  writers:
    - { name: alpha, tenant: team-a, cluster: alpha-eu }
`;

const PLAIN = `${BASE('plain')}remoteWrite:
  writers:
    - { name: inside, tenant: team-b, cluster: c }
`;

const rendered = renderEnvironments(
  [NLB, GATEWAY, PLAIN].map((text) => ({ path: `environments/${/^name: (\S+)/.exec(text)?.[1]}.yaml`, text })),
);
const byEnv = (env: string) => {
  const r = rendered.find((x) => x.env === env);
  if (!r) throw new Error(env);
  return { r, objects: plainObjects(r) };
};
const podSpecs = (objects: Plain[]) =>
  objects
    .filter((o) => o.spec?.template?.spec)
    .map((o) => ({ id: `${o.kind}/${o.metadata.name}`, spec: o.spec.template.spec }));

describe('remote-write mTLS in the rendered environment', () => {
  for (const env of ['nlb', 'gw', 'plain']) {
    it(`${env}: every Secret a pod mounts is produced by a Certificate, a generated Secret, or declared by the user`, () => {
      const { objects } = byEnv(env);
      const produced = new Set([
        ...objects.filter((o) => o.kind === 'Certificate').map((o) => o.spec.secretName),
        ...objects.filter((o) => o.kind === 'Secret').map((o) => o.metadata.name),
      ]);
      const declared = new Set(['my-user-secret']);
      for (const { id, spec } of podSpecs(objects)) {
        for (const v of spec.volumes ?? []) {
          if (v.secret)
            expect(
              produced.has(v.secret.secretName) || declared.has(v.secret.secretName),
              `${id} ${v.secret.secretName}`,
            ).toBe(true);
        }
        for (const c of spec.containers)
          for (const m of c.volumeMounts ?? []) expect(m.subPath, `${id} ${m.name}`).toBeUndefined();
      }
    });
  }

  it('mounts the routers’ certificate read-only and passes the TLS flags that point into it', () => {
    const { objects } = byEnv('nlb');
    const router = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === 'thanos-receive-router');
    const c = router?.spec.template.spec.containers[0];
    const mount = c.volumeMounts.find((m: Plain) => m.name === 'remote-write-tls');
    expect(mount).toEqual({ name: 'remote-write-tls', mountPath: '/etc/thanos/tls/remote-write', readOnly: true });
    for (const flag of ['server-tls-cert', 'server-tls-key', 'server-tls-client-ca']) {
      const arg = c.args.find((a: string) => a.startsWith(`--remote-write.${flag}=`));
      expect(arg).toMatch(/=\/etc\/thanos\/tls\/remote-write\/(tls\.crt|tls\.key|ca\.crt)$/);
    }
    expect(c.args).toContain('--remote-write.server-tls-min-version=1.3');
    expect(c.args).toContain('--receive.tenant-certificate-field=organization');
  });

  it('names in the server certificate the exposed hostname and the Services the exposure sends to', () => {
    for (const env of ['nlb', 'gw']) {
      const { objects } = byEnv(env);
      const server = objects.find((o) => o.kind === 'Certificate' && o.metadata.name === 'thanos-remote-write');
      expect(server?.spec.dnsNames).toContain(`rw.${env}.example.com`);
      const backends = [
        ...objects
          .filter((o) => o.kind === 'TLSRoute')
          .flatMap((o) => o.spec.rules.flatMap((r: Plain) => r.backendRefs)),
      ].map((b) => b.name);
      for (const svc of backends) expect(server?.spec.dnsNames).toContain(`${svc}.thanos.svc`);
      expect(server?.spec.dnsNames).toContain('thanos-receive-router.thanos.svc.cluster.local');
    }
  });

  it('gives a writer certificate its tenant in the subject, and the stateless ruler the default tenant', () => {
    const { objects } = byEnv('nlb');
    const cert = (n: string) => objects.find((o) => o.kind === 'Certificate' && o.metadata.name === n)?.spec;
    expect(cert('thanos-writer-alpha').subject.organizations).toEqual(['team-a']);
    expect(cert('thanos-writer-beta').subject.organizations).toEqual(['team-b']);
    expect(cert('thanos-writer-gamma')).toBeUndefined(); // writes to AMP, needs no certificate
    expect(cert('thanos-rule-remote-write').subject.organizations).toEqual(['default-tenant']);
    const config = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'thanos-rule-remote-write');
    const rw = parse(config?.data['remote-write.yaml']).remote_write[0];
    expect(rw.url).toMatch(/^https:\/\/thanos-receive-router\.thanos\.svc\.cluster\.local:19291\//);
    expect(rw.tls_config.cert_file).toBe('/etc/thanos/tls/remote-write-client/tls.crt');
  });

  it('keeps the writer files out of kustomization.yaml', () => {
    const { r } = byEnv('nlb');
    const k = parse(r.tree.files.get('kustomization.yaml') ?? '');
    const writerFiles = [...r.tree.files.keys()].filter((f) => f.startsWith('writers/'));
    expect(writerFiles).toEqual(
      expect.arrayContaining([
        'writers/alpha/prometheus.yml',
        'writers/alpha/prometheus-remote-write.yaml',
        'writers/alpha/external-secret.yaml',
        'writers/gamma/aps-remote-write-policy.json',
      ]),
    );
    for (const f of k.resources) expect(f.startsWith('writers/')).toBe(false);
  });

  it('lets the NetworkPolicy in what the exposure sends: client and NLB ranges, or the Gateway namespace', () => {
    const sources = (env: string) => {
      const np = byEnv(env).objects.find(
        (o) => o.kind === 'NetworkPolicy' && o.metadata.name === 'thanos-receive-router',
      );
      return np?.spec.ingress
        .filter((r: Plain) => r.ports.some((p: Plain) => p.port === 19291))
        .flatMap((r: Plain) => r.from);
    };
    expect(sources('nlb')).toEqual(
      expect.arrayContaining([{ ipBlock: { cidr: '198.51.100.0/24' } }, { ipBlock: { cidr: '10.0.0.0/16' } }]),
    );
    // The Gateway's namespace, and Envoy Gateway's own, where its proxies run by default.
    const nsOf = (env: string) =>
      sources(env)
        .filter((p: Plain) => p.namespaceSelector)
        .map((p: Plain) => p.namespaceSelector.matchLabels['kubernetes.io/metadata.name']);
    expect(nsOf('gw')).toEqual(expect.arrayContaining(['gateway-system', 'envoy-gateway-system']));
    expect(JSON.stringify(sources('gw'))).not.toContain('ipBlock');
    const only = renderEnvironments([
      {
        path: 'environments/gw2.yaml',
        text: GATEWAY.replace('name: gw\n', 'name: gw2\n').replace('port: 8443 }', 'port: 8443, proxyNamespaces: [] }'),
      },
    ])[0];
    if (!only) throw new Error('gw2');
    const np = plainObjects(only).find(
      (o) => o.kind === 'NetworkPolicy' && o.metadata.name === 'thanos-receive-router',
    );
    const rw = np?.spec.ingress
      .filter((r: Plain) => r.ports.some((p: Plain) => p.port === 19291))
      .flatMap((r: Plain) => r.from);
    expect(JSON.stringify(rw)).not.toContain('envoy-gateway-system');
    expect(JSON.stringify(rw)).toContain('gateway-system');
  });

  it('writes the Gateway URL with its port, and the tenant header where tenancy is by header', () => {
    const { r } = byEnv('gw');
    const frag = parse(r.tree.files.get('writers/alpha/prometheus.yml') ?? '');
    expect(frag.remote_write[0].url).toBe('https://rw.gw.example.com:8443/api/v1/receive');
    expect(frag.remote_write[0].headers).toEqual({ 'THANOS-TENANT': 'team-a' });
    const plain = parse(byEnv('plain').r.tree.files.get('writers/inside/prometheus.yml') ?? '');
    expect(plain.remote_write[0]).toEqual({
      name: 'thanos-plain',
      url: 'http://thanos-receive-router.thanos.svc.cluster.local:19291/api/v1/receive',
      headers: { 'THANOS-TENANT': 'team-b' },
    });
  });
});

const PROMTOOL_REQUIRED = process.env.CI === 'true';
const promtool = spawnSync('promtool', ['--version'], { encoding: 'utf8' });
const hasPromtool = !promtool.error && promtool.status === 0;

describe('promtool check config', () => {
  it.runIf(PROMTOOL_REQUIRED)('has promtool in CI', () => {
    expect(hasPromtool, 'promtool not found on PATH: apt-get install prometheus').toBe(true);
  });

  const fragments = rendered.flatMap((r) =>
    [...r.tree.files]
      .filter(([f]) => f.startsWith('writers/') && f.endsWith('/prometheus.yml'))
      .map(([f, text]) => ({ id: `${r.env}/${f}`, text })),
  );
  it('has fragments to check', () => expect(fragments.length).toBe(5));
  for (const { id, text } of fragments) {
    it.runIf(hasPromtool)(`accepts ${id}`, () => {
      const dir = tempDir('thanos-gitops-promtool-');
      const file = join(dir, id);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, text);
      const run = spawnSync('promtool', ['check', 'config', file], { encoding: 'utf8' });
      expect(run.status, `${run.stdout}${run.stderr}`).toBe(0);
    });
  }
});
