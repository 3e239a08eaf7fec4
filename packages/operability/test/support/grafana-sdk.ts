/**
 * The reference the dashboards are held to: dashboard specs to Grafana dashboard JSON with Grafana's typed builders
 * (the foundation SDK), as src/dashboards/grafana.ts did before it wrote the same objects itself (the builders cost
 * 2-3 % of a render). dashboards.test.ts holds the two byte-equal.
 */

import {
  type Dashboard,
  DashboardBuilder,
  DashboardLinkBuilder,
  DashboardLinkType,
  DatasourceVariableBuilder,
  RowBuilder,
  ThresholdsConfigBuilder,
  ThresholdsMode,
} from '@grafana/grafana-foundation-sdk/dashboard';
import { DataqueryBuilder } from '@grafana/grafana-foundation-sdk/prometheus';
import { PanelBuilder as StatPanelBuilder } from '@grafana/grafana-foundation-sdk/stat';
import { PanelBuilder as TimeseriesPanelBuilder } from '@grafana/grafana-foundation-sdk/timeseries';
import type { Environment } from '@thanos-gitops/schema';
import { dashboardUid, environmentTag } from '../../src/dashboards/grafana.js';
import type { DashboardSpec, Panel } from '../../src/dashboards/spec.js';

const DATASOURCE_VAR = 'datasource';
const DATASOURCE = { type: 'prometheus', uid: `\${${DATASOURCE_VAR}}` };

function target(expr: string, legend: string | undefined, refId: string) {
  const q = new DataqueryBuilder().expr(expr).refId(refId).datasource(DATASOURCE);
  return legend ? q.legendFormat(legend) : q;
}

function thresholds(redAt: number | undefined) {
  const steps = [{ value: null as unknown as number, color: 'green' }];
  if (redAt !== undefined) steps.push({ value: redAt, color: 'red' });
  return new ThresholdsConfigBuilder().mode(ThresholdsMode.Absolute).steps(steps);
}

function panel(p: Panel) {
  const refs = p.queries.map((q, i) => target(q.expr, q.legend, String.fromCharCode(65 + i)));
  if (p.kind === 'stat') {
    let b = new StatPanelBuilder()
      .title(p.title)
      .description(p.description)
      .unit(p.unit)
      .datasource(DATASOURCE)
      .span(p.width ?? 4)
      .height(6)
      .thresholds(thresholds(p.redAt));
    for (const r of refs) b = b.withTarget(r);
    return b;
  }
  let b = new TimeseriesPanelBuilder()
    .title(p.title)
    .description(p.description)
    .unit(p.unit)
    .datasource(DATASOURCE)
    .span(p.width ?? 8)
    .height(8)
    .fillOpacity(10)
    .thresholds(thresholds(p.redAt));
  if (p.min !== undefined) b = b.min(p.min);
  if (p.max !== undefined) b = b.max(p.max);
  for (const r of refs) b = b.withTarget(r);
  return b;
}

/** The Grafana dashboard model of a spec. */
export function sdkDashboard(env: Environment, spec: DashboardSpec, datasourceName: string): Dashboard {
  const tag = environmentTag(env);
  let d = new DashboardBuilder(`Thanos / ${env.name} / ${spec.title}`)
    .uid(dashboardUid(env, spec.id))
    .description(spec.description)
    .tags(['thanos', tag, spec.id])
    .editable()
    .refresh('1m')
    .time({ from: 'now-6h', to: 'now' })
    .timezone('browser')
    .withVariable(
      new DatasourceVariableBuilder(DATASOURCE_VAR).label('Data source').type('prometheus').current({
        text: datasourceName,
        value: datasourceName,
      }),
    )
    .link(
      new DashboardLinkBuilder('Thanos dashboards')
        .type(DashboardLinkType.Dashboards)
        .tags([tag])
        .asDropdown(true)
        .includeVars(true)
        .keepTime(true),
    );
  for (const row of spec.rows) {
    d = d.withRow(new RowBuilder(row.title));
    for (const p of row.panels) d = d.withPanel(panel(p));
  }
  return d.build();
}

/** Dashboard JSON text from the builders. */
export function sdkDashboardJson(env: Environment, spec: DashboardSpec, datasourceName: string): string {
  return `${JSON.stringify(sdkDashboard(env, spec, datasourceName), null, 2)}\n`;
}
