import { GrafanaDashboard } from '@kubernetes-models/grafana-operator/grafana.integreatly.org/v1beta1/GrafanaDashboard';
import { loadEnvironments } from '@thanos-gitops/input';
import { objectProblems, toPlain } from '@thanos-gitops/manifests';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { stat, timeseries } from '../src/dashboards/spec.js';
import {
  type DashboardSpec,
  dashboardJson,
  dashboardSpecs,
  dashboards,
  datasourceProvisioning,
  panelCount,
} from '../src/index.js';
import { FIXTURES, fixtureText, loadFixture, renderFixture } from './fixtures.js';
import { sdkDashboardJson } from './support/grafana-sdk.js';

function envOf(name: string, extra = '') {
  const [loaded] = loadEnvironments([{ path: `environments/${name}.yaml`, text: `${fixtureText(name)}${extra}` }]);
  return loaded!.env;
}

const plain = (env: ReturnType<typeof envOf>) => dashboards(env).map((m) => toPlain(m.object) as Record<string, any>);

describe('dashboard ConfigMaps', () => {
  it('one per dashboard, labelled for the sidecar and annotated with the folder', () => {
    const env = loadFixture('prod');
    const maps = plain(env).filter((o) => o.kind === 'ConfigMap');
    expect(maps.map((m) => m.metadata.name)).toEqual(dashboardSpecs(env).map((d) => `thanos-dashboard-${d.id}`));
    for (const m of maps) {
      expect(m.metadata.labels.grafana_dashboard).toBe('1');
      expect(m.metadata.annotations).toEqual({ grafana_folder: 'Thanos' });
      const [file, json] = Object.entries(m.data as Record<string, string>)[0]!;
      expect(file).toMatch(/^thanos-prod-[a-z-]+\.json$/);
      const d = JSON.parse(json);
      expect(d.uid.length).toBeLessThanOrEqual(40);
      expect(d.title).toMatch(/^Thanos \/ prod \//);
      expect(d.templating.list[0]).toMatchObject({ name: 'datasource', type: 'datasource', query: 'prometheus' });
    }
  });

  it('takes the label, folder annotation and namespace from the environment', () => {
    const env = envOf(
      'dev',
      `monitoring:
  dashboards:
    sidecarLabel: { key: example.com/dashboard, value: thanos }
    folder: Observability / Thanos
    folderAnnotation: example.com/folder
    namespace: grafana
`,
    );
    for (const m of plain(env)) {
      expect(m.metadata.namespace).toBe('grafana');
      expect(m.metadata.labels['example.com/dashboard']).toBe('thanos');
      expect(m.metadata.annotations).toEqual({ 'example.com/folder': 'Observability / Thanos' });
    }
  });

  it('emits nothing when disabled', () => {
    expect(dashboards(envOf('dev', 'monitoring: { dashboards: { enabled: false } }\n'))).toEqual([]);
  });
});

describe('grafana-operator', () => {
  it('a GrafanaDashboard per dashboard, valid against the CRD model, carrying the same JSON', () => {
    const env = loadFixture('variant');
    const out = dashboards(env);
    const operator = out.filter((m) => m.object.kind === 'GrafanaDashboard');
    expect(operator).toHaveLength(dashboardSpecs(env).length);
    for (const m of operator) {
      expect(objectProblems(m.object)).toEqual([]);
      const o = toPlain(m.object) as any;
      expect(o.spec.instanceSelector).toEqual({ matchLabels: { dashboards: 'grafana' } });
      expect(o.spec.folder).toBe('Thanos');
      const cm = toPlain(
        out.find((x) => x.object.kind === 'ConfigMap' && x.object.metadata?.name === o.metadata.name)!.object,
      ) as any;
      expect(Object.values(cm.data)[0]).toBe(o.spec.json);
    }
  });

  it('the model rejects a malformed object (the check is real)', () => {
    const bad = new GrafanaDashboard({ metadata: { name: 'x' }, spec: { json: 5 } } as never);
    expect(objectProblems(bad).join('\n')).toMatch(/instanceSelector|json/);
  });
});

describe('datasource', () => {
  it('points at the query frontend', () => {
    const env = envOf('dev', 'monitoring: { datasource: { enabled: true, name: Thanos dev } }\n');
    const ds = plain(env).find((o) => o.metadata.name === 'thanos-datasource')!;
    expect(ds.metadata.labels.grafana_datasource).toBe('1');
    const file = parse(Object.values(ds.data as Record<string, string>)[0]!);
    expect(file.datasources[0]).toMatchObject({
      name: 'Thanos dev',
      type: 'prometheus',
      url: 'http://thanos-query-frontend.thanos.svc.cluster.local:9090',
    });
    // The dashboards preselect it.
    const cm = plain(env).find((o) => o.metadata.name === 'thanos-dashboard-overview')!;
    expect(JSON.parse(Object.values(cm.data as Record<string, string>)[0]!).templating.list[0].current.value).toBe(
      'Thanos dev',
    );
  });

  it('points at Query when the frontend is disabled, and is off by default', () => {
    const ds = plain(loadFixture('variant')).find((o) => o.metadata.name === 'thanos-datasource')!;
    expect(Object.values(ds.data as Record<string, string>)[0]).toContain(
      'http://thanos-query.observability.svc.cluster.local:10902',
    );
    expect(plain(loadFixture('dev')).some((o) => o.metadata.name === 'thanos-datasource')).toBe(false);
  });
});

describe('built from the component data', () => {
  it('a new hashring gets its row, a new store shard its series, by themselves', () => {
    const before = loadFixture('prod');
    const text = fixtureText('prod').replace(
      '  hashrings:\n',
      '  hashrings:\n    - { name: tenants-z, tenants: [team-z], replicas: 3 }\n',
    );
    const [loaded] = loadEnvironments([{ path: 'environments/prod.yaml', text }]);
    const after = loaded!.env;
    const receive = (e: typeof before) => dashboardSpecs(e).find((d) => d.id === 'receive')!;
    expect(receive(after).rows.length).toBe(receive(before).rows.length + 1);
    const row = receive(after).rows.find((r) => r.title.startsWith('Hashring tenants-z'))!;
    expect(row.title).toContain('team-z');
    expect(JSON.stringify(row)).toContain('thanos-receive-ingestor-tenants-z');
    // prod splits its ingestors over 3 zones: the row says so and still selects the hashring's one job, not the
    // per-zone StatefulSets.
    expect(row.title).toContain('3 ingestors in 3 zones');
    expect(JSON.stringify(row)).not.toContain('thanos-receive-ingestor-tenants-z-eu-west-1a');
    expect(receive(after).jobs).toContain('thanos-receive-ingestor-tenants-z');
  });

  it('has a dashboard for every component prod runs, and counts its panels', () => {
    const specs = dashboardSpecs(loadFixture('prod'));
    expect(specs.map((d) => d.id)).toEqual([
      'overview',
      'receive',
      'query',
      'query-frontend',
      'store',
      'compact',
      'rule',
      'bucket-web',
      'memcached',
    ]);
    for (const d of specs) expect(panelCount(d), d.id).toBeGreaterThan(0);
  });
});

describe('the datasource provisioning file', () => {
  it('expands no environment variable in the datasource name (Grafana reads $$ as $)', () => {
    const { env } = renderFixture(FIXTURES[0] as string);
    const copy = structuredClone(env);
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the variable Grafana would expand
    copy.monitoring.datasource.name = 'Thanos $GF_SECURITY_ADMIN_PASSWORD ${HOME} $$';
    const doc = datasourceProvisioning(copy) as { datasources: { name: string }[] };
    const name = doc.datasources[0]?.name ?? '';
    expect(name).toBe('Thanos $$GF_SECURITY_ADMIN_PASSWORD $${HOME} $$$$');
    // Grafana's reading: `$$` is a literal `$`; what is left has no `$NAME` or `${NAME}`.
    expect(name.replace(/\$\$/g, '')).not.toMatch(/\$/);
    expect(name.replace(/\$\$/g, '$')).toBe(copy.monitoring.datasource.name);
  });
});

describe('the dashboard JSON, written without the Grafana SDK builders', () => {
  const names = ['Prometheus', 'Thanos "EU" \\ $prod'];
  it('is byte-equal to the builders’ for every dashboard of every test environment', () => {
    let compared = 0;
    for (const name of FIXTURES) {
      for (const env of [loadFixture(name), { ...loadFixture(name), name: `${name}-with-a-name-too-long-for-a-uid` }]) {
        for (const spec of dashboardSpecs(env)) {
          for (const ds of names) {
            expect(dashboardJson(env, spec, ds), `${env.name} ${spec.id}`).toBe(sdkDashboardJson(env, spec, ds));
            compared++;
          }
        }
      }
    }
    expect(compared).toBeGreaterThan(100);
  });

  it('is byte-equal to the builders’ for every panel setting and layout', () => {
    const q = (expr: string, legend?: string) => (legend === undefined ? { expr } : { expr, legend });
    const spec: DashboardSpec = {
      id: 'every-setting',
      title: 'Every setting',
      description: 'Each kind of panel with and without each optional setting.',
      jobs: [],
      rows: [
        { title: 'No panels', panels: [] },
        {
          title: 'Stats and lines on one grid line, then wrapping',
          panels: [
            stat({ title: 'plain', unit: 'short', description: 'd', query: q('up') }),
            stat({ title: 'red', unit: 'none', description: 'd', query: q('x', '{{pod}}'), redAt: 0, width: 6 }),
            timeseries({ title: 'two', unit: 's', description: 'd', queries: [q('a', ''), q('b', '{{b}}')] }),
            timeseries({ title: 'min', unit: 'bytes', description: 'd', queries: [q('c')], min: 0, width: 6 }),
            timeseries({ title: 'max', unit: 'ops', description: '', queries: [q('d')], max: 1, width: 24 }),
            timeseries({
              title: 'all',
              unit: 'percentunit',
              description: 'd',
              queries: [q('e'), q('f'), q('g', 'x')],
              min: -1,
              max: 2.5,
              redAt: 0.9,
              width: 12,
            }),
            stat({ title: 'after', unit: 'reqps', description: 'd', query: q('h'), width: 12, redAt: 3 }),
            stat({ title: 'last', unit: 'dtdurations', description: 'd', query: q('i'), width: 5 }),
            timeseries({ title: 'no query', unit: 'short', description: 'd', queries: [] }),
            // Characters JSON escapes, and a description left out (the builders then write no key).
            stat({ title: 'say "hi" \\ ü \u2028 \t', unit: 'short', description: undefined as never, query: q('k') }),
          ],
        },
        {
          title: 'After a partly filled line',
          panels: [stat({ title: 's', unit: 'short', description: 'd', query: q('j') })],
        },
      ],
    };
    const env = loadFixture('dev');
    for (const s of [spec, { ...spec, rows: [] }, { ...spec, rows: spec.rows.slice(1) }]) {
      expect(dashboardJson(env, s, 'Prometheus')).toBe(sdkDashboardJson(env, s, 'Prometheus'));
    }
  });
});
