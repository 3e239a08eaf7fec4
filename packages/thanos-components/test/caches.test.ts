import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { CHUNK_CACHE_PRESETS, CHUNK_CACHE_TITLE, memcachedMemoryLimitMi, sizePresetRows } from '@thanos-gitops/catalog';
import { loadEnvironments } from '@thanos-gitops/input';
import { objectProblems, toPlain } from '@thanos-gitops/manifests';
import { NO_TLS } from '@thanos-gitops/model';
import { beforeEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { renderComponents } from '../src/index.js';
import { argsOf, find, type Rendered, render } from './support/render.js';

/** Renders a real environment file of the repository (with the same stand-ins as `render`). */
function renderEnvironment(name: string): Rendered {
  const path = `environments/${name}.yaml`;
  const text = readFileSync(fileURLToPath(new URL(`../../../test/fixtures/${path}`, import.meta.url)), 'utf8');
  const [loaded] = loadEnvironments([{ path, text }]);
  const problems: Rendered['problems'] = [];
  const manifests = renderComponents({
    env: loaded!.env,
    file: path,
    identity: {
      objstoreConfig: 'type: S3\n',
      forComponent: () => ({ serviceAccountAnnotations: {}, podLabels: {}, env: [] }),
    },
    tls: { forComponent: () => NO_TLS },
    report: (p, message) => problems.push({ path: [...p], message }),
  });
  return { env: loaded!.env, manifests, objects: manifests.map((m) => toPlain(m.object)), problems };
}

const MEMCACHED_KINDS = ['ServiceAccount', 'StatefulSet', 'Service', 'ServiceMonitor', 'PodDisruptionBudget'];

function memcachedObjects(r: Rendered): string[] {
  return r.manifests
    .filter((m) => m.component === 'memcached')
    .map((m) => `${m.object.kind}/${m.object.metadata?.name}`);
}

function flagValue(args: string[], name: string): string | undefined {
  return args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
}

/** A store gateway cache file, read through the ConfigMap its flag points into. */
function storeCacheFile(r: Rendered, flagName: string): Record<string, any> | undefined {
  const sts = find(r, 'StatefulSet', 'thanos-store-0');
  const file = flagValue(argsOf(sts), flagName);
  if (!file) return undefined;
  const mount = sts.spec.template.spec.containers[0].volumeMounts.find((m: { mountPath: string }) =>
    file.startsWith(`${m.mountPath}/`),
  );
  const volume = sts.spec.template.spec.volumes.find((v: { name: string }) => v.name === mount.name);
  return parse(find(r, 'ConfigMap', volume.configMap.name).data[file.slice(mount.mountPath.length + 1)]);
}

const MEMCACHED_INDEX = 'storeGateway: { indexCache: { type: memcached, memcached: { memoryLimitMb: 2048 } } }\n';

/** Bytes of a memcached `-I` value or a Thanos size (`5m`, `5MiB`). */
function bytes(size: string): number {
  const m = /^([0-9]+)(k|m|KiB|MiB|B)$/.exec(size)!;
  return Number(m[1]) * ({ k: 1024, KiB: 1024, m: 2 ** 20, MiB: 2 ** 20, B: 1 } as Record<string, number>)[m[2]!]!;
}

function memcachedArg(sts: Record<string, any>, flag: string): string {
  const args: string[] = sts.spec.template.spec.containers[0].args;
  return args[args.indexOf(flag) + 1]!;
}

describe('memcached', () => {
  it('logs errors (-v) only in the small development size', () => {
    const verbose = (size: string) =>
      find(render(`size: ${size}\n${MEMCACHED_INDEX}`), 'StatefulSet', 'thanos-memcached-index').spec.template.spec
        .containers[0].args as string[];
    expect(verbose('small')).toContain('-v');
    expect(verbose('medium')).not.toContain('-v');
    expect(verbose('large')).not.toContain('-v');
    expect(verbose('large')).toContain('-m');
  });

  it('takes the node selector, tolerations and priority class it is given', () => {
    const r = render(
      'storeGateway: { indexCache: { type: memcached, memcached: { nodeSelector: { pool: cache }, ' +
        'tolerations: [{ key: dedicated, operator: Equal, value: cache, effect: NoSchedule }], ' +
        'priorityClassName: thanos-cache } } }\n',
    );
    const spec = find(r, 'StatefulSet', 'thanos-memcached-index').spec.template.spec;
    expect(spec.nodeSelector).toEqual({ pool: 'cache' });
    expect(spec.tolerations).toEqual([{ key: 'dedicated', operator: 'Equal', value: 'cache', effect: 'NoSchedule' }]);
    expect(spec.priorityClassName).toBe('thanos-cache');
  });

  it('exists exactly when a cache uses it: none in dev, all three in prod', () => {
    const dev = renderEnvironment('dev');
    expect(dev.problems).toEqual([]);
    expect(memcachedObjects(dev)).toEqual([]);
    const prod = renderEnvironment('prod');
    expect(prod.problems).toEqual([]);
    for (const name of ['thanos-memcached-index', 'thanos-memcached-chunks', 'thanos-memcached-results']) {
      for (const kind of MEMCACHED_KINDS) expect(memcachedObjects(prod)).toContain(`${kind}/${name}`);
    }
    expect(find(prod, 'StatefulSet', 'thanos-memcached-index').spec.replicas).toBe(3);
    expect(find(prod, 'StatefulSet', 'thanos-memcached-results').spec.replicas).toBe(2);
    for (const m of prod.manifests.filter((x) => x.component === 'memcached')) {
      expect(objectProblems(m.object)).toEqual([]);
    }
  });

  it('runs restricted pods', () => {
    const sts = find(render(MEMCACHED_INDEX), 'StatefulSet', 'thanos-memcached-index');
    const pod = sts.spec.template.spec;
    expect(pod.securityContext).toMatchObject({
      runAsNonRoot: true,
      runAsUser: 11211,
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(pod.containers.map((c: { name: string }) => c.name)).toEqual(['memcached', 'exporter']);
    for (const c of pod.containers) {
      expect(c.securityContext).toMatchObject({
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        runAsNonRoot: true,
        capabilities: { drop: ['ALL'] },
        seccompProfile: { type: 'RuntimeDefault' },
      });
      expect(c.livenessProbe.tcpSocket.port).toBe(c.ports[0].name);
      expect(c.resources.limits.memory).toBeDefined();
    }
    expect(pod.containers[0].image).toMatch(/^memcached:1\.6\.[0-9]+-alpine$/);
  });

  it('gives the container more memory than memcached may use for items', () => {
    const sts = find(render(MEMCACHED_INDEX), 'StatefulSet', 'thanos-memcached-index');
    const container = sts.spec.template.spec.containers[0];
    expect(memcachedArg(sts, '-m')).toBe('2048');
    const limitMi = Number(/^([0-9]+)Mi$/.exec(container.resources.limits.memory)![1]);
    expect(limitMi).toBeGreaterThan(2048);
  });

  it('tells Thanos the item size limit memcached enforces', () => {
    const r = render('storeGateway: { indexCache: { type: memcached, memcached: { maxItemSize: 2m } } }\n');
    const sts = find(r, 'StatefulSet', 'thanos-memcached-index');
    const index = storeCacheFile(r, 'index-cache.config-file')!;
    expect(index.type).toBe('MEMCACHED');
    expect(bytes(index.config.max_item_size)).toBe(bytes(memcachedArg(sts, '-I')));
    expect(bytes(memcachedArg(sts, '-I'))).toBe(2 * 2 ** 20);
    expect(index.config.addresses).toEqual([`dnssrv+_memcached._tcp.${sts.spec.serviceName}.thanos.svc.cluster.local`]);
  });

  it('is discovered through a headless Service and scraped through its exporter', () => {
    const r = render(MEMCACHED_INDEX);
    const svc = find(r, 'Service', 'thanos-memcached-index');
    expect(svc.spec.clusterIP).toBe('None');
    expect(svc.spec.ports.map((p: { name: string; port: number }) => [p.name, p.port])).toEqual([
      ['memcached', 11211],
      ['metrics', 9150],
    ]);
    expect(find(r, 'StatefulSet', 'thanos-memcached-index').spec.serviceName).toBe(svc.metadata.name);
    expect(find(r, 'ServiceMonitor', 'thanos-memcached-index').spec.endpoints[0].port).toBe('metrics');
    expect(svc.metadata.labels['app.kubernetes.io/version']).toMatch(/^1\.6\.[0-9]+$/);
  });

  it('reports an item size memcached would refuse', () => {
    const r = render(
      'storeGateway: { indexCache: { type: memcached, memcached: { memoryLimitMb: 64, maxItemSize: 40m } } }\n',
      { expectProblems: true },
    );
    expect(r.problems).toEqual([
      {
        path: ['storeGateway', 'indexCache', 'memcached', 'maxItemSize'],
        message: expect.stringContaining('half of memoryLimitMb'),
      },
    ]);
  });
});

describe('store gateway cache files', () => {
  it('reads an in-memory index cache from the mounted ConfigMap', () => {
    const r = render();
    expect(storeCacheFile(r, 'index-cache.config-file')).toEqual({
      type: 'IN-MEMORY',
      config: { max_size: '512MiB', max_item_size: '125MiB' },
    });
    expect(storeCacheFile(r, 'store.caching-bucket.config-file')).toBeUndefined();
    const args = argsOf(find(r, 'StatefulSet', 'thanos-store-0'));
    expect(args.some((a) => a.startsWith('--index-cache.config='))).toBe(false);
  });

  it('keeps the largest in-memory item within a small cache', () => {
    const index = storeCacheFile(render('storeGateway: { indexCache: { size: 100Mi } }\n'), 'index-cache.config-file');
    expect(index?.config).toEqual({ max_size: '100MiB', max_item_size: '50MiB' });
  });

  it('rolls the store gateways when a cache configuration changes', () => {
    const hash = (r: Rendered) =>
      find(r, 'StatefulSet', 'thanos-store-0').spec.template.metadata.annotations['thanos-gitops/cache-config-hash'];
    const a = hash(render());
    expect(hash(render('storeGateway: { indexCache: { size: 256Mi } }\n'))).not.toBe(a);
    expect(hash(render('storeGateway: { bucketCache: { enabled: true } }\n'))).not.toBe(a);
    expect(hash(render(MEMCACHED_INDEX))).not.toBe(a);
  });
});

const CHUNKS = 'thanos-memcached-chunks';
const INDEX = 'thanos-memcached-index';

describe('chunk cache memcached (the caching bucket)', () => {
  // Rendered for each test (per-test coverage: a render at describe scope hides mutants from StrykerJS).
  let both: Rendered;
  beforeEach(() => {
    both = render(`size: medium\n${MEMCACHED_INDEX.replace('} } }', '} }, bucketCache: { enabled: true } }')}`);
  });

  it('runs its own memcached, with every object the index memcached has, all valid', () => {
    expect(both.problems).toEqual([]);
    for (const name of [INDEX, CHUNKS]) {
      for (const kind of MEMCACHED_KINDS) expect(memcachedObjects(both)).toContain(`${kind}/${name}`);
    }
    for (const m of both.manifests.filter((x) => x.object.metadata?.name === CHUNKS)) {
      expect(objectProblems(m.object), `${m.object.kind}`).toEqual([]);
    }
    const svc = find(both, 'Service', CHUNKS);
    expect(svc.spec.clusterIP).toBe('None');
    expect(svc.spec.ports.map((p: { name: string }) => p.name)).toEqual(['memcached', 'metrics']);
    const sts = find(both, 'StatefulSet', CHUNKS);
    expect(sts.spec.serviceName).toBe(CHUNKS);
    expect(sts.spec.template.metadata.labels).toMatchObject({
      'app.kubernetes.io/name': 'memcached',
      'app.kubernetes.io/instance': CHUNKS,
      'app.kubernetes.io/component': 'chunks-cache',
    });
    expect(find(both, 'ServiceMonitor', CHUNKS).spec.endpoints[0].port).toBe('metrics');
    expect(find(both, 'PodDisruptionBudget', CHUNKS).spec.selector.matchLabels).toMatchObject({
      'app.kubernetes.io/instance': CHUNKS,
    });
  });

  it('names the chunk cache in the caching-bucket file and the index memcached only in the index-cache file', () => {
    const bucket = storeCacheFile(both, 'store.caching-bucket.config-file')!;
    expect(bucket.type).toBe('MEMCACHED');
    expect(bucket.config.addresses).toEqual([`dnssrv+_memcached._tcp.${CHUNKS}.thanos.svc.cluster.local`]);
    expect(JSON.stringify(bucket)).not.toContain(INDEX);
    const index = storeCacheFile(both, 'index-cache.config-file')!;
    expect(index.config.addresses).toEqual([`dnssrv+_memcached._tcp.${INDEX}.thanos.svc.cluster.local`]);
    expect(JSON.stringify(index)).not.toContain(CHUNKS);
    // The item size Thanos sends is the one the chunk memcached accepts.
    expect(bytes(bucket.config.max_item_size)).toBe(bytes(memcachedArg(find(both, 'StatefulSet', CHUNKS), '-I')));
  });

  it('is sized by the size preset, apart from the index memcached, unless its options say otherwise', () => {
    for (const size of ['small', 'medium', 'large'] as const) {
      const r = render(`size: ${size}\nstoreGateway: { bucketCache: { enabled: true } }\n`);
      const preset = CHUNK_CACHE_PRESETS[size];
      const sts = find(r, 'StatefulSet', CHUNKS);
      const memory = `${memcachedMemoryLimitMi(preset.memoryLimitMb)}Mi`;
      expect(sts.spec.replicas, size).toBe(preset.replicas);
      expect(memcachedArg(sts, '-m'), size).toBe(String(preset.memoryLimitMb));
      expect(sts.spec.template.spec.containers[0].resources, size).toEqual({
        requests: { cpu: preset.cpu, memory },
        limits: { memory },
      });
      // The row of the size-preset table says the same.
      const row = sizePresetRows().find((x) => x[0] === CHUNK_CACHE_TITLE)!;
      expect(row[1 + ['small', 'medium', 'large'].indexOf(size)]).toBe(
        `${preset.replicas} × ${preset.cpu} / ${memory} / ${memory}`,
      );
    }
    const given = render(
      'size: large\nstoreGateway: { bucketCache: { enabled: true, memcached: { replicas: 5, memoryLimitMb: 1024, ' +
        'cpu: 250m, nodeSelector: { pool: cache } } } }\n',
    );
    const sts = find(given, 'StatefulSet', CHUNKS);
    expect(sts.spec.replicas).toBe(5);
    expect(memcachedArg(sts, '-m')).toBe('1024');
    expect(sts.spec.template.spec.containers[0].resources.requests.cpu).toBe('250m');
    expect(sts.spec.template.spec.nodeSelector).toEqual({ pool: 'cache' });
    // The index memcached keeps its own options.
    expect(memcachedArg(find(both, 'StatefulSet', INDEX), '-m')).toBe('2048');
  });

  it('runs restricted, with the exporter sidecar', () => {
    const pod = find(both, 'StatefulSet', CHUNKS).spec.template.spec;
    expect(pod.containers.map((c: { name: string }) => c.name)).toEqual(['memcached', 'exporter']);
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
    for (const c of pod.containers) {
      expect(c.securityContext).toMatchObject({
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        capabilities: { drop: ['ALL'] },
      });
    }
  });

  it('with an in-memory index cache, runs only the chunk memcached', () => {
    const r = render('storeGateway: { bucketCache: { enabled: true } }\n');
    expect(memcachedObjects(r).filter((o) => o.startsWith('StatefulSet/'))).toEqual([`StatefulSet/${CHUNKS}`]);
    expect(storeCacheFile(r, 'index-cache.config-file')?.type).toBe('IN-MEMORY');
  });

  it('dedicated: false shares the index memcached as before, and runs no chunk memcached', () => {
    const r = render('storeGateway: { bucketCache: { enabled: true, memcached: { dedicated: false } } }\n');
    expect(r.problems).toEqual([]);
    expect(memcachedObjects(r).filter((o) => o.startsWith('StatefulSet/'))).toEqual([`StatefulSet/${INDEX}`]);
    expect(storeCacheFile(r, 'store.caching-bucket.config-file')?.config.addresses).toEqual([
      `dnssrv+_memcached._tcp.${INDEX}.thanos.svc.cluster.local`,
    ]);
    expect(storeCacheFile(r, 'index-cache.config-file')?.type).toBe('IN-MEMORY');
  });

  it('is not generated without the caching bucket or without store gateways', () => {
    expect(memcachedObjects(render())).toEqual([]);
    expect(memcachedObjects(render('storeGateway: { enabled: false, bucketCache: { enabled: true } }\n'))).toEqual([]);
  });

  it('reports an item size the chunk memcached would refuse at its own option', () => {
    const r = render(
      'storeGateway: { bucketCache: { enabled: true, memcached: { memoryLimitMb: 64, maxItemSize: 40m } } }\n',
      { expectProblems: true },
    );
    expect(r.problems).toEqual([
      {
        path: ['storeGateway', 'bucketCache', 'memcached', 'maxItemSize'],
        message: expect.stringContaining('half of memoryLimitMb'),
      },
    ]);
  });
});
