/**
 * The ingestion options of `receive` (issue #23), the HPAs of the stateless workloads and the request limits, on
 * rendered objects: the flags each option writes, on which workload, and none when left at Thanos' default.
 */
import { describe, expect, it } from 'vitest';
import { hashringsConfig } from '../src/hashrings.js';
import {
  capnpChosen,
  ingestorCapnpAddress,
  ingestorTsdbArgs,
  outOfOrderIngestion,
  routerIngestionArgs,
} from '../src/ingestion.js';
import { argsOf, find, render } from './support/render.js';

const ROUTER = 'thanos-receive-router';
const INGESTOR = 'thanos-receive-ingestor-default';
const ingestionFlag =
  /^--(tsdb\.out-of-order|tsdb\.too-far|receive\.replication-protocol|receive-forward|receive\.forward|receive\.split-tenant|(no-)?receive\.otlp)/;

describe('receive ingestion options', () => {
  it('writes no ingestion flag when every option is at its default', () => {
    const r = render();
    const all = [...argsOf(find(r, 'Deployment', ROUTER)), ...argsOf(find(r, 'StatefulSet', INGESTOR))];
    expect(all.filter((a) => ingestionFlag.test(a))).toEqual([]);
    expect(argsOf(find(r, 'StatefulSet', INGESTOR))).toContain('--receive.capnproto-address=127.0.0.1:19391');
  });

  it('puts the TSDB windows on the ingestors and turns vertical compaction on without deduplication', () => {
    const r = render('receive:\n  outOfOrderTimeWindow: 30m\n  outOfOrderCapMax: 64\n  tooFarInFutureTimeWindow: 5m\n');
    const ingestor = argsOf(find(r, 'StatefulSet', INGESTOR));
    expect(ingestor).toEqual(
      expect.arrayContaining([
        '--tsdb.out-of-order.time-window=30m',
        '--tsdb.out-of-order.cap-max=64',
        '--tsdb.too-far-in-future.time-window=5m',
      ]),
    );
    expect(argsOf(find(r, 'Deployment', ROUTER)).filter((a) => a.startsWith('--tsdb.'))).toEqual([]);
    expect(argsOf(find(r, 'StatefulSet', 'thanos-compact'))).toContain('--compact.enable-vertical-compaction');
  });

  it('leaves vertical compaction to deduplication when the compactor deduplicates', () => {
    const r = render(
      'receive:\n  replicationFactor: 3\n  outOfOrderTimeWindow: 30m\n  hashrings: [{ name: default, replicas: 3 }]\n',
    );
    const compact = argsOf(find(r, 'StatefulSet', 'thanos-compact'));
    expect(compact).toContain('--deduplication.replica-label=replica');
    expect(compact).not.toContain('--compact.enable-vertical-compaction');
  });

  it('writes the cap only with a window', () => {
    const r = render('receive:\n  outOfOrderCapMax: 64\n');
    expect(argsOf(find(r, 'StatefulSet', INGESTOR)).filter((a) => a.includes('out-of-order'))).toEqual([]);
  });

  it('puts forwarding, split-tenant and OTLP flags on the routers only', () => {
    const r = render(
      'receive:\n  forwardTimeout: 15s\n  forwardAsyncWorkers: 20\n  splitTenantLabel: team\n' +
        '  otlp: { enableTargetInfo: false, promoteResourceAttributes: [service.name, k8s.namespace.name] }\n',
    );
    expect(argsOf(find(r, 'Deployment', ROUTER)).filter((a) => ingestionFlag.test(a))).toEqual([
      '--receive-forward-timeout=15s',
      '--receive.forward.async-workers=20',
      '--receive.split-tenant-label-name=team',
      '--no-receive.otlp-enable-target-info',
      '--receive.otlp-promote-resource-attributes=service.name',
      '--receive.otlp-promote-resource-attributes=k8s.namespace.name',
    ]);
    expect(argsOf(find(r, 'StatefulSet', INGESTOR)).filter((a) => ingestionFlag.test(a))).toEqual([]);
  });

  it("opens the ingestors' Cap'n Proto listener, its port and the routers' flow with capnproto", () => {
    const r = render('receive:\n  replicationProtocol: capnproto\n');
    expect(argsOf(find(r, 'Deployment', ROUTER))).toContain('--receive.replication-protocol=capnproto');
    const ingestor = find(r, 'StatefulSet', INGESTOR);
    expect(argsOf(ingestor)).toContain('--receive.capnproto-address=0.0.0.0:19391');
    expect(ingestor.spec.template.spec.containers[0].ports).toContainEqual({
      name: 'capnp',
      containerPort: 19391,
      protocol: 'TCP',
    });
    const policy = find(r, 'NetworkPolicy', 'thanos-receive-ingestor');
    const ports = policy.spec.ingress.flatMap((i: { ports?: { port: number }[] }) =>
      (i.ports ?? []).map((p) => p.port),
    );
    expect(ports).toContain(19391);
  });

  it('writes a per-hashring algorithm into the hashrings file, and only when set', () => {
    const r = render(
      'receive:\n  hashringAlgorithm: hashmod\n  hashrings:\n    - { name: a, tenants: [a], algorithm: ketama }\n' +
        '    - { name: default }\n',
    );
    const rings = hashringsConfig(r.env);
    expect(rings.map((h) => [h.hashring, h.algorithm])).toEqual([
      ['a', 'ketama'],
      ['default', undefined],
    ]);
    expect(argsOf(find(r, 'Deployment', ROUTER))).toContain('--receive.hashrings-algorithm=hashmod');
  });
});

describe('autoscaling of the stateless workloads', () => {
  it('gives the routers and the frontend an HPA with behavior, no Deployment replicas and a budget', () => {
    const r = render(
      'receive:\n  router:\n    replicas: 2\n    autoscaling:\n      maxReplicas: 6\n      behavior:\n' +
        '        scaleDown: { stabilizationWindowSeconds: 600, policies: [{ type: Pods, value: 1, periodSeconds: 60 }] }\n' +
        'queryFrontend: { autoscaling: { maxReplicas: 3, targetCPUUtilization: 80 } }\n',
    );
    for (const [name, min, max] of [
      [ROUTER, 2, 6],
      ['thanos-query-frontend', 1, 3],
    ] as const) {
      expect(find(r, 'Deployment', name).spec.replicas).toBeUndefined();
      const hpa = find(r, 'HorizontalPodAutoscaler', name);
      expect(hpa.spec).toMatchObject({
        scaleTargetRef: { kind: 'Deployment', name },
        minReplicas: min,
        maxReplicas: max,
      });
      expect(find(r, 'PodDisruptionBudget', name).spec.maxUnavailable).toBe(1);
    }
    expect(find(r, 'HorizontalPodAutoscaler', ROUTER).spec.behavior).toEqual({
      scaleUp: { stabilizationWindowSeconds: 0 },
      scaleDown: { stabilizationWindowSeconds: 600, policies: [{ type: 'Pods', value: 1, periodSeconds: 60 }] },
    });
    const frontend = find(r, 'HorizontalPodAutoscaler', 'thanos-query-frontend');
    expect(frontend.spec.metrics[0].resource.target.averageUtilization).toBe(80);
    expect(frontend.spec.behavior.scaleDown).toEqual({ stabilizationWindowSeconds: 300 });
  });

  it('has no HPA without autoscaling', () => {
    const r = render();
    expect(r.objects.filter((o) => o.kind === 'HorizontalPodAutoscaler')).toEqual([]);
    expect(find(r, 'Deployment', ROUTER).spec.replicas).toBe(2);
  });
});

describe('request limits', () => {
  it('fills the store and query limits from the size preset', () => {
    const store = argsOf(find(render('size: medium\n'), 'StatefulSet', 'thanos-store-0'));
    expect(store).toEqual(
      expect.arrayContaining(['--store.limits.request-series=1000000', '--store.limits.request-samples=100000000']),
    );
    const query = argsOf(find(render('size: large\n'), 'Deployment', 'thanos-query'));
    expect(query).toEqual(
      expect.arrayContaining([
        '--store.limits.request-series=5000000',
        '--store.limits.request-samples=500000000',
        '--query.max-concurrent=40',
        '--query.max-concurrent-select=8',
      ]),
    );
  });

  it('lets explicit values win, 0 included', () => {
    const r = render('storeGateway: { limits: { requestSeries: 0 } }\nquery: { limits: { maxConcurrent: 7 } }\n');
    const store = argsOf(find(r, 'StatefulSet', 'thanos-store-0'));
    expect(store).toContain('--store.limits.request-series=0');
    expect(store).toContain('--store.limits.request-samples=25000000');
    expect(argsOf(find(r, 'Deployment', 'thanos-query'))).toContain('--query.max-concurrent=7');
  });
});

describe('sizing from capacity', () => {
  const CAPACITY =
    'capacity: { activeSeries: 3000000, samplesPerSecond: 200000, tenants: 4, queriesPerSecond: 10 }\n' +
    'receive:\n  replicationFactor: 3\n  hashrings: [{ name: default, replicas: 6 }]\n';

  const volume = (o: Record<string, any>) => o.spec.volumeClaimTemplates[0].spec.resources.requests.storage;
  const resources = (o: Record<string, any>) => o.spec.template.spec.containers[0].resources;

  it('derives volumes, requests and the chunk cache by the formulas', () => {
    const r = render(CAPACITY);
    const ingestor = find(r, 'StatefulSet', INGESTOR);
    // 200000 × 3 / 6 × (15 d + 3 h) × 2 B × 1.25 = 304.3 GiB
    expect(volume(ingestor)).toBe('305Gi');
    // 3e6 × 3 / 6 × 6 KiB + 4 × 64 MiB + 256 MiB = 9301 MiB, up to a multiple of 64
    expect(resources(ingestor)).toMatchObject({
      requests: { cpu: '2500m', memory: '9344Mi' },
      limits: { memory: '18688Mi' },
    });
    // 200000 × 86400 × 14 × 2 B × (3 + 1) × 1.25 = 2253.1 GiB
    expect(volume(find(r, 'StatefulSet', 'thanos-compact'))).toBe('2254Gi');
    expect(resources(find(r, 'Deployment', ROUTER)).requests.cpu).toBe('3000m');
    expect(resources(find(r, 'Deployment', 'thanos-query')).requests.cpu).toBe('5000m');
    expect(r.env.storeGateway.bucketCache.memcached.memoryLimitMb).toBe(2930);
  });

  it('keeps what the file gives, and the size preset for the rest', () => {
    const r = render(
      `${CAPACITY.replace('replicas: 6 }', 'replicas: 6, storage: 50Gi }')}compactor: { storage: 500Gi }\n` +
        'query: { resources: { requests: { cpu: 250m } } }\n',
    );
    expect(volume(find(r, 'StatefulSet', INGESTOR))).toBe('50Gi');
    expect(volume(find(r, 'StatefulSet', 'thanos-compact'))).toBe('500Gi');
    expect(resources(find(r, 'Deployment', 'thanos-query')).requests.cpu).toBe('250m');
    // The store gateway is not derived: the small preset's.
    expect(resources(find(r, 'StatefulSet', 'thanos-store-0')).requests.cpu).toBe('100m');
  });

  it('derives nothing without capacity', () => {
    const r = render('receive:\n  hashrings: [{ name: default, replicas: 6 }]\n');
    expect(volume(find(r, 'StatefulSet', INGESTOR))).toBe('10Gi');
    expect(volume(find(r, 'StatefulSet', 'thanos-compact'))).toBe('10Gi');
  });
});

describe('the ingestion flags, option by option', () => {
  it("writes no router flag for values equal to Thanos' defaults, given explicitly", () => {
    const { env } = render('receive:\n  forwardTimeout: 5s\n  forwardAsyncWorkers: 5\n');
    expect(routerIngestionArgs(env.receive)).toEqual([]);
    expect(capnpChosen(env.receive)).toBe(false);
  });

  it('writes each router flag on its own', () => {
    expect(routerIngestionArgs(render('receive: { forwardTimeout: 6s }\n').env.receive)).toEqual([
      '--receive-forward-timeout=6s',
    ]);
    expect(routerIngestionArgs(render('receive: { forwardAsyncWorkers: 4 }\n').env.receive)).toEqual([
      '--receive.forward.async-workers=4',
    ]);
    const capnp = render('receive: { replicationProtocol: capnproto }\n').env.receive;
    expect(capnpChosen(capnp)).toBe(true);
    expect(routerIngestionArgs(capnp)).toEqual(['--receive.replication-protocol=capnproto']);
  });

  it('writes no TSDB window of 0, and each window on its own', () => {
    const zero = render('receive: { outOfOrderTimeWindow: 0s, tooFarInFutureTimeWindow: 0s }\n').env;
    expect(ingestorTsdbArgs(zero.receive)).toEqual([]);
    expect(outOfOrderIngestion(zero)).toBe(false);
    const future = render('receive: { tooFarInFutureTimeWindow: 1m }\n').env;
    expect(ingestorTsdbArgs(future.receive)).toEqual(['--tsdb.too-far-in-future.time-window=1m']);
    const ooo = render('receive: { outOfOrderTimeWindow: 1s }\n').env;
    expect(ingestorTsdbArgs(ooo.receive)).toEqual([
      '--tsdb.out-of-order.time-window=1s',
      '--tsdb.out-of-order.cap-max=32',
    ]);
    expect(outOfOrderIngestion(ooo)).toBe(true);
  });

  it('reads no out-of-order ingestion without receive, whatever its window', () => {
    const { env } = render('receive: { outOfOrderTimeWindow: 30m }\n');
    expect(outOfOrderIngestion({ ...env, receive: { ...env.receive, enabled: false } })).toBe(false);
  });

  it("puts the Cap'n Proto listener on every address or the pod-local one", () => {
    expect(ingestorCapnpAddress(true, '127.0.0.1')).toBe('--receive.capnproto-address=0.0.0.0:19391');
    expect(ingestorCapnpAddress(false, '127.0.0.1')).toBe('--receive.capnproto-address=127.0.0.1:19391');
  });
});
