/** Rules of the `receive` section (schema/receive.ts). */
import { names, parseDuration, storeSets, writeQuorum } from '@thanos-gitops/model';
import type { FieldPath, ProblemSink } from '@thanos-gitops/problems';
import type { Environment } from '@thanos-gitops/schema';
import { checkLength } from './lengths.js';
import { globMatches, type TenantGlob, tenantGlob } from './tenant-glob.js';

/**
 * The write path: a replication factor the hashrings can honour, routable tenants, and a limits file the
 * routers will accept. Thanos only finds these at runtime (the router refuses the hashring, or rejects
 * every write of a tenant), so they are reported here at the field that causes them.
 */
export function receiveRules(env: Environment, sink: ProblemSink): void {
  const r = env.receive;
  if (!r.enabled) return;
  replicationFactorRule(r.replicationFactor, sink);
  if ((parseDuration(r.retention) ?? 0) === 0) {
    sink.report(['receive', 'retention'], `must be longer than 0 (found "${r.retention}")`);
  }
  hashringRules(r, sink);
  defaultTenantRule(env, sink);
  zoneRules(r, sink);
  workloadNameRule(r, sink);
  adoptRules(env, sink);
  limitsRules(r.limits, sink);
}

/**
 * The ingestor StatefulSets of different hashrings never share a name. With zones, `thanos-receive-ingestor-<hashring>-
 * <zone>` can spell another hashring's name with another zone (hashring `eu` in zone `a-b`, hashring `eu-a` in
 * zone `b`): two objects of one name, which Kubernetes would merge. Reported at the later hashring's name.
 */
function workloadNameRule(r: Environment['receive'], sink: ProblemSink): void {
  const owner = new Map<string, number>();
  r.hashrings.forEach((h, i) => {
    const workloads = r.zones.length > 0 ? r.zones.map((z) => names.ingestorInZone(h.name, z)) : [];
    for (const name of [names.ingestor(h.name), ...workloads]) {
      const first = owner.get(name);
      if (first === undefined) owner.set(name, i);
      else if (first !== i && r.hashrings[first]?.name !== h.name) {
        sink.report(
          ['receive', 'hashrings', i, 'name'],
          `hashring "${h.name}" generates "${name}", as receive.hashrings[${first}] ("${r.hashrings[first]?.name}") ` +
            'does with receive.zones: rename one hashring so that no hashring name plus zone spells another',
        );
        return;
      }
    }
  });
}

/**
 * An adopted ingestor StatefulSet (`adopt.statefulSet`) is one StatefulSet: not split by zones, and named like no
 * other StatefulSet the environment generates (another hashring's, a store gateway's, the ruler's).
 */
function adoptRules(env: Environment, sink: ProblemSink): void {
  const r = env.receive;
  const taken = new Map<string, string>([
    ...r.hashrings
      .filter((h) => !h.adopt)
      .map((h): [string, string] => [names.ingestor(h.name), `hashring "${h.name}"`]),
    ...(env.storeGateway.enabled ? storeSets(env).map((s): [string, string] => [s.name, 'the store gateway']) : []),
    ...(env.ruler.enabled ? [[names.ruler, 'the ruler'] as [string, string]] : []),
  ]);
  r.hashrings.forEach((h, i) => {
    if (!h.adopt) return;
    const at: FieldPath = ['receive', 'hashrings', i, 'adopt'];
    if (r.zones.length > 0) {
      sink.report(at, 'is not used with receive.zones: zones split a hashring into one StatefulSet per zone');
    }
    const other = taken.get(h.adopt.statefulSet);
    if (other !== undefined) {
      sink.report([...at, 'statefulSet'], `"${h.adopt.statefulSet}" is already the StatefulSet of ${other}`);
    }
    taken.set(h.adopt.statefulSet, `hashring "${h.name}"`);
  });
}

/** An even replication factor survives no more failures than the odd one below it. */
function replicationFactorRule(rf: number, sink: ProblemSink): void {
  if (rf % 2 !== 0) return;
  const quorum = writeQuorum(rf);
  sink.report(
    ['receive', 'replicationFactor'],
    `must be odd: a write needs a quorum of floor(RF/2)+1 = ${quorum} of the ${rf} copies, so RF ${rf} ` +
      `survives no more ingestor failures (${rf - quorum}) than RF ${rf - 1} while storing one more copy ` +
      `(found ${rf})`,
  );
}

/** Each hashring: a unique name that fits, enough ingestors for the replication factor, the catch-all last. */
function hashringRules(r: Environment['receive'], sink: ProblemSink): void {
  const rf = r.replicationFactor;
  const seenNames = new Map<string, number>();
  const tenants = new TenantRouting(sink);
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
    for (const [j, t] of h.tenants.entries()) tenants.add(h.tenantMatcher, t, i, at('tenants', j));
  });
}

/**
 * The tenants of the hashrings, in routing order: each routed once, valid globs, and no exact name that an
 * earlier glob already takes (the routers take the first hashring that matches). A hashring's tenants are all
 * exact or all globs, so the globs known when an exact name is added all come from earlier hashrings.
 */
class TenantRouting {
  private readonly owner = new Map<string, number>();
  private readonly globs: { index: number; pattern: string; re: TenantGlob }[] = [];
  constructor(private readonly sink: ProblemSink) {}

  add(matcher: 'exact' | 'glob', t: string, hashring: number, at: FieldPath): void {
    const key = `${matcher}:${t}`;
    const owner = this.owner.get(key);
    if (owner !== undefined) {
      this.sink.report(at, `tenant "${t}" is already routed to receive.hashrings[${owner}]`);
      return;
    }
    this.owner.set(key, hashring);
    if (matcher === 'glob') {
      const re = tenantGlob(t);
      if (typeof re === 'string') this.sink.report(at, `is not a valid glob pattern: ${re} (found "${t}")`);
      else this.globs.push({ index: hashring, pattern: t, re });
      return;
    }
    const shadow = this.globs.find((g) => g.re.test(t));
    if (shadow) {
      this.sink.report(
        at,
        `tenant "${t}" is never routed here: it matches "${shadow.pattern}" of receive.hashrings[${shadow.index}], ` +
          'which comes first',
      );
    }
  }
}

/** The stateless ruler writes without a tenant header, as the default tenant: some hashring must take it. */
function defaultTenantRule(env: Environment, sink: ProblemSink): void {
  const r = env.receive;
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
}

/**
 * Zone-aware ketama (Thanos v0.32+, `az` on each hashring endpoint): every section of the ring takes its
 * `replicationFactor` copies from different zones first, then evenly over the zones (no zone gets a second copy
 * before every zone has one). What that placement needs from the environment:
 * - the ketama algorithm: Thanos' hashmod ring refuses endpoints with an `az`;
 * - enough zones that losing one leaves a write quorum: the busiest zone holds ceil(RF/zones) copies, which must
 *   not exceed the RF - quorum copies a write may lose (3 zones for RF 3, 5 and 7);
 * - the same number of ingestors in every zone: each zone gets an equal share of the copies, so a smaller zone
 *   carries more series per ingestor, and when a zone runs out of ingestors before its share is placed the
 *   placement loop finds no candidate at all.
 */
function zoneRules(r: Environment['receive'], sink: ProblemSink): void {
  const zones = r.zones;
  if (zones.length === 0) return;
  const seen = new Map<string, number>();
  zones.forEach((zone, j) => {
    const first = seen.get(zone);
    if (first === undefined) seen.set(zone, j);
    else sink.report(['receive', 'zones', j], `zone "${zone}" is already listed at receive.zones[${first}]`);
  });
  const count = seen.size;
  if (r.hashringAlgorithm !== 'ketama') {
    sink.report(
      ['receive', 'hashringAlgorithm'],
      "must be ketama with receive.zones: only ketama places replicas by zone, and Thanos' hashmod ring refuses " +
        `hashring endpoints that carry an az (found "${r.hashringAlgorithm}")`,
    );
  }
  const rf = r.replicationFactor;
  const quorum = writeQuorum(rf);
  const needed = zonesNeeded(rf);
  if (rf % 2 === 1 && count < needed) {
    const busiest = Math.ceil(rf / count);
    sink.report(
      ['receive', 'zones'],
      `must list at least ${needed} zones for replicationFactor ${rf}: ketama spreads the ${rf} copies of each ` +
        `series evenly over the zones, so with ${count} a zone holds up to ${busiest} of them, and losing it ` +
        `leaves fewer than the write quorum of ${quorum} copies (found ${count})`,
    );
  }
  const longest = [...seen.keys()].reduce((a, b) => (b.length > a.length ? b : a));
  r.hashrings.forEach((h, i) => {
    if (h.replicas % count !== 0) {
      sink.report(
        ['receive', 'hashrings', i, 'replicas'],
        `must be a multiple of the ${count} zones of receive.zones: each zone runs its own StatefulSet with the ` +
          "same share of the hashring's ingestors, since ketama gives every zone an equal share of the copies " +
          '(an uneven split overloads the smaller zones, or leaves the routers no valid placement) ' +
          `(found ${h.replicas})`,
      );
    }
    checkLength(sink, ['receive', 'hashrings', i, 'name'], names.ingestorInZone(h.name, longest));
  });
}

/**
 * The fewest zones for which losing the busiest zone keeps a write quorum (ceil(RF/z) <= RF - quorum); 1 when
 * no number of zones does (RF 1 and 2 lose no copy without losing the quorum), so any number will do.
 */
function zonesNeeded(rf: number): number {
  const tolerated = rf - writeQuorum(rf);
  for (let z = 1; z <= rf; z++) if (Math.ceil(rf / z) <= tolerated) return z;
  return 1;
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
