/** The PrometheusRule: which alerts exist, what they select, and the object around them. */
import { readFileSync } from 'node:fs';
import { loadEnvironments } from '@thanos-gitops/input';
import { objectProblems, toPlain } from '@thanos-gitops/manifests';
import { NO_TLS, names } from '@thanos-gitops/model';
import type { Environment } from '@thanos-gitops/schema';
import { beforeEach, describe, expect, it } from 'vitest';
import { alertGroups, scrapeJobs } from '../src/alerts.js';
import { renderComponents } from '../src/index.js';
import { render } from './support/render.js';

interface RuleObject {
  metadata: { name: string; namespace: string; labels: Record<string, string> };
  spec: {
    groups: {
      name: string;
      rules: {
        alert: string;
        expr: string;
        for: string;
        labels: Record<string, string>;
        annotations: Record<string, string>;
      }[];
    }[];
  };
}

function renderExample(name: string) {
  const path = `environments/${name}.yaml`;
  const text = readFileSync(new URL(`../../../test/fixtures/${path}`, import.meta.url), 'utf8');
  const [loaded] = loadEnvironments([{ path, text }]);
  if (!loaded) throw new Error(`no environment in ${path}`);
  const manifests = renderComponents({
    env: loaded.env,
    file: path,
    identity: {
      objstoreConfig: 'type: S3\nconfig: {bucket: test-bucket}\n',
      forComponent: () => ({ serviceAccountAnnotations: {}, podLabels: {}, env: [] }),
    },
    tls: { forComponent: () => NO_TLS },
    report: (at, message) => {
      throw new Error(`${at.join('.')}: ${message}`);
    },
  });
  const objects: Record<string, any>[] = manifests.map((m) => toPlain(m.object));
  return { env: loaded.env, manifests, objects };
}

function ruleOf(objects: Record<string, any>[]): RuleObject | undefined {
  return objects.find((o) => o.kind === 'PrometheusRule') as RuleObject | undefined;
}

/** The alerting groups (the recording groups, `*.rules`, hold records for the dashboards). */
const alertingGroups = (rule: RuleObject | undefined) =>
  (rule?.spec.groups ?? []).filter((g) => g.rules.some((r) => r.alert));

const alertNames = (rule: RuleObject | undefined) => alertingGroups(rule).flatMap((g) => g.rules.map((r) => r.alert));

/** Every `{…}` label-matcher list of a PromQL expression. */
function matcherLists(expr: string): string[] {
  return [...expr.matchAll(/\{([^}]*)\}/g)].map((m) => m[1] ?? '');
}

/** Job names a matcher list selects (`job="a"` or `job=~"a|b"`). */
function jobsIn(matchers: string): string[] {
  const m = /job(=~|=)"([^"]*)"/.exec(matchers);
  return m?.[2]?.split('|') ?? [];
}

describe('prod', () => {
  // Rendered for each test (mutation testing's per-test coverage: a render at describe scope hides mutants).
  let r: ReturnType<typeof renderExample>;
  let rule: RuleObject | undefined;
  beforeEach(() => {
    r = renderExample('prod');
    rule = ruleOf(r.objects);
  });

  it('has the alerts for the failure modes of the deployment', () => {
    const expected = [
      'ThanosReceiveHttpRequestErrorRateHigh',
      'ThanosReceiveReplicationErrorRateHigh',
      'ThanosReceiveForwardErrorRateHigh',
      'ThanosReceiveHashringConfigReloadFailing',
      'ThanosReceiveIngestorNotUploading',
      'ThanosReceiveIngestorUploadFailing',
      'ThanosQueryHttpRequestErrorRateHigh',
      'ThanosQueryStoreApiErrorRateHigh',
      'ThanosQueryFrontendErrorRateHigh',
      'ThanosStoreBucketOperationFailures',
      'ThanosStoreGrpcErrorRateHigh',
      'ThanosCompactHalted',
      'ThanosCompactNotRunning',
      'ThanosCompactMultipleRunning',
      'ThanosCompactCompactionFailures',
      'ThanosCompactBucketOperationFailures',
      'ThanosRuleEvaluationFailures',
      'ThanosRuleSenderDroppingAlerts',
      'ThanosRuleQueueDroppingAlerts',
      'ThanosRuleConfigReloadFailing',
      'ThanosRuleRemoteWriteFailing',
      'ThanosReceiveRouterDown',
      'ThanosReceiveIngestorDown',
      'ThanosQueryDown',
      'ThanosQueryFrontendDown',
      'ThanosStoreDown',
      'ThanosCompactDown',
      'ThanosRuleDown',
      'ThanosBucketWebDown',
      'ThanosMemcachedDown',
      'ThanosTargetDown',
      // prod's ingestors are split over zones: the rollout-operator rolls them.
      'ThanosIngestorRolloutReconcileFailing',
      'ThanosRolloutOperatorDown',
      // What operators miss: refused samples, requests refused by limits (prod has a limits file, without a head
      // series limit), caches, backlog,
      // volumes.
      'ThanosReceiveOutOfOrderSamples',
      'ThanosReceiveOutOfBoundsSamples',
      'ThanosReceiveRequestsRefusedByLimits',
      'ThanosStoreIndexCacheHitRatioCollapsed',
      'ThanosCacheHitRatioCollapsed',
      'ThanosCompactBacklog',
      'ThanosVolumeFillingUp',
      'ThanosVolumeAlmostFull',
    ];
    expect(new Set(alertNames(rule))).toEqual(new Set(expected));
  });

  it('is one valid PrometheusRule in the monitoring folder, selected by the monitoring labels', () => {
    const rules = r.manifests.filter((m) => m.object.kind === 'PrometheusRule');
    expect(rules).toHaveLength(1);
    expect(rules[0]?.component).toBe('monitoring');
    expect(objectProblems(rules[0]!.object)).toEqual([]);
    expect(rule?.metadata.name).toBe(names.prometheusRule);
    expect(rule?.metadata.namespace).toBe('thanos');
    expect(rule?.metadata.labels.release).toBe('kube-prometheus-stack');
  });

  it('uses the metric names Thanos v0.42 exposes for the key failure modes', () => {
    const byName = new Map(rule?.spec.groups.flatMap((g) => g.rules.map((x) => [x.alert, x.expr])));
    expect(byName.get('ThanosReceiveForwardErrorRateHigh')).toContain(
      'thanos_receive_forward_requests_total{namespace="thanos", job="thanos-receive-router", result="error"}',
    );
    expect(byName.get('ThanosReceiveReplicationErrorRateHigh')).toContain('thanos_receive_replications_total{');
    expect(byName.get('ThanosReceiveIngestorNotUploading')).toContain('thanos_shipper_uploads_total{');
    expect(byName.get('ThanosCompactHalted')).toContain('thanos_compact_halted{');
    expect(byName.get('ThanosCompactNotRunning')).toContain('thanos_compact_iterations_total{');
    expect(byName.get('ThanosStoreBucketOperationFailures')).toContain(
      'thanos_objstore_bucket_operation_failures_total{',
    );
    expect(byName.get('ThanosRuleEvaluationFailures')).toContain('prometheus_rule_evaluation_failures_total{');
    expect(byName.get('ThanosRuleSenderDroppingAlerts')).toContain('thanos_alert_sender_alerts_dropped_total{');
  });

  it('gives every alert a severity, a duration and its annotations', () => {
    for (const g of alertingGroups(rule)) {
      expect(g.rules.length, g.name).toBeGreaterThan(0);
      for (const x of g.rules) {
        expect(['critical', 'warning', 'info'], x.alert).toContain(x.labels.severity);
        expect(x.for, x.alert).toMatch(/^[0-9]+[smh]$/);
        expect(x.annotations.summary, x.alert).toBeTruthy();
        expect(x.annotations.description, x.alert).toBeTruthy();
        // Without repositoryUrl: the section of the generated runbook, relative to the repository root.
        expect(x.annotations.runbook_url).toBe(`clusters/prod/RUNBOOK.md#${x.alert.toLowerCase()}`);
      }
    }
  });

  it('scopes every selector to the namespace and to jobs of this deployment', () => {
    const known = new Set(Object.values(scrapeJobs(r.env)).flat());
    for (const g of rule?.spec.groups ?? []) {
      for (const x of g.rules) {
        const lists = matcherLists(x.expr);
        expect(lists.length, x.alert).toBeGreaterThan(0);
        for (const matchers of lists) {
          expect(matchers, x.alert).toContain('namespace="thanos"');
          // The kubelet's volume series carry no job of ours: they are selected by this deployment's claims.
          if (g.name === 'thanos-volumes') {
            expect(matchers, x.alert).toMatch(/persistentvolumeclaim=~"data-\(thanos-[a-z0-9|-]+\)-\[0-9\]\+"/);
            continue;
          }
          const jobs = jobsIn(matchers);
          expect(jobs.length, `${x.alert}: ${matchers}`).toBeGreaterThan(0);
          for (const job of jobs) expect(known.has(job), `${x.alert}: job ${job}`).toBe(true);
        }
      }
    }
  });

  it('names jobs after the Services the ServiceMonitors scrape', () => {
    const services = r.objects.filter((o) => o.kind === 'Service');
    const monitors = r.objects.filter((o) => o.kind === 'ServiceMonitor');
    const scraped = (svc: Record<string, any>) =>
      monitors.some((m) =>
        Object.entries(m.spec.selector.matchLabels as Record<string, string>).every(
          ([k, v]) => svc.metadata.labels?.[k] === v,
        ),
      );
    for (const job of Object.values(scrapeJobs(r.env)).flat()) {
      const svc = services.find((s) => s.metadata.name === job);
      expect(svc, `no Service ${job}`).toBeDefined();
      expect(scraped(svc!), `no ServiceMonitor scrapes Service ${job}`).toBe(true);
    }
  });

  it('has one absence alert per job, told apart by its labels', () => {
    const down = rule?.spec.groups.find((g) => g.name === 'thanos-availability')?.rules ?? [];
    const stores = down.filter((x) => x.alert === 'ThanosStoreDown');
    expect(stores.map((x) => x.labels.job)).toEqual([
      'thanos-store-p0-0',
      'thanos-store-p0-1',
      'thanos-store-p1-0',
      'thanos-store-p1-1',
    ]);
    expect(stores[0]?.expr).toBe('absent(up{namespace="thanos", job="thanos-store-p0-0"} == 1)');
    const ingestors = down.filter((x) => x.alert === 'ThanosReceiveIngestorDown').map((x) => x.labels.job);
    expect(ingestors).toEqual(['thanos-receive-ingestor-tenants-a', 'thanos-receive-ingestor-default']);
  });
});

describe('the components of the environment', () => {
  const groupNames = (env: Environment) => alertGroups(env).map((g) => g.name);

  it('has no groups for disabled components (dev: no ruler, no bucket web, in-memory caches)', () => {
    const r = renderExample('dev');
    const names = alertNames(ruleOf(r.objects));
    expect(groupNames(r.env)).toEqual([
      'thanos-receive',
      'thanos-query',
      'thanos-store',
      'thanos-compact',
      'thanos-volumes',
      'thanos-availability',
    ]);
    for (const absent of [
      'ThanosRuleDown',
      'ThanosBucketWebDown',
      'ThanosMemcachedDown',
      'ThanosRuleSenderDroppingAlerts',
    ]) {
      expect(names).not.toContain(absent);
    }
  });

  it('drops the receive alerts without receive and the frontend alerts without the frontend', () => {
    const r = render('receive: { enabled: false }\nqueryFrontend: { enabled: false }\n');
    const names = alertNames(ruleOf(r.objects));
    expect(names.some((n) => n.startsWith('ThanosReceive'))).toBe(false);
    expect(names.some((n) => n.startsWith('ThanosQueryFrontend'))).toBe(false);
    expect(names).toContain('ThanosQueryDown');
  });

  it('alerts on remote-write only for a stateless ruler', () => {
    const stateless = alertNames(ruleOf(render('ruler: { enabled: true }\n').objects));
    const stateful = alertNames(ruleOf(render('ruler: { enabled: true, mode: stateful }\n').objects));
    expect(stateless).toContain('ThanosRuleRemoteWriteFailing');
    expect(stateful).not.toContain('ThanosRuleRemoteWriteFailing');
    expect(stateful).toContain('ThanosRuleEvaluationFailures');
  });

  it('uses the compactor shard jobs when sharded', () => {
    const r = render('compactor: { sharding: { shards: 2, label: tenant_id } }\n');
    const halted = ruleOf(r.objects)
      ?.spec.groups.flatMap((g) => g.rules)
      .find((x) => x.alert === 'ThanosCompactHalted');
    expect(halted?.expr).toContain('job=~"thanos-compact-0|thanos-compact-1"');
  });
});

describe('options', () => {
  it('renders nothing without monitoring.prometheusRule', () => {
    const r = render('monitoring: { prometheusRule: false }\n');
    expect(ruleOf(r.objects)).toBeUndefined();
  });

  it('leaves out the absence alerts without ServiceMonitors, which name the jobs', () => {
    const r = render('monitoring: { serviceMonitors: false }\n');
    const rule = ruleOf(r.objects);
    expect(rule?.spec.groups.map((g) => g.name)).not.toContain('thanos-availability');
    expect(alertNames(rule)).toContain('ThanosCompactHalted');
  });

  it('adds runbook links when a runbook base URL is set', () => {
    const r = render("monitoring: { runbookBaseUrl: 'https://runbooks.example.com/thanos' }\n");
    const halted = ruleOf(r.objects)
      ?.spec.groups.flatMap((g) => g.rules)
      .find((x) => x.alert === 'ThanosCompactHalted');
    expect(halted?.annotations.runbook_url).toBe('https://runbooks.example.com/thanos#thanoscompacthalted');
  });

  it('links the generated runbook on the repository host when repositoryUrl is set', () => {
    const r = render(
      "monitoring: { repositoryUrl: 'https://git.example.com/acme/gitops/blob/main/' }\ndelivery: { path: deploy/clusters }\n",
    );
    const urls = ruleOf(r.objects)?.spec.groups.flatMap((g) =>
      g.rules.filter((x) => x.alert).map((x) => x.annotations.runbook_url),
    );
    expect(urls?.length).toBeGreaterThan(10);
    expect(urls).toContain(
      'https://git.example.com/acme/gitops/blob/main/deploy/clusters/test/RUNBOOK.md#thanoscompacthalted',
    );
  });

  it('follows the namespace', () => {
    const r = render('namespace: observability\n');
    const rule = ruleOf(r.objects);
    expect(rule?.metadata.namespace).toBe('observability');
    for (const x of rule?.spec.groups.flatMap((g) => g.rules) ?? []) {
      for (const matchers of matcherLists(x.expr)) expect(matchers).toContain('namespace="observability"');
    }
  });
});
