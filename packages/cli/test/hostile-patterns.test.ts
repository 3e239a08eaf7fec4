/**
 * Patterns a user writes that a backtracking engine would take minutes on: patch target names (Go regular
 * expressions, as Kustomize reads them) and tenant globs go through engines that are linear in their input, so
 * each of these renders or is refused with its answer. Their times are measured by `bench/hostile-patterns.mjs`.
 */
import { InvalidEnvironmentError, type Problem } from '@thanos-gitops/problems';
import { describe, expect, it } from 'vitest';
import { kustomizeNameMatcher } from '../src/kustomize-name.js';
import { renderEnvironments } from '../src/render.js';
import { VALID } from './helpers.js';

const matches = (pattern: string, name: string) => {
  const m = kustomizeNameMatcher(pattern);
  if (typeof m === 'string') throw new Error(m);
  return m.test(name);
};

function problemsOf(yaml: string): Problem[] {
  try {
    renderEnvironments([{ path: 'environments/valid.yaml', text: yaml }]);
    return [];
  } catch (err) {
    if (!(err instanceof InvalidEnvironmentError)) throw err;
    return err.problems;
  }
}

const patch = (name: string) => `patches:
  - target:
      kind: Deployment
      name: ${JSON.stringify(name)}
    patch: |
      - op: add
        path: /metadata/labels/patched
        value: "yes"
`;

describe('patch target names', () => {
  it('are anchored Go regular expressions', () => {
    expect(matches('thanos-.*', 'thanos-query')).toBe(true);
    expect(matches('query', 'thanos-query')).toBe(false);
    expect(matches('thanos-query|other', 'thanos-query')).toBe(true);
    expect(matches('a|b', 'ab')).toBe(false);
    expect(matches('(?i)THANOS-QUERY', 'thanos-query')).toBe(true);
    expect(matches('thanos-\\pL+', 'thanos-query')).toBe(true);
    expect(matches('[[:alpha:]-]+', 'thanos-query')).toBe(true);
  });

  it('refuse what Go refuses, with its reason', () => {
    expect(kustomizeNameMatcher('(?=a)a')).toBe('invalid perl operator: "(?="');
    expect(kustomizeNameMatcher('(a)\\1')).toBe('invalid escape sequence: "\\\\1"');
    expect(kustomizeNameMatcher('a{1001}')).toBe('invalid repetition size: "{1001}"');
    expect(kustomizeNameMatcher('thanos-(query')).toBe('missing )');
  });

  it('answer hostile patterns against long names', () => {
    const long = 'a'.repeat(65_536);
    expect(matches('(a+)+b', long)).toBe(false);
    expect(matches('(a|a)*b', long)).toBe(false);
    expect(matches('(a*)*', long)).toBe(true);
    expect(matches(`${'(a*)*'.repeat(100)}b`, long)).toBe(false);
    expect(matches(`${'a?'.repeat(500)}${'a'.repeat(500)}`, 'a'.repeat(500))).toBe(true);
    expect(matches('(.*a){20}', long)).toBe(true);
  });

  it('render or are refused by their answer, however they nest', () => {
    expect(problemsOf(`${VALID}${patch('(thanos-(query|[a-z]*)*)*')}`)).toEqual([]);
    expect(problemsOf(`${VALID}${patch(`(${'(t*)*'.repeat(200)})x`)}`).map((p) => p.message)).toEqual([
      expect.stringMatching(/^matches no generated Deployment/),
    ]);
  });
});

describe('tenant globs through the whole pipeline', () => {
  it('render with a hostile glob that matches nothing, and shadow a tenant with one that matches it', () => {
    const hashrings = (tenants: string[], more = '') => `receive:
  hashrings:
    - name: globbed
      tenantMatcher: glob
      tenants: ${JSON.stringify(tenants)}
${more}    - name: default
`;
    expect(problemsOf(`${VALID}${hashrings([`${'a*'.repeat(60)}b`])}`)).toEqual([]);
    const exact = `    - name: exact\n      tenants: ["${'a'.repeat(120)}"]\n`;
    const shadowing = `${VALID}${hashrings([`${'*a'.repeat(60)}*`], exact)}`;
    expect(problemsOf(shadowing).map((p) => p.message)).toEqual([expect.stringContaining('is never routed here')]);
  });
});
