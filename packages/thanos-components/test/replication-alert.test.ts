/**
 * The receive replication alert, evaluated by real Prometheus (`promtool test rules`): it must fire when
 * enough replica writes fail for writes to lose their quorum, and stay quiet below that. Skipped without
 * promtool locally; CI (CI=true) installs it and requires it.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { replicationErrorThreshold } from '../src/alerts.js';
import { render } from './support/render.js';

const REQUIRED = process.env.CI === 'true';
const promtool = spawnSync('promtool', ['--version'], { encoding: 'utf8' });
const available = !promtool.error && promtool.status === 0;
const dir = mkdtempSync(join(tmpdir(), 'thanos-gitops-replication-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function replicationExpr(rf: number): string {
  const hashring = `{ name: default, replicas: ${Math.max(rf, 1)} }`;
  const r = render(`receive: { replicationFactor: ${rf}, hashrings: [${hashring}] }\n`);
  const rule = r.objects.find((o) => o.kind === 'PrometheusRule');
  const alert = rule?.spec.groups
    .flatMap((g: { rules: { alert: string; expr: string }[] }) => g.rules)
    .find((a: { alert: string }) => a.alert === 'ThanosReceiveReplicationErrorRateHigh');
  if (!alert) throw new Error('no replication alert');
  return alert.expr;
}

/** Whether the alert expression selects anything after 10 minutes of `failedPercent` failed replica writes. */
function fires(rf: number, failedPercent: number): boolean {
  const expr = replicationExpr(rf);
  const series = (result: string, perMinute: number) => ({
    series: `thanos_receive_replications_total{namespace="thanos", job="thanos-receive-router", result="${result}"}`,
    values: `0+${perMinute}x20`,
  });
  const name = `rf${rf}-${failedPercent}`;
  const rules = join(dir, `${name}.rules.yaml`);
  writeFileSync(rules, stringify({ groups: [{ name: 'replication', rules: [{ record: 'firing', expr }] }] }));
  const tests = join(dir, `${name}.test.yaml`);
  const probe = (expected: { labels: string; value: number }[]) => ({
    interval: '1m',
    input_series: [series('error', failedPercent), series('success', 100 - failedPercent)],
    promql_expr_test: [{ expr: 'count(firing)', eval_time: '10m', exp_samples: expected }],
  });
  // Run once expecting it to fire; promtool's exit status says whether that was right.
  writeFileSync(tests, stringify({ rule_files: [rules], tests: [probe([{ labels: '{}', value: 1 }])] }));
  const run = spawnSync('promtool', ['test', 'rules', tests], { encoding: 'utf8' });
  if (run.status === 0) return true;
  writeFileSync(tests, stringify({ rule_files: [rules], tests: [probe([])] }));
  const quiet = spawnSync('promtool', ['test', 'rules', tests], { encoding: 'utf8' });
  expect(quiet.status, `${quiet.stdout}${quiet.stderr}`).toBe(0);
  return false;
}

describe('receive replication alert', () => {
  it('puts the threshold where writes lose their quorum: (RF - quorum) / RF', () => {
    expect(replicationErrorThreshold(3)).toBeCloseTo(1 / 3);
    expect(replicationErrorThreshold(5)).toBeCloseTo(2 / 5);
    expect(replicationErrorThreshold(1)).toBe(0.05);
  });

  it.skipIf(!available && !REQUIRED)('fires, in Prometheus, only past the quorum share of failed copies', () => {
    expect(available, 'promtool not found on PATH: apt-get install prometheus').toBe(true);
    // RF 3: a write survives one failed copy in three.
    expect(fires(3, 20)).toBe(false);
    expect(fires(3, 30)).toBe(false);
    expect(fires(3, 40)).toBe(true);
    // RF 5: two failed copies in five are survivable.
    expect(fires(5, 35)).toBe(false);
    expect(fires(5, 45)).toBe(true);
    // RF 1: every failed copy is a failed write.
    expect(fires(1, 2)).toBe(false);
    expect(fires(1, 10)).toBe(true);
  });
});
