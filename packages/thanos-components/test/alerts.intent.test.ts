/**
 * What every alert of `thanos-alerts` must carry, for each example environment, rendered inside each test (mutation
 * testing's per-test coverage): a unique `Thanos…` name, an expression scoped to the namespace with no empty line and
 * balanced brackets, a duration, a severity, a summary sentence, a description that says where (a template of the
 * firing series' labels or the tenant), and the runbook section named after the alert.
 */
import { readFileSync } from 'node:fs';
import type { Environment } from '@thanos-gitops/schema';
import { describe, expect, it } from 'vitest';
import { type Alert, alertGroups, alerts, runbookUrl } from '../src/alerts.js';
import { example, renderText } from './support/render.js';

const EXAMPLES = ['prod', 'staging', 'dev'] as const;

/** Whether every `(`, `{` and `[` of a PromQL text is closed, in order (quoted strings skipped). */
function balanced(expr: string): boolean {
  const open: string[] = [];
  const pairs: Record<string, string> = { ')': '(', '}': '{', ']': '[' };
  for (const c of expr.replace(/"[^"]*"/g, '""')) {
    if ('({['.includes(c)) open.push(c);
    else if (c in pairs && open.pop() !== pairs[c]) return false;
  }
  return open.length === 0;
}

function checkAlert(env: Environment, a: Alert): void {
  expect(a.alert).toMatch(/^Thanos[A-Z][A-Za-z]+$/);
  expect(a.expr.trim(), a.alert).not.toBe('');
  expect(
    a.expr.split('\n').every((l) => l.trim() !== ''),
    `${a.alert}: no empty line`,
  ).toBe(true);
  expect(balanced(a.expr), `${a.alert}: brackets`).toBe(true);
  expect(a.expr, a.alert).toContain(`namespace="${env.namespace}"`);
  expect(a.expr, a.alert).toMatch(/(^|\s)(<|>|==|!=)\s|absent\(/m);
  expect(a.for, a.alert).toMatch(/^[1-9][0-9]*[mh]$/);
  expect(['critical', 'warning', 'info'], a.alert).toContain(a.severity);
  expect(a.summary, a.alert).toMatch(/^[A-Z].{8,}\.$/);
  const where = /\{\{ \$(labels\.[a-z_]+|value[^}]*) \}\}/.test(a.description);
  expect(where || a.description.includes(`${env.namespace}/`), `${a.alert}: says where`).toBe(true);
  expect(a.description.length, a.alert).toBeGreaterThan(40);
  expect(a.description, a.alert).not.toMatch(/undefined|NaN|\[object/);
  expect(a.summary, a.alert).not.toMatch(/undefined|NaN|\[object/);
}

describe('every alert carries what a responder needs', () => {
  for (const name of EXAMPLES) {
    it(`${name}: name, expression, duration, severity, summary, description`, () => {
      const env = example(name);
      const groups = alertGroups(env);
      expect(groups.length).toBeGreaterThan(1);
      const seen = new Set<string>();
      for (const g of groups) {
        expect(g.name).toMatch(/^thanos-[a-z]+(-[a-z]+)*$/);
        expect(g.alerts.length, g.name).toBeGreaterThan(0);
        for (const a of g.alerts) {
          checkAlert(env, a);
          const key = `${a.alert}${JSON.stringify(a.labels ?? {})}`;
          expect(seen.has(key), `${key} twice`).toBe(false);
          seen.add(key);
        }
      }
      expect(new Set(groups.map((g) => g.name)).size).toBe(groups.length);
    });
  }

  it('prod (receive limits, a stateless ruler): the limit and remote-write alerts are among them', () => {
    const env = example('prod');
    const names = alertGroups(env).flatMap((g) => g.alerts.map((a) => a.alert));
    expect(names).toEqual(
      expect.arrayContaining(['ThanosReceiveRequestsRefusedByLimits', 'ThanosRuleRemoteWriteFailing']),
    );
  });
});

describe('the PrometheusRule carries each alert as Prometheus reads it', () => {
  it('labels with the severity, annotations with summary, description and the runbook section', () => {
    const r = renderText(
      readFileSync(new URL('../../../test/fixtures/environments/prod.yaml', import.meta.url), 'utf8'),
      {
        file: 'environments/prod.yaml',
      },
    );
    const rule = r.objects.find((o) => o.kind === 'PrometheusRule');
    const expected = alertGroups(r.env).flatMap((g) => g.alerts);
    const rules = (rule?.spec.groups ?? []).flatMap((g: { rules: Record<string, any>[] }) => g.rules);
    const alerting = rules.filter((x: Record<string, any>) => x.alert);
    expect(alerting.length).toBeGreaterThan(10);
    expect(alerting.map((x: Record<string, any>) => x.alert)).toEqual(expected.map((a) => a.alert));
    for (const [i, x] of alerting.entries()) {
      const a = expected[i] as Alert;
      expect(x.labels).toEqual({ ...a.labels, severity: a.severity });
      expect(x.expr).toBe(a.expr);
      expect(x.for).toBe(a.for);
      expect(x.labels.severity).toBe(a.severity);
      expect(x.annotations).toEqual({
        summary: a.summary,
        description: a.description,
        runbook_url: runbookUrl(r.env, x.alert),
      });
    }
    expect(alerts({ env: r.env } as never)).toHaveLength(1);
  });
});
