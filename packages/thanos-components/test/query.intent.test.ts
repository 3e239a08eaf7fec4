/** What makes Query work, by name (see support/intent.ts). */
import { describe, expect, it } from 'vitest';
import {
  expectIdentity,
  expectListens,
  expectNoBucket,
  expectPodLocal,
  expectSelectsOwnPods,
  expectServiceReaches,
  expectThanosProbes,
  flag,
  queryEndpoints,
  renderEverything,
  subcommand,
  workloadIn,
} from './support/intent.js';
import { flagValues } from './support/render.js';

const query = workloadIn('Deployment', 'thanos-query');

describe('query: what makes it work', () => {
  it('runs `thanos query`, fanning out to the endpoints of its mounted SD file, reloaded', () => {
    const { r, w } = query();
    expect(subcommand(w)).toEqual(['query']);
    expect(queryEndpoints(r)).toEqual([
      'dnssrv+_grpc._tcp.thanos-receive-ingestor-tenants-a.thanos.svc.cluster.local',
      'dnssrv+_grpc._tcp.thanos-receive-ingestor-default.thanos.svc.cluster.local',
      'dnssrv+_grpc._tcp.thanos-store-p0-0.thanos.svc.cluster.local',
      'dnssrv+_grpc._tcp.thanos-store-p0-1.thanos.svc.cluster.local',
      'dnssrv+_grpc._tcp.thanos-store-p1-0.thanos.svc.cluster.local',
      'dnssrv+_grpc._tcp.thanos-store-p1-1.thanos.svc.cluster.local',
      'dnssrv+_grpc._tcp.thanos-rule.thanos.svc.cluster.local',
    ]);
    expect(flag(w, 'endpoint.sd-config-reload-interval')).toMatch(/^\d+[smh]$/);
  });

  it('deduplicates on the replica labels of the ingestors and the ruler', () => {
    const r = renderEverything();
    const labels = flagValues(query(r).w.spec.template.spec.containers[0].args, 'query.replica-label');
    expect(labels).toEqual(expect.arrayContaining(['replica', 'rule_replica']));
  });

  it('listens for HTTP, reached through the thanos-query Service; its unused gRPC only on the pod itself', () => {
    const { r, w } = query();
    expectPodLocal(w, 'grpc', 'grpc-address', 10901);
    expectListens(w, 'http', 10902, 'http-address');
    const svc = expectServiceReaches(r, w, 'thanos-query', ['http']);
    expect(svc.spec.ports.map((p: { name: string }) => p.name)).not.toContain('grpc');
    expect(svc.spec.clusterIP).toBeUndefined();
  });

  it('reads no bucket, is probed, runs as thanos-query without an API token', () => {
    const { r, w } = query();
    expectNoBucket(w);
    expectThanosProbes(w);
    expectIdentity(r, w, 'thanos-query');
    expectSelectsOwnPods(w);
  });
});
