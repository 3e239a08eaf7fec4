/**
 * Thanos Query: the PromQL engine over every StoreAPI (ingestors, store gateways, ruler). Stateless
 * Deployment behind a Service; endpoints come from a generated SD file; optional HPA.
 */
import { type Manifest, yamlText } from '@thanos-gitops/manifests';
import { CONFIG_FILES, componentRecord, names, PORTS } from '@thanos-gitops/model';
import type { Environment } from '@thanos-gitops/schema';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { autoscaler } from './autoscaling.js';
import type { RenderContext } from './context.js';
import { endpointsConfig } from './endpoints.js';
import { flagName } from './flags.js';
import { contentHash } from './hash.js';
import { disruptionBudget, HTTP_ONLY, metadata, service, serviceAccount, serviceMonitor } from './objects.js';
import { componentLabels, HTTP_PORT, POD_LOCAL, thanosPodTemplate } from './pod.js';
import { queryLimitArgs } from './request-limits.js';
import { deployment } from './workloads.js';

const QUERY = componentRecord('query');
const FOLDER = QUERY.folder;
export const ENDPOINTS_DIR = '/etc/thanos/endpoints';

/** Flags that add endpoints behind the endpoint file's back, where the NetworkPolicies cannot see them. */
const ENDPOINT_FLAGS = ['endpoint', 'endpoint-strict', 'endpoint-group', 'endpoint-group-strict'];

/**
 * An endpoint given in `extraArgs` would be silently blocked by the generated NetworkPolicies: refused while
 * they are on, pointing at `query.extraEndpoints`, which allows the flow.
 */
function refuseEndpointArgs(ctx: RenderContext): void {
  if (!ctx.env.networkPolicies.enabled) return;
  ctx.env.query.extraArgs.forEach((arg, i) => {
    const flag = flagName(arg);
    if (!ENDPOINT_FLAGS.includes(flag)) return;
    ctx.report(
      ['query', 'extraArgs', i],
      `--${flag} would be blocked by the generated NetworkPolicies (Query may only reach the endpoints they ` +
        'allow); list it in query.extraEndpoints instead, which adds it to the endpoint file and allows the flow',
    );
  });
}

/**
 * Query's flags: its servers, the endpoint SD file, deduplication and query limits. No pod dials Query's gRPC
 * (a StoreAPI over every tenant): it listens on the pod itself only.
 */
export function queryArgs(q: Environment['query']): string[] {
  return [
    `--grpc-address=${POD_LOCAL}:${PORTS.grpc}`,
    `--http-address=0.0.0.0:${PORTS.http}`,
    `--endpoint.sd-config-file=${ENDPOINTS_DIR}/${CONFIG_FILES.endpoints}`,
    '--endpoint.sd-config-reload-interval=1m',
    ...q.replicaLabels.map((l) => `--query.replica-label=${l}`),
    `--query.timeout=${q.timeout}`,
    ...(q.lookbackDelta ? [`--query.lookback-delta=${q.lookbackDelta}`] : []),
    '--query.auto-downsampling',
    ...queryLimitArgs(q.limits),
  ];
}

export function query(ctx: RenderContext): Manifest[] {
  const { env } = ctx;
  const q = env.query;
  const name = QUERY.app;
  const labels = componentLabels(QUERY, name, env);
  const endpoints = yamlText(endpointsConfig(env));
  refuseEndpointArgs(ctx);
  const args = queryArgs(q);
  const template = thanosPodTemplate({
    ctx,
    component: QUERY.kind,
    labels,
    options: q,
    optionsPath: ['query'],
    command: 'query',
    args,
    ports: [HTTP_PORT],
    volumes: [{ name: 'endpoints', configMap: { name: names.endpointsConfig } }],
    mounts: [{ name: 'endpoints', mountPath: ENDPOINTS_DIR, readOnly: true }],
    rolloutAnnotations: { 'thanos-gitops/endpoints-hash': contentHash(endpoints) },
    serviceAccountName: name,
  });
  const out: Manifest[] = [
    serviceAccount(ctx, { folder: FOLDER, component: QUERY.kind, name, labels }),
    {
      component: FOLDER,
      object: new ConfigMap({
        metadata: metadata(env, names.endpointsConfig, labels),
        data: { [CONFIG_FILES.endpoints]: endpoints },
      }),
    },
    deployment(ctx, { folder: FOLDER, name, labels, replicas: q.autoscaling ? undefined : q.replicas, template }),
    service(ctx, {
      folder: FOLDER,
      name,
      labels,
      ports: HTTP_ONLY,
    }),
    ...serviceMonitor(ctx, { folder: FOLDER, name, labels }),
  ];
  if (q.replicas > 1 || q.autoscaling) out.push(disruptionBudget(ctx, { folder: FOLDER, name, labels }));
  if (q.autoscaling)
    out.push(autoscaler(ctx, { folder: FOLDER, name, labels, autoscaling: q.autoscaling, minReplicas: q.replicas }));
  return out;
}
