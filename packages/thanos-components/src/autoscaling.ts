/**
 * The HorizontalPodAutoscaler of a stateless Deployment (Query, Query Frontend, the receive routers), on CPU,
 * from `replicas` up to `autoscaling.maxReplicas`, with the `behavior` the options give. With an HPA the
 * Deployment has no `replicas` (the HPA owns the count), and the workload's PodDisruptionBudget stays
 * `maxUnavailable: 1`: unlike a `minAvailable` equal to the minimum, it never blocks a drain while the HPA has
 * scaled down, nor lets one take more than one pod at a time while it has scaled up.
 */
import type { LabelSpec, Manifest } from '@thanos-gitops/manifests';
import type { Environment } from '@thanos-gitops/schema';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import type { RenderContext } from './context.js';
import { metadata } from './objects.js';

export type AutoscalingOptions = NonNullable<Environment['query']['autoscaling']>;
type Rules = AutoscalingOptions['behavior']['scaleUp'];

function rules(r: Rules) {
  return {
    stabilizationWindowSeconds: r.stabilizationWindowSeconds,
    ...(r.policies ? { policies: r.policies.map((p) => ({ ...p })) } : {}),
  };
}

export function autoscaler(
  ctx: RenderContext,
  {
    folder,
    name,
    labels,
    autoscaling,
    minReplicas,
  }: { folder: string; name: string; labels: LabelSpec; autoscaling: AutoscalingOptions; minReplicas: number },
): Manifest {
  return {
    component: folder,
    object: new HorizontalPodAutoscaler({
      metadata: metadata(ctx.env, name, labels),
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name },
        minReplicas,
        maxReplicas: autoscaling.maxReplicas,
        metrics: [
          {
            type: 'Resource',
            resource: {
              name: 'cpu',
              target: { type: 'Utilization', averageUtilization: autoscaling.targetCPUUtilization },
            },
          },
        ],
        behavior: { scaleUp: rules(autoscaling.behavior.scaleUp), scaleDown: rules(autoscaling.behavior.scaleDown) },
      },
    }),
  };
}
