/**
 * The fuzz gate of issue 20, small: environment files drawn from the JSON Schema itself (bench/fuzz/arbitrary.mjs),
 * valid and mutated with hostile values, go through the whole pipeline. None may crash (the CLI's exit 3), every
 * refusal names the file, a line and a column inside it, and every accepted file renders objects that pass the
 * pipeline's own object checks (renderEnvironments throws otherwise). `node bench/fuzz/run.mjs` draws 10,000 and
 * prints the times; this test draws a few hundred and asserts only outcomes.
 */
import { readFileSync } from 'node:fs';
import { InvalidEnvironmentError } from '@thanos-gitops/problems';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
// @ts-expect-error plain JavaScript shared with the benchmark, no declarations
import { environmentArbitrary } from '../../../bench/fuzz/arbitrary.mjs';
// @ts-expect-error plain JavaScript shared with the benchmark, no declarations
import { runCase } from '../../../bench/fuzz/check.mjs';
import { renderEnvironments } from '../src/render.js';

const schema = JSON.parse(readFileSync(new URL('../../../schema/environment.schema.json', import.meta.url), 'utf8'));
const isInvalid = (e: unknown) => e instanceof InvalidEnvironmentError;

describe('environment files drawn from the schema', () => {
  it('are refused with located problems or rendered, never a crash', () => {
    const cases = fc.sample(environmentArbitrary(schema), { numRuns: 250, seed: 20 }) as {
      doc: unknown;
      mutated: boolean;
    }[];
    const outcomes = cases.map(({ doc }) => runCase(doc, { render: renderEnvironments, isInvalid }));
    const bad = outcomes.filter((o) => o.outcome === 'crashed' || o.outcome === 'unlocated');
    expect(bad.map((o) => `${o.outcome}: ${o.detail}\n${o.text}`)).toEqual([]);
    // Not vacuous: some are rendered, and many of the mutated ones are refused.
    expect(outcomes.filter((o) => o.outcome === 'rendered').length).toBeGreaterThan(5);
    expect(outcomes.filter((o) => o.outcome === 'refused').length).toBeGreaterThan(100);
  }, 120_000);

  it('a patch that is an alias with no anchor is refused at the patch, not a crash', () => {
    const doc = {
      name: 'fuzz',
      cluster: { name: 'c' },
      objectStorage: { provider: 's3', bucket: 'fuzz-bucket', region: 'eu-west-1' },
      patches: [{ target: { kind: 'Deployment' }, patch: '*missing' }],
    };
    const r = runCase(doc, { render: renderEnvironments, isInvalid });
    expect(r.outcome).toBe('refused');
    expect(r.detail).toMatch(/^is not valid YAML: Unresolved alias/);
  });
});
