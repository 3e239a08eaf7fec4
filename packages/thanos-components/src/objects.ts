/**
 * The objects every component has besides its workload: ServiceAccount, Services, ServiceMonitor and
 * PodDisruptionBudget, built the same way for all.
 */

import { ServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor';
import type { ComponentKind } from '@thanos-gitops/core-model';
import {
  type Environment,
  type LabelSpec,
  type Manifest,
  PORTS,
  selectorLabels,
  standardLabels,
} from '@thanos-gitops/core-model';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { Service } from 'kubernetes-models/v1/Service';
import { ServiceAccount } from 'kubernetes-models/v1/ServiceAccount';
import type { RenderContext } from './context.js';

export function metadata(env: Environment, name: string, labels: LabelSpec, annotations?: Record<string, string>) {
  return {
    name,
    namespace: env.namespace,
    labels: standardLabels(env, labels),
    ...(annotations && Object.keys(annotations).length > 0 ? { annotations } : {}),
  };
}

/** A ServiceAccount with no API token (no Thanos component here talks to the Kubernetes API). */
export function serviceAccount(
  ctx: RenderContext,
  folder: string,
  component: ComponentKind,
  name: string,
  labels: LabelSpec,
): Manifest {
  const annotations = ctx.identity.forComponent(component).serviceAccountAnnotations;
  return {
    component: folder,
    object: new ServiceAccount({
      metadata: metadata(ctx.env, name, labels, annotations),
      automountServiceAccountToken: false,
    }),
  };
}

export interface ServicePort {
  name: string;
  port: number;
  targetPort?: string | number;
}

/** The ports of a Thanos component that serves StoreAPI (or forwarded writes) and HTTP. */
export const GRPC_AND_HTTP: readonly ServicePort[] = [
  { name: 'grpc', port: PORTS.grpc },
  { name: 'http', port: PORTS.http },
];

/** A ClusterIP Service, or a headless one (`headless: true`) giving StatefulSet pods stable names. */
export function service(
  ctx: RenderContext,
  folder: string,
  name: string,
  labels: LabelSpec,
  ports: readonly ServicePort[],
  opts: { headless?: boolean; selector?: Record<string, string> } = {},
): Manifest {
  return {
    component: folder,
    object: new Service({
      metadata: metadata(ctx.env, name, labels),
      spec: {
        ...(opts.headless ? { clusterIP: 'None', publishNotReadyAddresses: true } : {}),
        selector: opts.selector ?? selectorLabels(labels),
        ports: ports.map((p) => ({
          name: p.name,
          port: p.port,
          targetPort: p.targetPort ?? p.name,
          protocol: 'TCP',
          ...(p.name === 'grpc' ? { appProtocol: 'grpc' } : p.name === 'http' ? { appProtocol: 'http' } : {}),
        })),
      },
    }),
  };
}

/** Scrapes the `http` port of the pods behind the Service with the same labels. */
export function serviceMonitor(
  ctx: RenderContext,
  folder: string,
  name: string,
  labels: LabelSpec,
  opts: { port?: string; selector?: Record<string, string> } = {},
): Manifest[] {
  const port = opts.port ?? 'http';
  if (!ctx.env.monitoring.serviceMonitors) return [];
  const meta = metadata(ctx.env, name, labels);
  return [
    {
      component: folder,
      object: new ServiceMonitor({
        metadata: { ...meta, labels: { ...meta.labels, ...ctx.env.monitoring.labels } },
        spec: {
          selector: { matchLabels: opts.selector ?? selectorLabels(labels) },
          namespaceSelector: { matchNames: [ctx.env.namespace] },
          endpoints: [
            {
              port,
              interval: '30s',
              relabelings: [
                { action: 'replace', sourceLabels: ['__meta_kubernetes_pod_name'], targetLabel: 'pod' },
                { action: 'replace', sourceLabels: ['__meta_kubernetes_namespace'], targetLabel: 'namespace' },
              ],
            },
          ],
        },
      }),
    },
  ];
}

/** A PodDisruptionBudget; `maxUnavailable` of the pods matching `labels` may be evicted at once. */
export function disruptionBudget(
  ctx: RenderContext,
  folder: string,
  name: string,
  labels: LabelSpec,
  maxUnavailable = 1,
): Manifest {
  return {
    component: folder,
    object: new PodDisruptionBudget({
      metadata: metadata(ctx.env, name, labels),
      spec: {
        maxUnavailable,
        selector: { matchLabels: selectorLabels(labels) },
        unhealthyPodEvictionPolicy: 'AlwaysAllow',
      },
    }),
  };
}
