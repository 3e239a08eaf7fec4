/** The `rolloutOperator` section: who coordinates the rollouts of ingestors split over zones. */
import { Type } from '@sinclair/typebox';
import { IMAGE_REFERENCE, Obj, schedulingOptions, withDefault } from './common.js';

/** The rollout-operator release the generator pins (the 0.28 line needs no cluster-wide CRD). */
export const ROLLOUT_OPERATOR_IMAGE = 'grafana/rollout-operator:v0.28.8';

export const RolloutOperator = Obj(
  {
    deploy: Type.Boolean(
      withDefault({
        default: true,
        description:
          "Run Grafana's rollout-operator in the namespace when `receive.zones` is set. With zones, the " +
          "ingestors' StatefulSets (one per hashring and zone) use `updateStrategy: OnDelete` and carry the " +
          '`rollout-group` label of their hashring: the operator restarts one zone at a time and moves to the next ' +
          'only when every pod of the previous zone is Ready, whatever applies `clusters/<env>/` (Argo CD, Flux ' +
          'or `kubectl apply -k`). Set `false` only when a rollout-operator you run yourself already watches this ' +
          "namespace: without one, the ingestors' pods keep their old template until deleted by hand.",
      }),
    ),
    image: Type.String(
      withDefault({
        pattern: IMAGE_REFERENCE,
        default: ROLLOUT_OPERATOR_IMAGE,
        description:
          'The rollout-operator image (repository and tag, optionally `@sha256:` digest), e.g. from a mirror. ' +
          'Releases from 0.29 on wait for a cluster-wide CRD (ZoneAwarePodDisruptionBudget) to exist.',
      }),
    ),
    ...schedulingOptions,
  },
  'The rollout-operator that rolls the zoned ingestors zone by zone (only with `receive.zones`).',
  { default: {} },
);
