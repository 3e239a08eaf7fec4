/** Rules that span several fields, checked after the schema and reported at the field they concern. */

import { accessClassesInUse } from './bucket-access.js';
import { SIZE_PRESETS, sizedWorkloads } from './defaults.js';
import { formatDuration, parseDuration, parseTimeBound } from './duration.js';
import { identityRules } from './identity-rules.js';
import { names, STATEFULSET_NAME_MAX } from './names.js';
import type { FieldPath, ProblemSink } from './problems.js';
import { parseQuantity } from './quantity.js';
import type { Environment } from './schema/environment.js';

export function crossFieldRules(env: Environment, sink: ProblemSink): void {
  receiveRules(env, sink);
  storeRules(env, sink);
  escapeHatchRules(env, sink);
  compactorRulerRules(env, sink);
  identityRules(env, sink, accessClassesInUse(env));
  if (env.query.autoscaling && env.query.autoscaling.maxReplicas < env.query.replicas) {
    sink.report(
      ['query', 'autoscaling', 'maxReplicas'],
      `must be >= query.replicas (${env.query.replicas}) (found ${env.query.autoscaling.maxReplicas})`,
    );
  }
  if (env.ruler.enabled && env.ruler.mode === 'stateless' && !env.receive.enabled) {
    sink.report(['ruler', 'mode'], 'a stateless ruler remote-writes to receive, but receive.enabled is false');
  }
  if (env.compactor.sharding) {
    const longest = names.compactor(env.compactor.sharding.shards - 1);
    checkLength(sink, ['compactor', 'sharding', 'shards'], longest);
  }
}

function checkLength(sink: ProblemSink, path: FieldPath, name: string, max = STATEFULSET_NAME_MAX): void {
  if (name.length > max) {
    sink.report(path, `gives the StatefulSet name "${name}" of ${name.length} characters; Kubernetes allows ${max}`);
  }
}

/**
 * The write path: a replication factor the hashrings can honour, routable tenants, and a limits file the
 * routers will accept. Thanos only finds these at runtime (the router refuses the hashring, or rejects
 * every write of a tenant), so they are reported here at the field that causes them.
 */
function receiveRules(env: Environment, sink: ProblemSink): void {
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

function globMatches(pattern: string, tenant: string): boolean {
  const re = globRegExp(pattern);
  return typeof re !== 'string' && re.test(tenant);
}

/**
 * A tenant glob as the routers match it (Go's `filepath.Match`: `*`, `?`, `[…]` classes, `\\` escapes),
 * as a RegExp, or why the pattern is malformed (Thanos would then fail every write it is tried on).
 */
export function globRegExp(pattern: string): RegExp | string {
  const esc = (c: string) => c.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');
  let out = '';
  let i = 0;
  /** One character of a class range, or undefined when malformed. */
  const classChar = (): string | undefined => {
    let c = pattern[i];
    if (c === undefined || c === '-' || c === ']') return undefined;
    if (c === '\\') {
      i++;
      c = pattern[i];
      if (c === undefined) return undefined;
    }
    i++;
    return c;
  };
  while (i < pattern.length) {
    const c = pattern[i] as string;
    if (c === '*') out += '[^/]*';
    else if (c === '?') out += '[^/]';
    else if (c === '\\') {
      i++;
      const next = pattern[i];
      if (next === undefined) return 'it ends with an unfinished escape "\\"';
      out += esc(next);
    } else if (c === '[') {
      const opened = i;
      i++;
      let cls = '[';
      if (pattern[i] === '^') {
        cls += '^';
        i++;
      }
      let ranges = 0;
      while (pattern[i] !== ']' || ranges === 0) {
        const lo = classChar();
        if (lo === undefined) return `the character class at position ${opened + 1} is empty, malformed or unclosed`;
        let hi = lo;
        if (pattern[i] === '-') {
          i++;
          const h = classChar();
          if (h === undefined || h < lo) return `range "${lo}-${h ?? ''}" in a character class is malformed`;
          hi = h;
        }
        cls += hi === lo ? esc(lo) : `${esc(lo)}-${esc(hi)}`;
        ranges++;
      }
      out += `${cls}]`;
    } else out += esc(c);
    i++;
  }
  return new RegExp(`^${out}$`);
}

/**
 * The store gateway must serve everything older than what the ingestors keep, and its partitions must
 * not leave holes between them: otherwise queries silently miss data.
 */
function storeRules(env: Environment, sink: ProblemSink): void {
  const s = env.storeGateway;
  if (!s.enabled) return;
  s.partitions.forEach((p, i) => {
    const at = (k: string) => ['storeGateway', 'partitions', i, k];
    for (const k of ['minTime', 'maxTime'] as const) {
      const v = p[k];
      if (v !== undefined && parseTimeBound(v) === undefined) {
        sink.report(at(k), `must be an RFC 3339 time or a relative duration such as -14d (found "${v}")`);
      }
    }
    const store = names.store(i, s.shards - 1, s.partitions.length);
    if (store.length > STATEFULSET_NAME_MAX) checkLength(sink, at('maxTime'), store);
  });
  const bounds = s.partitions.map((p) => ({
    min: p.minTime === undefined ? undefined : parseTimeBound(p.minTime),
    max: p.maxTime === undefined ? undefined : parseTimeBound(p.maxTime),
  }));
  const receiveEdge = env.receive.enabled ? -(parseDuration(env.receive.retention) ?? 0) : undefined;
  // The newest partition must reach the receive retention edge.
  const newest = bounds[0];
  if (newest && receiveEdge !== undefined && newest.max !== undefined) {
    if (!('relativeMs' in newest.max)) {
      sink.report(
        ['storeGateway', 'partitions', 0, 'maxTime'],
        'must be relative (such as -14d) on the newest partition: a fixed time falls behind the receive ' +
          `retention (${env.receive.retention}) as time passes and leaves a gap`,
      );
    } else if (newest.max.relativeMs < receiveEdge) {
      sink.report(
        ['storeGateway', 'partitions', 0, 'maxTime'],
        `leaves a gap: ingestors keep ${env.receive.retention} (receive.retention), so the newest store ` +
          `partition must serve up to at least -${env.receive.retention} (found "${s.partitions[0]?.maxTime}")`,
      );
    }
  }
  // Consecutive partitions (newest first) must touch or overlap.
  for (let i = 0; i + 1 < bounds.length; i++) {
    const newer = bounds[i];
    const older = bounds[i + 1];
    const path = ['storeGateway', 'partitions', i + 1, 'maxTime'];
    if (newer?.min === undefined) {
      sink.report(
        ['storeGateway', 'partitions', i, 'minTime'],
        'must be set on every partition but the oldest: partitions are listed newest first',
      );
      continue;
    }
    if (older?.max === undefined) {
      sink.report(path, `must be set: it has to reach partition ${i}'s minTime ("${s.partitions[i]?.minTime}")`);
      continue;
    }
    const a = newer.min;
    const b = older.max;
    const comparable = ('relativeMs' in a && 'relativeMs' in b) || ('absoluteMs' in a && 'absoluteMs' in b);
    if (!comparable) {
      sink.report(path, `must use the same form (relative or RFC 3339) as partition ${i}'s minTime, to check for gaps`);
      continue;
    }
    const aMs = 'relativeMs' in a ? a.relativeMs : a.absoluteMs;
    const bMs = 'relativeMs' in b ? b.relativeMs : b.absoluteMs;
    if (bMs < aMs) {
      sink.report(
        path,
        `leaves a gap: partition ${i} starts at "${s.partitions[i]?.minTime}" but partition ${i + 1} ends at ` +
          `"${s.partitions[i + 1]?.maxTime}"; make them meet or overlap`,
      );
    }
  }
}

function escapeHatchRules(env: Environment, sink: ProblemSink): void {
  const workloads = sizedWorkloads(env).map(([base, , w]) => [base, w] as const);
  for (const [base, w] of workloads) {
    w.extraEnv.forEach((e, i) => {
      if ((e.value === undefined) === (e.secretKeyRef === undefined)) {
        sink.report([...base, 'extraEnv', i], 'must have exactly one of `value` or `secretKeyRef`');
      }
    });
    const volumeNames = new Set<string>();
    w.extraVolumes.forEach((v, i) => {
      const sources = [v.configMap, v.secret, v.emptyDir].filter((x) => x !== undefined).length;
      if (sources !== 1) {
        sink.report(
          [...base, 'extraVolumes', i],
          `must have exactly one of \`configMap\`, \`secret\`, \`emptyDir\` (found ${sources})`,
        );
      }
      if (volumeNames.has(v.name))
        sink.report([...base, 'extraVolumes', i, 'name'], `volume "${v.name}" is declared twice`);
      volumeNames.add(v.name);
    });
  }
}

const HOUR_MS = 3_600_000;

/**
 * The compactor refuses to start with retentions shorter than downsampling needs, and a stateful ruler must
 * keep its TSDB until the store gateway serves its uploaded blocks; both are otherwise only seen at runtime.
 */
function compactorRulerRules(env: Environment, sink: ProblemSink): void {
  const c = env.compactor;
  if (c.enabled && c.downsampling) {
    // Thanos downsamples raw blocks of 40h to 5m, and 5m blocks of 10d to 1h (cmd/thanos/compact.go).
    const minimums = [
      ['raw', 40 * HOUR_MS, '40h', '5m downsampling only happens to raw blocks 40h long'],
      ['5m', 240 * HOUR_MS, '10d', '1h downsampling only happens to 5m blocks 10d long'],
    ] as const;
    for (const [resolution, minMs, min, why] of minimums) {
      const v = c.retention[resolution];
      const ms = parseDuration(v) ?? 0;
      if (ms !== 0 && ms < minMs) {
        sink.report(
          ['compactor', 'retention', resolution],
          `must be 0d or at least ${min} while compactor.downsampling is on: ${why}, and the compactor ` +
            `refuses to start otherwise (found "${v}")`,
        );
      }
    }
  }
  if (c.enabled && c.sharding && c.deduplicationReplicaLabels?.includes(c.sharding.label)) {
    sink.report(
      ['compactor', 'sharding', 'label'],
      `"${c.sharding.label}" is also a deduplication replica label: replicas would land on different shards ` +
        'and never be merged; shard by a label the replicas share',
    );
  }
  const r = env.ruler;
  if (r.enabled && r.mode === 'stateful' && r.retention !== undefined && env.storeGateway.enabled) {
    const newest = env.storeGateway.partitions[0]?.maxTime;
    const bound = newest === undefined ? undefined : parseTimeBound(newest);
    // Defaults have filled the newest partition's maxTime from the receive retention when it was unset.
    const reachMs = bound && 'relativeMs' in bound ? -bound.relativeMs : 0;
    const keptMs = parseDuration(r.retention) ?? 0;
    if (keptMs !== 0 && keptMs < reachMs) {
      sink.report(
        ['ruler', 'retention'],
        `leaves a gap: the store gateway serves only blocks older than ${formatDuration(reachMs)}, so the ruler ` +
          `must keep its TSDB at least that long (found "${r.retention}")`,
      );
    }
  }
}

/**
 * A limit below its request is rejected by the API server, and only when the pod is created. Checked before
 * the size preset fills the gaps, so the message can say which value came from the preset. Runs before
 * `applyDerivedDefaults`.
 */
export function resourceRules(env: Environment, sink: ProblemSink): void {
  const preset = SIZE_PRESETS[env.size];
  for (const [base, kind, w] of sizedWorkloads(env)) {
    for (const resource of ['cpu', 'memory'] as const) {
      const givenRequest = w.resources?.requests?.[resource];
      const givenLimit = w.resources?.limits?.[resource];
      const request = givenRequest ?? preset[kind].requests[resource];
      const limit = givenLimit ?? preset[kind].limits[resource];
      if (limit === undefined || (givenRequest === undefined && givenLimit === undefined)) continue;
      const r = parseQuantity(request);
      const l = parseQuantity(limit);
      if (r === undefined || l === undefined || l >= r) continue;
      const fromPreset = (v: string | undefined) => (v === undefined ? ` (from the "${env.size}" size preset)` : '');
      const at = givenLimit !== undefined ? 'limits' : 'requests';
      sink.report(
        [...base, 'resources', at, resource],
        `the ${resource} limit ${limit}${fromPreset(givenLimit)} is below the request ${request}${fromPreset(givenRequest)}; ` +
          'Kubernetes rejects such pods: raise the limit or lower the request',
      );
    }
  }
}
