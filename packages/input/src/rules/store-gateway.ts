/** Rules of the `storeGateway` section (schema/store-gateway.ts). */
import { derivedMaxTime, parseDuration, parseTimeBound } from '@thanos-gitops/model';
import type { ProblemSink } from '@thanos-gitops/problems';
import type { Environment } from '@thanos-gitops/schema';

/**
 * The store gateway must serve everything older than what the ingestors keep, and its partitions must
 * not leave holes between them: otherwise queries silently miss data.
 */
export function storeRules(env: Environment, sink: ProblemSink): void {
  const s = env.storeGateway;
  if (!s.enabled) return;
  const bounds = s.partitions.map((partition, i) => partitionBounds(partition, i, sink));
  derivedRangeRule(env, bounds[0], sink);
  newestPartitionRule(env, bounds[0], sink);
  bounds.forEach((older, i) => {
    const newer = bounds[i - 1];
    if (newer) partitionGapRule(newer, older, i - 1, sink);
  });
}

type Partition = Environment['storeGateway']['partitions'][number];
type Bound = ReturnType<typeof parseTimeBound>;
/** A partition with its bounds parsed (undefined when unset or not a time). */
interface PartitionBounds {
  partition: Partition;
  min: Bound;
  max: Bound;
}

/** The bounds of partition `i`, reporting one that the schema's pattern lets through but is no time. */
function partitionBounds(partition: Partition, i: number, sink: ProblemSink): PartitionBounds {
  const parse = (k: 'minTime' | 'maxTime'): Bound => {
    const v = partition[k];
    if (v === undefined) return undefined;
    const bound = parseTimeBound(v);
    if (bound === undefined) {
      sink.report(
        ['storeGateway', 'partitions', i, k],
        `must be an RFC 3339 time or a relative duration such as -14d (found "${v}")`,
      );
    }
    return bound;
  };
  const min = parse('minTime');
  return { partition, min, max: parse('maxTime') };
}

/**
 * With `recentBlocks: skip` the newest partition's maxTime is derived (receive retention less overlap): a minTime
 * at or after it leaves the partition empty, which the check of written bounds cannot see.
 */
function derivedRangeRule(env: Environment, newest: PartitionBounds | undefined, sink: ProblemSink): void {
  if (!newest || newest.partition.maxTime !== derivedMaxTime(env) || env.storeGateway.recentBlocks !== 'skip') return;
  const { min, max } = newest;
  if (min === undefined || max === undefined || !('relativeMs' in min) || !('relativeMs' in max)) return;
  if (min.relativeMs >= max.relativeMs) {
    sink.report(
      ['storeGateway', 'partitions', 0, 'minTime'],
      `must be before the derived maxTime ${newest.partition.maxTime} (receive.retention ${env.receive.retention} ` +
        `less storeGateway.overlap ${env.storeGateway.overlap}, with recentBlocks: skip), or the newest partition ` +
        `serves nothing (found "${newest.partition.minTime}")`,
    );
  }
}

/** The newest partition must reach the receive retention edge, and keep reaching it as time passes. */
function newestPartitionRule(env: Environment, newest: PartitionBounds | undefined, sink: ProblemSink): void {
  if (!env.receive.enabled || newest?.max === undefined) return;
  const retention = env.receive.retention;
  if (!('relativeMs' in newest.max)) {
    sink.report(
      ['storeGateway', 'partitions', 0, 'maxTime'],
      'must be relative (such as -14d) on the newest partition: a fixed time falls behind the receive ' +
        `retention (${retention}) as time passes and leaves a gap`,
    );
  } else if (newest.max.relativeMs < -(parseDuration(retention) ?? 0)) {
    sink.report(
      ['storeGateway', 'partitions', 0, 'maxTime'],
      `leaves a gap: ingestors keep ${retention} (receive.retention), so the newest store ` +
        `partition must serve up to at least -${retention} (found "${newest.partition.maxTime}")`,
    );
  }
}

/** Partition `i` (newer) and the next one (older) must touch or overlap, in bounds of one form. */
function partitionGapRule(newer: PartitionBounds, older: PartitionBounds, i: number, sink: ProblemSink): void {
  const path = ['storeGateway', 'partitions', i + 1, 'maxTime'];
  const a = newer.min;
  if (a === undefined) {
    sink.report(
      ['storeGateway', 'partitions', i, 'minTime'],
      'must be set on every partition but the oldest: partitions are listed newest first',
    );
    return;
  }
  const b = older.max;
  if (b === undefined) {
    sink.report(path, `must be set: it has to reach partition ${i}'s minTime ("${newer.partition.minTime}")`);
    return;
  }
  const comparable = ('relativeMs' in a && 'relativeMs' in b) || ('absoluteMs' in a && 'absoluteMs' in b);
  if (!comparable) {
    sink.report(path, `must use the same form (relative or RFC 3339) as partition ${i}'s minTime, to check for gaps`);
    return;
  }
  const aMs = 'relativeMs' in a ? a.relativeMs : a.absoluteMs;
  const bMs = 'relativeMs' in b ? b.relativeMs : b.absoluteMs;
  if (bMs < aMs) {
    sink.report(
      path,
      `leaves a gap: partition ${i} starts at "${newer.partition.minTime}" but partition ${i + 1} ends at ` +
        `"${older.partition.maxTime}"; make them meet or overlap`,
    );
  }
}
