/** What makes receive work, router and ingestors, by name (see support/intent.ts). */
import { describe, expect, it } from 'vitest';
import {
  expectBucket,
  expectDataVolume,
  expectIdentity,
  expectListens,
  expectMountedFile,
  expectNoBucket,
  expectPodLocal,
  expectQueryReaches,
  expectSelectsOwnPods,
  expectServiceReaches,
  expectThanosProbes,
  flag,
  renderEverything,
  subcommand,
  workloadIn,
} from './support/intent.js';
import { find, flagValues, type Rendered } from './support/render.js';

const ZONES = ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'];
const HASHRINGS = ['tenants-a', 'default'];
const ingestorSets = (r: Rendered) =>
  HASHRINGS.flatMap((h) => ZONES.map((z) => find(r, 'StatefulSet', `thanos-receive-ingestor-${h}-${z}`)));
const router = workloadIn('Deployment', 'thanos-receive-router');

describe('receive router: what makes it work', () => {
  it('runs `thanos receive` with the hashrings file and the replication factor, so it routes', () => {
    const { r, w } = router();
    expect(subcommand(w)).toEqual(['receive']);
    expect(flag(w, 'receive.replication-factor')).toBe('3');
    expect(flag(w, 'receive.hashrings-algorithm')).toBe('ketama');
    const rings = JSON.parse(expectMountedFile(r, w, 'receive.hashrings-file'));
    expect(rings.map((h: { hashring: string }) => h.hashring)).toEqual(HASHRINGS);
  });

  it('stores nothing itself: no TSDB path, no bucket', () => {
    const { w } = router();
    expect(flagValues(w.spec.template.spec.containers[0].args, 'tsdb.path')).toEqual([]);
    expectNoBucket(w);
  });

  it('reads its tenant limits from the mounted limits ConfigMap', () => {
    const { r, w } = router();
    expect(expectMountedFile(r, w, 'receive.limits-config-file')).toMatch(/max_concurrency: 1000/);
  });

  it("listens for remote-write and HTTP through the thanos-receive-router Service; gRPC, Cap'n Proto pod-local", () => {
    const { r, w } = router();
    expectListens(w, 'remote-write', 19291, 'remote-write.address');
    expectListens(w, 'http', 10902, 'http-address');
    expectPodLocal(w, 'grpc', 'grpc-address', 10901);
    expectPodLocal(w, 'capnp', 'receive.capnproto-address', 19391);
    const svc = expectServiceReaches(r, w, 'thanos-receive-router', ['remote-write', 'http']);
    expect(svc.spec.ports.map((p: { name: string }) => p.name)).not.toContain('grpc');
  });

  it('sends each hashring to the pods of its ingestors, by their stable DNS names on the gRPC port', () => {
    const { r, w } = router();
    const rings = JSON.parse(expectMountedFile(r, w, 'receive.hashrings-file'));
    for (const ring of rings) {
      const service = `thanos-receive-ingestor-${ring.hashring}`;
      const expected = ZONES.map((z) => {
        const sts = find(r, 'StatefulSet', `${service}-${z}`);
        expect(sts.spec.serviceName).toBe(service);
        expect(sts.spec.replicas).toBe(1);
        return `${service}-${z}-0.${service}.thanos.svc.cluster.local:10901`;
      });
      expect(ring.endpoints.map((e: { address: string }) => e.address)).toEqual(expected);
      expect(ring.endpoints.map((e: { az: string }) => e.az)).toEqual(ZONES);
    }
  });

  it('is probed, runs as thanos-receive-router without an API token', () => {
    const { r, w } = router();
    expectThanosProbes(w);
    expectIdentity(r, w, 'thanos-receive-router');
    expectSelectsOwnPods(w);
  });
});

describe('receive ingestors: what makes them work', () => {
  it('run `thanos receive` as ingestors: a TSDB on a claimed volume, uploaded to the bucket', () => {
    const r = renderEverything();
    for (const w of ingestorSets(r)) {
      expect(subcommand(w)).toEqual(['receive']);
      expect(flagValues(w.spec.template.spec.containers[0].args, 'receive.hashrings-file')).toEqual([]);
      expectDataVolume(w, 'tsdb.path');
      expect(flag(w, 'tsdb.retention')).toBe('15d');
      expectBucket(r, w);
    }
  });

  it('label each replica by pod name, the label Query deduplicates on', () => {
    const r = renderEverything();
    const replicaLabels = flagValues(
      find(r, 'Deployment', 'thanos-query').spec.template.spec.containers[0].args,
      'query.replica-label',
    );
    for (const w of ingestorSets(r)) {
      const label = flagValues(w.spec.template.spec.containers[0].args, 'label').find((l) =>
        l.endsWith('"$(POD_NAME)"'),
      );
      expect(label).toBeDefined();
      expect(replicaLabels).toContain(label?.split('=')[0]);
      const env = w.spec.template.spec.containers[0].env ?? [];
      expect(env).toContainEqual({ name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } });
    }
  });

  it('listen for gRPC and HTTP, behind one headless Service per hashring that Query reaches', () => {
    const r = renderEverything();
    for (const w of ingestorSets(r)) {
      expectListens(w, 'grpc', 10901, 'grpc-address');
      expectListens(w, 'http', 10902, 'http-address');
      expectServiceReaches(r, w, w.spec.serviceName, ['grpc', 'http']);
    }
    for (const h of HASHRINGS) expectQueryReaches(r, `thanos-receive-ingestor-${h}`);
  });

  it('are probed and run as thanos-receive-ingestor without an API token', () => {
    const r = renderEverything();
    for (const w of ingestorSets(r)) {
      expectThanosProbes(w);
      expectIdentity(r, w, 'thanos-receive-ingestor');
      expectSelectsOwnPods(w);
    }
  });

  it('roll one zone at a time: OnDelete, in their hashring rollout group', () => {
    const r = renderEverything();
    for (const w of ingestorSets(r)) {
      expect(w.spec.updateStrategy.type).toBe('OnDelete');
      expect(w.metadata.labels['rollout-group']).toBe(w.spec.serviceName);
    }
  });
});
