/**
 * What `receive.ts` does for Cap'n Proto replication, the routers' autoscaling and the ingestors' rolling without
 * zones: the listener each choice opens or keeps on the pod, the refusal of Cap'n Proto with internal mTLS (it has
 * no TLS in Thanos), and how an unzoned StatefulSet rolls. Each test renders for itself (per-test coverage).
 */
import { describe, expect, it } from 'vitest';
import { ROLLOUT_POD_NAME_LABEL } from '../src/rollout-operator.js';
import { argsOf, find, render } from './support/render.js';

const ROUTER = 'thanos-receive-router';
const INGESTOR = 'thanos-receive-ingestor-default';
const CAPNP_ARG = '--receive.replication-protocol=capnproto';
const capnpFlags = (args: string[]) => args.filter((a) => a.startsWith('--receive.capnproto-address'));
const ingestorPod = (r: ReturnType<typeof render>) => find(r, 'StatefulSet', INGESTOR).spec.template;
const portsOf = (r: ReturnType<typeof render>) =>
  ingestorPod(r).spec.containers.find((c: { name: string }) => c.name === 'thanos').ports;
const internalMtls = (internal: boolean) =>
  `remoteWrite:\n  mtls: { enabled: true, issuer: { kind: bootstrap }, internal: ${internal} }\n`;
const CAPNP_MESSAGE = /^Cap'n Proto replication has no TLS in Thanos .*remoteWrite\.mtls\.internal/;

describe("receive: Cap'n Proto replication", () => {
  it("keeps the unused Cap'n Proto listener on the pod, with no capnp port, by default", () => {
    const r = render();
    expect(capnpFlags(argsOf(find(r, 'StatefulSet', INGESTOR)))).toEqual([
      '--receive.capnproto-address=127.0.0.1:19391',
    ]);
    expect(portsOf(r).map((p: { name: string }) => p.name)).toEqual(['grpc', 'http']);
  });

  it('opens the listener and names its port when receive.replicationProtocol is capnproto', () => {
    const r = render('receive:\n  replicationProtocol: capnproto\n');
    expect(capnpFlags(argsOf(find(r, 'StatefulSet', INGESTOR)))).toEqual(['--receive.capnproto-address=0.0.0.0:19391']);
    expect(portsOf(r)).toContainEqual({ name: 'capnp', containerPort: 19391, protocol: 'TCP' });
  });

  it("leaves the listener's address to Thanos when Cap'n Proto is chosen through extraArgs", () => {
    const r = render(
      `receive:\n  router: { extraArgs: [${CAPNP_ARG}] }\n  hashrings: [{ name: default, extraArgs: [${CAPNP_ARG}] }]\n`,
    );
    expect(capnpFlags(argsOf(find(r, 'StatefulSet', INGESTOR)))).toEqual([]);
    expect(portsOf(r).map((p: { name: string }) => p.name)).toEqual(['grpc', 'http']);
  });

  it("refuses Cap'n Proto in the routers' or an ingestor's extraArgs with internal mTLS, at that argument", () => {
    const r = render(
      `${internalMtls(true)}receive:\n  router: { extraArgs: [--log.level=debug, ${CAPNP_ARG}] }\n` +
        `  hashrings: [{ name: default, extraArgs: [${CAPNP_ARG}] }]\n`,
      { expectProblems: true },
    );
    const capnp = r.problems.filter((p) => CAPNP_MESSAGE.test(p.message));
    expect(capnp.map((p) => p.path)).toEqual([
      ['receive', 'router', 'extraArgs', 1],
      ['receive', 'hashrings', 0, 'extraArgs', 0],
    ]);
    expect(capnp[0]?.message).toContain('keep the default protobuf replication, which uses the gRPC mTLS');
  });

  it("accepts Cap'n Proto in extraArgs when mTLS is not internal, and other flags with internal mTLS", () => {
    const capnp = `receive:\n  router: { extraArgs: [${CAPNP_ARG}] }\n`;
    const refusals = (yaml: string) =>
      render(yaml, { expectProblems: true }).problems.filter((p) => CAPNP_MESSAGE.test(p.message));
    expect(refusals(`${internalMtls(false)}${capnp}`)).toEqual([]);
    expect(refusals(capnp)).toEqual([]);
    expect(refusals(`${internalMtls(true)}receive:\n  router: { extraArgs: [--log.level=debug] }\n`)).toEqual([]);
    expect(refusals(`${internalMtls(true)}${capnp}`)).toHaveLength(1);
  });
});

describe('receive: the routers scale, the ingestors roll', () => {
  it('hands the routers to a HorizontalPodAutoscaler from their replica count, with a disruption budget', () => {
    const r = render('receive:\n  router: { replicas: 2, autoscaling: { maxReplicas: 6 } }\n');
    const hpa = find(r, 'HorizontalPodAutoscaler', ROUTER);
    expect(hpa.spec.scaleTargetRef).toMatchObject({ kind: 'Deployment', name: ROUTER });
    expect(hpa.spec.minReplicas).toBe(2);
    expect(hpa.spec.maxReplicas).toBe(6);
    expect(find(r, 'PodDisruptionBudget', ROUTER).spec.maxUnavailable).toBe(1);
  });

  it('rolls an unzoned hashring pod by pod, waiting minReadySeconds, without rollout-operator labels', () => {
    const r = render('receive:\n  minReadySeconds: 45\n');
    const sts = find(r, 'StatefulSet', INGESTOR);
    expect(sts.spec.minReadySeconds).toBe(45);
    expect(sts.spec.updateStrategy?.type ?? 'RollingUpdate').toBe('RollingUpdate');
    expect(sts.metadata.labels['rollout-group']).toBeUndefined();
    expect(ingestorPod(r).metadata.labels[ROLLOUT_POD_NAME_LABEL]).toBeUndefined();
    const thanos = ingestorPod(r).spec.containers.find((c: { name: string }) => c.name === 'thanos');
    expect(thanos.readinessProbe.successThreshold ?? 1).toBe(1);
  });
});
