/**
 * The workload objects: Deployments for stateless components (rolled one surge pod at a time, never below the
 * desired count) and StatefulSets for components that need stable pod names (through the headless Service of
 * the same name) and, where they keep data, one persistent volume per pod.
 */
import { type Manifest, selectorLabels } from '@thanos-gitops/manifests';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { StatefulSet } from 'kubernetes-models/apps/v1/StatefulSet';
import type { IPodTemplateSpec } from 'kubernetes-models/v1/PodTemplateSpec';
import type { RenderContext } from './context.js';
import { metadata, type ObjectProps } from './objects.js';
import { ROLLOUT_GROUP_LABEL, ROLLOUT_MAX_UNAVAILABLE } from './rollout-operator.js';

export interface StatefulSetProps extends ObjectProps {
  readonly replicas: number;
  readonly template: IPodTemplateSpec;
  /**
   * Start and stop pods one by one (Kubernetes' `OrderedReady`) instead of all at once.
   * @default false: `Parallel`
   */
  readonly ordered?: boolean;
  /**
   * The `data` volume of each pod. `keep` retains it when the StatefulSet is scaled down or deleted, for
   * volumes that may hold data not yet uploaded to the bucket; otherwise it goes with its pod.
   * @default no volume claim
   */
  readonly data?: { size: string; storageClass?: string; keep: boolean };
  /**
   * The headless Service that gives its pods their DNS names, when several StatefulSets share one (a
   * hashring's ingestors split by zone). @default the StatefulSet's name
   */
  readonly serviceName?: string;
  /**
   * Pod labels added to the selector, to tell apart StatefulSets whose pods share `labels` (the zone of a
   * hashring's ingestors); the template must carry them. @default none
   */
  readonly selectorExtra?: Record<string, string>;
  /**
   * How a pod-template change rolls: `minReadySeconds` each new pod stays Ready before the next goes; with
   * `group`, `OnDelete` under the rollout-operator (see rollout-operator.ts), which restarts up to
   * `maxUnavailable` pods of one StatefulSet of the group at a time. @default `RollingUpdate`, no wait
   */
  readonly rollout?: { minReadySeconds: number; group?: { name: string; maxUnavailable: number } };
}

/** The update strategy, labels and annotations of a StatefulSet's rollout. */
function rolloutFields(rollout: StatefulSetProps['rollout']) {
  const group = rollout?.group;
  return {
    labels: (group ? { [ROLLOUT_GROUP_LABEL]: group.name } : {}) as Record<string, string>,
    annotations: group ? { [ROLLOUT_MAX_UNAVAILABLE]: String(group.maxUnavailable) } : undefined,
    spec: {
      ...(rollout && rollout.minReadySeconds > 0 ? { minReadySeconds: rollout.minReadySeconds } : {}),
      ...(rollout ? { updateStrategy: { type: group ? ('OnDelete' as const) : ('RollingUpdate' as const) } } : {}),
    },
  };
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

/** A StatefulSet whose pods get stable names through the headless Service of the same `name`. */
export function statefulSet(
  ctx: RenderContext,
  { folder, name, labels, replicas, template, ordered, data, serviceName, selectorExtra, rollout }: StatefulSetProps,
): Manifest {
  const policy = data?.keep ? 'Retain' : 'Delete';
  const roll = rolloutFields(rollout);
  const meta = metadata(ctx.env, name, labels, roll.annotations);
  return {
    component: folder,
    object: new StatefulSet({
      metadata: { ...meta, labels: { ...meta.labels, ...roll.labels } },
      spec: {
        replicas,
        ...roll.spec,
        serviceName: serviceName ?? name,
        ...(ordered ? {} : { podManagementPolicy: 'Parallel' as const }),
        selector: { matchLabels: { ...selectorLabels(labels), ...selectorExtra } },
        template,
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

export interface DeploymentProps extends ObjectProps {
  /** The pod count; `undefined` leaves it to a HorizontalPodAutoscaler. */
  readonly replicas: number | undefined;
  readonly template: IPodTemplateSpec;
}

/** A Deployment, rolled one surge pod at a time. */
export function deployment(
  ctx: RenderContext,
  { folder, name, labels, replicas, template }: DeploymentProps,
): Manifest {
  return {
    component: folder,
    object: new Deployment({
      metadata: metadata(ctx.env, name, labels),
      spec: {
        ...(replicas === undefined ? {} : { replicas }),
        revisionHistoryLimit: 5,
        selector: { matchLabels: selectorLabels(labels) },
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
        template,
      },
    }),
  };
}
