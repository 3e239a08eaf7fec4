/**
 * Every PromQL expression the generator writes (dashboards, recording rules, alerts) parses with Prometheus' own
 * PromQL grammar (@prometheus-io/lezer-promql), names only metrics the pinned Thanos release or the memcached
 * exporter expose (or a recorded series of the same PrometheusRule), and selects only jobs the ServiceMonitors
 * produce.
 */
import { readFileSync } from 'node:fs';
import { parser } from '@prometheus-io/lezer-promql';
import { toPlain } from '@thanos-gitops/manifests';
import { NO_TLS, storageOptions } from '@thanos-gitops/model';
import type { Environment } from '@thanos-gitops/schema';
import {
  alertGroups,
  KUBELET_VOLUME_METRICS,
  recordingGroups,
  renderComponents,
  scrapeJobs,
} from '@thanos-gitops/thanos-components';
import { describe, expect, it } from 'vitest';
import { dashboardSpecs, expressions, grafanaDashboard } from '../src/index.js';
import { FIXTURES, loadFixture } from './fixtures.js';

const DATA = JSON.parse(
  readFileSync(new URL('../../thanos-components/src/data/thanos-metrics.json', import.meta.url), 'utf8'),
) as { metrics: string[] };
const KNOWN = new Set(DATA.metrics);
/**
 * The kubelet's volume metrics (Kubernetes pkg/kubelet/metrics, subsystem `kubelet`: VolumeStatsAvailableBytesKey,
 * VolumeStatsCapacityBytesKey): not Thanos', so not in thanos-metrics.json; only the volume alerts use them.
 */
const KUBELET = new Set<string>(KUBELET_VOLUME_METRICS);

/** Grafana's macros, replaced by what Grafana would put there, so the text is plain PromQL. */
function withoutMacros(expr: string): string {
  return expr.replaceAll('$__rate_interval', '2m').replaceAll('$__interval', '30s').replaceAll('$__range', '6h');
}

interface Selector {
  metric: string;
  matchers: { label: string; op: string; value: string }[];
}

/** Parses PromQL; throws on a syntax error, returns every vector selector. */
export function parsePromql(expr: string): Selector[] {
  const text = withoutMacros(expr);
  const tree = parser.parse(text);
  const errors: number[] = [];
  const selectors: Selector[] = [];
  tree.iterate({
    enter(node) {
      if (node.type.isError) errors.push(node.from);
      if (node.name === 'VectorSelector') {
        const sel: Selector = { metric: '', matchers: [] };
        const c = node.node.cursor();
        if (c.firstChild()) {
          do {
            if (c.name === 'Identifier') sel.metric = text.slice(c.from, c.to);
            if (c.name === 'LabelMatchers') {
              for (let m = c.node.firstChild; m; m = m.nextSibling) {
                if (m.name !== 'UnquotedLabelMatcher') continue;
                const label = m.getChild('LabelName');
                const op = m.getChild('MatchOp');
                const value = m.getChild('StringLiteral');
                if (label && op && value) {
                  sel.matchers.push({
                    label: text.slice(label.from, label.to),
                    op: text.slice(op.from, op.to),
                    value: JSON.parse(text.slice(value.from, value.to)),
                  });
                }
              }
            }
          } while (c.nextSibling());
        }
        selectors.push(sel);
      }
    },
  });
  if (errors.length > 0) throw new Error(`PromQL syntax error at ${errors[0]} in:\n${text}`);
  return selectors;
}

/** The jobs Prometheus Operator gives the targets of each ServiceMonitor: the name of each Service it selects. */
function serviceMonitorJobs(env: Environment): Set<string> {
  const objects = renderComponents({
    env,
    file: 'environments/test.yaml',
    identity: { objstoreConfig: '', forComponent: () => ({ serviceAccountAnnotations: {}, podLabels: {}, env: [] }) },
    tls: { forComponent: () => NO_TLS },
    report: (path, message) => {
      throw new Error(`${path.join('.')}: ${message}`);
    },
  }).map((m) => toPlain(m.object) as Record<string, any>);
  const services = objects.filter((o) => o.kind === 'Service');
  const jobs = new Set<string>();
  for (const sm of objects.filter((o) => o.kind === 'ServiceMonitor')) {
    expect(sm.spec.jobLabel, 'a jobLabel would rename the jobs').toBeUndefined();
    const want = Object.entries(sm.spec.selector.matchLabels as Record<string, string>);
    const ports = new Set(sm.spec.endpoints.map((e: { port: string }) => e.port));
    for (const s of services) {
      const matches = want.every(([k, v]) => s.metadata.labels?.[k] === v);
      const hasPort = s.spec.ports.some((p: { name: string }) => ports.has(p.name));
      if (matches && hasPort && sm.spec.namespaceSelector.matchNames.includes(s.metadata.namespace)) {
        jobs.add(s.metadata.name);
      }
    }
  }
  return jobs;
}

function allExpressions(env: Environment): { where: string; expr: string }[] {
  const jobs = scrapeJobs(env);
  return [
    ...dashboardSpecs(env).flatMap((d) => expressions(d).map((expr) => ({ where: `dashboard ${d.id}`, expr }))),
    ...recordingGroups(env, jobs).flatMap((g) => g.rules.map((r) => ({ where: `record ${r.record}`, expr: r.expr }))),
    ...alertGroups(env).flatMap((g) => g.alerts.map((a) => ({ where: `alert ${a.alert}`, expr: a.expr }))),
  ];
}

describe.each(FIXTURES)('PromQL of %s', (name) => {
  const env = loadFixture(name);
  const exprs = allExpressions(env);
  const recorded = new Set(recordingGroups(env, scrapeJobs(env)).flatMap((g) => g.rules.map((r) => r.record)));
  const smJobs = serviceMonitorJobs(env);
  const claimStatefulSets = storageOptions(env).flatMap((o) => o.statefulSets);

  it('parses with the PromQL grammar', () => {
    expect(exprs.length).toBeGreaterThan(20);
    for (const { where, expr } of exprs) expect(() => parsePromql(expr), where).not.toThrow();
  });

  it('names only metrics the pinned release or the memcached exporter expose, or recorded series', () => {
    for (const { where, expr } of exprs) {
      for (const s of parsePromql(expr)) {
        expect(s.metric, `${where}: selector without a metric name`).not.toBe('');
        if (s.metric.includes(':')) expect(recorded, `${where}: ${s.metric}`).toContain(s.metric);
        else if (KUBELET.has(s.metric)) expect(where).toMatch(/^alert ThanosVolume/);
        else expect(KNOWN, `${where}: ${s.metric} is not in thanos-metrics.json`).toContain(s.metric);
      }
    }
  });

  it('selects only jobs the ServiceMonitors produce, always scoped to the namespace', () => {
    expect(smJobs.size).toBeGreaterThan(0);
    for (const { where, expr } of exprs) {
      for (const s of parsePromql(expr)) {
        if (KUBELET.has(s.metric)) {
          // The kubelet's series: selected by this namespace and the claims of its StatefulSets, never by job.
          expect(s.matchers, where).toContainEqual({ label: 'namespace', op: '=', value: env.namespace });
          const claims = s.matchers.find((m) => m.label === 'persistentvolumeclaim');
          expect(claims?.op, where).toBe('=~');
          for (const sts of claimStatefulSets) expect(`data-${sts}-0`).toMatch(new RegExp(`^(?:${claims?.value})$`));
          continue;
        }
        const job = s.matchers.find((m) => m.label === 'job');
        expect(job, `${where}: ${s.metric} has no job matcher`).toBeDefined();
        expect(['=', '=~'], where).toContain(job!.op);
        const names = job!.op === '=' ? [job!.value] : job!.value.split('|');
        for (const n of names) expect(smJobs, `${where}: job ${n}`).toContain(n);
        expect(s.matchers, where).toContainEqual({ label: 'namespace', op: '=', value: env.namespace });
      }
    }
  });

  it('has a dashboard showing every scraped job', () => {
    const specs = dashboardSpecs(env);
    const shown = new Set(specs.slice(1).flatMap((d) => d.jobs));
    for (const job of smJobs) expect(shown, job).toContain(job);
    // The overview shows them all too.
    for (const job of smJobs) expect(specs[0]!.jobs, job).toContain(job);
  });

  it('builds Grafana JSON whose targets are exactly the spec expressions', () => {
    for (const spec of dashboardSpecs(env)) {
      const json = grafanaDashboard(env, spec, 'Thanos') as {
        panels: { type: string; targets?: { expr: string }[] }[];
      };
      const targets = json.panels.flatMap((p) => (p.targets ?? []).map((t) => t.expr));
      expect(targets).toEqual(expressions(spec));
      const rows = json.panels.filter((p) => p.type === 'row').length;
      expect(rows).toBe(spec.rows.length);
    }
  });
});

it('a syntax error is caught', () => {
  expect(() => parsePromql('sum(rate(x[5m])')).toThrow();
  expect(() => parsePromql('rate(x{job="a"}[5m]) by (job)')).toThrow();
});
