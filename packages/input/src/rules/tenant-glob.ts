/**
 * Tenant globs as the receive routers match them (Go's `filepath.Match`), matched in time linear in the tenant for
 * a given pattern: no regular expression, so no backtracking a crafted pattern could make exponential.
 */

/** A glob that parsed: `test(tenant)` says whether it matches. */
export interface TenantGlob {
  readonly pattern: string;
  test(tenant: string): boolean;
}

/** One pattern character that matches one tenant character: a literal, `?`, or a class of ranges. */
type One = (c: number) => boolean;

/** The pattern between two runs of `*`: characters matched one for one. */
type Chunk = readonly One[];

/** The `/` that `*` and `?` never match (Go's `filepath.Separator` on Linux). */
const SEPARATOR = 0x2f;

export function globMatches(pattern: string, tenant: string): boolean {
  const glob = tenantGlob(pattern);
  return typeof glob !== 'string' && glob.test(tenant);
}

/**
 * A tenant glob as the routers match it (Go's `filepath.Match`: `*`, `?`, `[…]` classes, `\\` escapes), or why the
 * pattern is malformed (Thanos would then fail every write it is tried on).
 */
export function tenantGlob(pattern: string): TenantGlob | string {
  const parsed = parseGlob([...pattern]);
  if (typeof parsed === 'string') return parsed;
  return { pattern, test: (tenant) => matchChunks(parsed, [...tenant].map(codePoint)) };
}

const codePoint = (c: string): number => c.codePointAt(0) as number;

/**
 * The chunks of a pattern, split at its runs of `*`: the first is anchored at the start of the tenant, the last at
 * its end (an empty chunk where the pattern starts or ends with `*`).
 */
function parseGlob(p: readonly string[]): Chunk[] | string {
  const chunks: One[][] = [[]];
  let i = 0;
  let afterStar = false;
  /** One character of a class range (escapes read), or undefined when malformed. */
  const classChar = (): number | undefined => {
    let c = p[i];
    if (c === undefined || c === '-' || c === ']') return undefined;
    if (c === '\\') {
      i++;
      c = p[i];
      if (c === undefined) return undefined;
    }
    i++;
    return codePoint(c);
  };
  while (i < p.length) {
    const c = p[i] as string;
    const chunk = chunks[chunks.length - 1] as One[];
    if (c === '*') {
      // A run of stars is one star: only the first opens a chunk.
      if (!afterStar) chunks.push([]);
      afterStar = true;
      i++;
      continue;
    }
    afterStar = false;
    if (c === '?') chunk.push((t) => t !== SEPARATOR);
    else if (c === '\\') {
      i++;
      const next = p[i];
      if (next === undefined) return 'it ends with an unfinished escape "\\"';
      chunk.push(literal(codePoint(next)));
    } else if (c === '[') {
      const opened = i;
      i++;
      const negated = p[i] === '^';
      if (negated) i++;
      const ranges: [number, number][] = [];
      while (p[i] !== ']' || ranges.length === 0) {
        const lo = classChar();
        if (lo === undefined) return `the character class at position ${opened + 1} is empty, malformed or unclosed`;
        let hi = lo;
        if (p[i] === '-') {
          i++;
          const h = classChar();
          if (h === undefined || h < lo) {
            return `range "${String.fromCodePoint(lo)}-${h === undefined ? '' : String.fromCodePoint(h)}" in a character class is malformed`;
          }
          hi = h;
        }
        ranges.push([lo, hi]);
      }
      chunk.push((t) => ranges.some(([lo, hi]) => lo <= t && t <= hi) !== negated);
    } else chunk.push(literal(codePoint(c)));
    i++;
  }
  return chunks;
}

const literal =
  (c: number): One =>
  (t) =>
    t === c;

/** Whether `chunk` matches `name` at `at`, character for character. */
function chunkAt(chunk: Chunk, name: readonly number[], at: number): boolean {
  if (at + chunk.length > name.length) return false;
  for (let k = 0; k < chunk.length; k++) if (!(chunk[k] as One)(name[at + k] as number)) return false;
  return true;
}

/**
 * Go's algorithm: each chunk after a star is taken at the first place it matches, which is never worse than a later
 * one (chunks have a fixed length, and a star can only give up characters); the stretch a star covers holds no `/`.
 * At most one pass over the tenant per chunk: O(tenant × pattern), whatever the pattern.
 */
function matchChunks(chunks: readonly Chunk[], name: readonly number[]): boolean {
  const first = chunks[0] as Chunk;
  if (!chunkAt(first, name, 0)) return false;
  if (chunks.length === 1) return first.length === name.length;
  let at = first.length;
  const last = chunks.length - 1;
  for (let k = 1; k < last; k++) {
    const chunk = chunks[k] as Chunk;
    let start = at;
    while (!chunkAt(chunk, name, start)) {
      // The star before this chunk would have to cover `/`, or there is no room left.
      if (start + chunk.length >= name.length || name[start] === SEPARATOR) return false;
      start++;
    }
    at = start + chunk.length;
  }
  // The last chunk ends the tenant: the star before it covers what lies between, which holds no `/`.
  const tail = chunks[last] as Chunk;
  const start = name.length - tail.length;
  if (start < at || !chunkAt(tail, name, start)) return false;
  return !name.slice(at, start).includes(SEPARATOR);
}
