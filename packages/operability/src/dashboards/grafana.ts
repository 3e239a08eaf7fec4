/**
 * Dashboard specs to Grafana dashboard JSON. The dashboard is built here as plain objects, with the defaults, the key
 * order and the layout of rows and panels that Grafana's foundation SDK builders (`DashboardBuilder` and the stat and
 * time-series panel builders) give, and written with `JSON.stringify(…, null, 2)`: the builders (one object per
 * setting, a class per panel) cost 2-3 % of a render and are not in the bundle. test/dashboards.test.ts holds the
 * text byte-equal to the builders' (test/support/grafana-sdk.ts) for every dashboard of every test environment and
 * for every panel setting; an SDK upgrade is measured against them.
 */

import { createHash } from 'node:crypto';
import type { Environment } from '@thanos-gitops/schema';
import type { DashboardSpec, Panel, Query, Row } from './spec.js';

/** Grafana's limit on dashboard uids. */
const UID_MAX = 40;
const DATASOURCE_VAR = 'datasource';
/** Grafana's dashboard grid: 24 columns. */
const GRID_WIDTH = 24;

/** A Grafana dashboard model, as plain data. */
export type GrafanaDashboard = Record<string, unknown>;

/** The tag every dashboard of the environment carries; the dashboards link to each other through it. */
export function environmentTag(env: Environment): string {
  return `thanos-${env.name}`;
}

/** A stable uid of at most 40 characters: `thanos-<env>-<id>`, the environment hashed when too long. */
export function dashboardUid(env: Environment, id: string): string {
  const plain = `thanos-${env.name}-${id}`;
  if (plain.length <= UID_MAX) return plain;
  const hash = createHash('sha256').update(env.name).digest('hex').slice(0, 8);
  return `thanos-${hash}-${id}`.slice(0, UID_MAX);
}

/** The data source every panel and query reads: the dashboard's data-source variable. */
function datasource() {
  return { type: 'prometheus', uid: `\${${DATASOURCE_VAR}}` };
}

/** A stat panel's `options`: the stat builder's defaults. */
function statOptions() {
  return {
    graphMode: 'area',
    colorMode: 'value',
    justifyMode: 'auto',
    textMode: 'auto',
    wideLayout: true,
    showPercentChange: false,
    reduceOptions: { calcs: [] },
    percentChangeColorMode: 'standard',
    orientation: 'auto',
  };
}

/** A time-series panel's `options`: the time-series builder's defaults. */
function timeseriesOptions() {
  return {
    legend: { displayMode: 'list', placement: 'bottom', showLegend: false, calcs: [] },
    tooltip: { mode: 'single', sort: 'asc' },
  };
}

/** `fieldConfig.defaults.thresholds`: green, and red from `redAt` on. */
function thresholds(redAt: number | undefined) {
  const steps: { value: number | null; color: string }[] = [{ value: null, color: 'green' }];
  if (redAt !== undefined) steps.push({ value: redAt, color: 'red' });
  return { mode: 'absolute', steps };
}

/** A panel's `targets`: its queries, `refId` A, B, …; none without queries (the builders then set no key). */
function targets(queries: readonly Query[]) {
  if (queries.length === 0) return undefined;
  return queries.map((q, i) => ({
    expr: q.expr,
    refId: String.fromCharCode(65 + i),
    datasource: datasource(),
    legendFormat: q.legend ? q.legend : undefined,
  }));
}

/** Where the next panel goes: `DashboardBuilder`'s cursor (left to right, a new line once 24 columns are full). */
interface Cursor {
  x: number;
  y: number;
  lastHeight: number;
}

/** The `gridPos` of a panel `h` high and `w` wide at the cursor, which moves past it. */
function place(at: Cursor, h: number, w: number) {
  const gridPos = { h, w, x: at.x, y: at.y };
  at.x += w;
  at.lastHeight = Math.max(at.lastHeight, h);
  if (at.x >= GRID_WIDTH) {
    at.x = 0;
    at.y += at.lastHeight;
    at.lastHeight = 0;
  }
  return gridPos;
}

/** A stat panel, in the key order of the SDK's stat builder. */
function statPanel(p: Panel, at: Cursor) {
  return {
    type: 'stat',
    transparent: false,
    repeatDirection: 'h',
    options: statOptions(),
    title: p.title,
    description: p.description,
    fieldConfig: { defaults: { unit: p.unit, thresholds: thresholds(p.redAt) }, overrides: [] },
    datasource: datasource(),
    gridPos: place(at, 6, p.width ?? 4),
    targets: targets(p.queries),
  };
}

/** A time-series panel, in the key order of the SDK's time-series builder. */
function timeseriesPanel(p: Panel, at: Cursor) {
  return {
    type: 'timeseries',
    transparent: false,
    repeatDirection: 'h',
    options: timeseriesOptions(),
    fieldConfig: {
      defaults: { custom: { fillOpacity: 10 }, unit: p.unit, thresholds: thresholds(p.redAt), min: p.min, max: p.max },
      overrides: [],
    },
    title: p.title,
    description: p.description,
    datasource: datasource(),
    gridPos: place(at, 8, p.width ?? 8),
    targets: targets(p.queries),
  };
}

/** A row: a full-width row panel on a new line, then its panels after it. */
function rowPanels(row: Row, at: Cursor): object[] {
  const y = at.y + at.lastHeight;
  const header = {
    type: 'row',
    collapsed: false,
    id: 0,
    panels: [],
    title: row.title,
    gridPos: { x: 0, y, h: 1, w: 24 },
  };
  at.x = 0;
  at.y = y + 1;
  at.lastHeight = 0;
  return [header, ...row.panels.map((p) => (p.kind === 'stat' ? statPanel(p, at) : timeseriesPanel(p, at)))];
}

/** The dashboard's `panels`: its rows and their panels; none without rows (the builders then set no key). */
function panels(spec: DashboardSpec) {
  if (spec.rows.length === 0) return undefined;
  const at: Cursor = { x: 0, y: 0, lastHeight: 0 };
  return spec.rows.flatMap((row) => rowPanels(row, at));
}

/** The `datasource` variable every dashboard has, preselecting `datasourceName`. */
function datasourceVariable(datasourceName: string) {
  return {
    type: 'datasource',
    name: DATASOURCE_VAR,
    skipUrlSync: false,
    multi: false,
    allowCustomValue: true,
    includeAll: false,
    auto: false,
    auto_min: '10s',
    auto_count: 30,
    label: 'Data source',
    query: 'prometheus',
    current: { text: datasourceName, value: datasourceName },
  };
}

/** The link to the environment's other dashboards (a drop-down of those with its tag). */
function dashboardsLink(tag: string) {
  return {
    title: 'Thanos dashboards',
    type: 'dashboards',
    icon: '',
    tooltip: '',
    tags: [tag],
    asDropdown: true,
    placement: 'inControlsMenu',
    targetBlank: false,
    includeVars: true,
    keepTime: true,
  };
}

/** The Grafana dashboard model of a spec, in `DashboardBuilder`'s key order; keys it leaves out are undefined. */
export function grafanaDashboard(env: Environment, spec: DashboardSpec, datasourceName: string): GrafanaDashboard {
  const tag = environmentTag(env);
  return {
    timezone: 'browser',
    editable: true,
    graphTooltip: 0,
    fiscalYearStartMonth: 0,
    schemaVersion: 42,
    templating: { list: [datasourceVariable(datasourceName)] },
    annotations: {},
    title: `Thanos / ${env.name} / ${spec.title}`,
    uid: dashboardUid(env, spec.id),
    description: spec.description,
    tags: ['thanos', tag, spec.id],
    refresh: '1m',
    time: { from: 'now-6h', to: 'now' },
    links: [dashboardsLink(tag)],
    panels: panels(spec),
  };
}

/** Dashboard JSON text, deterministic (keys in a fixed order, indented by two spaces), with a final newline. */
export function dashboardJson(env: Environment, spec: DashboardSpec, datasourceName: string): string {
  return `${JSON.stringify(grafanaDashboard(env, spec, datasourceName), null, 2)}\n`;
}
