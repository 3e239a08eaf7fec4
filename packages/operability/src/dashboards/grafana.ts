/**
 * Dashboard specs to Grafana dashboard JSON. The text is written here directly, as `JSON.stringify(…, null, 2)` of
 * the objects Grafana's foundation SDK builders make (their defaults, their key order, the layout of rows and panels
 * `DashboardBuilder` does): building those objects and indenting them cost 3-5 % of a render, which writing the
 * text from fixed pieces does not. test/dashboards.test.ts holds the text byte-equal to the builders'
 * (test/support/grafana-sdk.ts) for every dashboard of every test environment and for every panel setting; an
 * SDK upgrade is measured against them.
 */

import { createHash } from 'node:crypto';
import type { Environment } from '@thanos-gitops/schema';
import type { DashboardSpec, Panel, Query } from './spec.js';

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

/** A JSON value (a string, a number) as `JSON.stringify` writes it. */
const j = JSON.stringify;

/** The indentations of a panel (an element of the dashboard's `panels`) and of what it holds. */
const PAD = ['    ', '      ', '        ', '          ', '            ', '              '] as const;
const [P0, P1, P2, P3, P4, P5] = PAD;

/** `JSON.stringify(value, null, 2)` as it reads at indentation `pad` (for the fixed parts, written once). */
function at(value: unknown, pad: string): string {
  return (JSON.stringify(value, null, 2) ?? '').replaceAll('\n', `\n${pad}`);
}

/**
 * The fixed text between the values, written on first use (not while the module loads). The text is collected in an
 * array and joined once: nested template strings would make a tree of string pieces that joining walks again.
 */
function fixedText() {
  const datasource = { type: 'prometheus', uid: `\${${DATASOURCE_VAR}}` };
  const stat = {
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
  const timeseries = {
    legend: { displayMode: 'list', placement: 'bottom', showLegend: false, calcs: [] },
    tooltip: { mode: 'single', sort: 'asc' },
  };
  const head = (type: string) =>
    `{\n${P1}"type": "${type}",\n${P1}"transparent": false,\n${P1}"repeatDirection": "h",\n${P1}"options": `;
  const steps = `{\n${P4}"mode": "absolute",\n${P4}"steps": [\n${P5}${at({ value: null, color: 'green' }, P5)}`;
  return {
    statHead: head('stat') + at(stat, P1),
    timeseriesHead: `${head('timeseries')}${at(timeseries, P1)},\n${P1}"fieldConfig": {\n${P2}"defaults": {\n${P3}"custom": {\n${P4}"fillOpacity": 10\n${P3}}`,
    statDefaults: `,\n${P1}"fieldConfig": {\n${P2}"defaults": {\n`,
    green: `${steps}\n${P4}]\n${P3}}`,
    red: [`${steps},\n${P5}{\n${P5}  "value": `, `,\n${P5}  "color": "red"\n${P5}}\n${P4}]\n${P3}}`],
    defaultsEnd: `\n${P2}},\n${P2}"overrides": []\n${P1}}`,
    datasource: `,\n${P1}"datasource": ${at(datasource, P1)},\n${P1}"gridPos": {\n${P2}"h": `,
    grid: [`,\n${P2}"w": `, `,\n${P2}"x": `, `,\n${P2}"y": `, `\n${P1}}`],
    targets: `,\n${P1}"targets": [\n${P2}`,
    target: [`{\n${P3}"expr": `, `,\n${P3}"refId": "`, `",\n${P3}"datasource": ${at(datasource, P3)}`],
    legend: `,\n${P3}"legendFormat": `,
    targetEnd: `\n${P2}}`,
    targetsEnd: `\n${P1}]`,
    panelEnd: `\n${P0}}`,
  };
}
let fixed: ReturnType<typeof fixedText> | undefined;

/** `,\n<pad>"key": value`, or nothing when the value is undefined (the builders then set no key). */
function field(out: string[], pad: string, key: string, value: string | number | undefined): void {
  if (value !== undefined) out.push(`,\n${pad}"${key}": `, j(value));
}

/** Where the next panel goes: `DashboardBuilder`'s cursor (left to right, a new line once 24 columns are full). */
interface Cursor {
  x: number;
  y: number;
  lastHeight: number;
}

/** `"datasource"` and `"gridPos"` of a panel `h` high and `w` wide at the cursor, which moves past it. */
function place(out: string[], f: ReturnType<typeof fixedText>, at: Cursor, h: number, w: number): void {
  out.push(f.datasource, String(h), f.grid[0] ?? '', j(w), f.grid[1] ?? '', j(at.x), f.grid[2] ?? '', j(at.y));
  out.push(f.grid[3] ?? '');
  at.x += w;
  at.lastHeight = Math.max(at.lastHeight, h);
  if (at.x >= GRID_WIDTH) {
    at.x = 0;
    at.y += at.lastHeight;
    at.lastHeight = 0;
  }
}

/** `fieldConfig.defaults.thresholds`' value: green, and red from `redAt` on. */
function thresholds(out: string[], f: ReturnType<typeof fixedText>, redAt: number | undefined): void {
  if (redAt === undefined) out.push(f.green);
  else out.push(f.red[0] ?? '', j(redAt), f.red[1] ?? '');
}

/** A panel's `targets` (its queries, `refId` A, B, …), and its end; no `targets` without queries (as the builders). */
function targets(out: string[], f: ReturnType<typeof fixedText>, queries: readonly Query[]): void {
  if (queries.length > 0) out.push(f.targets);
  queries.forEach((q, i) => {
    if (i > 0) out.push(`,\n${P2}`);
    out.push(f.target[0] ?? '', j(q.expr), f.target[1] ?? '', String.fromCharCode(65 + i), f.target[2] ?? '');
    if (q.legend) out.push(f.legend, j(q.legend));
    out.push(f.targetEnd);
  });
  if (queries.length > 0) out.push(f.targetsEnd);
  out.push(f.panelEnd);
}

/** A panel, in the key order of the SDK's stat and time-series builders. */
function panel(out: string[], f: ReturnType<typeof fixedText>, p: Panel, at: Cursor): void {
  const stat = p.kind === 'stat';
  if (stat) {
    out.push(f.statHead);
    field(out, P1, 'title', p.title);
    field(out, P1, 'description', p.description);
    out.push(f.statDefaults);
    if (p.unit !== undefined) out.push(`${P3}"unit": `, j(p.unit), `,\n`);
    out.push(`${P3}"thresholds": `);
  } else {
    out.push(f.timeseriesHead);
    field(out, P3, 'unit', p.unit);
    out.push(`,\n${P3}"thresholds": `);
  }
  thresholds(out, f, p.redAt);
  if (!stat) {
    field(out, P3, 'min', p.min);
    field(out, P3, 'max', p.max);
  }
  out.push(f.defaultsEnd);
  if (!stat) {
    field(out, P1, 'title', p.title);
    field(out, P1, 'description', p.description);
  }
  place(out, f, at, stat ? 6 : 8, p.width ?? (stat ? 4 : 8));
  targets(out, f, p.queries);
}

/** `"panels": [...]`: the rows (a full-width row panel each, on a new line) and their panels; nothing without rows. */
function panels(out: string[], spec: DashboardSpec): void {
  if (spec.rows.length === 0) return;
  fixed ??= fixedText();
  const at: Cursor = { x: 0, y: 0, lastHeight: 0 };
  out.push(',\n  "panels": [\n');
  spec.rows.forEach((row, r) => {
    const y = at.y + at.lastHeight;
    if (r > 0) out.push(',\n');
    out.push(`${P0}{\n${P1}"type": "row",\n${P1}"collapsed": false,\n${P1}"id": 0,\n${P1}"panels": []`);
    field(out, P1, 'title', row.title);
    out.push(`,\n${P1}"gridPos": {\n${P2}"x": 0,\n${P2}"y": `, j(y), `,\n${P2}"h": 1,\n${P2}"w": 24\n${P1}}\n${P0}}`);
    at.x = 0;
    at.y = y + 1;
    at.lastHeight = 0;
    for (const p of row.panels) {
      out.push(`,\n${P0}`);
      panel(out, fixed as ReturnType<typeof fixedText>, p, at);
    }
  });
  out.push('\n  ]');
}

/** Dashboard JSON text, deterministic (keys in a fixed order), with a final newline. */
export function dashboardJson(env: Environment, spec: DashboardSpec, datasourceName: string): string {
  const tag = j(environmentTag(env));
  const ds = j(datasourceName);
  const out = [
    '{\n  "timezone": "browser",\n  "editable": true,\n  "graphTooltip": 0,\n  "fiscalYearStartMonth": 0,\n' +
      '  "schemaVersion": 42,\n  "templating": {\n    "list": [\n      {\n        "type": "datasource",\n' +
      `        "name": "${DATASOURCE_VAR}",\n        "skipUrlSync": false,\n        "multi": false,\n` +
      '        "allowCustomValue": true,\n        "includeAll": false,\n        "auto": false,\n' +
      '        "auto_min": "10s",\n        "auto_count": 30,\n        "label": "Data source",\n' +
      `        "query": "prometheus",\n        "current": {\n          "text": ${ds},\n` +
      `          "value": ${ds}\n        }\n      }\n    ]\n  },\n  "annotations": {}`,
  ];
  field(out, '  ', 'title', `Thanos / ${env.name} / ${spec.title}`);
  field(out, '  ', 'uid', dashboardUid(env, spec.id));
  field(out, '  ', 'description', spec.description);
  out.push(
    `,\n  "tags": [\n    "thanos",\n    ${tag},\n    ${j(spec.id)}\n  ],\n  "refresh": "1m",\n  "time": {\n` +
      '    "from": "now-6h",\n    "to": "now"\n  },\n  "links": [\n    {\n      "title": "Thanos dashboards",\n' +
      '      "type": "dashboards",\n      "icon": "",\n      "tooltip": "",\n' +
      `      "tags": [\n        ${tag}\n      ],\n      "asDropdown": true,\n      "placement": "inControlsMenu",\n` +
      '      "targetBlank": false,\n      "includeVars": true,\n      "keepTime": true\n    }\n  ]',
  );
  panels(out, spec);
  out.push('\n}\n');
  return out.join('');
}

/** The Grafana dashboard model of a spec (the JSON text, parsed). */
export function grafanaDashboard(env: Environment, spec: DashboardSpec, datasourceName: string): GrafanaDashboard {
  return JSON.parse(dashboardJson(env, spec, datasourceName)) as GrafanaDashboard;
}
