/**
 * Grafana dashboards and datasource of an environment, as Kubernetes objects: a ConfigMap per dashboard for the
 * Grafana sidecar (its label and folder annotation configurable), optionally a grafana-operator
 * `GrafanaDashboard` per dashboard, and optionally a datasource ConfigMap pointing at the read entry point.
 */
import { GrafanaDashboard } from '@kubernetes-models/grafana-operator/grafana.integreatly.org/v1beta1/GrafanaDashboard';
import { type Manifest, standardLabels, yamlText } from '@thanos-gitops/manifests';
import { readUrl } from '@thanos-gitops/model';
import { grafanaValue } from '@thanos-gitops/output';
import type { Environment } from '@thanos-gitops/schema';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { dashboardSpecs } from './definitions/index.js';
import { dashboardJson } from './grafana.js';

const FOLDER = 'dashboards';
/** The label Grafana's sidecar (kube-prometheus-stack's default) loads datasources by. */
export const DATASOURCE_LABEL = 'grafana_datasource';

function labels(env: Environment, component: string) {
  return standardLabels(env, {
    name: 'thanos',
    instance: `thanos-${env.name}`,
    component,
    version: env.thanos.version,
  });
}

/** Every string of a provisioning document as Grafana must read it (`$` doubled: no environment variable expands). */
function provisioningValues(doc: unknown): unknown {
  if (typeof doc === 'string') return grafanaValue(doc);
  if (Array.isArray(doc)) return doc.map(provisioningValues);
  if (doc && typeof doc === 'object') {
    return Object.fromEntries(Object.entries(doc).map(([k, v]) => [k, provisioningValues(v)]));
  }
  return doc;
}

/** The Grafana provisioning file of the datasource; every value through the Grafana encoder. */
export function datasourceProvisioning(env: Environment): Record<string, unknown> {
  const ds = env.monitoring.datasource;
  return provisioningValues({
    apiVersion: 1,
    datasources: [
      {
        name: ds.name,
        uid: ds.uid,
        type: 'prometheus',
        access: 'proxy',
        url: readUrl(env),
        isDefault: false,
        editable: false,
        jsonData: { prometheusType: 'Thanos', httpMethod: 'POST', timeInterval: '30s' },
      },
    ],
  }) as Record<string, unknown>;
}

export function dashboards(env: Environment): Manifest[] {
  const d = env.monitoring.dashboards;
  const out: Manifest[] = [];
  const namespace = d.namespace ?? env.namespace;
  const datasourceName = env.monitoring.datasource.enabled ? env.monitoring.datasource.name : 'Prometheus';
  if (d.enabled) {
    for (const spec of dashboardSpecs(env)) {
      const name = `thanos-dashboard-${spec.id}`;
      const json = dashboardJson(env, spec, datasourceName);
      out.push({
        component: FOLDER,
        object: new ConfigMap({
          metadata: {
            name,
            namespace,
            labels: { ...labels(env, 'dashboard'), [d.sidecarLabel.key]: d.sidecarLabel.value },
            annotations: { [d.folderAnnotation]: d.folder },
          },
          data: { [`thanos-${env.name}-${spec.id}.json`]: json },
        }),
      });
      if (d.grafanaOperator) {
        out.push({
          component: FOLDER,
          object: new GrafanaDashboard({
            metadata: { name, namespace, labels: labels(env, 'dashboard') },
            spec: {
              instanceSelector: { matchLabels: { ...d.grafanaOperator.instanceSelector } },
              folder: d.folder,
              json,
            },
          }),
        });
      }
    }
  }
  if (env.monitoring.datasource.enabled) {
    out.push({
      component: FOLDER,
      object: new ConfigMap({
        metadata: {
          name: 'thanos-datasource',
          namespace,
          labels: { ...labels(env, 'datasource'), [DATASOURCE_LABEL]: '1' },
        },
        data: { [`thanos-${env.name}-datasource.yaml`]: yamlText(datasourceProvisioning(env)) },
      }),
    });
  }
  return out;
}
