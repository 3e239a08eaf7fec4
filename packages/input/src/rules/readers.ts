/**
 * Rules of the `readers` section: the PKI it needs, a trust domain of its own (not the writers' nor the internal
 * issuer), an exposure that can work, and readers with unique names and tenants that exist.
 */
import type { FieldPath, ProblemSink } from '@thanos-gitops/problems';
import type { Environment } from '@thanos-gitops/schema';
import { cidrRules } from './environment.js';
import { tenantIsKnown } from './remote-write.js';

type IssuerSetting = Environment['readers']['issuer'];

const same = (a: IssuerSetting | undefined, b: IssuerSetting) =>
  a !== undefined && a.kind !== 'bootstrap' && a.kind === b.kind && a.name === b.name && a.group === b.group;

/** The readers' issuer: named when existing, and neither the writers' nor the internal one. */
function readersIssuerRules(env: Environment, sink: ProblemSink): void {
  const i = env.readers.issuer;
  const m = env.remoteWrite.mtls;
  if (i.kind !== 'bootstrap' && i.name === undefined) {
    sink.report(['readers', 'issuer', 'kind'], `an existing ${i.kind} needs its name`);
  }
  if (i.kind === 'bootstrap' && i.name !== undefined) {
    sink.report(
      ['readers', 'issuer', 'name'],
      'a bootstrapped CA is named thanos-readers-ca by the generator: remove name, or set kind to Issuer or ClusterIssuer',
    );
  }
  const other = same(m.issuer, i)
    ? "writers' issuer"
    : m.internal && same(m.internalIssuer, i)
      ? 'internal issuer'
      : '';
  if (other) {
    sink.report(
      ['readers', 'issuer'],
      `is the ${other} too (${i.kind} ${i.name}): the read entry point would accept its client certificates ` +
        '(a writer could read, or a component read as the tenant in its Organization); give the readers their ' +
        'own CA ({kind: bootstrap}, or another issuer)',
    );
  }
}

/** An exposure needs a hostname, a Gateway with `gateway`, and addresses to let in with `loadBalancer`. */
function readersExposureRules(env: Environment, sink: ProblemSink): void {
  const r = env.readers;
  const e = r.exposure;
  cidrRules(e.sourceCIDRs, ['readers', 'exposure', 'sourceCIDRs'], sink);
  if (e.type === 'none') return;
  if (!r.hostname) {
    sink.report(['readers', 'exposure', 'type'], `${e.type} needs readers.hostname (the server certificate's name)`);
  }
  if (e.type === 'gateway' && !e.gateway) {
    sink.report(['readers', 'exposure', 'gateway'], 'type gateway needs the Gateway: set readers.exposure.gateway');
  }
  if (e.type === 'loadBalancer' && e.sourceCIDRs.length === 0 && env.networkPolicies.enabled) {
    sink.report(
      ['readers', 'exposure', 'sourceCIDRs'],
      "lists no address: the NetworkPolicy would let no reader in through the NLB; list the readers' addresses " +
        "and the NLB's subnets",
    );
  }
}

/** Unique reader names, tenants the hashrings know. */
function readerListRules(env: Environment, sink: ProblemSink): void {
  const seen = new Map<string, number>();
  env.readers.clients.forEach((r, i) => {
    const at = (field: string): FieldPath => ['readers', 'clients', i, field];
    const first = seen.get(r.name);
    if (first !== undefined) sink.report(at('name'), `"${r.name}" is also reader ${first}: names must be unique`);
    else seen.set(r.name, i);
    if (env.receive.enabled && !tenantIsKnown(env, r.tenant)) {
      sink.report(
        at('tenant'),
        `"${r.tenant}" is no tenant of this environment: no hashring names it and it is not ` +
          `receive.defaultTenant (${env.receive.defaultTenant}), so this reader would see nothing`,
      );
    }
  });
}

/** The `readers` rules: only with readers listed. */
export function readersRules(env: Environment, sink: ProblemSink): void {
  if (env.readers.clients.length === 0) return;
  if (!env.remoteWrite.mtls.enabled || !env.remoteWrite.mtls.issuer || !env.receive.enabled) {
    sink.report(
      ['readers', 'clients'],
      'readers need the PKI: set remoteWrite.mtls.enabled: true with an issuer (and receive.enabled), whose ' +
        "keys and lifetimes the readers' certificates share",
    );
  }
  readersIssuerRules(env, sink);
  readersExposureRules(env, sink);
  readerListRules(env, sink);
}
