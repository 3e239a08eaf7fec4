/** The readers' trust domain, their certificates, the read exposure and the per-reader Grafana datasource. */
import { toPlain } from '@thanos-gitops/manifests';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { outsideFiles, pkiManifests, readersExposureManifests } from '../src/index.js';
import { envOf, MTLS } from './helpers.js';

type Plain = Record<string, any>;

const READERS = `readers:
  hostname: read.example.com
  exposure: { type: loadBalancer, sourceCIDRs: [10.0.0.0/16] }
  clients:
    - { name: grafana-a, tenant: team-a, cluster: a-eu }
    - { name: grafana-b, tenant: team-b, cluster: b-us }
`;

const env = envOf(`${MTLS}${READERS}`);
const pki = pkiManifests(env).map((m) => toPlain(m.object) as Plain);
const cert = (name: string) => pki.find((o) => o.kind === 'Certificate' && o.metadata.name === name) as Plain;

describe("the readers' trust domain", () => {
  it('has a CA of its own that signs the entry point and one client certificate per reader, and nothing else', () => {
    const signedByReaders = pki.filter(
      (o) => o.kind === 'Certificate' && o.spec.issuerRef.name === 'thanos-readers-ca',
    );
    expect(signedByReaders.map((c) => c.metadata.name).sort()).toEqual([
      'thanos-query-readers',
      'thanos-reader-grafana-a',
      'thanos-reader-grafana-b',
    ]);
    expect(cert('thanos-readers-ca').spec.issuerRef.name).toBe('thanos-selfsigned');
    expect(cert('thanos-readers-ca').spec.secretName).not.toBe(cert('thanos-ca').spec.secretName);
  });

  it("puts the reader's one tenant in the Organization, for client auth only", () => {
    const a = cert('thanos-reader-grafana-a');
    expect(a.spec.subject.organizations).toEqual(['team-a']);
    expect(a.spec.usages).toEqual(['digital signature', 'client auth']);
    expect(cert('thanos-query-readers').spec.dnsNames[0]).toBe('read.example.com');
    expect(cert('thanos-query-readers').spec.usages).toEqual(['digital signature', 'server auth']);
  });

  it('issues no reader certificate from the writers CA, and no writer certificate from the readers CA', () => {
    for (const c of pki.filter((o) => o.kind === 'Certificate' && o.metadata.name.startsWith('thanos-writer-'))) {
      expect(c.spec.issuerRef.name).toBe('thanos-ca');
    }
  });

  it('exposes the read entry point through an NLB limited to the source ranges', () => {
    const [svc] = readersExposureManifests(env).map((m) => toPlain(m.object) as Plain);
    expect(svc?.metadata.name).toBe('thanos-query-readers-external');
    expect(svc?.spec.loadBalancerSourceRanges).toEqual(['10.0.0.0/16']);
    expect(svc?.spec.selector).toEqual({
      'app.kubernetes.io/name': 'thanos-query',
      'app.kubernetes.io/instance': 'thanos-query-readers',
    });
  });
});

describe("each reader's Grafana datasource", () => {
  const { files } = outsideFiles(env, 'environments/t.yaml');
  const text = files.get('readers/grafana-a/grafana-datasource.yaml') ?? '';
  const ds = parse(text).datasources[0];

  it('points at the public URL with TLS client auth from the mounted Secret files, never key material', () => {
    expect(ds.url).toBe('https://read.example.com');
    expect(ds.jsonData).toMatchObject({ tlsAuth: true, tlsAuthWithCACert: true });
    expect(ds.secureJsonData.tlsClientKey).toBe('$__file{/etc/grafana/secrets/thanos-reader-grafana-a-tls/tls.key}');
    expect(text).not.toMatch(/BEGIN [A-Z ]*PRIVATE KEY/);
    expect(text).toContain('reads tenant team-a');
  });

  it('is written beside the writers files, one per reader', () => {
    expect([...files.keys()].filter((f) => f.startsWith('readers/')).sort()).toEqual([
      'readers/grafana-a/grafana-datasource.yaml',
      'readers/grafana-b/grafana-datasource.yaml',
    ]);
  });

  it('contributes nothing without readers', () => {
    const none = envOf(MTLS);
    expect(readersExposureManifests(none)).toEqual([]);
    expect([...outsideFiles(none, 'environments/t.yaml').files.keys()].some((f) => f.startsWith('readers/'))).toBe(
      false,
    );
  });
});
