/**
 * The PKI's certificates asserted field by field (key, lifetime, names, issuer, labels), each test rendering for
 * itself (per-test coverage under StrykerJS).
 */
import { toPlain } from '@thanos-gitops/manifests';
import type { Environment } from '@thanos-gitops/schema';
import { describe, expect, it } from 'vitest';
import {
  bootstrapNames,
  domainIssuer,
  issuerRef,
  pkiManifests,
  pkiNames,
  readersDnsNames,
  routerServiceNames,
  rulerNeedsClientCert,
  serverDnsNames,
  thanosWriters,
  usages,
} from '../src/index.js';
import { pkiLabels } from '../src/pki.js';
import { envOf, MTLS } from './helpers.js';

type Plain = Record<string, any>;
const objectsOf = (env: Environment) => pkiManifests(env).map((m) => toPlain(m.object) as Plain);
const cert = (objects: Plain[], name: string) => {
  const c = objects.find((o) => o.kind === 'Certificate' && o.metadata.name === name);
  if (!c) throw new Error(`no Certificate ${name}`);
  return c;
};
const withIssuer = (line: string) =>
  MTLS.replace('    issuer: { kind: bootstrap }\n', `    issuer: { kind: bootstrap }\n${line}`);
const INTERNAL = withIssuer('    internal: true\n');
const READERS = `readers:
  clients:
    - { name: grafana-a, tenant: team-a, cluster: a-eu }
`;
const STATELESS = 'ruler: { enabled: true, mode: stateless }\n';

describe('labels and names', () => {
  it('labels every PKI object as part of the thanos-pki of the environment, by component', () => {
    const env = envOf(MTLS);
    expect(pkiLabels(env, 'pki')).toMatchObject({
      'app.kubernetes.io/name': 'thanos-pki',
      'app.kubernetes.io/instance': 'thanos-t',
      'app.kubernetes.io/component': 'pki',
      'app.kubernetes.io/version': env.thanos.version,
    });
    for (const o of objectsOf(env)) {
      expect(o.metadata.namespace).toBe('thanos');
      expect(o.metadata.labels['app.kubernetes.io/name']).toBe('thanos-pki');
    }
    const server = cert(objectsOf(env), pkiNames.server);
    expect(server.metadata.labels['app.kubernetes.io/component']).toBe('remote-write-server');
    expect(server.spec.secretTemplate).toEqual({ labels: server.metadata.labels });
  });

  it('names each bootstrapped CA and its Common Name by domain', () => {
    const env = envOf(MTLS);
    expect(bootstrapNames(env, 'writers')).toEqual({
      certificate: 'thanos-ca',
      secret: 'thanos-ca',
      issuer: 'thanos-ca',
      cn: 'thanos-t remote-write CA',
    });
    expect(bootstrapNames(env, 'internal')).toEqual({
      certificate: 'thanos-internal-ca',
      secret: 'thanos-internal-ca',
      issuer: 'thanos-internal-ca',
      cn: 'thanos-t internal CA',
    });
    expect(bootstrapNames(env, 'readers')).toEqual({
      certificate: 'thanos-readers-ca',
      secret: 'thanos-readers-ca',
      issuer: 'thanos-readers-ca',
      cn: 'thanos-t readers CA',
    });
  });

  it('names the router Service short, namespaced, in the cluster domain; the hostname first when set', () => {
    const env = envOf(MTLS);
    const names = [
      'thanos-receive-router',
      'thanos-receive-router.thanos',
      'thanos-receive-router.thanos.svc',
      'thanos-receive-router.thanos.svc.cluster.local',
    ];
    expect(routerServiceNames(env)).toEqual(names);
    expect(serverDnsNames(env)).toEqual(['rw.example.com', ...names]);
    const noHost = envOf(MTLS.replace('  hostname: rw.example.com\n', ''));
    expect(serverDnsNames(noHost)).toEqual(names);
    expect(cert(objectsOf(noHost), pkiNames.server).spec.commonName).toBe(
      'thanos-receive-router.thanos.svc.cluster.local',
    );
    expect(cert(objectsOf(env), pkiNames.server).spec.commonName).toBe('rw.example.com');
  });

  it("names the read entry point's Service the same way, its hostname first when set", () => {
    const names = [
      'thanos-query-readers',
      'thanos-query-readers.thanos',
      'thanos-query-readers.thanos.svc',
      'thanos-query-readers.thanos.svc.cluster.local',
    ];
    const inCluster = envOf(`${MTLS}${READERS}`);
    expect(readersDnsNames(inCluster)).toEqual(names);
    const server = cert(objectsOf(inCluster), 'thanos-query-readers');
    expect(server.spec.commonName).toBe('thanos-query-readers.thanos.svc.cluster.local');
    expect(server.spec.dnsNames).toEqual(names);
    const hosted = envOf(`${MTLS}${READERS}  hostname: read.example.com\n`);
    expect(readersDnsNames(hosted)).toEqual(['read.example.com', ...names]);
    expect(cert(objectsOf(hosted), 'thanos-query-readers').spec.commonName).toBe('read.example.com');
  });
});

describe('issuers', () => {
  it("takes each domain's issuer setting", () => {
    const env = envOf(withIssuer('    internal: true\n    internalIssuer: { kind: Issuer, name: mesh }\n') + READERS);
    expect(domainIssuer(env, 'writers')).toEqual(env.remoteWrite.mtls.issuer);
    expect(domainIssuer(env, 'internal')).toEqual(env.remoteWrite.mtls.internalIssuer);
    expect(domainIssuer(env, 'readers')).toEqual(env.readers.issuer);
    expect(domainIssuer(env, 'internal')?.name).toBe('mesh');
  });

  it('refers to the CA Issuer of a bootstrapped domain, else to the existing issuer with its group', () => {
    const env = envOf(
      MTLS.replace(
        'issuer: { kind: bootstrap }',
        'issuer: { kind: ClusterIssuer, name: pca, group: awspca.cert-manager.io }',
      ),
    );
    expect(issuerRef(env, 'writers')).toEqual({ name: 'pca', kind: 'ClusterIssuer', group: 'awspca.cert-manager.io' });
    expect(issuerRef(envOf(MTLS), 'writers')).toEqual({ name: 'thanos-ca', kind: 'Issuer', group: 'cert-manager.io' });
    const bare = structuredClone(envOf(MTLS));
    bare.remoteWrite.mtls.issuer = undefined;
    expect(issuerRef(bare, 'writers')).toEqual({ name: 'thanos-ca', kind: 'Issuer', group: 'cert-manager.io' });
  });
});

describe('keys and usages', () => {
  it('sign only with ECDSA, sign and encipher with RSA, then the auths asked', () => {
    expect(usages(envOf(MTLS), ['server auth', 'client auth'])).toEqual([
      'digital signature',
      'server auth',
      'client auth',
    ]);
    const rsa = envOf(withIssuer('    keys: { algorithm: RSA }\n'));
    expect(usages(rsa, ['client auth'])).toEqual(['digital signature', 'key encipherment', 'client auth']);
  });

  it('gives leaves a PKCS8 key rotated at every renewal, of the size asked or the default of the algorithm', () => {
    const key = (env: Environment) => cert(objectsOf(env), pkiNames.server).spec.privateKey;
    expect(key(envOf(MTLS))).toEqual({ algorithm: 'ECDSA', size: 256, encoding: 'PKCS8', rotationPolicy: 'Always' });
    expect(key(envOf(withIssuer('    keys: { algorithm: RSA }\n')))).toEqual({
      algorithm: 'RSA',
      size: 3072,
      encoding: 'PKCS8',
      rotationPolicy: 'Always',
    });
    expect(key(envOf(withIssuer('    keys: { algorithm: ECDSA, size: 384 }\n'))).size).toBe(384);
  });

  it('gives leaves the lifetime set', () => {
    const env = envOf(withIssuer('    duration: 48h\n    renewBefore: 12h\n'));
    expect(cert(objectsOf(env), pkiNames.writer('alpha')).spec).toMatchObject({ duration: '48h', renewBefore: '12h' });
  });
});

describe('a bootstrapped CA', () => {
  it('is a CA certificate signed by the self-signed Issuer, keeping its key, for the CA lifetime', () => {
    const env = envOf(
      withIssuer('').replace('issuer: { kind: bootstrap }', 'issuer: { kind: bootstrap, caDuration: 43800h }'),
    );
    const ca = cert(objectsOf(env), pkiNames.ca);
    expect(ca.metadata.labels['app.kubernetes.io/component']).toBe('pki');
    expect(ca.spec).toEqual({
      isCA: true,
      commonName: 'thanos-t remote-write CA',
      subject: { organizations: ['thanos-gitops'] },
      secretName: 'thanos-ca',
      secretTemplate: { labels: ca.metadata.labels },
      duration: '43800h',
      privateKey: { algorithm: 'ECDSA', size: 256, encoding: 'PKCS8', rotationPolicy: 'Never' },
      usages: ['cert sign', 'crl sign', 'digital signature'],
      issuerRef: { name: 'thanos-selfsigned', kind: 'Issuer', group: 'cert-manager.io' },
    });
  });

  it('comes first with the self-signed Issuer, then the CA Issuer, then the leaves', () => {
    const objects = objectsOf(envOf(MTLS));
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([
      'Issuer/thanos-selfsigned',
      'Certificate/thanos-ca',
      'Issuer/thanos-ca',
      'Certificate/thanos-remote-write',
      'Certificate/thanos-writer-alpha',
      'Certificate/thanos-writer-beta',
    ]);
    expect(objects.find((o) => o.kind === 'Issuer' && o.metadata.name === 'thanos-ca')?.spec).toEqual({
      ca: { secretName: 'thanos-ca' },
    });
    expect(pkiManifests(envOf(MTLS)).every((m) => m.component === 'remote-write')).toBe(true);
  });

  it("is bootstrapped for the readers' domain too, beside existing writers and internal issuers", () => {
    const env = envOf(
      MTLS.replace('issuer: { kind: bootstrap }', 'issuer: { kind: ClusterIssuer, name: vault }') + READERS,
    );
    const objects = objectsOf(env);
    expect(objects.filter((o) => o.kind === 'Issuer').map((o) => o.metadata.name)).toEqual([
      'thanos-selfsigned',
      'thanos-readers-ca',
    ]);
    expect(cert(objects, 'thanos-readers-ca').spec.commonName).toBe('thanos-t readers CA');
  });
});

describe('which certificates', () => {
  it('one per writer sending to Thanos, none for AMP writers', () => {
    const env = envOf(
      `${MTLS.replace('cluster: alpha-eu }', 'cluster: alpha-eu, target: amp }')}  amp: { workspaceId: ws-0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b, region: eu-west-1 }\n`,
    );
    expect(thanosWriters(env).map((w) => w.name)).toEqual(['beta']);
    const writer = cert(objectsOf(env), pkiNames.writer('beta'));
    expect(writer.metadata.labels['app.kubernetes.io/component']).toBe('remote-write-client');
    expect(writer.spec).toMatchObject({
      commonName: 'beta',
      subject: { organizations: ['team-b'] },
      secretName: 'thanos-writer-beta-tls',
      usages: ['digital signature', 'client auth'],
    });
  });

  it('one for the stateless ruler writing to the routers, as the default tenant', () => {
    const env = envOf(MTLS + STATELESS);
    expect(rulerNeedsClientCert(env)).toBe(true);
    const ruler = cert(objectsOf(env), pkiNames.ruler);
    expect(ruler.metadata.labels['app.kubernetes.io/component']).toBe('remote-write-client');
    expect(ruler.spec).toMatchObject({
      commonName: 'thanos-rule',
      subject: { organizations: [env.receive.defaultTenant] },
      secretName: 'thanos-rule-remote-write-tls',
      usages: ['digital signature', 'client auth'],
      issuerRef: { name: 'thanos-ca', kind: 'Issuer', group: 'cert-manager.io' },
    });
  });

  it('none for a stateful or disabled ruler, nor without mTLS or receive', () => {
    expect(rulerNeedsClientCert(envOf(`${MTLS}ruler: { enabled: true, mode: stateful }\n`))).toBe(false);
    expect(rulerNeedsClientCert(envOf(`${MTLS}ruler: { enabled: false, mode: stateless }\n`))).toBe(false);
    const off = structuredClone(envOf(MTLS + STATELESS));
    off.remoteWrite.mtls.enabled = false;
    expect(rulerNeedsClientCert(off)).toBe(false);
    const noReceive = structuredClone(envOf(MTLS + STATELESS));
    noReceive.receive.enabled = false;
    expect(rulerNeedsClientCert(noReceive)).toBe(false);
    expect(
      objectsOf(envOf(`${MTLS}ruler: { enabled: true, mode: stateful }\n`)).map((o) => o.metadata.name),
    ).not.toContain(pkiNames.ruler);
  });

  it('the internal one, from the internal domain, labelled internal', () => {
    const internal = cert(objectsOf(envOf(INTERNAL)), pkiNames.internal);
    expect(internal.metadata.labels['app.kubernetes.io/component']).toBe('internal');
    expect(internal.spec).toMatchObject({
      commonName: 'thanos-internal.thanos.svc',
      secretName: 'thanos-internal-tls',
      issuerRef: { name: 'thanos-internal-ca', kind: 'Issuer', group: 'cert-manager.io' },
    });
  });

  it("the readers' entry point and clients, labelled by their role", () => {
    const objects = objectsOf(envOf(`${MTLS}${READERS}`));
    expect(cert(objects, 'thanos-query-readers').metadata.labels['app.kubernetes.io/component']).toBe('read-server');
    expect(cert(objects, 'thanos-query-readers').spec.secretName).toBe('thanos-query-readers-tls');
    const client = cert(objects, pkiNames.reader('grafana-a'));
    expect(client.metadata.labels['app.kubernetes.io/component']).toBe('read-client');
    expect(client.spec).toMatchObject({ commonName: 'grafana-a', secretName: 'thanos-reader-grafana-a-tls' });
  });

  it('none at all without mTLS, without an issuer or without receive', () => {
    expect(pkiManifests(envOf(MTLS.replace('    enabled: true\n', '    enabled: false\n')))).toEqual([]);
    const noIssuer = structuredClone(envOf(MTLS));
    noIssuer.remoteWrite.mtls.issuer = undefined;
    expect(pkiManifests(noIssuer)).toEqual([]);
    const noReceive = structuredClone(envOf(MTLS));
    noReceive.receive.enabled = false;
    expect(pkiManifests(noReceive)).toEqual([]);
  });

  it('no self-signed Issuer when no domain is bootstrapped', () => {
    const env = envOf(MTLS.replace('issuer: { kind: bootstrap }', 'issuer: { kind: ClusterIssuer, name: vault }'));
    expect(objectsOf(env).map((o) => o.kind)).toEqual(['Certificate', 'Certificate', 'Certificate']);
  });
});
