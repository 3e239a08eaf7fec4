/** Rules that span several fields, checked after the schema and reported at the field they concern. */
import { parseDuration, parseTimeBound } from './duration.js';
import { names, STATEFULSET_NAME_MAX } from './names.js';
import type { FieldPath, ProblemSink } from './problems.js';
import type { Environment } from './schema/environment.js';

export function crossFieldRules(env: Environment, sink: ProblemSink): void {
  receiveRules(env, sink);
  storeRules(env, sink);
  escapeHatchRules(env, sink);
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

function receiveRules(env: Environment, sink: ProblemSink): void {
  const r = env.receive;
  if (!r.enabled) return;
  if (r.replicationFactor % 2 === 0) {
    sink.report(
      ['receive', 'replicationFactor'],
      `must be odd: a write needs floor(RF/2)+1 replicas, so ${r.replicationFactor} tolerates no more failures ` +
        `than ${r.replicationFactor - 1} (found ${r.replicationFactor})`,
    );
  }
  if ((parseDuration(r.retention) ?? 0) === 0) {
    sink.report(['receive', 'retention'], `must be longer than 0 (found "${r.retention}")`);
  }
  const seenNames = new Map<string, number>();
  const tenantOwner = new Map<string, number>();
  r.hashrings.forEach((h, i) => {
    const at = (...rest: (string | number)[]) => ['receive', 'hashrings', i, ...rest];
    const first = seenNames.get(h.name);
    if (first !== undefined)
      sink.report(at('name'), `hashring "${h.name}" is already declared at receive.hashrings[${first}]`);
    else seenNames.set(h.name, i);
    checkLength(sink, at('name'), names.ingestor(h.name));
    if (h.replicas < r.replicationFactor) {
      sink.report(
        at('replicas'),
        `must be >= receive.replicationFactor (${r.replicationFactor}): each sample is written to ` +
          `${r.replicationFactor} ingestors of the hashring (found ${h.replicas})`,
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
      } else tenantOwner.set(key, i);
    });
  });
  if (r.router.replicas < 1) sink.report(['receive', 'router', 'replicas'], 'must be >= 1');
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
  const workloads: [
    FieldPath,
    { extraEnv: Environment['query']['extraEnv']; extraVolumes: Environment['query']['extraVolumes'] },
  ][] = [
    [['receive', 'router'], env.receive.router],
    ...env.receive.hashrings.map((h, i): [FieldPath, typeof h] => [['receive', 'hashrings', i], h]),
    [['query'], env.query],
    [['queryFrontend'], env.queryFrontend],
    [['storeGateway'], env.storeGateway],
    [['compactor'], env.compactor],
    [['ruler'], env.ruler],
    [['bucketWeb'], env.bucketWeb],
  ];
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
