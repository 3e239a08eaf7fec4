import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { tenantGlob } from '../src/rules/index.js';
import { globMatches } from '../src/rules/tenant-glob.js';
import { problemsOf } from './support/problems.js';

/**
 * Pattern pieces, each with what it means as a one-character regular expression: the oracle matches a chunk (the
 * pieces between stars) with them, and strings chunks together with Go's own loop (`goMatch`).
 */
const PIECES: Record<string, string> = {
  a: 'a',
  b: 'b',
  '/': '\\/',
  '*': '[^/]*',
  '?': '[^/]',
  '[ab]': '[ab]',
  '[^a]': '[^a]',
  '[a-b]': '[a-b]',
  '\\*': '\\*',
  '\\a': 'a',
  '[\\]]': '\\]',
};

const test = (pattern: string, tenant: string) => {
  const glob = tenantGlob(pattern);
  if (typeof glob === 'string') throw new Error(glob);
  return glob.test(tenant);
};

describe('tenant globs, matched without backtracking', () => {
  it("match as Go's filepath.Match does, on every small pattern and tenant", () => {
    const piece = fc.constantFrom(...Object.keys(PIECES));
    const tenant = fc.array(fc.constantFrom('a', 'b', '/', '*', ']'), { maxLength: 10 }).map((cs) => cs.join(''));
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 8 }), tenant, (pieces, t) => {
        expect(test(pieces.join(''), t), `${pieces.join('')} ${t}`).toBe(goMatch(pieces, t));
      }),
      { numRuns: 3000 },
    );
  });

  it('take the first place a chunk after a star matches, as Go does (no backtracking into the star)', () => {
    // A regular expression would answer true (`[^/]*` takes "]", `[^a]` the "/"); Go's Match takes the chunk at
    // the first place it fits ("]"), then the trailing star refuses the "/" left. Found under a random seed.
    expect(test('*[^a]*', ']/')).toBe(false);
    expect(goMatch(['*', '[^a]', '*'], ']/')).toBe(false);
    expect(test('*[^a]', ']/')).toBe(true);
  });

  it('keep the chunks of a pattern apart: a star never covers "/", the last chunk ends the tenant', () => {
    expect(test('*', '')).toBe(true);
    expect(test('*', 'a/b')).toBe(false);
    expect(test('a*', 'a')).toBe(true);
    expect(test('*b', 'ab/b')).toBe(false);
    expect(test('a*b', 'ab')).toBe(true);
    expect(test('a*b', 'a/b')).toBe(false);
    expect(test('a*b*c', 'abc')).toBe(true);
    expect(test('a*b*c', 'ab/c')).toBe(false);
    expect(test('a*b*c', 'a/bc')).toBe(false);
    expect(test('a*bb*c', 'abbc')).toBe(true);
    expect(test('a*bb*c', 'abc')).toBe(false);
    expect(test('*ab*', 'xxab')).toBe(true);
    expect(test('*ab*', 'xxa')).toBe(false);
    expect(test('a*b', 'abxb')).toBe(true);
    expect(test('a*b', 'abx')).toBe(false);
    expect(test('ab', 'abc')).toBe(false);
    expect(test('abc', 'ab')).toBe(false);
    expect(test('x*?', 'x')).toBe(false);
    expect(test('x*?', 'xy')).toBe(true);
    expect(test('?', '/')).toBe(false);
    expect(test('[^a]', '/')).toBe(true);
    // An escaped star is a character, and the star after it one more star.
    expect(test('a\\**', 'a*bc')).toBe(true);
    expect(test('a\\**', 'abc')).toBe(false);
    expect(test('a**b', 'axyb')).toBe(true);
    // Characters beyond U+FFFF are one character, as Go's runes.
    expect(test('?', '😀')).toBe(true);
    expect(test('[😀-😂]', '😁')).toBe(true);
    expect(globMatches('[', 'a')).toBe(false);
    expect(globMatches('team-*', 'team-a')).toBe(true);
  });

  it('answer hostile patterns (nested stars, long runs of stars, a*a*…b) against long tenants', () => {
    const long = 'a'.repeat(65_536);
    expect(test(`${'a*'.repeat(64)}b`, long)).toBe(false);
    expect(test(`${'a*'.repeat(64)}a`, long)).toBe(true);
    expect(test(`${'*'.repeat(10_000)}b`, long)).toBe(false);
    expect(test(`${'*a'.repeat(60)}*`, long)).toBe(true);
    expect(test(`${'?*'.repeat(60)}b`, long)).toBe(false);
    expect(test(`${'[a-z]*'.repeat(40)}[0-9]`, long)).toBe(false);
    expect(test(`*${'a'.repeat(120)}b*`, long)).toBe(false);
    expect(test(`${'*'.repeat(127)}/`, `${long}/`)).toBe(true);
    expect(test(`a*${'a'.repeat(100)}*b`, `${long}/b`)).toBe(false);
  });

  it('keep validate on a file of hostile globs to its answers', () => {
    const hostile = `${'a*'.repeat(63)}b`;
    const yaml = `receive:
  defaultTenant: ${'a'.repeat(4000)}
  hashrings:
    - name: one
      tenantMatcher: glob
      tenants: ["${hostile}", "${'*'.repeat(127)}"]
    - name: two
      tenants: ["${'a'.repeat(100)}"]
`;
    // The second glob takes every tenant without "/": the exact tenant of hashring two is shadowed by it.
    expect(problemsOf(yaml).map((p) => p.message)).toEqual([
      expect.stringContaining(`it matches "${'*'.repeat(127)}" of receive.hashrings[0]`),
    ]);
  });
});

/**
 * Go's `filepath.Match` (path/filepath/match.go) on a pattern of `PIECES`, ported as the oracle: the pattern is
 * cut into chunks at stars; a chunk is taken at the first place it matches unless it is the last and leaves
 * characters, else after skipping characters that are not "/"; a trailing star takes the rest if it has no "/".
 */
function goMatch(pieces: string[], name: string): boolean {
  const chunks: { star: boolean; chunk: string[] }[] = [];
  for (const p of pieces) {
    if (p === '*') {
      const last = chunks.at(-1);
      if (last && last.chunk.length === 0) last.star = true;
      else chunks.push({ star: true, chunk: [] });
    } else if (chunks.length === 0) chunks.push({ star: false, chunk: [p] });
    else chunks.at(-1)?.chunk.push(p);
  }
  let rest = name;
  for (const [i, { star, chunk }] of chunks.entries()) {
    const lastChunk = i === chunks.length - 1;
    if (star && chunk.length === 0) return !rest.includes('/');
    const at = (s: string): string | undefined => {
      const m = new RegExp(`^${chunk.map((p) => PIECES[p]).join('')}`).exec(s);
      return m ? s.slice(m[0].length) : undefined;
    };
    const here = at(rest);
    if (here !== undefined && (here.length === 0 || !lastChunk)) {
      rest = here;
      continue;
    }
    if (!star) return false;
    let found: string | undefined;
    for (let j = 0; j < rest.length && rest[j] !== '/'; j++) {
      const t = at(rest.slice(j + 1));
      if (t === undefined || (lastChunk && t.length > 0)) continue;
      found = t;
      break;
    }
    if (found === undefined) return false;
    rest = found;
  }
  return rest.length === 0;
}
