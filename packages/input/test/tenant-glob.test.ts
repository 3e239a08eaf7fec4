import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { tenantGlob } from '../src/rules/index.js';
import { globMatches } from '../src/rules/tenant-glob.js';
import { problemsOf } from './support/problems.js';

/** Pattern pieces, each with what it means as a (backtracking, but here tiny) regular expression: the oracle. */
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
  it('match as the regular expression of Go filepath.Match would, on every small pattern and tenant', () => {
    const piece = fc.constantFrom(...Object.keys(PIECES));
    const tenant = fc.array(fc.constantFrom('a', 'b', '/', '*', ']'), { maxLength: 10 }).map((cs) => cs.join(''));
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 8 }), tenant, (pieces, t) => {
        const oracle = new RegExp(`^${pieces.map((p) => PIECES[p]).join('')}$`);
        expect(test(pieces.join(''), t)).toBe(oracle.test(t));
      }),
      { numRuns: 3000 },
    );
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
