/** The HorizontalPodAutoscaler of a stateless Deployment (autoscaling.ts), rendered in each test. */
import { describe, expect, it } from 'vitest';
import { find, render } from './support/render.js';

describe('autoscaler', () => {
  it('scales the Deployment of its name on CPU, from replicas to maxReplicas, with the default behaviour', () => {
    const r = render('queryFrontend: { replicas: 2, autoscaling: { maxReplicas: 5 } }\n');
    const hpa = find(r, 'HorizontalPodAutoscaler', 'thanos-query-frontend');
    expect(hpa.metadata).toMatchObject({ name: 'thanos-query-frontend', namespace: 'thanos' });
    expect(hpa.spec).toEqual({
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'thanos-query-frontend' },
      minReplicas: 2,
      maxReplicas: 5,
      metrics: [
        { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } },
      ],
      behavior: { scaleUp: { stabilizationWindowSeconds: 0 }, scaleDown: { stabilizationWindowSeconds: 300 } },
    });
  });

  it('carries the behaviour the options give, policies included', () => {
    const r = render(`receive:
  router:
    replicas: 2
    autoscaling:
      maxReplicas: 8
      behavior:
        scaleUp: { stabilizationWindowSeconds: 30, policies: [{ type: Pods, value: 2, periodSeconds: 60 }] }
        scaleDown: { stabilizationWindowSeconds: 600, policies: [{ type: Percent, value: 10, periodSeconds: 120 }] }
`);
    const hpa = find(r, 'HorizontalPodAutoscaler', 'thanos-receive-router');
    expect(hpa.spec.scaleTargetRef.name).toBe('thanos-receive-router');
    expect(hpa.spec.behavior).toEqual({
      scaleUp: { stabilizationWindowSeconds: 30, policies: [{ type: 'Pods', value: 2, periodSeconds: 60 }] },
      scaleDown: { stabilizationWindowSeconds: 600, policies: [{ type: 'Percent', value: 10, periodSeconds: 120 }] },
    });
  });
});
