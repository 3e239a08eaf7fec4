import { describe, expect, it } from 'vitest';
import { isKnownFlag, type ThanosCommand } from '../src/flags.js';
import { render } from './support/render.js';

const everything = (
  rulerMode: string,
  receiveGrace = 900,
) => `receive: { terminationGracePeriodSeconds: ${receiveGrace}, replicationFactor: 3, hashrings: [{ name: default, replicas: 3 }] }
ruler: { enabled: true, mode: ${rulerMode} }
bucketWeb: { enabled: true }
compactor: { sharding: { shards: 2, label: tenant_id } }
`;

/** Remote-write exposed through the NLB (the routers get a preStop sleep of the delay plus a margin). */
const NLB = (delay: number) => `networkPolicies: { remoteWriteCIDRs: [198.51.100.0/24] }
remoteWrite:
  hostname: rw.example.com
  mtls: { enabled: true, issuer: { kind: bootstrap } }
  exposure: { type: loadBalancer, loadBalancer: { deregistrationDelaySeconds: ${delay} } }
`;

const seconds = (d: string) => {
  const m = /^([0-9]+)s$/.exec(d);
  if (!m) throw new Error(`not a duration in seconds: ${d}`);
  return Number(m[1]);
};

describe('shutdown', () => {
  for (const [what, extra] of [
    ['every component', everything('stateless')],
    ['a stateful ruler and short ingestor grace', everything('stateful', 45)],
    ['routers behind an NLB with a long deregistration delay', `${everything('stateless')}${NLB(600)}`],
  ] as const) {
    it(`drains Thanos' servers before the kubelet kills the pod (${what})`, () => {
      const r = render(extra);
      expect(r.problems).toEqual([]);
      const workloads = r.objects.filter((o) => o.kind === 'Deployment' || o.kind === 'StatefulSet');
      let checked = 0;
      for (const w of workloads) {
        const spec = w.spec.template.spec;
        const thanos = spec.containers.find((c: { name: string }) => c.name === 'thanos');
        if (!thanos) continue;
        const args: string[] = thanos.args;
        // SIGTERM comes after the preStop sleep: the servers drain in what is left of the grace period.
        const afterSleep = spec.terminationGracePeriodSeconds - (thanos.lifecycle?.preStop?.sleep?.seconds ?? 0);
        const command = (args[1] === 'bucket' ? args.slice(0, 3).join(' ') : args[0]) as ThanosCommand;
        for (const flag of ['http-grace-period', 'grpc-grace-period']) {
          const values = args.filter((a) => a.startsWith(`--${flag}=`)).map((a) => a.slice(flag.length + 3));
          if (!isKnownFlag(command, flag)) {
            expect(values, `${w.metadata.name} ${flag}`).toEqual([]);
            continue;
          }
          // Set explicitly (Thanos' 2m default equals the 120 s pod default), and ending well before SIGKILL.
          expect(values, `${w.metadata.name} ${flag}`).toHaveLength(1);
          const grace = seconds(values[0] ?? '');
          expect(grace, `${w.metadata.name} ${flag}`).toBeGreaterThan(0);
          expect(grace, `${w.metadata.name} ${flag}`).toBeLessThanOrEqual(afterSleep - 15);
          checked++;
        }
      }
      expect(checked).toBeGreaterThan(10);
    });
  }
});
