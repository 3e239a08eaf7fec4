/**
 * cert-manager, played by openssl: every rendered Certificate is issued locally as its spec says (subject,
 * DNS names, usages, key algorithm and size), by the CA its issuerRef names (an Issuer with `spec.ca.secretName`
 * signs with the CA Certificate writing that Secret; a `selfSigned` Issuer self-signs). The result is the
 * Secrets cert-manager would write: `tls.crt`, `tls.key`, `ca.crt`, by Secret name.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Plain } from './render.js';

const USAGE: Record<string, [kind: 'key' | 'ext', name: string]> = {
  'digital signature': ['key', 'digitalSignature'],
  'key encipherment': ['key', 'keyEncipherment'],
  'cert sign': ['key', 'keyCertSign'],
  'crl sign': ['key', 'cRLSign'],
  'server auth': ['ext', 'serverAuth'],
  'client auth': ['ext', 'clientAuth'],
};

function openssl(dir: string, args: string[]): string {
  const r = spawnSync('openssl', args, { cwd: dir, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`openssl ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

function keyArgs(spec: Plain): string[] {
  const key = spec.privateKey ?? {};
  if (key.algorithm === 'RSA') return ['-newkey', `rsa:${key.size ?? 2048}`];
  const curve = key.size === 384 ? 'P-384' : key.size === 521 ? 'P-521' : 'P-256';
  return ['-newkey', 'ec', '-pkeyopt', `ec_paramgen_curve:${curve}`];
}

function subjectOf(spec: Plain): string {
  const orgs = (spec.subject?.organizations ?? []).map((o: string) => `/O=${o}`).join('');
  return `${orgs}/CN=${spec.commonName ?? spec.dnsNames?.[0] ?? 'unnamed'}`;
}

function extensions(spec: Plain, extraSans: string[]): string {
  const usages = (spec.usages ?? ['digital signature', 'key encipherment']).map((u: string) => USAGE[u]);
  const key = usages.filter((u: [string, string] | undefined) => u?.[0] === 'key').map((u: [string, string]) => u[1]);
  const ext = usages.filter((u: [string, string] | undefined) => u?.[0] === 'ext').map((u: [string, string]) => u[1]);
  const sans = [...(spec.dnsNames ?? []).map((d: string) => `DNS:${d}`), ...extraSans];
  return [
    `basicConstraints=critical,CA:${spec.isCA ? 'TRUE' : 'FALSE'}`,
    `keyUsage=critical,${key.join(',')}`,
    ...(ext.length > 0 ? [`extendedKeyUsage=${ext.join(',')}`] : []),
    ...(sans.length > 0 ? [`subjectAltName=${sans.join(',')}`] : []),
  ].join('\n');
}

/** Issues one certificate into `dir/<name>.{crt,key}`, self-signed when `ca` is undefined. */
export function issue(dir: string, name: string, spec: Plain, ca?: string, extraSans: string[] = []): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${name}.ext`), `${extensions(spec, extraSans)}\n`);
  openssl(dir, [
    'req',
    '-new',
    ...keyArgs(spec),
    '-nodes',
    '-keyout',
    `${name}.key`,
    '-out',
    `${name}.csr`,
    '-subj',
    subjectOf(spec),
  ]);
  const signer = ca ? ['-CA', `${ca}.crt`, '-CAkey', `${ca}.key`, '-CAcreateserial'] : ['-signkey', `${name}.key`];
  openssl(dir, [
    'x509',
    '-req',
    '-in',
    `${name}.csr`,
    ...signer,
    '-days',
    '2',
    '-extfile',
    `${name}.ext`,
    '-out',
    `${name}.crt`,
  ]);
}

export interface SecretFiles {
  'tls.crt': string;
  'tls.key': string;
  'ca.crt': string;
}

/**
 * Issues every Certificate of `objects` in `dir`; returns the Secrets by name. `extraSans` adds subject
 * alternative names to a Certificate by name (none are needed when names resolve as in a cluster).
 */
export function issueAll(dir: string, objects: readonly Plain[]): Map<string, SecretFiles> {
  const certs = objects.filter((o) => o.kind === 'Certificate');
  const issuers = new Map(
    objects.filter((o) => o.kind === 'Issuer' || o.kind === 'ClusterIssuer').map((o) => [o.metadata.name, o]),
  );
  const secrets = new Map<string, SecretFiles>();
  const issueOne = (cert: Plain, depth = 0): void => {
    const secretName = cert.spec.secretName;
    if (secrets.has(secretName)) return;
    if (depth > 4) throw new Error(`issuer chain too long at Certificate ${cert.metadata.name}`);
    const issuer = issuers.get(cert.spec.issuerRef?.name);
    if (!issuer) throw new Error(`Certificate ${cert.metadata.name}: issuer ${cert.spec.issuerRef?.name} not rendered`);
    let caName: string | undefined;
    if (issuer.spec.ca) {
      const caCert = certs.find((c) => c.spec.secretName === issuer.spec.ca.secretName);
      if (!caCert)
        throw new Error(`Issuer ${issuer.metadata.name}: no Certificate writes ${issuer.spec.ca.secretName}`);
      issueOne(caCert, depth + 1);
      caName = issuer.spec.ca.secretName;
    } else if (!issuer.spec.selfSigned) {
      throw new Error(`Issuer ${issuer.metadata.name}: only CA and selfSigned issuers can be played locally`);
    }
    issue(dir, secretName, cert.spec, caName);
    const read = (f: string) => readFileSync(join(dir, f), 'utf8');
    const caCrt = caName ? read(`${caName}.crt`) : read(`${secretName}.crt`);
    secrets.set(secretName, {
      'tls.crt': read(`${secretName}.crt`),
      'tls.key': read(`${secretName}.key`),
      'ca.crt': caCrt,
    });
  };
  for (const cert of certs) issueOne(cert);
  return secrets;
}
