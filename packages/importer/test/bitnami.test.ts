import { readFileSync } from 'node:fs';
import { loadEnvironments } from '@thanos-gitops/input';
import { describe, expect, it } from 'vitest';
import { importBitnami } from '../src/bitnami/index.js';
import { formatReport } from '../src/report.js';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/bitnami/${name}.yaml`, import.meta.url), 'utf8');

describe('import bitnami', () => {
  it('smoke', () => {
    const r = importBitnami(
      { text: fixture('dual-mode'), file: 'values.yaml' },
      { release: 'thanos', namespace: 'monitoring-thanos' },
    );
    console.log(r.environment);
    console.log(formatReport(r.report));
    console.log(r.runbook);
    const [loaded] = loadEnvironments([{ path: `environments/${r.name}.yaml`, text: r.environment }]);
    expect(loaded?.env.name).toBe(r.name);
  });
});
