/**
 * The readers' entry point (`readers.clients`): a second Query that requires a client certificate of the readers'
 * CA, reads the tenant from it and enforces it, and a NetworkPolicy that lets only the readers in.
 */
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { argsOf, find, flagValues, type Rendered, render } from './support/render.js';

const MTLS = (minVersion = '1.3') => `remoteWrite:
  hostname: rw.example.com
  mtls: { enabled: true, issuer: { kind: bootstrap }, minVersion: '${minVersion}' }
  writers: [{ name: alpha, tenant: default-tenant, cluster: alpha-eu }]
`;
const CLIENTS = '  clients: [{ name: grafana-a, tenant: default-tenant, cluster: a-eu }]\n';

/** Renders mTLS with readers; `readers` is extra YAML under `readers:` (two spaces in). */
function withReaders(readers = '', extra = '', minVersion = '1.3'): Rendered {
  return render(`${MTLS(minVersion)}readers:\n${CLIENTS}${readers}${extra}`);
}

const READER_OBJECTS = ['thanos-query-readers', 'thanos-query-readers-web'];
const readerObjects = (r: Rendered) => r.objects.filter((o) => READER_OBJECTS.includes(o.metadata?.name));

describe('query readers', () => {
  it('renders nothing without readers, or without the PKI', () => {
    expect(readerObjects(render(MTLS()))).toEqual([]);
    expect(readerObjects(render())).toEqual([]);
  });

  it('runs Query with the web config, the tenant from the certificate Organization, enforced on its label', () => {
    const r = withReaders('  replicas: 3\n', 'receive: { tenantLabel: team }\n');
    const d = find(r, 'Deployment', 'thanos-query-readers');
    expect(d.spec.replicas).toBe(3);
    const args = argsOf(d);
    expect(args.slice(0, 1)).toEqual(['query']);
    expect(flagValues(args, 'http.config')).toEqual(['/etc/thanos/web/web-config.yaml']);
    expect(flagValues(args, 'query.tenant-certificate-field')).toEqual(['organization']);
    expect(args).toContain('--query.enforce-tenancy');
    expect(flagValues(args, 'query.tenant-label-name')).toEqual(['team']);
    // Query's own flags: the same endpoint file.
    expect(flagValues(args, 'endpoint.sd-config-file')).toEqual(['/etc/thanos/endpoints/endpoints.yaml']);
  });

  it('requires a client certificate of the readers CA, at the TLS version of remoteWrite.mtls', () => {
    const web = (r: Rendered) => parse(find(r, 'ConfigMap', 'thanos-query-readers-web').data['web-config.yaml']);
    expect(web(withReaders())).toEqual({
      tls_server_config: {
        cert_file: '/etc/thanos/tls/readers/tls.crt',
        key_file: '/etc/thanos/tls/readers/tls.key',
        client_ca_file: '/etc/thanos/tls/readers/ca.crt',
        client_auth_type: 'RequireAndVerifyClientCert',
        min_version: 'TLS13',
      },
    });
    expect(web(withReaders('', '', '1.2')).tls_server_config.min_version).toBe('TLS12');
  });

  it('mounts the endpoint file, its server certificate and its web config, and rolls when the config changes', () => {
    const r = withReaders();
    const d = find(r, 'Deployment', 'thanos-query-readers');
    const spec = d.spec.template.spec;
    expect(spec.volumes).toEqual(
      expect.arrayContaining([
        { name: 'endpoints', configMap: { name: 'thanos-query-endpoints' } },
        { name: 'readers-tls', secret: { secretName: 'thanos-query-readers-tls', defaultMode: 0o440 } },
        { name: 'web-config', configMap: { name: 'thanos-query-readers-web' } },
      ]),
    );
    const mounts = spec.containers[0].volumeMounts;
    expect(mounts).toEqual(
      expect.arrayContaining([
        { name: 'endpoints', mountPath: '/etc/thanos/endpoints', readOnly: true },
        { name: 'readers-tls', mountPath: '/etc/thanos/tls/readers', readOnly: true },
        { name: 'web-config', mountPath: '/etc/thanos/web', readOnly: true },
      ]),
    );
    expect(spec.serviceAccountName).toBe('thanos-query');
    const hash = (x: Rendered) =>
      find(x, 'Deployment', 'thanos-query-readers').spec.template.metadata.annotations['thanos-gitops/web-config-hash'];
    expect(hash(r)).toMatch(/^[0-9a-f]+$/);
    expect(hash(withReaders('', '', '1.2'))).not.toBe(hash(r));
  });

  it('is probed over TCP (the kubelet has no client certificate), and carries Query name label', () => {
    const d = find(withReaders(), 'Deployment', 'thanos-query-readers');
    const c = d.spec.template.spec.containers[0];
    expect(c.livenessProbe.tcpSocket).toEqual({ port: 'http' });
    expect(c.readinessProbe.tcpSocket).toEqual({ port: 'http' });
    expect(c.livenessProbe.httpGet).toBeUndefined();
    expect(d.spec.template.metadata.labels).toMatchObject({
      'app.kubernetes.io/name': 'thanos-query',
      'app.kubernetes.io/instance': 'thanos-query-readers',
    });
  });

  it('serves HTTPS on the HTTP port through the thanos-query-readers Service', () => {
    const svc = find(withReaders(), 'Service', 'thanos-query-readers');
    expect(svc.spec.ports).toEqual([expect.objectContaining({ name: 'https', port: 10902, targetPort: 'http' })]);
    expect(svc.spec.selector).toEqual({
      'app.kubernetes.io/name': 'thanos-query',
      'app.kubernetes.io/instance': 'thanos-query-readers',
    });
  });
});

describe('query readers: the NetworkPolicy', () => {
  const policy = (r: Rendered) => find(r, 'NetworkPolicy', 'thanos-query-readers');

  it('lets the source CIDRs in on the HTTP port only, selecting the readers pods', () => {
    const r = withReaders(
      '  exposure: { type: loadBalancer, sourceCIDRs: [10.0.0.0/16, 192.0.2.0/24] }\n  hostname: read.example.com\n',
    );
    const p = policy(r);
    expect(p.spec.podSelector).toEqual({
      matchLabels: { 'app.kubernetes.io/name': 'thanos-query', 'app.kubernetes.io/instance': 'thanos-query-readers' },
    });
    expect(p.spec.policyTypes).toEqual(['Ingress']);
    expect(p.spec.ingress).toEqual([
      {
        from: [{ ipBlock: { cidr: '10.0.0.0/16' } }, { ipBlock: { cidr: '192.0.2.0/24' } }],
        ports: [{ protocol: 'TCP', port: 10902 }],
      },
    ]);
  });

  it("lets a Gateway's namespace and its proxies' namespaces in, each once", () => {
    const r = withReaders(
      '  hostname: read.example.com\n  exposure:\n    type: gateway\n' +
        '    gateway: { name: public, namespace: gw, proxyNamespaces: [gw, envoy] }\n',
    );
    const ns = (name: string) => ({ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': name } } });
    expect(policy(r).spec.ingress).toEqual([
      { from: [ns('gw'), ns('envoy')], ports: [{ protocol: 'TCP', port: 10902 }] },
    ]);
  });

  it('lets nobody in without an exposure, and is absent without NetworkPolicies', () => {
    expect(policy(withReaders()).spec.ingress).toEqual([]);
    const off = withReaders('', 'networkPolicies: { enabled: false }\n');
    expect(off.objects.some((o) => o.kind === 'NetworkPolicy')).toBe(false);
    expect(find(off, 'Deployment', 'thanos-query-readers').spec.replicas).toBe(2);
  });
});

describe('query readers: the pod', () => {
  it('names its HTTP port, which the Service and the TCP probes point at', () => {
    const c = find(withReaders(), 'Deployment', 'thanos-query-readers').spec.template.spec.containers[0];
    expect(c.ports).toEqual([{ name: 'http', containerPort: 10902, protocol: 'TCP' }]);
  });

  it("reports a problem of query.extraArgs once, at Query's own path", () => {
    const r = render(`${MTLS()}readers:\n${CLIENTS}query: { extraArgs: ['--query.timeout=5m'] }\n`, {
      expectProblems: true,
    });
    expect(r.problems.map((p) => p.path)).toEqual([['query', 'extraArgs', 0]]);
  });

  it('lets no Gateway namespace in through a loadBalancer exposure, even with a gateway block left over', () => {
    const r = withReaders(
      '  hostname: read.example.com\n  exposure:\n    type: loadBalancer\n    sourceCIDRs: [10.0.0.0/16]\n' +
        '    gateway: { name: public, namespace: gw }\n',
    );
    expect(find(r, 'NetworkPolicy', 'thanos-query-readers').spec.ingress).toEqual([
      { from: [{ ipBlock: { cidr: '10.0.0.0/16' } }], ports: [{ protocol: 'TCP', port: 10902 }] },
    ]);
  });
});
