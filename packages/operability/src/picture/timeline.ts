/**
 * Which component answers which age of data: the ingestors (and a stateful ruler) for the newest, each store
 * partition for its range, until the oldest data the compactor keeps. Ages are measured back from now; a
 * partition bound given as a fixed time (RFC 3339) is shown as such and ends the gap check there, since its age
 * depends on when you look.
 */
import { formatDuration, parseDuration, parseTimeBound } from '@thanos-gitops/model';
import type { Environment } from '@thanos-gitops/schema';
import { rulerRetention } from '@thanos-gitops/thanos-components';

/** A point on the age axis: an age in ms (0 = now), a fixed time, or the beginning of the bucket. */
export type Edge = { ageMs: number } | { time: string } | { oldest: true };

export interface Lane {
  id: string;
  /** True when the lane holds only some series (the ruler's recorded series): it fills no gap. */
  partial?: boolean;
  /** Who answers (`Ingestors (3 hashrings)`, `Store partition 0 (2 shards)`). */
  who: string;
  /** The newest and oldest data it answers for. */
  newest: Edge;
  oldest: Edge;
}

export interface Gap {
  /** Ages (ms) of the uncovered stretch. */
  fromMs: number;
  toMs: number | 'oldest';
}

export interface Timeline {
  lanes: Lane[];
  /** Whether data newer than the first lane comes from outside this deployment (no receive). */
  newestFromOutside: boolean;
  /** Whether the bucket's blocks are served (a store gateway runs). */
  servesBucket: boolean;
  /** How long the bucket keeps each resolution (ms; undefined = forever), from the compactor's retention. */
  retention: { resolution: 'raw' | '5m' | '1h'; ms: number | undefined }[];
  /** The oldest age any data is kept (undefined = forever). */
  horizonMs: number | undefined;
  gaps: Gap[];
}

function edgeOf(bound: string | undefined, missing: Edge): Edge {
  if (bound === undefined) return missing;
  const parsed = parseTimeBound(bound);
  if (!parsed) return missing;
  return 'relativeMs' in parsed ? { ageMs: Math.max(0, -parsed.relativeMs) } : { time: bound };
}

export function timeline(env: Environment): Timeline {
  const lanes: Lane[] = [];
  if (env.receive.enabled) {
    const n = env.receive.hashrings.length;
    lanes.push({
      id: 'ingestors',
      who: `Ingestors (${n} hashring${n === 1 ? '' : 's'})`,
      newest: { ageMs: 0 },
      oldest: { ageMs: parseDuration(env.receive.retention) ?? 0 },
    });
  }
  if (env.ruler.enabled && env.ruler.mode === 'stateful') {
    lanes.push({
      id: 'ruler',
      who: 'Ruler (recorded series and alerts only)',
      partial: true,
      newest: { ageMs: 0 },
      oldest: { ageMs: parseDuration(rulerRetention(env)) ?? 0 },
    });
  }
  const s = env.storeGateway;
  if (s.enabled) {
    s.partitions.forEach((p, i) => {
      lanes.push({
        id: `store-p${i}`,
        who: `Store ${s.partitions.length === 1 ? 'gateway' : `partition ${i}`} (${s.shards} shard${s.shards === 1 ? '' : 's'})`,
        newest: edgeOf(p.maxTime, { ageMs: 0 }),
        oldest: edgeOf(p.minTime, { oldest: true }),
      });
    });
  }
  const c = env.compactor;
  const retention = (['raw', '5m', '1h'] as const).map((resolution) => {
    const ms = c.enabled ? parseDuration(c.retention[resolution]) : 0;
    return { resolution, ms: ms === 0 || ms === undefined ? undefined : ms };
  });
  const horizonMs = retention.some((r) => r.ms === undefined)
    ? undefined
    : Math.max(...retention.map((r) => r.ms ?? 0));
  const full = lanes.filter((l) => !l.partial);
  // Without receive, the newest data comes from StoreAPIs outside this deployment (sidecars): the check starts
  // at the newest lane. Without a store gateway, the bucket is not served: it ends at the oldest lane.
  const newestFromOutside = !env.receive.enabled;
  const servesBucket = s.enabled;
  const start = newestFromOutside ? Math.min(...full.map((l) => ('ageMs' in l.newest ? l.newest.ageMs : 0))) : 0;
  const end = servesBucket ? horizonMs : Math.max(0, ...full.map((l) => ('ageMs' in l.oldest ? l.oldest.ageMs : 0)));
  const gaps = full.length === 0 ? [] : gapsOf(full, end, start);
  return { lanes, newestFromOutside, servesBucket, retention, horizonMs, gaps };
}

/**
 * Stretches of age between now and the horizon that no lane answers for. Walks the lanes with relative
 * bounds from now backwards; stops at a lane with a fixed-time bound (its age moves with time).
 */
export function gapsOf(lanes: readonly Lane[], horizonMs: number | undefined, startMs = 0): Gap[] {
  const relative = lanes
    .filter((l) => 'ageMs' in l.newest)
    .map((l) => ({
      newest: (l.newest as { ageMs: number }).ageMs,
      oldest: 'ageMs' in l.oldest ? l.oldest.ageMs : 'oldest' in l.oldest ? Number.POSITIVE_INFINITY : undefined,
    }))
    .sort((a, b) => a.newest - b.newest);
  const gaps: Gap[] = [];
  let covered = startMs;
  const end = horizonMs ?? Number.POSITIVE_INFINITY;
  for (const l of relative) {
    if (covered >= end) break;
    if (l.newest > covered) gaps.push({ fromMs: covered, toMs: Math.min(l.newest, end) });
    if (l.oldest === undefined) return gaps; // a fixed time: cannot follow further
    covered = Math.max(covered, l.oldest);
  }
  if (covered < end) gaps.push({ fromMs: covered, toMs: horizonMs ?? 'oldest' });
  return gaps;
}

export function ageText(e: Edge): string {
  if ('oldest' in e) return 'the oldest block';
  if ('time' in e) return e.time;
  return e.ageMs === 0 ? 'now' : `${formatDuration(e.ageMs)} ago`;
}
