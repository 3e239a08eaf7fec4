/** The chart's ruler, bucket web and monitoring settings (`ruler/statefulset.yaml`, `metrics`). */
import type { Values } from './values.js';
import { persistence, replicas, workloadOptions } from './workload.js';

type Section = Record<string, unknown>;

function rules(v: Values, fullname: string, r: Section): void {
  const existing = v.str('ruler.existingConfigmap');
  if (existing) {
    r.ruleConfigMaps = [existing];
    v.add('mapped', 'ruler.existingConfigmap', 'kept: its `.yml`/`.yaml` keys are loaded', 'ruler.ruleConfigMaps');
  } else if (v.has('ruler.config')) {
    r.ruleConfigMaps = [`${fullname}-ruler`];
    v.add(
      'needs-person',
      'ruler.config',
      `the rules are in the chart's ConfigMap \`${fullname}-ruler\` (key \`ruler.yml\`), which \`helm uninstall\` deletes: keep it (\`kubectl annotate configmap ${fullname}-ruler helm.sh/resource-policy=keep\` before uninstalling, then remove its Helm labels) or move the rules to a ConfigMap of your own`,
      'ruler.ruleConfigMaps',
    );
  }
  v.touch('ruler.ruleFile', 'ruler.config');
}

function alerting(v: Values, r: Section): void {
  const urls = v.list('ruler.alertmanagers').filter((x): x is string => typeof x === 'string');
  if (urls.length > 0) {
    r.alertmanagers = urls;
    v.add(
      'mapped',
      'ruler.alertmanagers',
      'kept (a URL of a headless Service is generated with `dns+`)',
      'ruler.alertmanagers',
    );
  }
  if (v.has('ruler.alertmanagersConfig')) {
    v.add(
      'needs-person',
      'ruler.alertmanagersConfig',
      'an Alertmanager config file (TLS, auth) is not modelled: list the Alertmanagers in `ruler.alertmanagers`, and carry the rest in a patch',
    );
  }
}

/** The chart's ruler keeps a TSDB on a volume and uploads blocks: the environment's stateful ruler. */
export function mapRuler(v: Values, fullname: string): Section {
  const r: Section = {};
  const on = v.bool('ruler.enabled', false);
  r.enabled = on;
  v.add('mapped', 'ruler.enabled', on ? 'deployed' : 'not deployed', 'ruler.enabled');
  if (!on) {
    v.touch('ruler');
    return r;
  }
  r.mode = 'stateful';
  v.add(
    'mapped',
    'ruler.persistence.enabled',
    'stateful: a TSDB on a volume, blocks uploaded to the bucket, as the chart ran it',
    'ruler.mode',
  );
  replicas(v, 'ruler', 'ruler', r);
  const interval = v.str('ruler.evalInterval');
  if (interval) {
    r.evaluationInterval = interval;
    v.add('mapped', 'ruler.evalInterval', 'kept', 'ruler.evaluationInterval');
  }
  rules(v, fullname, r);
  alerting(v, r);
  const label = v.str('ruler.replicaLabel') ?? 'replica';
  v.add(
    'default-differs',
    'ruler.replicaLabel',
    `the ruler's blocks carried \`${label}\`; the project's carry \`rule_replica\` (a new stream for the ruler's own series, old and new both queryable and deduplicated by Query)`,
  );
  if (v.has('ruler.queryURL')) v.add('ignored', 'ruler.queryURL', "the ruler queries the environment's Query");
  v.touch('ruler.queryURL', 'ruler.dnsDiscovery', 'ruler.dataPath', 'ruler.clusterName');
  persistence(v, 'ruler', 'ruler', r, 'kept');
  v.touch('ruler.persistence', 'ruler.persistentVolumeClaimRetentionPolicy');
  workloadOptions(v, 'ruler', 'ruler', r);
  return r;
}

export function mapBucketWeb(v: Values): Section {
  const b: Section = {};
  const on = v.bool('bucketweb.enabled', false);
  b.enabled = on;
  v.add('mapped', 'bucketweb.enabled', on ? 'deployed' : 'not deployed', 'bucketWeb.enabled');
  if (!on) {
    v.touch('bucketweb');
    return b;
  }
  replicas(v, 'bucketweb', 'bucketWeb', b);
  for (const key of ['refresh', 'timeout'] as const) {
    const value = v.str(`bucketweb.${key}`);
    if (value === undefined) continue;
    b[key] = value;
    v.add('mapped', `bucketweb.${key}`, 'kept', `bucketWeb.${key}`);
  }
  workloadOptions(v, 'bucketweb', 'bucketWeb', b);
  return b;
}

/** `metrics`: ServiceMonitors and the PrometheusRule. The project ships its own alerts. */
export function mapMonitoring(v: Values): { monitoring: Section; serviceMonitors: boolean; prometheusRule: boolean } {
  const m: Section = {};
  const metrics = v.bool('metrics.enabled', false);
  const serviceMonitors = metrics && v.bool('metrics.serviceMonitor.enabled', false);
  if (v.has('metrics.enabled'))
    v.add('mapped', 'metrics.enabled', metrics ? 'on' : 'off', 'monitoring.serviceMonitors');
  const prometheusRule =
    metrics && v.bool('metrics.prometheusRule.enabled', false) && v.has('metrics.prometheusRule.groups');
  m.serviceMonitors = serviceMonitors;
  v.add(
    'mapped',
    'metrics.serviceMonitor.enabled',
    serviceMonitors ? 'one ServiceMonitor per component' : 'none (the project makes them by default)',
    'monitoring.serviceMonitors',
  );
  const labels = v.obj('metrics.serviceMonitor.labels');
  if (labels && Object.keys(labels).length > 0) {
    m.labels = labels;
    v.add(
      'mapped',
      'metrics.serviceMonitor.labels',
      'kept: your Prometheus selects the ServiceMonitors and the PrometheusRule by them',
      'monitoring.labels',
    );
  }
  if (v.has('metrics.prometheusRule.groups')) {
    v.add(
      'ignored',
      'metrics.prometheusRule.groups',
      'the project ships its own alerts (PrometheusRule `thanos-alerts`); carry rules of your own in your own PrometheusRule',
    );
  }
  v.add(
    'default-differs',
    'metrics.prometheusRule.enabled',
    'the project writes its PrometheusRule of alerts by default',
    'monitoring.prometheusRule',
  );
  v.touch('metrics');
  return { monitoring: m, serviceMonitors, prometheusRule };
}
