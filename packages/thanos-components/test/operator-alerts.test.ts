/**
 * The alerts operators miss, evaluated by real Prometheus (`promtool test rules`) on the rendered PrometheusRule:
 * volumes filling up, tenants near their head series limit, refused samples, a cache hit ratio collapsing and a
 * compaction backlog each fire on the series that mean it, with this environment's labels, and stay quiet on
 * healthy ones. Skipped without promtool locally; CI (CI=true) installs it and requires it.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { scrapeJobs } from '../src/alerts.js';
import { render } from './support/render.js';

const REQUIRED = process.env.CI === 'true';
const promtool = spawnSync('promtool', ['--version'], { encoding: 'utf8' });
const available = !promtool.error && promtool.status === 0;
const dir = mkdtempSync(join(tmpdir(), 'thanos-gitops-operator-alerts-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const r = render(`receive:
  replicationFactor: 3
  hashrings: [{ name: default, replicas: 3 }]
  limits:
    write:
      global: { meta_monitoring_url: "http://thanos-query.thanos.svc:9090" }
      default: { head_series_limit: 1000 }
`);
const rule = r.objects.find((o) => o.kind === 'PrometheusRule');
const rules = join(dir, 'rules.yaml');
writeFileSync(rules, stringify({ groups: rule?.spec.groups }));

interface Series {
  series: string;
  values: string;
}

/** Runs promtool on one alert at `at`: `firing` the alert labels expected (empty: must stay quiet). */
function check(alertname: string, input: Series[], at: string, firing: Record<string, string>[]): void {
  const file = join(dir, `${alertname}-${firing.length}.test.yaml`);
  const test = {
    interval: '1m',
    input_series: input,
    // The firing alerts' labels (promtool's alert_rule_test would also compare every annotation's text).
    promql_expr_test: [
      {
        expr: `ALERTS{alertname="${alertname}", alertstate="firing"}`,
        eval_time: at,
        exp_samples: firing.map((labels) => ({
          labels: `ALERTS${JSON.stringify({ alertname, alertstate: 'firing', ...labels }).replace(/"([a-z_]+)":/g, '$1=')}`,
          value: 1,
        })),
      },
    ],
  };
  writeFileSync(file, stringify({ rule_files: [rules], tests: [test] }));
  const run = spawnSync('promtool', ['test', 'rules', file], { encoding: 'utf8' });
  expect(run.status, `${alertname}\n${run.stdout}${run.stderr}`).toBe(0);
}

const ns = 'namespace="thanos"';
const ingestor = `${ns}, job="thanos-receive-ingestor-default"`;

describe.skipIf(!available && !REQUIRED)('the alerts operators miss, in Prometheus', () => {
  it('has promtool', () => {
    expect(available, 'promtool not found on PATH: apt-get install prometheus').toBe(true);
  });

  it('a volume of ours filling up fires, with its claim; one of another deployment does not', () => {
    const claim = 'data-thanos-compact-0';
    const volume = (pvc: string, available: string) => [
      { series: `kubelet_volume_stats_capacity_bytes{${ns}, persistentvolumeclaim="${pvc}"}`, values: '100x600' },
      { series: `kubelet_volume_stats_available_bytes{${ns}, persistentvolumeclaim="${pvc}"}`, values: available },
    ];
    // 14 % free and falling by 1 % an hour: full in 14 hours.
    const falling = '20-0.01x600';
    check('ThanosVolumeFillingUp', [...volume(claim, falling), ...volume('data-other-0', falling)], '10h', [
      { severity: 'warning', namespace: 'thanos', persistentvolumeclaim: claim },
    ]);
    check('ThanosVolumeFillingUp', volume(claim, '50x600'), '10h', []);
    check('ThanosVolumeAlmostFull', volume(claim, '4x600'), '1h', [
      { severity: 'critical', namespace: 'thanos', persistentvolumeclaim: claim },
    ]);
  });

  it('a tenant at 90 % of its head series limit fires; at 50 % it does not', () => {
    const input = (perIngestor: number) => [
      ...[0, 1, 2].map((i) => ({
        series: `prometheus_tsdb_head_series{${ingestor}, pod="thanos-receive-ingestor-default-${i}", tenant="team-a"}`,
        values: `${perIngestor}x60`,
      })),
      {
        series: `thanos_receive_head_series_limit{${ns}, job="thanos-receive-router", pod="r-0", tenant="team-a"}`,
        values: '1000x60',
      },
    ];
    // RF 3 over 3 ingestors: each holds every series, 900 active series of a 1000 limit.
    check('ThanosReceiveTenantNearSeriesLimit', input(900), '30m', [
      { severity: 'warning', namespace: 'thanos', tenant: 'team-a' },
    ]);
    check('ThanosReceiveTenantNearSeriesLimit', input(500), '30m', []);
  });

  it('out-of-order samples refused for a tenant fire with the tenant', () => {
    const series = `prometheus_tsdb_out_of_order_samples_total{${ingestor}, pod="p-0", tenant="team-b"}`;
    check('ThanosReceiveOutOfOrderSamples', [{ series, values: '0+10x40' }], '30m', [
      { severity: 'warning', namespace: 'thanos', job: 'thanos-receive-ingestor-default', tenant: 'team-b' },
    ]);
    check('ThanosReceiveOutOfOrderSamples', [{ series, values: '0x40' }], '30m', []);
  });

  it("the store gateway's index cache hit ratio falling from 90 % to 20 % fires; a steady one does not", () => {
    const job = scrapeJobs(r.env)['store-gateway'][0];
    const store = `${ns}, job="${job}"`;
    const cache = (hitsPerMinuteNow: number) => [
      { series: `thanos_store_index_cache_requests_total{${store}}`, values: '0+100x1700' },
      {
        series: `thanos_store_index_cache_hits_total{${store}}`,
        values: `0+90x1500 ${90 * 1500}+${hitsPerMinuteNow}x100`,
      },
    ];
    check('ThanosStoreIndexCacheHitRatioCollapsed', cache(20), '1600m', [
      { severity: 'warning', namespace: 'thanos', job: job ?? '' },
    ]);
    check('ThanosStoreIndexCacheHitRatioCollapsed', cache(90), '1600m', []);
  });

  it('a compaction left over for a day fires; a backlog worked off does not', () => {
    const todo = `thanos_compact_todo_compactions{${ns}, job="thanos-compact"}`;
    check('ThanosCompactBacklog', [{ series: todo, values: '3x1600' }], '1560m', [
      { severity: 'warning', namespace: 'thanos', job: 'thanos-compact' },
    ]);
    check('ThanosCompactBacklog', [{ series: todo, values: '3x700 0x900' }], '1560m', []);
  });
});
