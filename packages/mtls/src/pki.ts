/**
 * The environment PKI, as cert-manager objects, in two trust domains that share no CA:
 * - the writers' domain (`remoteWrite.mtls.issuer`): the routers' remote-write server certificate, one client
 *   certificate per writer (its tenant in the subject's Organization) and one for the stateless ruler; the
 *   routers' client CA is this CA only;
 * - the internal domain (`remoteWrite.mtls.internalIssuer`, with `internal: true`): the certificate the internal
 *   gRPC servers serve and their clients present; the internal servers trust this CA only.
 * Each issuer is a bootstrapped private CA or a reference to an existing Issuer/ClusterIssuer.
 *
 * cert-manager generates every private key in the cluster; nothing here carries key material. Keys are
 * regenerated at every renewal (`rotationPolicy: Always`), and the pods mount whole Secrets (no subPath), so
 * the kubelet updates the files in place and Thanos picks up renewed certificates without a restart.
 */
import { Certificate } from '@kubernetes-models/cert-manager/cert-manager.io/v1/Certificate';
import type { ICertificateSpec } from '@kubernetes-models/cert-manager/cert-manager.io/v1/CertificateSpec';
import { Issuer } from '@kubernetes-models/cert-manager/cert-manager.io/v1/Issuer';
import { writerTarget } from '@thanos-gitops/input';
import { type Manifest, standardLabels } from '@thanos-gitops/manifests';
import { names, READERS, readersOn, serviceHost } from '@thanos-gitops/model';
import type { Environment } from '@thanos-gitops/schema';
import { FOLDER, pkiNames } from './names.js';

type Writer = Environment['remoteWrite']['writers'][number];

export function pkiLabels(env: Environment, component: string) {
  return standardLabels(env, {
    name: 'thanos-pki',
    instance: `thanos-${env.name}`,
    component,
    version: env.thanos.version,
  });
}

/** A PKI object's name and the `component` label it carries. */
interface PkiObjectProps {
  readonly name: string;
  readonly component: string;
}

function meta(env: Environment, { name, component }: PkiObjectProps) {
  return { name, namespace: env.namespace, labels: pkiLabels(env, component) };
}

/**
 * The trust domains: the writers' (remote-write), the internal one (component identity) and the readers' (the
 * read entry point's server certificate and the readers' client certificates).
 */
export type TrustDomain = 'writers' | 'internal' | 'readers';

type IssuerSetting = Environment['remoteWrite']['mtls']['internalIssuer'];

/** The issuer setting of a trust domain. */
export function domainIssuer(env: Environment, domain: TrustDomain): IssuerSetting | undefined {
  const m = env.remoteWrite.mtls;
  if (domain === 'readers') return env.readers.issuer;
  return domain === 'writers' ? m.issuer : m.internalIssuer;
}

/** The bootstrapped CA of a trust domain: its Certificate, Secret and CA Issuer, and its Common Name. */
export function bootstrapNames(env: Environment, domain: TrustDomain) {
  if (domain === 'readers') {
    return {
      certificate: pkiNames.readersCa,
      secret: pkiNames.readersCa,
      issuer: pkiNames.readersCa,
      cn: `thanos-${env.name} readers CA`,
    };
  }
  return domain === 'writers'
    ? {
        certificate: pkiNames.ca,
        secret: pkiNames.caSecret,
        issuer: pkiNames.caIssuer,
        cn: `thanos-${env.name} remote-write CA`,
      }
    : {
        certificate: pkiNames.internalCa,
        secret: pkiNames.internalCaSecret,
        issuer: pkiNames.internalCaIssuer,
        cn: `thanos-${env.name} internal CA`,
      };
}

/** The issuerRef of the leaf certificates of a trust domain. */
export function issuerRef(env: Environment, domain: TrustDomain): { name: string; kind: string; group: string } {
  const issuer = domainIssuer(env, domain);
  if (!issuer || issuer.kind === 'bootstrap') {
    return { name: bootstrapNames(env, domain).issuer, kind: 'Issuer', group: 'cert-manager.io' };
  }
  return { name: issuer.name ?? '', kind: issuer.kind, group: issuer.group };
}

function privateKey(env: Environment, rotation: 'Always' | 'Never' = 'Always') {
  const k = env.remoteWrite.mtls.keys;
  const size = k.size ?? (k.algorithm === 'ECDSA' ? 256 : 3072);
  return { algorithm: k.algorithm, size, encoding: 'PKCS8' as const, rotationPolicy: rotation };
}

/** Key usages of a leaf certificate: ECDSA keys sign only, RSA keys also encipher (TLS 1.2 key exchange). */
export function usages(env: Environment, auth: ('server auth' | 'client auth')[]): string[] {
  const base = env.remoteWrite.mtls.keys.algorithm === 'RSA' ? ['digital signature', 'key encipherment'] : [];
  return [...(base.length > 0 ? base : ['digital signature']), ...auth];
}

interface LeafProps extends PkiObjectProps {
  /** The trust domain whose issuer signs it. */
  readonly domain: TrustDomain;
  /** The Secret cert-manager writes the key pair into. */
  readonly secretName: string;
  /** What differs from the environment's issuer, lifetime and key: usages, names, subject. */
  readonly spec: Partial<ICertificateSpec>;
}

/** A certificate issued by its trust domain's issuer, with the environment's key settings and lifetime. */
function leaf(env: Environment, { name, secretName, component, domain, spec }: LeafProps) {
  const m = env.remoteWrite.mtls;
  return new Certificate({
    metadata: meta(env, { name, component }),
    spec: {
      secretName,
      secretTemplate: { labels: pkiLabels(env, component) },
      issuerRef: issuerRef(env, domain),
      duration: m.duration,
      renewBefore: m.renewBefore,
      privateKey: privateKey(env),
      ...spec,
    } as ICertificateSpec,
  });
}

/** The DNS names of the receive router inside the cluster: short, namespaced and fully qualified. */
export function routerServiceNames(env: Environment): string[] {
  const svc = names.router;
  return [svc, `${svc}.${env.namespace}`, `${svc}.${env.namespace}.svc`, serviceHost(env, svc)];
}

/** Names in the routers' server certificate: the public hostname first, then the in-cluster Service names. */
export function serverDnsNames(env: Environment): string[] {
  return [...(env.remoteWrite.hostname ? [env.remoteWrite.hostname] : []), ...routerServiceNames(env)];
}

/**
 * Names in the internal certificate: the one fixed name every internal client verifies (Query and the routers
 * reach servers by pod address but check this name), so no wildcard is needed.
 */
export function internalDnsNames(env: Environment): string[] {
  return [pkiNames.internalServerName(env)];
}

/** Writers that send to Thanos (and so get a client certificate). */
export function thanosWriters(env: Environment): Writer[] {
  return env.remoteWrite.writers.filter((_, i) => writerTarget(env, i) === 'thanos');
}

/** Whether the stateless ruler writes to the routers and so needs a client certificate of its own. */
export function rulerNeedsClientCert(env: Environment): boolean {
  return env.remoteWrite.mtls.enabled && env.ruler.enabled && env.ruler.mode === 'stateless' && env.receive.enabled;
}

/** The PKI: each trust domain's bootstrapped CA (when its issuer is `bootstrap`), then every leaf certificate. */
export function pkiManifests(env: Environment): Manifest[] {
  const m = env.remoteWrite.mtls;
  if (!m.enabled || !m.issuer || !env.receive.enabled) return [];
  const domains: TrustDomain[] = m.internal ? ['writers', 'internal'] : ['writers'];
  if (readersOn(env)) domains.push('readers');
  const bootstrapped = domains.filter((d) => domainIssuer(env, d)?.kind === 'bootstrap');
  const out: Manifest[] = bootstrapped.length > 0 ? [selfSignedIssuer(env)] : [];
  for (const d of bootstrapped) out.push(...bootstrapCa(env, d));
  return [...out, ...leafCertificates(env), ...readerCertificates(env)];
}

/** The DNS names of the read entry point: the public hostname first, then its in-cluster Service names. */
export function readersDnsNames(env: Environment): string[] {
  const svc = READERS.query;
  return [
    ...(env.readers.hostname ? [env.readers.hostname] : []),
    svc,
    `${svc}.${env.namespace}`,
    `${svc}.${env.namespace}.svc`,
    serviceHost(env, svc),
  ];
}

/** The read entry point's server certificate and one client certificate per reader, from the readers' CA. */
function readerCertificates(env: Environment): Manifest[] {
  if (!readersOn(env)) return [];
  const server = leaf(env, {
    name: READERS.serverCertificate,
    secretName: READERS.serverSecret,
    component: 'read-server',
    domain: 'readers',
    spec: {
      commonName: env.readers.hostname ?? serviceHost(env, READERS.query),
      dnsNames: readersDnsNames(env),
      usages: usages(env, ['server auth']),
    } as Partial<ICertificateSpec>,
  });
  return [server, ...env.readers.clients.map((r) => readerCertificate(env, r))].map((object) => ({
    component: FOLDER,
    object,
  }));
}

type Reader = Environment['readers']['clients'][number];

/** A reader's client certificate: its name as Common Name, its one tenant as Organization. */
export function readerCertificate(env: Environment, r: Reader): Certificate {
  return leaf(env, {
    name: pkiNames.reader(r.name),
    secretName: pkiNames.readerSecret(r.name),
    component: 'read-client',
    domain: 'readers',
    spec: {
      commonName: r.name,
      subject: { organizations: [r.tenant] },
      usages: usages(env, ['client auth']),
    } as Partial<ICertificateSpec>,
  });
}

/** The self-signed Issuer that signs each bootstrapped CA certificate (and nothing else). */
function selfSignedIssuer(env: Environment): Manifest {
  return {
    component: FOLDER,
    object: new Issuer({
      metadata: meta(env, { name: pkiNames.selfSigned, component: 'pki' }),
      spec: { selfSigned: {} },
    }),
  };
}

/** A trust domain's CA certificate, signed by the self-signed Issuer, and the CA Issuer its leaves use. */
function bootstrapCa(env: Environment, domain: TrustDomain): Manifest[] {
  const n = bootstrapNames(env, domain);
  const issuer = domainIssuer(env, domain);
  return [
    {
      component: FOLDER,
      object: new Certificate({
        metadata: meta(env, { name: n.certificate, component: 'pki' }),
        spec: {
          isCA: true,
          commonName: n.cn,
          subject: { organizations: ['thanos-gitops'] },
          secretName: n.secret,
          secretTemplate: { labels: pkiLabels(env, 'pki') },
          duration: issuer?.caDuration,
          // Keep the CA key across renewals: a new key would invalidate every certificate it signed at once (for
          // the writers' CA, the client certificates in the writer clusters, until each is reissued and copied).
          privateKey: privateKey(env, 'Never'),
          usages: ['cert sign', 'crl sign', 'digital signature'],
          issuerRef: { name: pkiNames.selfSigned, kind: 'Issuer', group: 'cert-manager.io' },
        },
      }),
    },
    {
      component: FOLDER,
      object: new Issuer({
        metadata: meta(env, { name: n.issuer, component: 'pki' }),
        spec: { ca: { secretName: n.secret } },
      }),
    },
  ];
}

/** The routers' server certificate, one client certificate per writer and for the ruler, the internal one. */
function leafCertificates(env: Environment): Manifest[] {
  const out: Manifest[] = [];
  out.push({
    component: FOLDER,
    object: leaf(env, {
      name: pkiNames.server,
      secretName: pkiNames.serverSecret,
      component: 'remote-write-server',
      domain: 'writers',
      spec: {
        commonName: env.remoteWrite.hostname ?? serviceHost(env, names.router),
        dnsNames: serverDnsNames(env),
        usages: usages(env, ['server auth']),
      } as Partial<ICertificateSpec>,
    }),
  });
  for (const w of thanosWriters(env)) out.push({ component: FOLDER, object: writerCertificate(env, w) });
  if (rulerNeedsClientCert(env)) {
    out.push({
      component: FOLDER,
      object: leaf(env, {
        name: pkiNames.ruler,
        secretName: pkiNames.rulerSecret,
        component: 'remote-write-client',
        domain: 'writers',
        spec: {
          commonName: names.ruler,
          subject: { organizations: [env.receive.defaultTenant] },
          usages: usages(env, ['client auth']),
        } as Partial<ICertificateSpec>,
      }),
    });
  }
  if (env.remoteWrite.mtls.internal) {
    out.push({
      component: FOLDER,
      object: leaf(env, {
        name: pkiNames.internal,
        secretName: pkiNames.internalSecret,
        component: 'internal',
        domain: 'internal',
        spec: {
          commonName: pkiNames.internalServerName(env),
          dnsNames: internalDnsNames(env),
          usages: usages(env, ['server auth', 'client auth']),
        } as Partial<ICertificateSpec>,
      }),
    });
  }
  return out;
}

/** A writer's client certificate: its name as Common Name, its tenant as Organization. */
export function writerCertificate(env: Environment, w: Writer): Certificate {
  return leaf(env, {
    name: pkiNames.writer(w.name),
    secretName: pkiNames.writerSecret(w.name),
    component: 'remote-write-client',
    domain: 'writers',
    spec: {
      commonName: w.name,
      subject: { organizations: [w.tenant] },
      usages: usages(env, ['client auth']),
    } as Partial<ICertificateSpec>,
  });
}
