/** `tracing` (an OTLP config file or inline config) and the Grafana datasource ConfigMap. */
import { parse } from 'yaml';
import { configOf, type ImportContext, note, put } from './context.js';
import { at, dataOf, isPlain, objectId, type Plain } from './objects.js';
import { source } from './workloads.js';

/** Resource attributes the project sets itself on every tracing config. */
const OWN_ATTRIBUTES = ['environment', 'cluster'];

export function readTracing(ctx: ImportContext): void {
  const w = ctx.workloads.find((x) => x.flags.has('tracing.config-file') || x.flags.has('tracing.config'));
  const text = w ? configOf(ctx, w, 'tracing.config') : undefined;
  if (!w || !text) return;
  const where = source(w, w.flags.has('tracing.config-file') ? 'tracing.config-file' : 'tracing.config');
  const config = parse(text) as Plain;
  const c = isPlain(config.config) ? config.config : {};
  if (String(config.type).toUpperCase() !== 'OTLP' || typeof c.endpoint !== 'string') {
    note(ctx, {
      kind: 'ignored',
      source: where,
      option: 'tracing',
      detail: `${String(config.type)} tracing: the project writes OTLP only; set tracing.endpoint to an OTLP collector`,
    });
    return;
  }
  const tracing: Plain = { endpoint: c.endpoint };
  if (c.client_type === 'http') tracing.protocol = 'http';
  if (typeof c.url_path === 'string') tracing.urlPath = c.url_path;
  if (c.insecure === true) tracing.insecure = true;
  if (c.sampler_param !== undefined && Number(c.sampler_param) !== 0.1) tracing.samplingRatio = Number(c.sampler_param);
  const attributes = isPlain(c.resource_attributes) ? { ...c.resource_attributes } : {};
  const cluster = attributes.cluster;
  for (const key of OWN_ATTRIBUTES) delete attributes[key];
  if (Object.keys(attributes).length > 0) tracing.resourceAttributes = attributes;
  put(ctx, 'tracing', tracing, where, `OTLP to \`${c.endpoint}\``);
  if (typeof cluster === 'string' && !at(ctx.env, 'cluster', 'name'))
    put(ctx, 'cluster.name', cluster, `${where}: resource_attributes.cluster`);
}

export function readDatasource(ctx: ImportContext): void {
  const o = ctx.objects.find((x) => x.kind === 'ConfigMap' && x.metadata.labels?.grafana_datasource !== undefined);
  if (!o) return;
  const key = Object.keys((o.data ?? {}) as Plain)[0];
  const text = key ? dataOf(o, key) : undefined;
  const first = at(text ? parse(text) : undefined, 'datasources', 0) as Plain | undefined;
  const datasource: Plain = { enabled: true };
  if (first?.name && first.name !== 'Thanos') datasource.name = first.name;
  if (first?.uid && first.uid !== 'thanos') datasource.uid = first.uid;
  put(ctx, 'monitoring.datasource', datasource, objectId(o), 'a Grafana datasource ConfigMap');
}
