/**
 * Grafana's rollout-operator, with `receive.zones`: the ingestors of each hashring run one StatefulSet per zone,
 * and Kubernetes rolls separate StatefulSets at the same time, which would restart every copy of a series at
 * once. Those StatefulSets are therefore `OnDelete` and share their hashring's `rollout-group` label: the
 * operator restarts one StatefulSet (one zone) of a group at a time, up to `rollout-max-unavailable` pods of it,
 * and starts the next only when every pod of the group is Ready again. Because it acts on the cluster, not on
 * the sync, the order holds whatever applies `clusters/<env>/`.
 *
 * The operator reads and deletes pods and reads StatefulSets of this namespace only (a Role, not a ClusterRole);
 * it has no webhooks here (no TLS server, no Secret), and the 0.28 line it is pinned to needs no CRD.
 */
import { type LabelSpec, type Manifest, selectorLabels, standardLabels } from '@thanos-gitops/manifests';
import { componentRecord, PORTS } from '@thanos-gitops/model';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { Role } from 'kubernetes-models/rbac.authorization.k8s.io/v1/Role';
import { RoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1/RoleBinding';
import type { IContainer } from 'kubernetes-models/v1/Container';
import type { IPodTemplateSpec } from 'kubernetes-models/v1/PodTemplateSpec';
import { ServiceAccount } from 'kubernetes-models/v1/ServiceAccount';
import type { RenderContext } from './context.js';
import { pullSecrets, rolloutOperatorImage } from './images.js';
import { metadata, service, serviceMonitor } from './objects.js';
import { containerSecurityContext, podSecurityContext, scheduling } from './pod.js';

const RECORD = componentRecord('rollout-operator');
/** The pod label the operator finds a StatefulSet's pods by (`name` in its template must equal the pods'). */
export const ROLLOUT_POD_NAME_LABEL = 'name';
/** The label that puts StatefulSets into one rollout group, and the annotation of pods down at once in one. */
export const ROLLOUT_GROUP_LABEL = 'rollout-group';
export const ROLLOUT_MAX_UNAVAILABLE = 'rollout-max-unavailable';

/** The image's tag: the version label of its objects. */
function imageTag(image: string): string {
  const tag = image.split('@')[0]?.split(':').at(-1);
  return tag ?? 'unknown';
}

/** Pods may be listed, watched and deleted; StatefulSets read and their status updated. Nothing else. */
const RULES = [
  { apiGroups: [''], resources: ['pods'], verbs: ['list', 'get', 'watch', 'delete'] },
  { apiGroups: ['apps'], resources: ['statefulsets'], verbs: ['list', 'get', 'watch'] },
  { apiGroups: ['apps'], resources: ['statefulsets/status'], verbs: ['update'] },
];

function container(ctx: RenderContext): IContainer {
  return {
    name: 'rollout-operator',
    image: rolloutOperatorImage(ctx.env),
    imagePullPolicy: 'IfNotPresent',
    args: [
      `-kubernetes.namespace=${ctx.env.namespace}`,
      `-server.port=${PORTS.rolloutOperatorHttp}`,
      '-log.level=info',
      `-kubernetes.cluster-domain=${ctx.env.cluster.domain}.`,
    ],
    ports: [{ name: 'http-metrics', containerPort: PORTS.rolloutOperatorHttp, protocol: 'TCP' }],
    readinessProbe: { httpGet: { path: '/ready', port: 'http-metrics' }, periodSeconds: 10, timeoutSeconds: 5 },
    livenessProbe: {
      httpGet: { path: '/ready', port: 'http-metrics' },
      periodSeconds: 30,
      timeoutSeconds: 5,
      failureThreshold: 4,
    },
    resources: { requests: { cpu: '100m', memory: '100Mi' }, limits: { memory: '200Mi' } },
    securityContext: containerSecurityContext(),
    terminationMessagePolicy: 'FallbackToLogsOnError',
  };
}

function podTemplate(ctx: RenderContext, labels: LabelSpec): IPodTemplateSpec {
  return {
    metadata: { labels: standardLabels(ctx.env, labels) },
    spec: {
      serviceAccountName: RECORD.app,
      // The operator calls the Kubernetes API: it needs its token, limited by the Role below.
      automountServiceAccountToken: true,
      securityContext: podSecurityContext(),
      terminationGracePeriodSeconds: 30,
      ...pullSecrets(ctx.env),
      containers: [container(ctx)],
      ...scheduling(ctx.env.rolloutOperator),
    },
  };
}

function rbac(ctx: RenderContext, labels: LabelSpec): Manifest[] {
  const meta = metadata(ctx.env, RECORD.app, labels);
  return [
    { component: RECORD.folder, object: new ServiceAccount({ metadata: meta, automountServiceAccountToken: false }) },
    { component: RECORD.folder, object: new Role({ metadata: meta, rules: RULES }) },
    {
      component: RECORD.folder,
      object: new RoleBinding({
        metadata: meta,
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: RECORD.app },
        subjects: [{ kind: 'ServiceAccount', name: RECORD.app, namespace: ctx.env.namespace }],
      }),
    },
  ];
}

/**
 * The operator's objects. One replica, replaced with `Recreate`: two operators at once (it has no leader
 * election) could each take down a zone. Its outage only pauses rollouts; no PodDisruptionBudget is needed.
 */
export function rolloutOperator(ctx: RenderContext): Manifest[] {
  if (!RECORD.enabled(ctx.env)) return [];
  const name = RECORD.app;
  const labels: LabelSpec = {
    name,
    instance: name,
    component: RECORD.role,
    version: imageTag(ctx.env.rolloutOperator.image),
  };
  return [
    ...rbac(ctx, labels),
    {
      component: RECORD.folder,
      object: new Deployment({
        metadata: metadata(ctx.env, name, labels),
        spec: {
          replicas: 1,
          revisionHistoryLimit: 5,
          selector: { matchLabels: selectorLabels(labels) },
          strategy: { type: 'Recreate' },
          template: podTemplate(ctx, labels),
        },
      }),
    },
    service(ctx, {
      folder: RECORD.folder,
      name,
      labels,
      ports: [{ name: 'http-metrics', port: PORTS.rolloutOperatorHttp }],
    }),
    ...serviceMonitor(ctx, { folder: RECORD.folder, name, labels, port: 'http-metrics' }),
  ];
}
