/**
 * Every generated PrometheusRule passes `promtool check rules` (syntax, PromQL, templates, duplicate rules).
 * promtool comes from Debian's `prometheus` package. Without it the tests are skipped locally and fail in CI
 * (CI=true), where .ci/run installs it.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadEnvironments } from '@thanos-gitops/input';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { plainObjects, renderAll, shippedSources, tempDir, variantSources } from './helpers.js';

const PROMTOOL_REQUIRED = process.env.CI === 'true';

function promtoolVersion(): string | undefined {
  const run = spawnSync('promtool', ['--version'], { encoding: 'utf8' });
  if (run.error || run.status !== 0) return undefined;
  return run.stdout.split('\n')[0];
}

const version = promtoolVersion();
const rendered = renderAll();

interface RuleSpec {
  groups: { name: string; rules: unknown[] }[];
}

describe('promtool check rules', () => {
  it.runIf(PROMTOOL_REQUIRED)('has promtool in CI (Debian package prometheus)', () => {
    expect(version, 'promtool not found on PATH: apt-get install prometheus').toBeDefined();
  });

  it('finds one PrometheusRule in every environment that asks for one, none elsewhere', () => {
    const wanted = new Map(
      loadEnvironments([...shippedSources(), ...variantSources()]).map((l) => [
        l.env.name,
        l.env.monitoring.prometheusRule,
      ]),
    );
    for (const r of rendered) {
      const rules = plainObjects(r).filter((o) => o.kind === 'PrometheusRule');
      expect(rules.length, r.env).toBe(wanted.get(r.env) ? 1 : 0);
    }
    expect([...wanted.values()].filter(Boolean).length).toBeGreaterThanOrEqual(3);
  });

  for (const r of rendered) {
    const rules = plainObjects(r).filter((o) => o.kind === 'PrometheusRule');
    for (const rule of rules) {
      it.skipIf(!version && !PROMTOOL_REQUIRED)(`${r.env}: ${rule.metadata.name}`, () => {
        expect(version, 'promtool not found on PATH: apt-get install prometheus').toBeDefined();
        const spec = rule.spec as RuleSpec;
        const expectedRules = spec.groups.reduce((n, g) => n + g.rules.length, 0);
        const file = join(tempDir('thanos-gitops-promtool-'), `${r.env}-${rule.metadata.name}.yaml`);
        writeFileSync(file, stringify(spec));
        const run = spawnSync('promtool', ['check', 'rules', file], { encoding: 'utf8' });
        const output = `${run.stdout}${run.stderr}`;
        expect(run.status, output).toBe(0);
        const found = Number(/SUCCESS: ([0-9]+) rules found/.exec(output)?.[1] ?? 0);
        expect(found, output).toBeGreaterThan(0);
        expect(found).toBe(expectedRules);
      });
    }
  }
});
