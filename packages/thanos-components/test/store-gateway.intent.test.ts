/** What makes the store gateway work, by name (see support/intent.ts). */
import { describe, expect, it } from 'vitest';
import { QUERY_DISCOVERY_SECONDS } from '../src/rollout.js';
import {
  expectBucket,
  expectDataVolume,
  expectIdentity,
  expectListens,
  expectMountedFile,
  expectQueryReaches,
  expectSelectsOwnPods,
  expectServiceReaches,
  expectSwitch,
  expectThanosProbes,
  renderEverything,
  subcommand,
} from './support/intent.js';
import { find, flagValues, render } from './support/render.js';

const SETS = ['thanos-store-p0-0', 'thanos-store-p0-1', 'thanos-store-p1-0', 'thanos-store-p1-1'];
type Check = (w: Record<string, any>, name: string, r: ReturnType<typeof renderEverything>) => void;
/** Runs `check` on every StatefulSet of the store gateway (two partitions of two shards). */
const each = (check: Check) => () => {
  const r = renderEverything();
  for (const name of SETS) check(find(r, 'StatefulSet', name), name, r);
};

describe('store gateway: what makes it work', () => {
  it(
    'runs `thanos store`',
    each((w) => expect(subcommand(w)).toEqual(['store'])),
  );

  it(
    'reads the bucket through the objstore Secret',
    each((w, _, r) => expectBucket(r, w)),
  );

  it(
    'listens for gRPC (StoreAPI) and HTTP on the ports its Service and probes name',
    each((w) => {
      expectListens(w, 'grpc', 10901, 'grpc-address');
      expectListens(w, 'http', 10902, 'http-address');
    }),
  );

  it(
    'has a headless Service per StatefulSet that Query reaches over gRPC',
    each((w, name, r) => {
      expect(w.spec.serviceName).toBe(name);
      expectServiceReaches(r, w, name, ['grpc', 'http']);
      expectQueryReaches(r, name);
    }),
  );

  it(
    'keeps its index headers under --data-dir on a claimed volume',
    each((w) => expectDataVolume(w, 'data-dir')),
  );

  it(
    'reads its index cache and caching bucket from the mounted cache ConfigMap',
    each((w, _, r) => {
      expect(expectMountedFile(r, w, 'index-cache.config-file')).toMatch(/type: MEMCACHED/);
      expect(expectMountedFile(r, w, 'store.caching-bucket.config-file')).toMatch(/type: MEMCACHED/);
      expectSwitch(w, 'store.enable-index-header-lazy-reader');
    }),
  );

  it(
    'claims the configured size for its volume, deleted with the StatefulSet (index headers are rebuilt from the bucket)',
    each((w) => {
      const claim = w.spec.volumeClaimTemplates.find((c: { metadata: { name: string } }) => c.metadata.name === 'data');
      expect(claim.spec.resources.requests.storage).toBe('40Gi');
      expect(claim.spec.storageClassName).toBe('gp3');
      expect(w.spec.persistentVolumeClaimRetentionPolicy).toEqual({ whenDeleted: 'Delete', whenScaled: 'Delete' });
    }),
  );

  it(
    'labels each pod with its partition and shard',
    each((w, name) => {
      const [, p, shard] = /-p(\d)-(\d)$/.exec(name) ?? [];
      expect(w.spec.template.metadata.labels).toMatchObject({
        'thanos-gitops/store-partition': p,
        'thanos-gitops/store-shard': shard,
      });
    }),
  );

  it(
    'rolls one pod at a time, each held until Query has discovered it',
    each((w) => {
      expect(w.spec.updateStrategy).toEqual({ type: 'RollingUpdate' });
      expect(w.spec.minReadySeconds).toBe(QUERY_DISCOVERY_SECONDS);
      expect(QUERY_DISCOVERY_SECONDS).toBeGreaterThan(0);
    }),
  );

  it('with one shard, serves every block: no block selector', () => {
    const w = find(render(''), 'StatefulSet', 'thanos-store-0');
    expect(flagValues(w.spec.template.spec.containers[0].args, 'selector.relabel-config')).toEqual([]);
  });

  it(
    'is probed for health and readiness',
    each((w) => expectThanosProbes(w)),
  );

  it(
    'runs as the thanos-store ServiceAccount, without an API token',
    each((w, _, r) => {
      expectIdentity(r, w, 'thanos-store');
      expectSelectsOwnPods(w);
    }),
  );

  it('is scraped through its ServiceMonitor on the http port', () => {
    const sm = find(renderEverything(), 'ServiceMonitor', 'thanos-store');
    expect(sm.spec.endpoints.map((e: { port: string }) => e.port)).toEqual(['http']);
    expect(sm.spec.selector.matchLabels).toEqual({ 'app.kubernetes.io/name': 'thanos-store' });
  });

  it(
    'has a disruption budget per StatefulSet',
    each((w, name, r) => {
      const pdb = find(r, 'PodDisruptionBudget', name);
      expect(w.spec.template.metadata.labels).toMatchObject(pdb.spec.selector.matchLabels);
      expect(pdb.spec.maxUnavailable).toBe(1);
    }),
  );
});
