/**
 * Rules of the `remoteWrite` section: an issuer when mTLS is on, an exposure that can work (a name to put in
 * the certificate, a Gateway, source ranges), writers with unique names and tenants the hashrings route, and
 * targets the generator can really configure.
 */
import { unhandled } from '@thanos-gitops/catalog';
import { parseDuration } from '@thanos-gitops/model';
import type { FieldPath, ProblemSink } from '@thanos-gitops/problems';
import type { Environment } from '@thanos-gitops/schema';
import { cidrRules } from './environment.js';
import { globMatches } from './tenant-glob.js';

/** The target a writer sends to: its own, else the environment's. */
export function writerTarget(env: Environment, index: number): 'thanos' | 'amp' | 'gmp' {
  // Stryker disable next-line OptionalChaining: every caller passes the index of an existing writer.
  return env.remoteWrite.writers[index]?.target ?? env.remoteWrite.target;
}

/** Whether the hashrings route `tenant` to a hashring that names it (exactly or by glob), or it is the default. */
export function tenantIsKnown(env: Environment, tenant: string): boolean {
  if (tenant === env.receive.defaultTenant) return true;
  return env.receive.hashrings.some((h) =>
    h.tenants.some((t) => {
      if (h.tenantMatcher === 'exact') return t === tenant;
      return globMatches(t, tenant);
    }),
  );
}

/** The `remoteWrite` rules, reported in this order: mTLS, exposure, AMP, then each writer. */
export function remoteWriteRules(env: Environment, sink: ProblemSink): void {
  const mtls = env.remoteWrite.mtls;
  issuerRules(mtls, sink);
  if (mtls.enabled) certificateDurationRules(mtls, sink);
  keySizeRule(mtls.keys, sink);
  exposureRules(env, sink);
  if (mtls.internal && !mtls.enabled) {
    sink.report(['remoteWrite', 'mtls', 'internal'], 'internal mTLS uses the environment CA: set mtls.enabled: true');
  }
  if (mtls.enabled && mtls.internal && !env.networkPolicies.enabled && !mtls.withoutNetworkPolicies) {
    sink.report(
      ['remoteWrite', 'mtls', 'internal'],
      'covers the gRPC flows only: with networkPolicies.enabled: false every pod of the cluster reaches the ' +
        "plaintext HTTP APIs (Query's and the frontend's read every tenant), metrics and memcached. Turn the " +
        'NetworkPolicies on, or acknowledge it with remoteWrite.mtls.withoutNetworkPolicies: true',
    );
  }
  cidrRules(env.remoteWrite.exposure.loadBalancer.healthCheckCIDRs, HEALTH_CHECK_CIDRS, sink);
  if (mtls.enabled && env.remoteWrite.externalSecrets.enabled) refreshRule(env, sink);
  if (env.remoteWrite.amp && env.remoteWrite.amp.accountId === undefined && env.identity?.aws === undefined) {
    sink.report(['remoteWrite', 'amp'], 'needs accountId (or identity.aws.accountId) to name the workspace ARN');
  }
  writerRules(env, sink);
}

const HEALTH_CHECK_CIDRS = ['remoteWrite', 'exposure', 'loadBalancer', 'healthCheckCIDRs'];

/**
 * External Secrets copies a renewed client certificate to the writer's cluster at its refresh interval: an interval
 * as long as the renewal window lets the old certificate expire there before the new one arrives.
 */
function refreshRule(env: Environment, sink: ProblemSink): void {
  const { refreshInterval } = env.remoteWrite.externalSecrets;
  const { renewBefore } = env.remoteWrite.mtls;
  if ((parseDuration(refreshInterval) ?? 0) >= (parseDuration(renewBefore) ?? 0)) {
    sink.report(
      ['remoteWrite', 'externalSecrets', 'refreshInterval'],
      `must be shorter than remoteWrite.mtls.renewBefore (${renewBefore}): a renewed client certificate reaches ` +
        `the writer's cluster only at the next refresh, after the old one expired (found "${refreshInterval}")`,
    );
  }
}

/** mTLS needs an issuer, each issuer a name exactly when it is an existing one, and the two domains two issuers. */
function issuerRules(mtls: Environment['remoteWrite']['mtls'], sink: ProblemSink): void {
  if (mtls.enabled && !mtls.issuer) {
    sink.report(
      ['remoteWrite', 'mtls'],
      'mTLS needs an issuer: set remoteWrite.mtls.issuer to {kind: bootstrap} for a CA that cert-manager creates, ' +
        'or to {kind: ClusterIssuer, name: …} (or Issuer) to use an existing one',
    );
  }
  if (mtls.issuer) issuerShapeRules(mtls.issuer, 'issuer', sink);
  if (mtls.internal) {
    issuerShapeRules(mtls.internalIssuer, 'internalIssuer', sink);
    sameIssuerRule(mtls, sink);
  }
}

type IssuerSetting = Environment['remoteWrite']['mtls']['internalIssuer'];

/** An existing issuer needs its name; a bootstrapped CA is named by the generator. */
function issuerShapeRules(issuer: IssuerSetting, field: 'issuer' | 'internalIssuer', sink: ProblemSink): void {
  if (issuer.kind !== 'bootstrap' && issuer.name === undefined) {
    sink.report(['remoteWrite', 'mtls', field, 'kind'], `an existing ${issuer.kind} needs its name`);
  }
  if (issuer.kind === 'bootstrap' && issuer.name !== undefined) {
    const ca = field === 'issuer' ? 'thanos-ca' : 'thanos-internal-ca';
    sink.report(
      ['remoteWrite', 'mtls', field, 'name'],
      `a bootstrapped CA is named ${ca} by the generator: remove name, or set kind to Issuer or ClusterIssuer`,
    );
  }
}

/**
 * One existing issuer for both trust domains would let every writer's client certificate (whose key lives in
 * another cluster) pass the internal servers' client CA: refused at the internal issuer.
 */
function sameIssuerRule(mtls: Environment['remoteWrite']['mtls'], sink: ProblemSink): void {
  const w = mtls.issuer;
  const i = mtls.internalIssuer;
  if (!w || w.kind === 'bootstrap' || i.kind !== w.kind || i.name !== w.name || i.group !== w.group) return;
  sink.report(
    ['remoteWrite', 'mtls', 'internalIssuer'],
    `is the writers' issuer too (${w.kind} ${w.name}): every writer's client certificate would then open the ` +
      'internal gRPC ports (read any tenant, write into any tenant); give the internal domain its own CA ' +
      '({kind: bootstrap}, or another issuer)',
  );
}

/** The key sizes cert-manager accepts for the algorithm. */
function keySizeRule(keys: Environment['remoteWrite']['mtls']['keys'], sink: ProblemSink): void {
  const size = keys.size;
  if (size === undefined) return;
  const ok = keys.algorithm === 'ECDSA' ? [256, 384, 521].includes(size) : size >= 2048;
  if (!ok) {
    sink.report(
      ['remoteWrite', 'mtls', 'keys', 'size'],
      `must be ${keys.algorithm === 'ECDSA' ? '256, 384 or 521 for ECDSA' : 'at least 2048 for RSA'} ` +
        `(found ${size})`,
    );
  }
}

/** An exposed endpoint needs mTLS and a hostname, and what its type attaches to (a Gateway, source ranges). */
function exposureRules(env: Environment, sink: ProblemSink): void {
  const rw = env.remoteWrite;
  const exposure = rw.exposure;
  if (exposure.type !== 'none') {
    if (!rw.mtls.enabled) {
      sink.report(
        ['remoteWrite', 'exposure', 'type'],
        `exposing remote-write (${exposure.type}) passes TLS through to the routers, so it needs ` +
          'remoteWrite.mtls.enabled: true; otherwise anyone who reaches the endpoint could write',
      );
    }
    if (rw.hostname === undefined) {
      sink.report(
        ['remoteWrite', 'exposure', 'type'],
        `an exposed endpoint (${exposure.type}) needs remoteWrite.hostname: the DNS name writers connect to, ` +
          'which the server certificate must carry',
      );
    }
  }
  if (exposure.type === 'gateway' && exposure.gateway === undefined) {
    sink.report(
      ['remoteWrite', 'exposure', 'type'],
      'a gateway exposure needs remoteWrite.exposure.gateway with the name and namespace of the Gateway the ' +
        'TLSRoute attaches to',
    );
  }
  if (exposure.type === 'loadBalancer' && env.networkPolicies.remoteWriteCIDRs.length === 0) {
    sink.report(
      ['remoteWrite', 'exposure', 'type'],
      'a loadBalancer exposure needs networkPolicies.remoteWriteCIDRs: they are the source ranges of the NLB and ' +
        'the addresses the NetworkPolicy lets in (the load balancer preserves client addresses)',
    );
  }
}

/** Writers: unique names, then what their target needs. */
function writerRules(env: Environment, sink: ProblemSink): void {
  const seen = new Map<string, number>();
  env.remoteWrite.writers.forEach((w, i) => {
    const first = seen.get(w.name);
    if (first !== undefined) {
      sink.report(
        ['remoteWrite', 'writers', i, 'name'],
        `writer "${w.name}" is already declared at remoteWrite.writers[${first}]`,
      );
    } else seen.set(w.name, i);
    writerTargetRules(env, w, i, sink);
  });
}

type Writer = Environment['remoteWrite']['writers'][number];

/**
 * What the writer's target needs: gmp is refused, amp needs the workspace, and a writer to Thanos a running
 * receive that routes its tenant (and no SigV4 role).
 */
function writerTargetRules(env: Environment, w: Writer, i: number, sink: ProblemSink): void {
  const at = (field: string) => ['remoteWrite', 'writers', i, field];
  const target = writerTarget(env, i);
  switch (target) {
    case 'gmp':
      gmpRule(at, sink);
      break;
    case 'amp':
      if (!env.remoteWrite.amp) {
        sink.report(
          w.target === 'amp' ? at('target') : ['remoteWrite', 'target'],
          'target amp needs remoteWrite.amp (workspaceId and region of the workspace)',
        );
      }
      break;
    case 'thanos':
      thanosWriterRules(env, w, i, sink);
      break;
    default:
      unhandled(target, 'remote-write target');
  }
}

/** Only a writer can name gmp (remoteWrite.target is thanos or amp): refused. */
function gmpRule(at: (field: string) => FieldPath, sink: ProblemSink): void {
  sink.report(
    at('target'),
    'Google Cloud Managed Service for Prometheus is not a remote-write target: it ingests through its own ' +
      'collectors (managed collection or its Prometheus fork), not through a documented remote_write ' +
      'endpoint, and thanos-gitops does not guess one. Use target thanos or amp, and run the GMP collectors ' +
      'in that cluster if you want Google to store the data',
  );
}

/** A writer to Thanos: no SigV4 role, an address it can reach, a running receive that routes its tenant. */
function thanosWriterRules(env: Environment, w: Writer, i: number, sink: ProblemSink): void {
  const at = (field: string) => ['remoteWrite', 'writers', i, field];
  if (w.roleArn !== undefined) {
    sink.report(at('roleArn'), 'only used with target amp (SigV4); this writer sends to Thanos with its certificate');
  }
  // A warning, not an error: a multi-cluster network (a mesh, shared service DNS) may still reach the address.
  if (w.cluster !== env.cluster.name && env.remoteWrite.exposure.type === 'none') {
    sink.warn?.(
      at('cluster'),
      `is another cluster than this environment's (${env.cluster.name}), but remote-write is not exposed ` +
        '(remoteWrite.exposure.type: none): its URL is an in-cluster address, which it reaches only over a ' +
        'multi-cluster network; expose the routers (loadBalancer or gateway), or run the writer in this cluster',
    );
  }
  if (!env.receive.enabled) {
    sink.report(at('name'), 'writes to Thanos, but receive.enabled is false');
    return;
  }
  if (!tenantIsKnown(env, w.tenant)) {
    const named = env.receive.hashrings.flatMap((h) => h.tenants);
    sink.report(
      at('tenant'),
      `tenant "${w.tenant}" is unknown: no hashring names it and it is not receive.defaultTenant ` +
        `("${env.receive.defaultTenant}"); known tenants: ${[...named, env.receive.defaultTenant].join(', ')}. ` +
        'Add it to the tenants of a hashring',
    );
  }
}

/**
 * cert-manager's limits on certificate lifetimes (its webhook refuses the Certificate otherwise). The durations
 * are Go durations by the schema's pattern, which always parse.
 */
function certificateDurationRules(mtls: Environment['remoteWrite']['mtls'], sink: ProblemSink): void {
  const at = (field: string) => ['remoteWrite', 'mtls', field];
  const hour = 3_600_000;
  const duration = parseDuration(mtls.duration) ?? 0;
  const renewBefore = parseDuration(mtls.renewBefore) ?? 0;
  if (duration < hour) {
    sink.report(at('duration'), `must be at least 1h, cert-manager's shortest certificate (found "${mtls.duration}")`);
  }
  if (renewBefore < 5 * 60_000) {
    sink.report(at('renewBefore'), `must be at least 5m, cert-manager's minimum (found "${mtls.renewBefore}")`);
  } else if (renewBefore >= duration) {
    sink.report(
      at('renewBefore'),
      `must be shorter than duration (${mtls.duration}): a certificate cannot be renewed before it is issued ` +
        `(found "${mtls.renewBefore}")`,
    );
  }
  if (mtls.issuer) caLifetimeRule(mtls, mtls.issuer, 'issuer', sink);
  if (mtls.internal) caLifetimeRule(mtls, mtls.internalIssuer, 'internalIssuer', sink);
}

/** A bootstrapped CA lives at least 1h and no shorter than the certificates it signs. */
function caLifetimeRule(
  mtls: Environment['remoteWrite']['mtls'],
  issuer: IssuerSetting,
  field: 'issuer' | 'internalIssuer',
  sink: ProblemSink,
): void {
  if (issuer.kind !== 'bootstrap') return;
  const hour = 3_600_000;
  const duration = parseDuration(mtls.duration) ?? 0;
  const caDuration = parseDuration(issuer.caDuration) ?? 0;
  if (caDuration < hour) {
    sink.report(
      ['remoteWrite', 'mtls', field, 'caDuration'],
      `must be at least 1h, cert-manager's shortest certificate (found "${issuer.caDuration}")`,
    );
  } else if (duration > caDuration) {
    sink.report(
      ['remoteWrite', 'mtls', 'duration'],
      `must not be longer than the CA's lifetime, ${field}.caDuration (${issuer.caDuration}): cert-manager cuts a ` +
        `certificate at its CA's expiry, so it would be renewed early and the CA expire under it (found "${mtls.duration}")`,
    );
  }
}

/** An environment among others, as the rules that span environments see it: its data, file and a sink there. */
export interface EnvironmentAmongOthers {
  env: Environment;
  file: string;
  sink: ProblemSink;
}

/**
 * One remote-write hostname per environment: the writers' DNS name, the server certificate's name and the SNI the
 * load balancer or Gateway routes by all point at one environment's routers. Reported at every environment
 * involved, naming the others.
 */
export function sharedHostnameRule(envs: readonly EnvironmentAmongOthers[]): void {
  const byHost = new Map<string, EnvironmentAmongOthers[]>();
  for (const e of envs) {
    const host = e.env.remoteWrite.hostname;
    if (host !== undefined) byHost.set(host, [...(byHost.get(host) ?? []), e]);
  }
  for (const [host, group] of byHost) {
    if (group.length < 2) continue;
    for (const e of group) {
      const others = group.filter((o) => o !== e).map((o) => o.file);
      e.sink.report(
        ['remoteWrite', 'hostname'],
        `"${host}" is also the remote-write hostname of ${others.join(', ')}: writers, the server certificate and ` +
          "the load balancer's routing would reach only one environment's routers; give each environment its own",
      );
    }
  }
}

/** A value that belongs to one environment, where an environment sets it: its field and a key to compare. */
interface OwnValue {
  field: (string | number)[];
  key: string;
  what: string;
}

/** The values of an environment that a copy would keep by mistake: writers (name in a cluster), AMP workspace, roles. */
function ownValues(env: Environment): OwnValue[] {
  const rw = env.remoteWrite;
  const values: OwnValue[] = rw.writers.flatMap((w, i) => [
    {
      field: ['remoteWrite', 'writers', i, 'cluster'],
      key: `writer\0${w.cluster}\0${w.name}`,
      what: `the writer "${w.name}" of cluster "${w.cluster}"`,
    },
    ...(w.roleArn === undefined
      ? []
      : [
          { field: ['remoteWrite', 'writers', i, 'roleArn'], key: `role\0${w.roleArn}`, what: `the role ${w.roleArn}` },
        ]),
  ]);
  if (rw.amp !== undefined) {
    const id = rw.amp.workspaceId;
    values.push({ field: ['remoteWrite', 'amp', 'workspaceId'], key: `amp\0${id}`, what: `the AMP workspace ${id}` });
  }
  return values;
}

/**
 * Values that must differ between environments, as a copied file keeps them: a writer (one Prometheus, by name and
 * cluster) pushing to two environments, one AMP workspace, one writer role. Reported at every file involved, at the
 * value's line, naming the other files.
 */
export function copiedValuesRule(envs: readonly EnvironmentAmongOthers[]): void {
  const byKey = new Map<string, { e: EnvironmentAmongOthers; v: OwnValue }[]>();
  for (const e of envs) {
    const mine = new Set<string>();
    for (const v of ownValues(e.env)) {
      if (mine.has(v.key)) continue;
      mine.add(v.key);
      byKey.set(v.key, [...(byKey.get(v.key) ?? []), { e, v }]);
    }
  }
  for (const group of byKey.values()) {
    if (group.length < 2) continue;
    for (const { e, v } of group) {
      const others = group.filter((o) => o.e !== e).map((o) => o.e.file);
      e.sink.report(
        v.field,
        `${v.what} is also in ${others.join(', ')}: is this file a copy? Each environment has its own ` +
          '(change it to what this environment uses, as docs/add-an-environment.md lists)',
      );
    }
  }
}
