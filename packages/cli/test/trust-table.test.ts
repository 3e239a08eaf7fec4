/**
 * The environment README's "Who can reach what" table against the rendered objects it is read from: one row per
 * (peer, port) of every ingress rule of the generated NetworkPolicies, and a client certificate exactly where the
 * destination's flags give that port a client CA, naming the issuer of the trust domain it belongs to.
 */
import { trustRows } from '@thanos-gitops/operability';
import { describe, expect, it } from 'vitest';
import { renderEnvironments } from '../src/render.js';
import { type Plain, plainObjects } from './helpers.js';

const ENV = `name: trust
cluster: { name: c }
objectStorage: { provider: s3, bucket: acme-trust, region: eu-west-1 }
networkPolicies: { remoteWriteCIDRs: [198.51.100.0/24] }
remoteWrite:
  hostname: rw.trust.example.com
  mtls: { enabled: true, issuer: { kind: bootstrap }, internal: true }
  exposure: { type: loadBalancer }
  writers:
    - { name: alpha, tenant: default-tenant, cluster: alpha }
ruler: { enabled: true, mode: stateless, alertmanagers: [http://am.monitoring.svc:9093] }
readers:
  hostname: read.trust.example.com
  exposure: { type: gateway, gateway: { name: gw, namespace: gateways } }
  clients:
    - { name: grafana, tenant: default-tenant, cluster: g }
`;

const [rendered] = renderEnvironments([{ path: 'environments/trust.yaml', text: ENV }]);
if (!rendered) throw new Error('trust did not render');
const objects = plainObjects(rendered);
const rows = trustRows(objects);
const readme = rendered.tree.files.get('README.md') ?? '';

describe('who can reach what', () => {
  it('has one row per peer and port of every ingress rule of the NetworkPolicies', () => {
    const rules = objects
      .filter((o) => o.kind === 'NetworkPolicy' && Object.keys(o.spec.podSelector.matchLabels ?? {}).length > 0)
      .flatMap((np) =>
        (np.spec.ingress ?? []).flatMap((r: Plain) => r.ports.flatMap((p: Plain) => r.from.map(() => p.port))),
      );
    expect(rows.map((r) => r.port)).toEqual(rules);
    expect(rows.length).toBeGreaterThan(15);
  });

  it('names the internal CA on internal gRPC, the writers CA on remote-write, and none on plaintext ports', () => {
    const cred = (to: string, port: number) => [
      ...new Set(rows.filter((r) => r.to === to && r.port === port).map((r) => r.credential)),
    ];
    expect(cred('thanos-receive-router', 19291)).toEqual([
      'client certificate of Issuer thanos-ca, tenant = its Organization',
    ]);
    for (const to of ['thanos-receive-ingestor', 'thanos-store', 'thanos-rule']) {
      expect(cred(to, 10901), to).toEqual(['client certificate of Issuer thanos-internal-ca']);
    }
    expect(cred('thanos-query', 10902)).toEqual(['none']);
    expect(cred('thanos-query-frontend', 9090)).toEqual(['none']);
  });

  it("names the readers' CA and the tenant from the certificate on the read entry point, from its web config", () => {
    const readers = rows.filter((r) => r.to === 'thanos-query-readers');
    expect(readers.map((r) => `${r.from}:${r.port}`)).toEqual([
      'namespace gateways:10902',
      'namespace envoy-gateway-system:10902',
    ]);
    const web = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'thanos-query-readers-web');
    expect(web?.data['web-config.yaml']).toContain('client_auth_type: RequireAndVerifyClientCert');
    for (const r of readers) {
      expect(r.credential).toBe(
        'client certificate of Issuer thanos-readers-ca, reads only the tenant in its organization',
      );
    }
  });

  it('says none for the read entry point whose web config stops requiring a client certificate', () => {
    const weakened = objects.map((o) =>
      o.kind === 'ConfigMap' && o.metadata.name === 'thanos-query-readers-web'
        ? {
            ...o,
            data: {
              'web-config.yaml': o.data['web-config.yaml'].replace(
                'RequireAndVerifyClientCert',
                'VerifyClientCertIfGiven',
              ),
            },
          }
        : o,
    );
    const weak = trustRows(weakened).filter((r) => r.to === 'thanos-query-readers');
    expect(weak.map((r) => r.credential)).toEqual(['none', 'none']);
  });

  it('is in the README, row for row', () => {
    for (const r of rows) expect(readme).toContain(`| ${r.from} | ${r.to}:${r.port} | ${r.credential} |`);
  });
});
