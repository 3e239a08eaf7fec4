/** The readers' trust domain, their certificates, the read exposure and the per-reader Grafana datasource. */
import { toPlain } from '@thanos-gitops/manifests';
import type { Environment } from '@thanos-gitops/schema';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  grafanaDatasource,
  outsideFiles,
  pkiManifests,
  readerExternalSecret,
  readerFiles,
  readerSecretDir,
  readersExposureManifests,
} from '../src/index.js';
import { envOf, MTLS } from './helpers.js';

type Plain = Record<string, any>;

const READERS = `readers:
  hostname: read.example.com
  exposure: { type: loadBalancer, sourceCIDRs: [10.0.0.0/16] }
  clients:
    - { name: grafana-a, tenant: team-a, cluster: a-eu }
    - { name: grafana-b, tenant: team-b, cluster: b-us }
`;

const readersEnv = () => envOf(`${MTLS}${READERS}`);
const pkiOf = () => pkiManifests(readersEnv()).map((m) => toPlain(m.object) as Plain);
const certIn = (pki: Plain[], name: string) =>
  pki.find((o) => o.kind === 'Certificate' && o.metadata.name === name) as Plain;

describe("the readers' trust domain", () => {
  it('has a CA of its own that signs the entry point and one client certificate per reader, and nothing else', () => {
    const pki = pkiOf();
    const cert = (name: string) => certIn(pki, name);
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
    const pki = pkiOf();
    const cert = (name: string) => certIn(pki, name);
    const a = cert('thanos-reader-grafana-a');
    expect(a.spec.subject.organizations).toEqual(['team-a']);
    expect(a.spec.usages).toEqual(['digital signature', 'client auth']);
    expect(cert('thanos-query-readers').spec.dnsNames[0]).toBe('read.example.com');
    expect(cert('thanos-query-readers').spec.usages).toEqual(['digital signature', 'server auth']);
  });

  it('issues no reader certificate from the writers CA, and no writer certificate from the readers CA', () => {
    const pki = pkiOf();
    for (const c of pki.filter((o) => o.kind === 'Certificate' && o.metadata.name.startsWith('thanos-writer-'))) {
      expect(c.spec.issuerRef.name).toBe('thanos-ca');
    }
  });

  it('exposes the read entry point through an NLB limited to the source ranges', () => {
    const env = readersEnv();
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
  it('points at the public URL with TLS client auth from the mounted Secret files, never key material', () => {
    const { files } = outsideFiles(readersEnv(), 'environments/t.yaml');
    const text = files.get('readers/grafana-a/grafana-datasource.yaml') ?? '';
    const ds = parse(text).datasources[0];
    expect(ds.url).toBe('https://read.example.com');
    expect(ds.jsonData).toMatchObject({ tlsAuth: true, tlsAuthWithCACert: true });
    expect(ds.secureJsonData.tlsClientKey).toBe('$__file{/etc/grafana/secrets/thanos-reader-grafana-a-tls/tls.key}');
    expect(text).not.toMatch(/BEGIN [A-Z ]*PRIVATE KEY/);
    expect(text).toContain('reads tenant team-a');
  });

  it('is written beside the writers files, one per reader', () => {
    const { files } = outsideFiles(readersEnv(), 'environments/t.yaml');
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

describe("a reader's files, each rendered for itself", () => {
  it('are one Prometheus datasource on the public URL, TLS client auth from the files, not editable', () => {
    const env = readersEnv();
    const r = env.readers.clients[0] as Environment['readers']['clients'][number];
    expect(readerSecretDir(r)).toBe('/etc/grafana/secrets/thanos-reader-grafana-a-tls');
    expect(grafanaDatasource(env, r)).toEqual({
      apiVersion: 1,
      datasources: [
        {
          name: 'Thanos t (team-a)',
          uid: 'thanos-t-grafana-a',
          type: 'prometheus',
          access: 'proxy',
          url: 'https://read.example.com',
          jsonData: { tlsAuth: true, tlsAuthWithCACert: true, prometheusType: 'Thanos', httpMethod: 'POST' },
          secureJsonData: {
            tlsCACert: '$__file{/etc/grafana/secrets/thanos-reader-grafana-a-tls/ca.crt}',
            tlsClientCert: '$__file{/etc/grafana/secrets/thanos-reader-grafana-a-tls/tls.crt}',
            tlsClientKey: '$__file{/etc/grafana/secrets/thanos-reader-grafana-a-tls/tls.key}',
          },
          editable: false,
        },
      ],
    });
  });

  it('verify the in-cluster Service name without an exposure, and keep the uid within 40 characters', () => {
    const env = envOf(
      `${MTLS}readers:\n  clients:\n    - { name: grafana-with-a-rather-long-name-x, tenant: team-a, cluster: a }\n`,
    );
    const r = env.readers.clients[0] as Environment['readers']['clients'][number];
    const [ds] = grafanaDatasource(env, r).datasources as Plain[];
    expect(ds?.url).toBe('https://thanos-query-readers.thanos.svc.cluster.local:10902');
    expect(ds?.jsonData.serverName).toBe('thanos-query-readers.thanos.svc');
    expect(ds?.uid).toBe('thanos-t-grafana-with-a-rather-long-name-'.slice(0, 40));
    expect(ds?.uid).toHaveLength(40);
  });

  it('verify the in-cluster Service name when the hostname is not exposed', () => {
    const env = envOf(
      `${MTLS}readers:\n  hostname: read.example.com\n  clients:\n    - { name: g, tenant: team-a, cluster: a }\n`,
    );
    const [ds] = grafanaDatasource(env, env.readers.clients[0] as never).datasources as Plain[];
    expect(ds?.url).toBe('https://thanos-query-readers.thanos.svc.cluster.local:10902');
    expect(ds?.jsonData.serverName).toBe('thanos-query-readers.thanos.svc');
  });

  it('say which Secret to mount where, issued where, for which tenant', () => {
    const { files, objects } = readerFiles(readersEnv(), 'environments/t.yaml');
    const text = files.get('readers/grafana-b/grafana-datasource.yaml') ?? '';
    expect(text).toContain('environments/t.yaml');
    expect(text).toContain('# Grafana "grafana-b" (cluster b-us) reads tenant team-b of Thanos t.');
    expect(text).toContain(
      '# A Grafana provisioning file (provisioning/datasources/); this file is not applied by Kustomize.',
    );
    expect(text).toContain(
      '# Mount Secret thanos-reader-grafana-b-tls (ca.crt, tls.crt, tls.key), issued in namespace\n' +
        '# thanos of cluster c, at /etc/grafana/secrets/thanos-reader-grafana-b-tls.',
    );
    expect(parse(text).datasources[0].uid).toBe('thanos-t-grafana-b');
    expect(objects).toEqual([]);
    expect(files.has('readers/grafana-b/external-secret.yaml')).toBe(false);
  });

  it('copy the client Secret with an ExternalSecret when asked', () => {
    const env = envOf(`${MTLS}  externalSecrets: { enabled: true, storeName: pki }\n${READERS}`);
    const { files, objects } = readerFiles(env, 'e.yaml');
    expect(objects.map((o) => o.metadata?.name)).toEqual([
      'thanos-reader-grafana-a-tls',
      'thanos-reader-grafana-b-tls',
    ]);
    const es = parse(files.get('readers/grafana-a/external-secret.yaml') ?? '');
    expect(es).toEqual(toPlain(readerExternalSecret(env, env.readers.clients[0] as never)));
    expect(es.metadata).toMatchObject({ name: 'thanos-reader-grafana-a-tls', namespace: 'monitoring' });
    expect(es.metadata.labels['app.kubernetes.io/component']).toBe('read-client');
    expect(es.spec).toEqual({
      refreshInterval: env.remoteWrite.externalSecrets.refreshInterval,
      secretStoreRef: { kind: 'ClusterSecretStore', name: 'pki' },
      target: { name: 'thanos-reader-grafana-a-tls', creationPolicy: 'Owner' },
      dataFrom: [{ extract: { key: 'thanos-reader-grafana-a-tls' } }],
    });
  });

  it('are none without mTLS', () => {
    const env = structuredClone(readersEnv());
    env.remoteWrite.mtls.enabled = false;
    expect(readerFiles(env, 'e.yaml')).toEqual({ files: new Map(), objects: [] });
  });
});

describe('the files for other clusters', () => {
  it("carry the writers' and the readers' objects, for validation", () => {
    const env = envOf(`${MTLS}  externalSecrets: { enabled: true, storeName: pki }\n${READERS}`);
    const { objects } = outsideFiles(env, 'e.yaml');
    expect(objects.map((o) => `${o.kind}/${o.metadata?.name}`)).toEqual([
      'Prometheus/k8s',
      'ExternalSecret/thanos-writer-alpha-tls',
      'Prometheus/k8s',
      'ExternalSecret/thanos-writer-beta-tls',
      'ExternalSecret/thanos-reader-grafana-a-tls',
      'ExternalSecret/thanos-reader-grafana-b-tls',
    ]);
  });
});
