/**
 * Each secret is reported once, at the option that carries it. Two scans look for credentials: the load-time
 * rules (literal `extraEnv` values of credential names, static credentials anywhere in the file) and the scan of
 * the rendered output before anything is written (which finds a secret in every file it lands in, e.g. every
 * store shard). Neither may repeat what the other, or itself, already said.
 */
import type { SourceFile } from '@thanos-gitops/input';
import { InvalidEnvironmentError, type Problem } from '@thanos-gitops/problems';
import { describe, expect, it } from 'vitest';
import { renderEnvironments } from '../src/render.js';
import { VALID } from './helpers.js';

const ACCESS_KEY = 'AKIAIOSFODNN7EXAMPLE';
const SECRET_KEY = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const BEARER = 'Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl';

/** An environment `x` with `extra` YAML appended to the valid one. */
const source = (extra: string): SourceFile => ({
  path: 'environments/x.yaml',
  text: `${VALID.replace('name: valid', 'name: x').replace('acme-thanos-valid', 'acme-thanos-x')}${extra}`,
});

function problemsOf(extra: string): Problem[] {
  try {
    renderEnvironments([source(extra)]);
  } catch (err) {
    if (err instanceof InvalidEnvironmentError) return [...err.problems];
    throw err;
  }
  return [];
}

describe('each secret is reported once, at the option that carries it', () => {
  const cases: [what: string, yaml: string, fields: string[], words: RegExp][] = [
    [
      'an access key id as a literal AWS_ACCESS_KEY_ID (both load-time rules see it)',
      `compactor:\n  extraEnv:\n    - name: AWS_ACCESS_KEY_ID\n      value: ${ACCESS_KEY}\n`,
      ['compactor.extraEnv[0].value'],
      /AWS_ACCESS_KEY_ID carries a credential.*secretKeyRef/,
    ],
    [
      'a secret key as a literal AWS_SECRET_ACCESS_KEY',
      `query:\n  extraEnv:\n    - name: AWS_SECRET_ACCESS_KEY\n      value: ${SECRET_KEY}\n`,
      ['query.extraEnv[0].value'],
      /AWS_SECRET_ACCESS_KEY carries a credential/,
    ],
    [
      'an access key id under a harmless env name',
      `query:\n  extraEnv:\n    - name: DEBUG_VALUE\n      value: ${ACCESS_KEY}\n`,
      ['query.extraEnv[0].value'],
      /an AWS access key id/,
    ],
    [
      'a bearer token in a store annotation (rendered into every store shard)',
      `storeGateway:\n  shards: 3\n  podAnnotations:\n    example.com/auth: "${BEARER}"\n`,
      ['storeGateway.podAnnotations.example.com/auth'],
      /a bearer token/,
    ],
    [
      'an access key id and a bearer token in one annotation',
      `query:\n  podAnnotations:\n    example.com/x: "${ACCESS_KEY} ${BEARER}"\n`,
      ['query.podAnnotations.example.com/x'],
      /./,
    ],
    [
      'two secrets in two options: one report each',
      `query:\n  extraEnv:\n    - name: GITHUB_TOKEN\n      value: ghp_0123456789abcdef\nruler:\n  podAnnotations:\n    example.com/auth: ${ACCESS_KEY}\n`,
      ['query.extraEnv[0].value', 'ruler.podAnnotations.example.com/auth'],
      /./,
    ],
  ];
  for (const [what, yaml, fields, words] of cases) {
    it(what, () => {
      const problems = problemsOf(yaml);
      expect(
        problems.map((p) => p.field),
        problems.map((p) => `${p.field}: ${p.message}`).join('\n'),
      ).toEqual(fields);
      expect(problems[0]?.message).toMatch(words);
      for (const p of problems) {
        expect(p.message).not.toContain(ACCESS_KEY);
        expect(p.message).not.toContain(SECRET_KEY);
      }
    });
  }
});
