/**
 * HorizontalPodAutoscalers of the stateless workloads (Query, Query Frontend, the receive routers, a stateless
 * ruler): one schema, one renderer (`thanos-components/src/autoscaling.ts`).
 */
import { Type } from '@sinclair/typebox';
import { Obj, withDefault } from './common.js';

const ScalingPolicy = Obj(
  {
    type: Type.Union([Type.Literal('Pods'), Type.Literal('Percent')], {
      description: 'Pods or percent of the current.',
    }),
    value: Type.Integer({ minimum: 1, maximum: 1000, description: 'How many pods, or percent, per period.' }),
    periodSeconds: Type.Integer({ minimum: 1, maximum: 1800, description: 'The period, in seconds.' }),
  },
  'One scaling policy: at most `value` pods (or percent) per `periodSeconds`.',
);

const ScalingRules = (what: string, window: number) =>
  Obj(
    {
      stabilizationWindowSeconds: Type.Integer(
        withDefault({
          minimum: 0,
          maximum: 3600,
          default: window,
          description: `Seconds of past recommendations the HPA looks back over before scaling ${what}.`,
        }),
      ),
      policies: Type.Optional(
        Type.Array(ScalingPolicy, {
          minItems: 1,
          maxItems: 10,
          description: `How fast it scales ${what}; unset: Kubernetes' default.`,
        }),
      ),
    },
    `\`behavior.scale${what === 'up' ? 'Up' : 'Down'}\` of the HPA.`,
    { default: {} },
  );

/** `autoscaling` of a stateless workload: from its `replicas` (the minimum) up to `maxReplicas`. */
export const Autoscaling = (what: string) =>
  Type.Optional(
    Obj(
      {
        maxReplicas: Type.Integer({ minimum: 1, maximum: 100, description: 'Upper bound of the HPA.' }),
        targetCPUUtilization: Type.Integer(
          withDefault({
            minimum: 10,
            maximum: 100,
            default: 70,
            description: 'Average CPU utilisation (percent of requests) the HPA aims for.',
          }),
        ),
        behavior: Obj(
          { scaleUp: ScalingRules('up', 0), scaleDown: ScalingRules('down', 300) },
          'How fast the HPA scales (`spec.behavior`).',
          { default: {} },
        ),
      },
      `A HorizontalPodAutoscaler for ${what}, from \`replicas\` (its \`minReplicas\`) to \`maxReplicas\`, on CPU ` +
        'from the cluster metrics API (metrics-server). The Deployment then has no `replicas`, and its ' +
        'PodDisruptionBudget (`maxUnavailable: 1`, which never blocks a drain however far the HPA scaled down) is ' +
        'written. `behavior` says how fast it scales up and down.',
    ),
  );
