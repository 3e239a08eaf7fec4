/** What makes each memcached cache work, by name (see support/intent.ts). */
import { describe, expect, it } from 'vitest';
import {
  containerOf,
  expectIdentity,
  expectListens,
  expectSelectsOwnPods,
  expectServiceReaches,
  podSpec,
  renderEverything,
} from './support/intent.js';
import { find } from './support/render.js';

/** Each cache and the client file that addresses it. */
const CACHES = {
  'thanos-memcached-index': ['thanos-store-cache', 'index-cache.yaml'],
  'thanos-memcached-chunks': ['thanos-store-cache', 'caching-bucket.yaml'],
  'thanos-memcached-results': ['thanos-query-frontend-cache', 'response-cache.yaml'],
} as const;

describe('memcached caches: what makes them work', () => {
  it('serve memcached on 11211 behind a headless Service that their clients address by SRV record', () => {
    const r = renderEverything();
    for (const [name, [configMap, file]] of Object.entries(CACHES)) {
      const w = find(r, 'StatefulSet', name);
      const args: string[] = containerOf(w, 'memcached').args;
      expect(args[args.indexOf('-p') + 1]).toBe('11211');
      expectListens(w, 'memcached', 11211, undefined, 'memcached');
      const svc = expectServiceReaches(r, w, name, ['memcached'], 'memcached');
      expect(svc.spec.clusterIP).toBe('None');
      expect(find(r, 'ConfigMap', configMap).data[file]).toContain(
        `dnssrv+_memcached._tcp.${name}.thanos.svc.cluster.local`,
      );
    }
  });

  it('bound their memory with -m and accept the item size clients write', () => {
    const r = renderEverything();
    for (const name of Object.keys(CACHES)) {
      const args: string[] = containerOf(find(r, 'StatefulSet', name), 'memcached').args;
      expect(Number(args[args.indexOf('-m') + 1])).toBeGreaterThan(0);
      expect(args[args.indexOf('-I') + 1]).toMatch(/^\d+m$/);
    }
  });

  it('export metrics on 9150 from the local memcached, behind the same Service', () => {
    const r = renderEverything();
    for (const name of Object.keys(CACHES)) {
      const w = find(r, 'StatefulSet', name);
      expect(containerOf(w, 'exporter').args).toContain('--memcached.address=localhost:11211');
      expectListens(w, 'metrics', 9150, undefined, 'exporter');
      expectServiceReaches(r, w, name, ['metrics'], 'exporter');
    }
  });

  it('are probed on their TCP ports and run as their own ServiceAccount without an API token', () => {
    const r = renderEverything();
    for (const name of Object.keys(CACHES)) {
      const w = find(r, 'StatefulSet', name);
      expect(containerOf(w, 'memcached').readinessProbe.tcpSocket.port).toBe('memcached');
      expect(containerOf(w, 'memcached').livenessProbe.tcpSocket.port).toBe('memcached');
      expect(containerOf(w, 'exporter').readinessProbe.tcpSocket.port).toBe('metrics');
      expectIdentity(r, w, name);
      expect(podSpec(w).serviceAccountName).toBe(name);
      expectSelectsOwnPods(w);
    }
  });
});
