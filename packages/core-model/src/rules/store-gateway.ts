/** Rules of the `storeGateway` section (schema/store-gateway.ts). */
import { parseDuration, parseTimeBound } from '../duration.js';
import { names, STATEFULSET_NAME_MAX } from '../names.js';
import type { ProblemSink } from '../problems.js';
import type { Environment } from '../schema/environment.js';
import { checkLength } from './lengths.js';

/**
 * The store gateway must serve everything older than what the ingestors keep, and its partitions must
 * not leave holes between them: otherwise queries silently miss data.
 */
export function storeRules(env: Environment, sink: ProblemSink): void {
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
  const bounds: PartitionBounds[] = s.partitions.map((p) => ({
    min: p.minTime === undefined ? undefined : parseTimeBound(p.minTime),
    max: p.maxTime === undefined ? undefined : parseTimeBound(p.maxTime),
  }));
  newestPartitionRule(env, bounds[0], sink);
  partitionGapRules(env, bounds, sink);
}

type Bound = ReturnType<typeof parseTimeBound>;
interface PartitionBounds {
  min: Bound;
  max: Bound;
}

/** The newest partition must reach the receive retention edge, and keep reaching it as time passes. */
function newestPartitionRule(env: Environment, newest: PartitionBounds | undefined, sink: ProblemSink): void {
  const s = env.storeGateway;
  const receiveEdge = env.receive.enabled ? -(parseDuration(env.receive.retention) ?? 0) : undefined;
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
}

/** Consecutive partitions (newest first) must touch or overlap, in bounds of one form. */
function partitionGapRules(env: Environment, bounds: readonly PartitionBounds[], sink: ProblemSink): void {
  const s = env.storeGateway;
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
