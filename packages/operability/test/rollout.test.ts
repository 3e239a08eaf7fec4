/**
 * The rollout plan holds the write quorum: for every fixture (and, in rollout.soak.test.ts, for environments drawn
 * at random), a pod-template change never has more than RF - quorum copies of any series of a hashring down at
 * once, as the model of Kubernetes and the rollout-operator (rollout/plan.ts) rolls the rendered objects. The model
 * itself is pinned on hand-made objects, including the ones that break the bound.
 */
import { toPlain } from '@thanos-gitops/manifests';
import { describe, expect, it } from 'vitest';
import { type PlainObject, rolloutPlan } from '../src/index.js';
import { FIXTURES, renderFixture } from './fixtures.js';

const plainOf = (name: string) => renderFixture(name).manifests.map((m) => toPlain(m.object) as PlainObject);
const hashrings = (objects: PlainObject[]) => rolloutPlan(objects).groups.filter((g) => g.kind === 'hashring');

/** The zoned StatefulSets as a patch that drops the plan would leave them: Kubernetes rolls each on its own. */
function withoutOperator(objects: PlainObject[]): PlainObject[] {
  return objects.map((o) =>
    o.kind === 'StatefulSet' && o.spec.updateStrategy?.type === 'OnDelete'
      ? { ...o, spec: { ...o.spec, updateStrategy: { type: 'RollingUpdate' } } }
      : o,
  );
}

describe('rollout plan of the fixtures', () => {
  it.each(FIXTURES)('%s: no hashring loses its write quorum during a rollout', (name) => {
    const rings = hashrings(plainOf(name));
    expect(rings.length).toBeGreaterThan(name === 'no-receive' ? -1 : 0);
    for (const g of rings) {
      expect(g.safe, g.name).toBe(true);
      expect(g.maxSeriesCopiesDown, g.name).toBeLessThanOrEqual(g.hashring?.budget ?? 0);
      expect(g.stuck, g.name).toEqual([]);
    }
  });

  it('prod (3 zones, RF 3): each hashring rolls zone by zone in 3 steps, 1 copy of 3 down, held 60 s', () => {
    for (const g of hashrings(plainOf('prod'))) {
      expect(g.mechanisms).toEqual(['rollout-operator']);
      expect(g.hashring).toMatchObject({ replicationFactor: 3, quorum: 2, budget: 1, zones: 3 });
      expect(g.steps.map((s) => s.pods)).toEqual([
        [`thanos-receive-ingestor-${g.name}-eu-west-1a-0`],
        [`thanos-receive-ingestor-${g.name}-eu-west-1b-0`],
        [`thanos-receive-ingestor-${g.name}-eu-west-1c-0`],
      ]);
      expect(g.maxSeriesCopiesDown).toBe(1);
      expect(g.minReadySeconds).toBe(60);
    }
  });

  it('prod without the rollout-operator (the zones rolled by Kubernetes at once): all 3 copies down, below quorum', () => {
    for (const g of hashrings(withoutOperator(plainOf('prod')))) {
      expect(g.mechanisms).toEqual(['rolling-update']);
      expect(g.steps).toHaveLength(1);
      expect(g.maxSeriesCopiesDown).toBe(3);
      expect(g.safe).toBe(false);
    }
  });

  it('staging (no zones): one ingestor at a time, highest ordinal first, held minReadySeconds', () => {
    const [g] = hashrings(plainOf('staging'));
    expect(g?.mechanisms).toEqual(['rolling-update']);
    expect(g?.steps.map((s) => s.pods)).toEqual([
      ['thanos-receive-ingestor-default-2'],
      ['thanos-receive-ingestor-default-1'],
      ['thanos-receive-ingestor-default-0'],
    ]);
    expect(g?.minReadySeconds).toBe(60);
  });
});

/** A StatefulSet as plain data. */
function sts(name: string, replicas: number, extra: PlainObject = {}, labels: PlainObject = {}): PlainObject {
  return {
    kind: 'StatefulSet',
    metadata: { name, labels, annotations: extra.annotations ?? {} },
    spec: { replicas, template: { spec: { containers: [] } }, ...extra.spec },
  };
}

describe('the model', () => {
  it('a RollingUpdate StatefulSet stops at its partition and takes maxUnavailable pods at once', () => {
    const plan = rolloutPlan([
      sts('a', 5, { spec: { updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 2 } } } }),
      sts('b', 4, { spec: { updateStrategy: { rollingUpdate: { maxUnavailable: 2 } } } }),
    ]);
    expect(plan.groups[0]?.steps.map((s) => s.pods)).toEqual([['a-4'], ['a-3'], ['a-2']]);
    expect(plan.groups[1]?.steps.map((s) => s.pods)).toEqual([
      ['b-3', 'b-2'],
      ['b-1', 'b-0'],
    ]);
    expect(plan.groups[1]?.minReady).toBe(2);
  });

  it('OnDelete without a rollout group never restarts; with one, the operator goes StatefulSet by StatefulSet', () => {
    const onDelete = { spec: { updateStrategy: { type: 'OnDelete' } } };
    const grouped = (name: string, max: string) =>
      sts(name, 2, { ...onDelete, annotations: { 'rollout-max-unavailable': max } }, { 'rollout-group': 'g' });
    const plan = rolloutPlan([sts('lonely', 2, onDelete), grouped('z-b', '1'), grouped('z-a', '2')]);
    const lonely = plan.groups.find((g) => g.name === 'lonely');
    expect(lonely).toMatchObject({ steps: [], stuck: ['lonely-0', 'lonely-1'], mechanisms: ['on-delete'] });
    const g = plan.groups.find((x) => x.name === 'g');
    expect(g?.steps.map((s) => s.pods)).toEqual([['z-a-0', 'z-a-1'], ['z-b-0'], ['z-b-1']]);
  });

  it('a Deployment: surge rounded up, unavailability rounded down, Recreate takes every pod down', () => {
    const deployment = (name: string, replicas: number, strategy: PlainObject): PlainObject => ({
      kind: 'Deployment',
      metadata: { name },
      spec: { replicas, strategy, template: { spec: { containers: [] } } },
    });
    const plan = rolloutPlan([
      deployment('pct', 10, { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } }),
      deployment('none', 3, { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } }),
      deployment('all', 2, { type: 'Recreate' }),
    ]);
    const by = (n: string) => plan.groups.find((g) => g.name === n);
    expect(by('pct')).toMatchObject({ maxPodsDown: 2, minReady: 8, safe: true });
    expect(by('none')).toMatchObject({ maxPodsDown: 0, minReady: 3, safe: true });
    expect(by('all')).toMatchObject({ maxPodsDown: 2, minReady: 0, safe: false, mechanisms: ['recreate'] });
  });

  it('hashring copies: zones cap each zone at ceil(RF / zones); without zones any RF pods may share a series', () => {
    const ring = (endpoints: (string | PlainObject)[]): PlainObject => ({
      kind: 'ConfigMap',
      metadata: { name: 'thanos-receive-hashrings' },
      data: { 'hashrings.json': JSON.stringify([{ hashring: 'h', endpoints }]) },
    });
    const router: PlainObject = {
      kind: 'Deployment',
      metadata: { name: 'router' },
      spec: { replicas: 1, template: { spec: { containers: [{ args: ['--receive.replication-factor=5'] }] } } },
    };
    const host = (pod: string) => `${pod}.svc.ns.svc.cluster.local:10901`;
    const parallel = { spec: { updateStrategy: { type: 'RollingUpdate' } } };
    // 5 zones of 2, rolled by Kubernetes all at once: each step takes one pod of every zone, 5 copies of RF 5.
    const zonesAll = [0, 1, 2, 3, 4].map((z) => sts(`h-z${z}`, 2, parallel));
    const endpoints = zonesAll.flatMap((s, z) =>
      [0, 1].map((i) => ({ address: host(`${s.metadata.name}-${i}`), az: `z${z}` })),
    );
    const [zoned] = rolloutPlan([ring(endpoints), router, ...zonesAll]).groups.filter((g) => g.kind === 'hashring');
    expect(zoned).toMatchObject({ maxSeriesCopiesDown: 5, safe: false, hashring: { budget: 2, zones: 5 } });
    // One StatefulSet of 6 without zones, 2 at a time: 2 copies, within RF 5's budget of 2.
    const flat = sts('h', 6, { spec: { updateStrategy: { rollingUpdate: { maxUnavailable: 2 } } } });
    const flatEndpoints = [0, 1, 2, 3, 4, 5].map((i) => host(`h-${i}`));
    const [plain] = rolloutPlan([ring(flatEndpoints), router, flat]).groups.filter((g) => g.kind === 'hashring');
    expect(plain).toMatchObject({ maxSeriesCopiesDown: 2, safe: true, hashring: { zones: 0 } });
  });
});
