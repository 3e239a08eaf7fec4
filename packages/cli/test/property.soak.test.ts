/**
 * Property-based tests: random environment documents within the schema and the documented cross-field rules
 * (sizes, namespaces, replicas, hashrings with odd replication factors, store partitions that meet the receive
 * retention, caches, ruler modes, compactor sharding, network policies, autoscaling, extra flags, …).
 * Every such environment must load, render without throwing (render also enforces objectProblems() on every
 * object), keep container limits at or above requests, and build with kustomize into valid objects.
 */
import { join } from 'node:path';
import { loadEnvironments, type SourceFile } from '@thanos-gitops/input';
import { mermaidBlocks, README, timeline } from '@thanos-gitops/operability';
import { InvalidEnvironmentError } from '@thanos-gitops/problems';
import fc from 'fast-check';
import { Window } from 'happy-dom';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { type RenderedEnvironment, renderEnvironments } from '../src/render.js';
import {
  allContainers,
  findKustomize,
  kustomizeBuild,
  objectFiles,
  objectName,
  plainObjectProblems,
  plainObjects,
  podSpecs,
  tempDir,
  writeTree,
} from './helpers.js';

const LOWER = 'abcdefghijklmnopqrstuvwxyz';

const pick = <T>(...values: T[]) => fc.constantFrom(...values);
const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });

/** A DNS-1123 label of 1..max characters (starts with a letter, no trailing '-'). */
const dnsLabel = (max: number) =>
  fc
    .tuple(
      fc.constantFrom(...LOWER),
      fc.string({ unit: fc.constantFrom(...`${LOWER}0123456789-`), maxLength: max - 1 }),
    )
    .map(([first, rest]) => `${first}${rest}`.replace(/-+$/, ''));

/** Exact tenant names: ordinary ones, and any text (they only end up in a JSON config). */
const exactTenant = fc.oneof(
  { weight: 4, arbitrary: dnsLabel(20) },
  { weight: 1, arbitrary: fc.string({ minLength: 1, maxLength: 16 }) },
);
/** Well-formed tenant glob patterns. */
const globTenant = fc.tuple(dnsLabel(12), pick('*', '?', '-*', '')).map(([base, wildcard]) => `${base}${wildcard}`);

/** Valid flags per workload, none of them set by the generator. */
const EXTRA_ARGS = {
  router: ['--receive.forward.async-workers=10', '--tsdb.max-exemplars=0'],
  ingestor: ['--tsdb.wal-compression', '--tsdb.max-exemplars=100', '--tsdb.out-of-order.time-window=10m'],
  query: ['--query.default-evaluation-interval=1m', '--store.sd-dns-interval=1m', '--store.response-timeout=30s'],
  queryFrontend: ['--query-frontend.log-queries-longer-than=10s', '--query-range.max-query-parallelism=28'],
  storeGateway: ['--store.grpc.series-max-concurrency=30', '--block-sync-concurrency=10'],
  compactor: ['--compact.cleanup-interval=10m', '--block-files-concurrency=2'],
  ruler: ['--for-grace-period=10m', '--resend-delay=1m'],
  bucketWeb: ['--refresh=10m', '--timeout=5m'],
};

/** Per-workload knobs: resources overrides (possibly partial), scheduling, log level and extra flags. */
const workload = (flags: string[]) =>
  fc.record(
    {
      resources: fc.record(
        {
          requests: fc.record({ cpu: pick('50m', '250m', '1'), memory: pick('128Mi', '1Gi') }, { requiredKeys: [] }),
          limits: fc.record({ cpu: pick('500m', '2'), memory: pick('256Mi', '4Gi', '64Gi') }, { requiredKeys: [] }),
        },
        { requiredKeys: [] },
      ),
      logLevel: pick('debug', 'info', 'warn', 'error'),
      nodeSelector: fc.constant({ 'kubernetes.io/os': 'linux' }),
      priorityClassName: pick('thanos', 'system-cluster-critical'),
      extraArgs: fc.subarray(flags),
      extraEnv: fc.constant([{ name: 'GOGC', value: '80' }]),
      extraVolumes: fc.constant([{ name: 'scratch', mountPath: '/scratch', emptyDir: {} }]),
    },
    { requiredKeys: [] },
  );

const RETENTIONS_DAYS = [2, 7, 15, 30];

/**
 * 1..3 hashrings with ingestors >= rf. Tenants are prefixed per hashring so that none is routed twice or
 * shadowed by an earlier pattern. `needsCatchAll`: the last one takes every other tenant (a stateless ruler
 * writes without a tenant header, so the default tenant must be routed).
 */
function hashrings(rf: number, needsCatchAll: boolean) {
  const ring = (name: string, i: number) =>
    fc
      .record({
        name: fc.constant(name),
        tenantMatcher: pick('exact', 'glob'),
        tenantSeeds: fc.tuple(
          fc.uniqueArray(exactTenant, { minLength: 1, maxLength: 3 }),
          fc.uniqueArray(globTenant, { minLength: 1, maxLength: 3 }),
        ),
        replicas: fc.integer({ min: rf, max: rf + 2 }),
        storage: pick('10Gi', '50Gi'),
        storageClass: maybe(pick('gp3', 'standard')),
        extra: workload(EXTRA_ARGS.ingestor),
      })
      .map(({ tenantSeeds: [exact, glob], ...r }) => ({
        ...r,
        tenants: (r.tenantMatcher === 'glob' ? glob : exact).map((t) => `h${i}-${t}`),
      }));
  return fc.uniqueArray(dnsLabel(28), { minLength: 1, maxLength: 3 }).chain((ringNames) =>
    fc.tuple(needsCatchAll ? fc.constant(true) : fc.boolean(), ...ringNames.map(ring)).map(([catchAll, ...rings]) =>
      rings.map(({ extra, ...ring }, i) => ({
        ...ring,
        ...extra,
        // Only the last hashring may be the catch-all (documented in the schema).
        ...(catchAll && i === rings.length - 1 ? { tenants: [] } : {}),
      })),
    ),
  );
}

const receive = (statelessRuler: boolean) =>
  fc
    .record({ rf: pick(1, 3, 5), retentionDays: pick(...RETENTIONS_DAYS) })
    .chain(({ rf, retentionDays }) =>
      fc.record({
        enabled: fc.constant(true),
        retention: fc.constant(`${retentionDays}d`),
        replicationFactor: fc.constant(rf),
        hashringAlgorithm: pick('ketama', 'hashmod'),
        router: fc.record({ replicas: fc.integer({ min: 1, max: 3 }), extra: workload(EXTRA_ARGS.router) }),
        limits: maybe(fc.constant({ write: { global: { max_concurrency: 100 } } })),
        hashrings: hashrings(rf, statelessRuler),
      }),
    )
    .map(({ router: { extra, ...router }, ...r }) => ({ ...r, router: { ...router, ...extra } }));

/** Time partitions, newest first; each meets the next and the newest reaches the receive retention (>= 2d). */
const partitions = pick<Record<string, string>[] | undefined>(
  undefined,
  [{ maxTime: '-1d' }],
  [{ minTime: '-90d' }, { maxTime: '-89d' }],
  [{ minTime: '-30d', maxTime: '-1d' }, { minTime: '-365d', maxTime: '-30d' }, { maxTime: '-364d' }],
);

const cache = fc.record({
  type: pick('in-memory', 'memcached'),
  // Mostly within the documented budget (at most half the memory limit); sometimes over it, to hit the rule.
  size: fc.oneof({ weight: 4, arbitrary: pick('64Mi', '128Mi') }, { weight: 1, arbitrary: fc.constant('1Gi') }),
  memcached: fc.record({ replicas: fc.integer({ min: 1, max: 3 }), memoryLimitMb: pick(64, 1024) }),
});

const storeGateway = fc.record({
  enabled: fc.boolean(),
  shards: fc.integer({ min: 1, max: 4 }),
  replicasPerShard: fc.integer({ min: 1, max: 2 }),
  partitions,
  indexCache: cache,
  bucketCache: fc.record({ enabled: fc.boolean() }),
  extra: workload(EXTRA_ARGS.storeGateway),
});

const compactor = fc.record({
  enabled: fc.boolean(),
  downsampling: fc.boolean(),
  retention: pick({ raw: '30d', '5m': '180d', '1h': '1y' }, { raw: '0d', '5m': '0d', '1h': '0d' }),
  deduplicationReplicaLabels: fc.subarray(['replica', 'prometheus_replica']),
  sharding: maybe(fc.record({ shards: fc.integer({ min: 2, max: 4 }), label: pick('tenant_id', 'cluster') })),
  extra: workload(EXTRA_ARGS.compactor),
});

const query = fc.integer({ min: 1, max: 4 }).chain((replicas) =>
  fc.record({
    replicas: fc.constant(replicas),
    timeout: pick('2m', '5m'),
    lookbackDelta: maybe(pick('5m', '15m')),
    autoscaling: maybe(fc.record({ maxReplicas: fc.integer({ min: replicas, max: replicas + 4 }) })),
    extra: workload(EXTRA_ARGS.query),
  }),
);

const queryFrontend = fc.record({
  enabled: fc.boolean(),
  replicas: fc.integer({ min: 1, max: 3 }),
  splitInterval: pick('12h', '24h'),
  cache,
  extra: workload(EXTRA_ARGS.queryFrontend),
});

const bucketWeb = fc.record({
  enabled: fc.boolean(),
  replicas: fc.integer({ min: 1, max: 2 }),
  extra: workload(EXTRA_ARGS.bucketWeb),
});

/** The ruler; the write path, which a stateless ruler remote-writes to (documented rule), is chosen with it. */
const rulerAndReceive = fc
  .record({
    enabled: fc.boolean(),
    mode: pick('stateless', 'stateful'),
    receiveEnabled: fc.oneof({ weight: 4, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
  })
  .map((r) => ({ ...r, mode: r.receiveEnabled ? r.mode : 'stateful' }))
  .chain(({ receiveEnabled, ...r }) =>
    fc.record({
      ruler: ruler(r),
      receive: receiveEnabled
        ? receive(r.enabled && r.mode === 'stateless')
        : fc.constant<{ enabled: false }>({ enabled: false }),
    }),
  );

function ruler({ enabled, mode }: { enabled: boolean; mode: string }) {
  return fc.record({
    enabled: fc.constant(enabled),
    mode: fc.constant(mode),
    replicas: fc.integer({ min: 1, max: 3 }),
    alertmanagers: fc.subarray(['http://alertmanager.monitoring.svc:9093', 'dnssrv+http://am.monitoring.svc:9093']),
    ruleConfigMaps: fc.subarray(['rules-a', 'rules-b']),
    extra: workload(EXTRA_ARGS.ruler),
  });
}

/** Moves the generated `extra` workload knobs into the section itself. */
function flatten<T extends { extra: object }>({ extra, ...rest }: T): Omit<T, 'extra'> {
  return { ...rest, ...extra };
}

const environment = fc
  .record({
    name: dnsLabel(40),
    namespace: fc.oneof(pick('thanos', 'monitoring', 'observability'), dnsLabel(63)),
    size: pick('small', 'medium', 'large'),
    labels: fc.dictionary(pick('team', 'cost-center', 'example.com/owner'), dnsLabel(12), { maxKeys: 2 }),
    identity: fc.boolean(),
    networkPolicies: fc.record({
      enabled: fc.boolean(),
      remoteWriteCIDRs: fc.subarray(['203.0.113.0/24', '10.0.0.0/8']),
      remoteWriteNamespaces: fc.subarray(['apps', 'agents']),
    }),
    monitoring: fc.record({ serviceMonitors: fc.boolean(), prometheusRule: fc.boolean() }),
    rulerAndReceive,
    query,
    queryFrontend,
    storeGateway,
    compactor,
    bucketWeb,
  })
  .map(({ rulerAndReceive: { ruler, receive }, ...rest }) => ({ ...rest, ruler, receive }))
  .map((e) => ({
    name: e.name,
    cluster: { name: 'test-cluster' },
    namespace: e.namespace,
    size: e.size,
    labels: e.labels,
    objectStorage: { provider: 's3', bucket: 'test-bucket', region: 'eu-west-1' },
    ...(e.identity
      ? { identity: { aws: { accountId: '123456789012', oidcProvider: 'oidc.eks.eu-west-1.amazonaws.com/id/X' } } }
      : {}),
    networkPolicies: e.networkPolicies,
    monitoring: e.monitoring,
    receive: e.receive,
    query: flatten(e.query),
    queryFrontend: flatten(e.queryFrontend),
    storeGateway: flatten(e.storeGateway),
    compactor: flatten(e.compactor),
    ruler: flatten(e.ruler),
    bucketWeb: flatten(e.bucketWeb),
  }));

/** The document as an environment file; undefined values (absent options) are dropped. */
function sourceOf(doc: { name: string }): SourceFile {
  return { path: `environments/${doc.name}.yaml`, text: stringify(JSON.parse(JSON.stringify(doc))) };
}

/**
 * Rules found while rendering that the schema documents (in the option's description), so an environment breaking
 * them is rightly refused: an extra flag the generator already sets (`extraArgs`), and in-memory caches above half
 * the memory limit (`size` of a cache).
 */
const DOCUMENTED_RENDER_RULES = ['is already set by the generator', 'exceed half of the container memory limit'];

/**
 * Rules of the loader that the arbitrary may break on purpose, since they span a value it draws and a default:
 * a limit below its request, where one of the two comes from the size preset (`resources` documents it).
 */
const DOCUMENTED_LOAD_RULES = ['Kubernetes rejects such pods'];

/**
 * Loads and renders; a document the loader rejects is a bug of the arbitrary (it only produces documented-valid
 * environments) and fails. A render-time rejection by a documented rule discards the run; any other fails.
 */
function loadAndRender(source: SourceFile): RenderedEnvironment {
  try {
    loadEnvironments([source]);
  } catch (err) {
    if (
      err instanceof InvalidEnvironmentError &&
      err.problems.every((p) => DOCUMENTED_LOAD_RULES.some((rule) => p.message.includes(rule)))
    ) {
      fc.pre(false);
    }
    if (err instanceof InvalidEnvironmentError) {
      throw new Error(`the loader rejected a generated environment:\n${err.message}\n${source.text}`);
    }
    throw err;
  }
  try {
    const [r] = renderEnvironments([source]);
    if (!r) throw new Error('nothing rendered');
    return r;
  } catch (err) {
    const documented = (m: string) => DOCUMENTED_RENDER_RULES.some((rule) => m.includes(rule));
    if (err instanceof InvalidEnvironmentError && err.problems.every((p) => documented(p.message))) {
      fc.pre(false);
    }
    throw err;
  }
}

/** A quantity in base units (cores, bytes), for comparing requests and limits. */
function quantity(q: string): number {
  const m = /^([0-9.]+)(m|k|M|G|T|Ki|Mi|Gi|Ti)?$/.exec(q);
  if (!m) throw new Error(`unparsed quantity ${q}`);
  const factor: Record<string, number> = {
    m: 1e-3,
    k: 1e3,
    M: 1e6,
    G: 1e9,
    T: 1e12,
    Ki: 2 ** 10,
    Mi: 2 ** 20,
    Gi: 2 ** 30,
    Ti: 2 ** 40,
  };
  return Number(m[1]) * (m[2] ? (factor[m[2]] ?? 1) : 1);
}

/** Containers whose limit is below their request: the API server refuses such pods. */
function limitsBelowRequests(r: RenderedEnvironment): string[] {
  return podSpecs(plainObjects(r)).flatMap(({ owner, spec }) =>
    allContainers(spec).flatMap((c) =>
      (['cpu', 'memory'] as const)
        .filter((res) => {
          const [req, lim] = [c.resources?.requests?.[res], c.resources?.limits?.[res]];
          return req !== undefined && lim !== undefined && quantity(lim) < quantity(req);
        })
        .map((res) => `${objectName(owner)} container ${c.name}: ${res} limit below request`),
    ),
  );
}

const kustomize = findKustomize();

/** Mermaid's own parser, headless: Mermaid sanitises labels with DOMPurify, which needs a DOM (happy-dom). */
async function mermaidParse(): Promise<(text: string) => Promise<unknown>> {
  const g = globalThis as Record<string, unknown>;
  if (!g.window) {
    const w = new Window();
    g.window = w;
    g.document = w.document;
  }
  const { default: mermaid } = await import('mermaid');
  return (text) => mermaid.parse(text);
}

describe('any environment the loader accepts', () => {
  it('generates documents of every shape (the arbitrary is not degenerate)', () => {
    const docs = fc.sample(environment, { numRuns: 200, seed: 42 });
    expect(docs.some((d) => !d.receive.enabled)).toBe(true);
    expect(docs.some((d) => d.receive.enabled && (d.receive.hashrings?.length ?? 0) > 1)).toBe(true);
    expect(docs.some((d) => d.ruler.enabled && d.ruler.mode === 'stateful')).toBe(true);
    expect(docs.some((d) => d.compactor.sharding && d.compactor.enabled)).toBe(true);
    expect(docs.some((d) => (d.storeGateway.partitions?.length ?? 1) === 3)).toBe(true);
  });

  it('renders without throwing, with valid objects', () => {
    fc.assert(
      fc.property(environment, (doc) => {
        const r = loadAndRender(sourceOf(doc));
        expect(r.manifests.length).toBeGreaterThan(0);
        expect(r.manifests.length).toBe(objectFiles(r.tree).length);
      }),
      { numRuns: 100 },
    );
  }, 600_000);

  it('never sets a container limit below its request', () => {
    fc.assert(
      fc.property(environment, (doc) => {
        expect(limitsBelowRequests(loadAndRender(sourceOf(doc)))).toEqual([]);
      }),
      { numRuns: 40 },
    );
  }, 600_000);

  it('writes a README whose timeline has no gap and whose diagrams Mermaid parses', async () => {
    const parse = await mermaidParse();
    await fc.assert(
      fc.asyncProperty(environment, async (doc) => {
        const source = sourceOf(doc);
        const r = loadAndRender(source);
        const [loaded] = loadEnvironments([source]);
        expect(timeline(loaded!.env).gaps).toEqual([]);
        const readme = r.tree.files.get(README)!;
        expect(readme).toMatch(/No gap/);
        const blocks = mermaidBlocks(readme);
        expect(blocks).toHaveLength(2);
        for (const b of blocks) await parse(b);
      }),
      { numRuns: 30 },
    );
  }, 120_000);

  it.skipIf(!kustomize)(
    'builds with kustomize into valid objects, one per file',
    () => {
      const root = tempDir('property-');
      let run = 0;
      fc.assert(
        fc.property(environment, (doc) => {
          const r = loadAndRender(sourceOf(doc));
          const dir = writeTree(join(root, `${run++}`, r.env), r.tree);
          const objects = kustomizeBuild(kustomize!, dir);
          expect(objects.length).toBe(objectFiles(r.tree).length);
          expect(objects.flatMap(plainObjectProblems)).toEqual([]);
        }),
        { numRuns: 15 },
      );
    },
    600_000,
  );
});
