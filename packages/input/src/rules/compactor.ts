/** Rules of the `compactor` section (schema/compactor.ts). */
import { parseDuration } from '@thanos-gitops/model';
import type { ProblemSink } from '@thanos-gitops/problems';
import type { Environment } from '@thanos-gitops/schema';

const HOUR_MS = 3_600_000;

/** The compactor refuses to start with retentions shorter than downsampling needs; sharding must not split replicas. */
export function compactorRules(env: Environment, sink: ProblemSink): void {
  const c = env.compactor;
  if (c.enabled && c.downsampling) {
    downsamplingRetentionRules(c, sink);
    retentionOrderWarnings(c, sink);
  }
  // Stryker disable next-line OptionalChaining: applyDerivedDefaults always fills deduplicationReplicaLabels.
  if (c.enabled && c.sharding && c.deduplicationReplicaLabels?.includes(c.sharding.label)) {
    sink.report(
      ['compactor', 'sharding', 'label'],
      `"${c.sharding.label}" is also a deduplication replica label: replicas would land on different shards ` +
        'and never be merged; shard by a label the replicas share',
    );
  }
}

/** Downsampling needs blocks of a certain age, so the finer resolutions must be kept at least that long. */
function downsamplingRetentionRules(c: Environment['compactor'], sink: ProblemSink): void {
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

/**
 * A coarser resolution kept shorter than a finer one leaves ranges only the finer one covers: the description
 * asks for raw <= 5m <= 1h unless detail is meant to go first. Not an error: a warning at the shorter one.
 */
function retentionOrderWarnings(c: Environment['compactor'], sink: ProblemSink): void {
  const kept = (r: 'raw' | '5m' | '1h') => {
    const ms = parseDuration(c.retention[r]) ?? 0;
    return ms === 0 ? Number.POSITIVE_INFINITY : ms;
  };
  for (const [fine, coarse] of [
    ['raw', '5m'],
    ['5m', '1h'],
  ] as const) {
    if (kept(coarse) < kept(fine)) {
      sink.warn?.(
        ['compactor', 'retention', coarse],
        `keeps ${coarse} data (${c.retention[coarse]}) for less time than ${fine} data ` +
          `(${c.retention[fine]}): queries over old ranges fall back to coarser resolutions, so keep ` +
          'raw <= 5m <= 1h unless you mean to drop detail first',
      );
    }
  }
}
