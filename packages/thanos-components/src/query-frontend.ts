/**
 * Thanos Query Frontend: the read entry point (Grafana talks to it) in front of the Query Service. It splits
 * range (and label) requests by `splitInterval`, retries failed ones and caches results, in memory or in the
 * generated results memcached. A stateless Deployment behind a Service on port 9090, the port Prometheus
 * clients expect.
 */
import type { Manifest } from '@thanos-gitops/manifests';
import { componentRecord, PORTS, parseDuration, queryUrl } from '@thanos-gitops/model';
import { autoscaler } from './autoscaling.js';
import { queryFrontendCacheFiles } from './caches.js';
import type { RenderContext } from './context.js';
import { disruptionBudget, service, serviceAccount, serviceMonitor } from './objects.js';
import { componentLabels, thanosPodTemplate } from './pod.js';
import { release } from './releases.js';
import { deployment } from './workloads.js';

const FRONTEND = componentRecord('query-frontend');
const FOLDER = FRONTEND.folder;
const HTTP = { name: 'http', containerPort: PORTS.queryFrontendHttp };

/** The downstream tripper settings, as the one-line YAML (flow mapping) the inline flag takes. */
export function downstreamTripper(idle: number): string {
  return `{max_idle_conns: ${idle}, max_idle_conns_per_host: ${idle}}`;
}

export function queryFrontend(ctx: RenderContext): Manifest[] {
  const { env } = ctx;
  const qf = env.queryFrontend;
  if (!qf.enabled) return [];
  const name = FRONTEND.app;
  const labels = componentLabels(FRONTEND, name, env);
  if ((parseDuration(qf.splitInterval) ?? 0) === 0) {
    ctx.report(['queryFrontend', 'splitInterval'], 'must be longer than 0: Thanos only caches split requests');
  }
  const cache = queryFrontendCacheFiles(ctx, FOLDER, labels);
  const args = [
    `--http-address=0.0.0.0:${PORTS.queryFrontendHttp}`,
    `--query-frontend.downstream-url=${queryUrl(env)}`,
    // One host (the Query Service) behind every request: Go keeps only 2 idle connections per host by default.
    `--query-frontend.downstream-tripper-config=${downstreamTripper(qf.downstreamIdleConnections)}`,
    `--query-range.split-interval=${qf.splitInterval}`,
    `--query-range.max-retries-per-request=${qf.maxRetries}`,
    ...(release(env).instantQueryRetries ? [`--query.max-retries-per-request=${qf.maxRetries}`] : []),
    // Label and series requests go through their own middleware chain, which retries with or without a cache.
    `--labels.max-retries-per-request=${qf.maxRetries}`,
    ...(qf.labelsCache ? [`--labels.split-interval=${qf.splitInterval}`] : []),
    ...cache.args,
    '--query-frontend.compress-responses',
    ...((parseDuration(qf.logQueriesLongerThan ?? '0') ?? 0) > 0
      ? [`--query-frontend.log-queries-longer-than=${qf.logQueriesLongerThan}`]
      : []),
  ];
  const template = thanosPodTemplate({
    ctx,
    component: FRONTEND.kind,
    labels,
    options: qf,
    optionsPath: ['queryFrontend'],
    command: 'query-frontend',
    args,
    ports: [HTTP],
    volumes: cache.volumes,
    mounts: cache.mounts,
    rolloutAnnotations: cache.rolloutAnnotations,
    serviceAccountName: name,
  });
  const out: Manifest[] = [
    serviceAccount(ctx, { folder: FOLDER, component: FRONTEND.kind, name, labels }),
    cache.configMap,
    deployment(ctx, { folder: FOLDER, name, labels, replicas: qf.autoscaling ? undefined : qf.replicas, template }),
    service(ctx, { folder: FOLDER, name, labels, ports: [{ name: 'http', port: PORTS.queryFrontendHttp }] }),
    ...serviceMonitor(ctx, { folder: FOLDER, name, labels }),
  ];
  if (qf.replicas > 1 || qf.autoscaling) out.push(disruptionBudget(ctx, { folder: FOLDER, name, labels }));
  if (qf.autoscaling) {
    out.push(autoscaler(ctx, { folder: FOLDER, name, labels, autoscaling: qf.autoscaling, minReplicas: qf.replicas }));
  }
  return out;
}
