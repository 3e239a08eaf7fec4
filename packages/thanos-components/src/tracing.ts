/**
 * Tracing: one OTLP tracing config per component (`type: OTLP`, shaped as the pinned release documents it),
 * all in the ConfigMap `thanos-tracing`. Every Thanos pod mounts it and passes its own file with
 * `--tracing.config-file`, so each component reports its own service name.
 */
import { type ComponentKind, isThanosComponent, type ThanosComponent } from '@thanos-gitops/catalog';
import { type Manifest, yamlText } from '@thanos-gitops/manifests';
import { componentRecord, enabledComponents } from '@thanos-gitops/model';
import type { Environment } from '@thanos-gitops/schema';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import type { RenderContext } from './context.js';
import { contentHash } from './hash.js';
import { metadata } from './objects.js';

const FOLDER = 'tracing';
export const TRACING_CONFIG_MAP = 'thanos-tracing';
export const TRACING_DIR = '/etc/thanos/tracing';
export const TRACING_HASH_ANNOTATION = 'thanos-gitops/tracing-config-hash';

/** The Thanos components whose pods run in this environment. */
export function runningComponents(env: Environment): ThanosComponent[] {
  return enabledComponents(env)
    .map((c) => c.kind)
    .filter(isThanosComponent);
}

export function tracingServiceName(env: Environment, component: ComponentKind): string {
  return env.tracing?.serviceNames?.[component] ?? componentRecord(component).app;
}

/** The tracing config of a component as plain data, or undefined without `tracing`. */
export function tracingConfig(env: Environment, component: ComponentKind): Record<string, unknown> | undefined {
  const t = env.tracing;
  if (!t) return undefined;
  return {
    type: 'OTLP',
    config: {
      client_type: t.protocol,
      service_name: tracingServiceName(env, component),
      resource_attributes: { ...t.resourceAttributes, environment: env.name, cluster: env.cluster.name },
      endpoint: t.endpoint,
      ...(t.protocol === 'http' && t.urlPath ? { url_path: t.urlPath } : {}),
      insecure: t.insecure,
      compression: 'gzip',
      sampler_type: 'parentbasedtraceidratiobased',
      sampler_param: String(t.samplingRatio),
    },
  };
}

export function tracingFile(component: ComponentKind): string {
  return `${component}.yaml`;
}

/** What a component's pod gets for tracing: nothing without `tracing`. */
export function tracingPod(env: Environment, component: ComponentKind) {
  const config = tracingConfig(env, component);
  if (!config) return undefined;
  return {
    arg: `--tracing.config-file=${TRACING_DIR}/${tracingFile(component)}`,
    volume: { name: 'tracing', configMap: { name: TRACING_CONFIG_MAP } },
    mount: { name: 'tracing', mountPath: TRACING_DIR, readOnly: true },
    annotation: { [TRACING_HASH_ANNOTATION]: contentHash(yamlText(config)) },
  };
}

export function tracing(ctx: RenderContext): Manifest[] {
  const { env } = ctx;
  if (!env.tracing) return [];
  const data = Object.fromEntries(runningComponents(env).map((c) => [tracingFile(c), yamlText(tracingConfig(env, c))]));
  const labels = { name: 'thanos', instance: `thanos-${env.name}`, component: 'tracing', version: env.thanos.version };
  return [{ component: FOLDER, object: new ConfigMap({ metadata: metadata(env, TRACING_CONFIG_MAP, labels), data }) }];
}
