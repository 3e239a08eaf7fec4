/**
 * The workload objects: Deployments for stateless components (rolled one surge pod at a time, never below the
 * desired count) and StatefulSets for components that need stable pod names (through the headless Service of
 * the same name) and, where they keep data, one persistent volume per pod.
 */
import { type LabelSpec, type Manifest, selectorLabels } from '@thanos-gitops/core-model';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { StatefulSet } from 'kubernetes-models/apps/v1/StatefulSet';
import type { IPodTemplateSpec } from 'kubernetes-models/v1/PodTemplateSpec';
import type { RenderContext } from './context.js';
import { metadata } from './objects.js';

export interface StatefulSetOptions {
  replicas: number;
  template: IPodTemplateSpec;
  /** Start and stop pods one by one (Kubernetes' default) instead of all at once. */
  ordered?: boolean;
  /**
   * The `data` volume of each pod. `keep` retains it when the StatefulSet is scaled down or deleted, for
   * volumes that may hold data not yet uploaded to the bucket; otherwise it goes with its pod.
   */
  data?: { size: string; storageClass?: string; keep: boolean };
}

/** The claim template of the `data` volume. */
function dataClaim(size: string, storageClass?: string) {
  return {
    metadata: {
      name: 'data',
      labels: { 'app.kubernetes.io/part-of': 'thanos', 'app.kubernetes.io/managed-by': 'thanos-gitops' },
    },
    spec: {
      accessModes: ['ReadWriteOnce' as const],
      ...(storageClass ? { storageClassName: storageClass } : {}),
      resources: { requests: { storage: size } },
    },
  };
}

export function statefulSet(
  ctx: RenderContext,
  folder: string,
  name: string,
  labels: LabelSpec,
  options: StatefulSetOptions,
): Manifest {
  const { data } = options;
  const policy = data?.keep ? 'Retain' : 'Delete';
  return {
    component: folder,
    object: new StatefulSet({
      metadata: metadata(ctx.env, name, labels),
      spec: {
        replicas: options.replicas,
        serviceName: name,
        ...(options.ordered ? {} : { podManagementPolicy: 'Parallel' as const }),
        selector: { matchLabels: selectorLabels(labels) },
        template: options.template,
        ...(data
          ? {
              volumeClaimTemplates: [dataClaim(data.size, data.storageClass)],
              persistentVolumeClaimRetentionPolicy: { whenDeleted: policy, whenScaled: policy },
            }
          : {}),
      },
    }),
  };
}

/** A Deployment; `replicas` undefined leaves the count to a HorizontalPodAutoscaler. */
export function deployment(
  ctx: RenderContext,
  folder: string,
  name: string,
  labels: LabelSpec,
  options: { replicas: number | undefined; template: IPodTemplateSpec },
): Manifest {
  return {
    component: folder,
    object: new Deployment({
      metadata: metadata(ctx.env, name, labels),
      spec: {
        ...(options.replicas === undefined ? {} : { replicas: options.replicas }),
        revisionHistoryLimit: 5,
        selector: { matchLabels: selectorLabels(labels) },
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
        template: options.template,
      },
    }),
  };
}
