/**
 * The objects every component has besides its workload: ServiceAccount, Services, ServiceMonitor and
 * PodDisruptionBudget, built the same way for all.
 */

import { ServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor';
import type { ComponentKind } from '@thanos-gitops/catalog';
import { type LabelSpec, type Manifest, selectorLabels, standardLabels } from '@thanos-gitops/manifests';
import { PORTS } from '@thanos-gitops/model';
import type { Environment } from '@thanos-gitops/schema';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { Service } from 'kubernetes-models/v1/Service';
import { ServiceAccount } from 'kubernetes-models/v1/ServiceAccount';
import type { RenderContext } from './context.js';

/** What every object of a component says about itself: its folder under `clusters/<env>/`, name and labels. */
export interface ObjectProps {
  /** The component's folder (`Manifest.component`), from its record. */
  readonly folder: string;
  /** The object's name. */
  readonly name: string;
  /** Its standard labels; the selector labels of Services, monitors and budgets derive from them. */
  readonly labels: LabelSpec;
}

export function metadata(env: Environment, name: string, labels: LabelSpec, annotations?: Record<string, string>) {
  return {
    name,
    namespace: env.namespace,
    labels: standardLabels(env, labels),
    ...(annotations && Object.keys(annotations).length > 0 ? { annotations } : {}),
  };
}

export interface ServiceAccountProps extends ObjectProps {
  /** The component whose cloud identity annotates the account. */
  readonly component: ComponentKind;
}

/** A ServiceAccount with no API token (no Thanos component here talks to the Kubernetes API). */
export function serviceAccount(ctx: RenderContext, { folder, component, name, labels }: ServiceAccountProps): Manifest {
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
/** The HTTP port alone, of a component whose gRPC server is pod-local (`POD_LOCAL`). */
export const HTTP_ONLY: readonly ServicePort[] = [{ name: 'http', port: PORTS.http }];

export const GRPC_AND_HTTP: readonly ServicePort[] = [
  { name: 'grpc', port: PORTS.grpc },
  { name: 'http', port: PORTS.http },
];

export interface ServiceProps extends ObjectProps {
  readonly ports: readonly ServicePort[];
  /**
   * A headless Service (no cluster IP, not-ready pods published) giving StatefulSet pods stable names.
   * @default false: a ClusterIP Service
   */
  readonly headless?: boolean;
  /** @default the selector labels of `labels` */
  readonly selector?: Record<string, string>;
}

/** A ClusterIP Service, or a headless one (`headless: true`) giving StatefulSet pods stable names. */
export function service(
  ctx: RenderContext,
  { folder, name, labels, ports, headless, selector }: ServiceProps,
): Manifest {
  return {
    component: folder,
    object: new Service({
      metadata: metadata(ctx.env, name, labels),
      spec: {
        ...(headless ? { clusterIP: 'None', publishNotReadyAddresses: true } : {}),
        selector: selector ?? selectorLabels(labels),
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

export interface ServiceMonitorProps extends ObjectProps {
  /** @default 'http' */
  readonly port?: string;
  /** The Services to scrape. @default the selector labels of `labels` */
  readonly selector?: Record<string, string>;
}

/** Scrapes the `http` port of the pods behind the Service with the same labels (none without monitoring). */
export function serviceMonitor(
  ctx: RenderContext,
  { folder, name, labels, port = 'http', selector }: ServiceMonitorProps,
): Manifest[] {
  if (!ctx.env.monitoring.serviceMonitors) return [];
  const meta = metadata(ctx.env, name, labels);
  return [
    {
      component: folder,
      object: new ServiceMonitor({
        metadata: { ...meta, labels: { ...meta.labels, ...ctx.env.monitoring.labels } },
        spec: {
          selector: { matchLabels: selector ?? selectorLabels(labels) },
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

export interface DisruptionBudgetProps extends ObjectProps {
  /** How many of the pods matching `labels` may be evicted at once. @default 1 */
  readonly maxUnavailable?: number;
}

/** A PodDisruptionBudget over the pods matching `labels`. */
export function disruptionBudget(
  ctx: RenderContext,
  { folder, name, labels, maxUnavailable = 1 }: DisruptionBudgetProps,
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
