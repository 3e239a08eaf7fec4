/** Rules of the `receive` section (schema/receive.ts). */
import { parseDuration } from '../duration.js';
import { names } from '../names.js';
import type { ProblemSink } from '../problems.js';
import type { Environment } from '../schema/environment.js';
import { checkLength } from './lengths.js';
import { globMatches, globRegExp } from './tenant-glob.js';

/**
 * The write path: a replication factor the hashrings can honour, routable tenants, and a limits file the
 * routers will accept. Thanos only finds these at runtime (the router refuses the hashring, or rejects
 * every write of a tenant), so they are reported here at the field that causes them.
 */
export function receiveRules(env: Environment, sink: ProblemSink): void {
  const r = env.receive;
  if (!r.enabled) return;
  const rf = r.replicationFactor;
  const quorum = Math.floor(rf / 2) + 1;
  if (rf % 2 === 0) {
    sink.report(
      ['receive', 'replicationFactor'],
      `must be odd: a write needs a quorum of floor(RF/2)+1 = ${quorum} of the ${rf} copies, so RF ${rf} ` +
        `survives no more ingestor failures (${rf - quorum}) than RF ${rf - 1} while storing one more copy ` +
        `(found ${rf})`,
    );
  }
  if ((parseDuration(r.retention) ?? 0) === 0) {
    sink.report(['receive', 'retention'], `must be longer than 0 (found "${r.retention}")`);
  }
  const seenNames = new Map<string, number>();
  const tenantOwner = new Map<string, number>();
  const globs: { index: number; pattern: string; re: RegExp }[] = [];
  r.hashrings.forEach((h, i) => {
    const at = (...rest: (string | number)[]) => ['receive', 'hashrings', i, ...rest];
    const first = seenNames.get(h.name);
    if (first !== undefined)
      sink.report(at('name'), `hashring "${h.name}" is already declared at receive.hashrings[${first}]`);
    else seenNames.set(h.name, i);
    checkLength(sink, at('name'), names.ingestor(h.name));
    if (h.replicas < rf) {
      sink.report(
        at('replicas'),
        `must be >= receive.replicationFactor (${rf}): every sample is written to ${rf} different ingestors ` +
          `of the hashring, and the routers refuse a hashring with fewer ingestors than that (found ${h.replicas})`,
      );
    }
    if (h.tenants.length === 0 && i !== r.hashrings.length - 1) {
      sink.report(at('tenants'), 'a catch-all hashring (no tenants) must be the last one, or it hides those after it');
    }
    h.tenants.forEach((t, j) => {
      const key = `${h.tenantMatcher}:${t}`;
      const owner = tenantOwner.get(key);
      if (owner !== undefined) {
        sink.report(at('tenants', j), `tenant "${t}" is already routed to receive.hashrings[${owner}]`);
        return;
      }
      tenantOwner.set(key, i);
      if (h.tenantMatcher === 'glob') {
        const re = globRegExp(t);
        if (typeof re === 'string') sink.report(at('tenants', j), `is not a valid glob pattern: ${re} (found "${t}")`);
        else globs.push({ index: i, pattern: t, re });
        return;
      }
      // The routers take the first hashring that matches, so an earlier pattern shadows an exact name.
      const shadow = globs.find((g) => g.index < i && g.re.test(t));
      if (shadow) {
        sink.report(
          at('tenants', j),
          `tenant "${t}" is never routed here: it matches "${shadow.pattern}" of receive.hashrings[${shadow.index}], ` +
            'which comes first',
        );
      }
    });
  });
  if (r.router.replicas < 1) sink.report(['receive', 'router', 'replicas'], 'must be >= 1');
  const routesDefault = r.hashrings.some(
    (h) =>
      h.tenants.length === 0 ||
      h.tenants.some((t) => (h.tenantMatcher === 'glob' ? globMatches(t, r.defaultTenant) : t === r.defaultTenant)),
  );
  if (env.ruler.enabled && env.ruler.mode === 'stateless' && !routesDefault) {
    sink.report(
      ['receive', 'defaultTenant'],
      `no hashring takes tenant "${r.defaultTenant}", which the stateless ruler writes as (it sends no tenant ` +
        'header): add a catch-all hashring (no tenants) or list this tenant',
    );
  }
  limitsRules(r.limits, sink);
}

/** Head series limits only apply when the routers can ask a meta-monitoring query API for the counts. */
function limitsRules(limits: Environment['receive']['limits'], sink: ProblemSink): void {
  const write = limits?.write;
  if (!write || write.global?.meta_monitoring_url !== undefined) return;
  const why = 'has no effect without receive.limits.write.global.meta_monitoring_url, which counts head series';
  const base = ['receive', 'limits', 'write'];
  if (write.default?.head_series_limit !== undefined) sink.report([...base, 'default', 'head_series_limit'], why);
  for (const [tenant, l] of Object.entries(write.tenants ?? {})) {
    if (l.head_series_limit !== undefined) sink.report([...base, 'tenants', tenant, 'head_series_limit'], why);
  }
}
