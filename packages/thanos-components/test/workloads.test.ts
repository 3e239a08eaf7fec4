/**
 * The workload objects (workloads.ts): StatefulSets (stable names, data claims, how they roll) and Deployments (one
 * surge pod at a time), built by the helpers for a test environment, each test building its own.
 */
import { loadEnvironments } from '@thanos-gitops/input';
import { toPlain } from '@thanos-gitops/manifests';
import { NO_TLS } from '@thanos-gitops/model';
import { describe, expect, it } from 'vitest';
import type { RenderContext } from '../src/context.js';
import { ROLLOUT_GROUP_LABEL, ROLLOUT_MAX_UNAVAILABLE } from '../src/rollout-operator.js';
import { deployment, statefulSet } from '../src/workloads.js';
import { MINIMAL } from './support/render.js';

type Obj = Record<string, any>;
const LABELS = { name: 'thanos-x', instance: 'thanos-x-a', component: 'x', version: 'v0.42.4' };
const SELECTOR = { 'app.kubernetes.io/name': 'thanos-x', 'app.kubernetes.io/instance': 'thanos-x-a' };
const TEMPLATE = { metadata: { labels: { ...SELECTOR } }, spec: { containers: [{ name: 'thanos', image: 'x' }] } };
const PROPS = { folder: 'x', name: 'thanos-x-a', labels: LABELS, template: TEMPLATE };

function context(): RenderContext {
  return {
    env: loadEnv(),
    file: 'environments/test.yaml',
    identity: { objstoreConfig: '', forComponent: () => ({ serviceAccountAnnotations: {}, podLabels: {}, env: [] }) },
    tls: { forComponent: () => NO_TLS },
    report: () => {},
  };
}
/** The environment alone (no component rendered): the helpers under test build the objects. */
function loadEnv(yaml = '') {
  const [loaded] = loadEnvironments([{ path: 'environments/test.yaml', text: `${MINIMAL}${yaml}` }]);
  if (!loaded) throw new Error('no environment');
  return loaded.env;
}
const plain = (m: { object: unknown }): Obj => toPlain(m.object as never);

describe('statefulSet', () => {
  it('starts its pods in parallel, named through the headless Service of its name, with no claim by default', () => {
    const m = statefulSet(context(), { ...PROPS, replicas: 3 });
    expect(m.component).toBe('x');
    const o = plain(m);
    expect(o.kind).toBe('StatefulSet');
    expect(o.metadata.name).toBe('thanos-x-a');
    expect(o.spec).toEqual({
      replicas: 3,
      serviceName: 'thanos-x-a',
      podManagementPolicy: 'Parallel',
      selector: { matchLabels: SELECTOR },
      template: TEMPLATE,
    });
    expect(o.metadata).not.toHaveProperty('annotations');
  });

  it('orders pods when asked (OrderedReady is the Kubernetes default: no policy written)', () => {
    expect(plain(statefulSet(context(), { ...PROPS, replicas: 1, ordered: true })).spec).not.toHaveProperty(
      'podManagementPolicy',
    );
  });

  it('claims a data volume per pod, kept on scale-down and deletion when it may hold data not yet uploaded', () => {
    const o = plain(
      statefulSet(context(), { ...PROPS, replicas: 1, data: { size: '50Gi', storageClass: 'gp3', keep: true } }),
    );
    expect(o.spec.volumeClaimTemplates).toEqual([
      {
        metadata: {
          name: 'data',
          labels: { 'app.kubernetes.io/part-of': 'thanos', 'app.kubernetes.io/managed-by': 'thanos-gitops' },
        },
        spec: { accessModes: ['ReadWriteOnce'], storageClassName: 'gp3', resources: { requests: { storage: '50Gi' } } },
      },
    ]);
    expect(o.spec.persistentVolumeClaimRetentionPolicy).toEqual({ whenDeleted: 'Retain', whenScaled: 'Retain' });
  });

  it('deletes a claim with its pod otherwise, on the default storage class when none is named', () => {
    const o = plain(statefulSet(context(), { ...PROPS, replicas: 1, data: { size: '5Gi', keep: false } }));
    expect(o.spec.volumeClaimTemplates[0].spec).not.toHaveProperty('storageClassName');
    expect(o.spec.persistentVolumeClaimRetentionPolicy).toEqual({ whenDeleted: 'Delete', whenScaled: 'Delete' });
  });

  it('shares another Service and adds selector labels (a hashring zone)', () => {
    const o = plain(
      statefulSet(context(), { ...PROPS, replicas: 1, serviceName: 'thanos-x', selectorExtra: { zone: 'a' } }),
    );
    expect(o.spec.serviceName).toBe('thanos-x');
    expect(o.spec.selector.matchLabels).toEqual({ ...SELECTOR, zone: 'a' });
  });

  it('rolls pod by pod, each Ready minReadySeconds before the next', () => {
    const o = plain(statefulSet(context(), { ...PROPS, replicas: 3, rollout: { minReadySeconds: 30 } }));
    expect(o.spec.minReadySeconds).toBe(30);
    expect(o.spec.updateStrategy).toEqual({ type: 'RollingUpdate' });
    expect(o.metadata.labels).not.toHaveProperty(ROLLOUT_GROUP_LABEL);
    const quick = plain(statefulSet(context(), { ...PROPS, replicas: 3, rollout: { minReadySeconds: 0 } }));
    expect(quick.spec).not.toHaveProperty('minReadySeconds');
    expect(quick.spec.updateStrategy).toEqual({ type: 'RollingUpdate' });
  });

  it('in a rollout group: OnDelete, the group label and how many pods the rollout-operator may restart', () => {
    const o = plain(
      statefulSet(context(), {
        ...PROPS,
        replicas: 2,
        rollout: { minReadySeconds: 10, group: { name: 'thanos-x', maxUnavailable: 2 } },
      }),
    );
    expect(o.spec.updateStrategy).toEqual({ type: 'OnDelete' });
    expect(o.spec.minReadySeconds).toBe(10);
    expect(o.metadata.labels[ROLLOUT_GROUP_LABEL]).toBe('thanos-x');
    expect(o.metadata.labels).toMatchObject(SELECTOR);
    expect(o.metadata.annotations).toEqual({ [ROLLOUT_MAX_UNAVAILABLE]: '2' });
  });
});

describe('deployment', () => {
  it('rolls one surge pod at a time, never below the desired count, keeping 5 revisions', () => {
    const m = deployment(context(), { ...PROPS, replicas: 2 });
    expect(m.component).toBe('x');
    const o = plain(m);
    expect(o.kind).toBe('Deployment');
    expect(o.metadata.name).toBe('thanos-x-a');
    expect(o.spec).toEqual({
      replicas: 2,
      revisionHistoryLimit: 5,
      selector: { matchLabels: SELECTOR },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
      template: TEMPLATE,
    });
  });

  it('leaves the count to a HorizontalPodAutoscaler', () => {
    expect(plain(deployment(context(), { ...PROPS, replicas: undefined })).spec).not.toHaveProperty('replicas');
  });
});
