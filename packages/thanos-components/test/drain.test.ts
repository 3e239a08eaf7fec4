import { describe, expect, it } from 'vitest';
import { NLB_DRAIN_MARGIN_SECONDS } from '../src/drain.js';
import { DEFAULT_TERMINATION_GRACE_SECONDS } from '../src/pod.js';
import { find, render } from './support/render.js';

const GATEWAY = (drain: string) => `remoteWrite:
  hostname: rw.example.com
  mtls: { enabled: true, issuer: { kind: bootstrap } }
  exposure: { type: gateway, gateway: { name: edge, namespace: gw${drain} } }
`;
const NLB = (delay: number) => `networkPolicies: { remoteWriteCIDRs: [198.51.100.0/24] }
remoteWrite:
  hostname: rw.example.com
  mtls: { enabled: true, issuer: { kind: bootstrap } }
  exposure: { type: loadBalancer, loadBalancer: { deregistrationDelaySeconds: ${delay} } }
`;

const routerPod = (r: ReturnType<typeof render>) => find(r, 'Deployment', 'thanos-receive-router').spec.template.spec;
const sleepOf = (r: ReturnType<typeof render>): number | undefined =>
  routerPod(r).containers.find((c: { name: string }) => c.name === 'thanos').lifecycle?.preStop?.sleep?.seconds;
// The AWS Load Balancer Controller's label, spelled out: the controller reads this name, not the constant.
const gate = (r: ReturnType<typeof render>) =>
  find(r, 'Namespace', 'thanos').metadata.labels['elbv2.k8s.aws/pod-readiness-gate-inject'];

describe('router drain', () => {
  it('behind the NLB: the readiness gate, a sleep of the delay plus the margin, then the usual grace', () => {
    for (const delay of [0, 60, 300]) {
      const r = render(NLB(delay));
      expect(gate(r)).toBe('enabled');
      expect(sleepOf(r)).toBe(delay + NLB_DRAIN_MARGIN_SECONDS);
      expect(routerPod(r).terminationGracePeriodSeconds).toBe(delay + 30 + DEFAULT_TERMINATION_GRACE_SECONDS);
    }
  });

  it('behind a Gateway: drainSeconds as the sleep, no gate', () => {
    const r = render(GATEWAY(', drainSeconds: 7'));
    expect(sleepOf(r)).toBe(7);
    expect(routerPod(r).terminationGracePeriodSeconds).toBe(127);
    expect(gate(r)).toBeUndefined();
    expect(sleepOf(render(GATEWAY('')))).toBe(20);
  });

  it('not exposed: no sleep, the usual grace, no gate', () => {
    const plain = render();
    expect(sleepOf(plain)).toBeUndefined();
    expect(routerPod(plain).terminationGracePeriodSeconds).toBe(DEFAULT_TERMINATION_GRACE_SECONDS);
    expect(gate(plain)).toBeUndefined();
  });
});
