/** Prometheus-style durations (`15d`, `2h30m`, `1y`) and Thanos time bounds (`-14d`, RFC 3339). */

const UNIT_MS: Record<string, number> = {
  y: 365 * 24 * 3600 * 1000,
  w: 7 * 24 * 3600 * 1000,
  d: 24 * 3600 * 1000,
  h: 3600 * 1000,
  m: 60 * 1000,
  s: 1000,
  ms: 1,
};

const DURATION_RE =
  /^(?:([0-9]+)y)?(?:([0-9]+)w)?(?:([0-9]+)d)?(?:([0-9]+)h)?(?:([0-9]+)m)?(?:([0-9]+)s)?(?:([0-9]+)ms)?$/;

/** Milliseconds in a duration, or undefined when it does not parse. `0` is zero. */
export function parseDuration(text: string): number | undefined {
  if (text === '0') return 0;
  if (text === '') return undefined;
  const m = DURATION_RE.exec(text);
  if (!m) return undefined;
  const units = ['y', 'w', 'd', 'h', 'm', 's', 'ms'];
  let total = 0;
  units.forEach((u, i) => {
    const v = m[i + 1];
    if (v !== undefined) total += Number(v) * (UNIT_MS[u] ?? 0);
  });
  return total;
}

/** Formats milliseconds as the shortest Prometheus duration (`15d`, `6h`, `14d6h`). */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0s';
  let rest = ms;
  let out = '';
  for (const u of ['d', 'h', 'm', 's', 'ms']) {
    const size = UNIT_MS[u] ?? 1;
    const n = Math.floor(rest / size);
    if (n > 0) {
      out += `${n}${u}`;
      rest -= n * size;
    }
  }
  return out;
}

/**
 * A Thanos time bound as an offset from now in milliseconds (negative = in the past), or an absolute
 * time as `{ absolute: epochMs }`. Undefined when it does not parse.
 */
export function parseTimeBound(text: string): { relativeMs: number } | { absoluteMs: number } | undefined {
  if (/^-?[0-9]/.test(text) && !text.includes('T')) {
    const negative = text.startsWith('-');
    const ms = parseDuration(negative ? text.slice(1) : text);
    return ms === undefined ? undefined : { relativeMs: negative ? -ms : ms };
  }
  const t = Date.parse(text);
  return Number.isNaN(t) ? undefined : { absoluteMs: t };
}
