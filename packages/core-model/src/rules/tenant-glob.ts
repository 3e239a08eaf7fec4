/** Tenant globs as the receive routers match them. */

export function globMatches(pattern: string, tenant: string): boolean {
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
