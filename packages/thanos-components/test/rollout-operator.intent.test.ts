/** What makes the rollout-operator work, by name (see support/intent.ts). */
import { describe, expect, it } from 'vitest';
import {
  containerOf,
  expectIdentity,
  expectListens,
  expectSelectsOwnPods,
  expectServiceReaches,
  workloadIn,
} from './support/intent.js';
import { find, render } from './support/render.js';

const operator = workloadIn('Deployment', 'thanos-rollout-operator');

describe('rollout-operator: what makes it work', () => {
  it('watches this namespace, where the zoned ingestors are', () => {
    expect(containerOf(operator().w, 'rollout-operator').args).toContain('-kubernetes.namespace=thanos');
  });

  it('may delete pods and read StatefulSets through its Role, bound to its ServiceAccount with an API token', () => {
    const { r, w } = operator();
    expectIdentity(r, w, 'thanos-rollout-operator', true);
    const binding = find(r, 'RoleBinding', 'thanos-rollout-operator');
    expect(binding.subjects).toEqual([
      { kind: 'ServiceAccount', name: 'thanos-rollout-operator', namespace: 'thanos' },
    ]);
    expect(binding.roleRef).toMatchObject({ kind: 'Role', name: 'thanos-rollout-operator' });
    const rules = find(r, 'Role', 'thanos-rollout-operator').rules;
    expect(rules).toContainEqual(
      expect.objectContaining({ resources: ['pods'], verbs: expect.arrayContaining(['delete', 'watch']) }),
    );
    expect(rules).toContainEqual(
      expect.objectContaining({ resources: ['statefulsets'], verbs: expect.arrayContaining(['list', 'watch']) }),
    );
  });

  it('serves metrics and readiness on its http-metrics port, behind its Service', () => {
    const { r, w } = operator();
    const c = containerOf(w, 'rollout-operator');
    expect(c.args).toContain('-server.port=8001');
    expectListens(w, 'http-metrics', 8001, undefined, 'rollout-operator');
    expect(c.readinessProbe.httpGet).toMatchObject({ path: '/ready', port: 'http-metrics' });
    expect(c.livenessProbe.httpGet.port).toBe('http-metrics');
    expectServiceReaches(r, w, 'thanos-rollout-operator', ['http-metrics'], 'rollout-operator');
    expectSelectsOwnPods(w);
  });

  it('is rendered only for zoned ingestors', () => {
    const r = render('');
    expect(r.objects.filter((o) => o.metadata?.name === 'thanos-rollout-operator')).toEqual([]);
  });
});
