/**
 * Dashboards as plain data: rows of panels, each with its PromQL. The definitions (definitions/) say what to
 * show; grafana.ts turns them into Grafana dashboard JSON. Keeping the PromQL in plain data lets tests parse every
 * expression without going through Grafana's JSON.
 */

export interface Query {
  expr: string;
  /** Legend template (`{{tenant}}`). */
  legend?: string;
}

export type Unit = 'reqps' | 'ops' | 'percentunit' | 's' | 'bytes' | 'short' | 'none' | 'dtdurations';

export interface Panel {
  kind: 'timeseries' | 'stat';
  title: string;
  description: string;
  unit: Unit;
  queries: Query[];
  /** Width in grid columns (of 24). Default 8 for time series, 4 for stats. */
  width?: number;
  /** A stat turns red at or above this value (and green below). */
  redAt?: number;
  min?: number;
  max?: number;
}

export interface Row {
  title: string;
  panels: Panel[];
}

export interface DashboardSpec {
  /** Short id: `overview`, `receive`, `query`, … (part of uid and ConfigMap name). */
  id: string;
  title: string;
  description: string;
  /** The scrape jobs the dashboard shows (for the tests, and the overview's links). */
  jobs: string[];
  rows: Row[];
}

/** `rate(...)` window for dashboards: Grafana's `$__rate_interval` (at least four scrape intervals). */
export const RATE = '$__rate_interval';

/** What a panel shows: its title, unit, description, and optionally width, colour threshold and range. */
type PanelProps = Omit<Panel, 'kind' | 'queries'>;

/** A time-series panel of one or more queries: `timeseries({ title, unit, description, queries })`. */
export function timeseries({ queries, ...props }: PanelProps & { queries: Query[] }): Panel {
  return { kind: 'timeseries', ...props, queries };
}

/** A single-value panel of one query: `stat({ title, unit, description, query, width: 4 })`. */
export function stat({ query, ...props }: PanelProps & { query: Query }): Panel {
  return { kind: 'stat', ...props, queries: [query] };
}

/** Every PromQL expression of a dashboard. */
export function expressions(d: DashboardSpec): string[] {
  return d.rows.flatMap((r) => r.panels.flatMap((p) => p.queries.map((q) => q.expr)));
}

export function panelCount(d: DashboardSpec): number {
  return d.rows.reduce((n, r) => n + r.panels.length, 0);
}
