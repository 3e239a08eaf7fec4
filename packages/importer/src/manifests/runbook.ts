/**
 * The facts of the shared migration runbook (`../runbook.ts`) as rendered manifests give them: the namespace, how
 * the old objects were applied (a Helm release when they carry its labels), the old ingestor StatefulSets and the
 * claims they bind, the old compactor, the old remote-write Service (its URL, and the bridge that keeps it
 * answering), the environment's delivery tool and its writers.
 */
import { componentRecord, names as generated, PORTS } from '@thanos-gitops/model';
import { claimNames } from '../adoption.js';
import type { RunbookFacts } from '../runbook.js';
import type { ImportContext } from './context.js';
import { at, type K8sObject } from './objects.js';

/** The old Service writers push to: a `remote-write` port (19291), the router's before an ingestor's. */
function remoteWriteService(ctx: ImportContext): { service: K8sObject; port: number } | undefined {
  const found = ctx.objects.flatMap((o) => {
    const ports = at(o, 'spec', 'ports');
    if (o.kind !== 'Service' || !Array.isArray(ports)) return [];
    const p = ports.find((x) => at(x, 'name') === 'remote-write' || at(x, 'port') === PORTS.remoteWrite);
    return p ? [{ service: o, port: Number(at(p, 'port')) }] : [];
  });
  return found.find((f) => f.service.metadata.name.includes('router')) ?? found[0];
}

function oldDelivery(ctx: ImportContext): RunbookFacts['old'] {
  const helm = ctx.objects.find((o) => o.metadata.labels?.['app.kubernetes.io/managed-by'] === 'Helm');
  const release = helm?.metadata.labels?.['app.kubernetes.io/instance'];
  if (release) return { kind: 'helm', release };
  return { kind: 'manifests', how: '`kubectl apply`, an Argo CD Application or a Flux Kustomization' };
}

export function manifestsFacts(ctx: ImportContext): RunbookFacts {
  const env = ctx.env;
  const namespace = String(env.namespace);
  const ingestors = ctx.workloads
    .filter((w) => w.command === 'receive' && w.kind === 'StatefulSet' && claimNames(w.object).length > 0)
    .map((w) => w.object);
  const compactor = ctx.workloads.find((w) => w.command === 'compact');
  const old = remoteWriteService(ctx);
  // A bridge of the new routers' own name would clash with their Service: the URL simply stays.
  const bridged = old && old.service.metadata.name !== generated.router ? old : undefined;
  const domain = String(at(env, 'cluster', 'domain') ?? 'cluster.local');
  const tool = at(env, 'delivery', 'tool');
  const writers = at(env, 'remoteWrite', 'writers');
  return {
    environment: String(env.name),
    namespace,
    old: oldDelivery(ctx),
    delivery: tool === 'argocd' || tool === 'flux' ? tool : 'none',
    ingestors: ingestors.map((o) => ({
      statefulSet: o.metadata.name,
      replicas: Number(at(o, 'spec', 'replicas') ?? 1),
    })),
    keptClaims: ingestors.flatMap(claimNames),
    ...(compactor ? { compactor: `${compactor.kind}/${compactor.name}` } : {}),
    ...(old
      ? {
          oldRemoteWriteUrl: `http://${old.service.metadata.name}.${namespace}.svc.${domain}:${old.port}/api/v1/receive`,
        }
      : {}),
    newRemoteWriteUrl: `http://${generated.router}.${namespace}.svc.${domain}:${PORTS.remoteWrite}/api/v1/receive`,
    ...(bridged
      ? {
          bridge: {
            service: bridged.service.metadata.name,
            selector: componentRecord('receive-router').selector,
            port: bridged.port,
          },
        }
      : {}),
    mtls: at(env, 'remoteWrite', 'mtls') !== undefined && at(env, 'remoteWrite', 'mtls') !== false,
    writers: Array.isArray(writers) ? writers.map((w) => String(at(w, 'name') ?? w)) : [],
  };
}
