/** Rules of the `ruler` section (schema/ruler.ts). */
import { formatDuration, parseDuration, parseTimeBound } from '@thanos-gitops/model';
import type { ProblemSink } from '@thanos-gitops/problems';
import type { Environment } from '@thanos-gitops/schema';

/**
 * A stateless ruler needs receive to write to; a stateful one must keep its TSDB until the store gateway serves
 * its uploaded blocks. Both are otherwise only seen at runtime.
 */
export function rulerRules(env: Environment, sink: ProblemSink): void {
  if (env.ruler.enabled && env.ruler.mode === 'stateless' && !env.receive.enabled) {
    sink.report(['ruler', 'mode'], 'a stateless ruler remote-writes to receive, but receive.enabled is false');
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
