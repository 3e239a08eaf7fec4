/**
 * One identity record per component: every name the component goes by, in one place. Every package reads
 * its component's folder, application name, labels, ports, workloads, bucket access, size preset and alert jobs
 * from here, so the store gateway is `COMPONENT_RECORDS['store-gateway']` everywhere and nowhere else has a
 * list of components of its own: the size-preset table and the sections sized from it, the TLS role, the
 * endpoints Query dials, the caches and their clients, the volumes come from the records too. Modelled on
 * kube-thanos' `*-default-params.libsonnet`, one object per component.
 */
import type { ComponentKind, SizedWorkload } from '@thanos-gitops/catalog';
import type { FieldPath } from '@thanos-gitops/problems';
import type { Environment } from '@thanos-gitops/schema';
import { ingestorSets, names, PORTS, storeSets } from './names.js';

/**
 * What a component's pods do with the object-storage bucket. Cloud identity (IAM policies, role bindings) is
 * derived from this and nothing else:
 * - `read`: get and list objects (blocks, meta files, deletion marks; also checking whether an object exists);
 * - `write`: put objects (uploaded blocks, meta files, marks);
 * - `delete`: delete objects (retention, compaction and downsampling clean-up).
 */
export interface BucketAccess {
  read: boolean;
  write: boolean;
  delete: boolean;
}

export const NO_BUCKET_ACCESS: Readonly<BucketAccess> = Object.freeze({ read: false, write: false, delete: false });
const READ_ONLY: Readonly<BucketAccess> = Object.freeze({ read: true, write: false, delete: false });
/** Uploaders (a shipper) read too: before uploading a block they check whether its meta file already exists. */
const UPLOAD: Readonly<BucketAccess> = Object.freeze({ read: true, write: true, delete: false });
const FULL: Readonly<BucketAccess> = Object.freeze({ read: true, write: true, delete: true });

/** The options every workload has (see `workloadOptions` in the schema). */
export type WorkloadCommon = Pick<
  Environment['query'],
  | 'resources'
  | 'nodeSelector'
  | 'tolerations'
  | 'priorityClassName'
  | 'podAnnotations'
  | 'logLevel'
  | 'extraArgs'
  | 'extraEnv'
  | 'extraVolumes'
>;

/** A section of the environment file that holds a workload's options: where it sits, and the options. */
export interface WorkloadSection {
  path: FieldPath;
  options: WorkloadCommon;
}

/** How a component's resources default from the environment's size preset. */
export interface Sized {
  /** Key of `SIZE_PRESETS` (the component's kind). */
  preset: SizedWorkload;
  /** The sections of the file whose workloads it sizes, whether the component runs or not. */
  sections(env: Environment): WorkloadSection[];
}

/**
 * What mTLS gives the component's pods (`mtls/src/tls.ts`, one case per role):
 * - `router`: serves remote-write with client certificates; with internal mTLS, a client of the ingestors;
 * - `endpoint`: a gRPC server Query dials (its `queryEndpoints`), requiring Query's internal client certificate;
 * - `query`: Query, the client of every endpoint;
 * - `ruler`: an endpoint, and (stateless) a remote-write client of the routers with a certificate of its own;
 * - `none`: no TLS (served over HTTP only, or not Thanos).
 */
export type TlsRole = 'router' | 'endpoint' | 'query' | 'ruler' | 'none';
export const TLS_ROLES: readonly TlsRole[] = ['router', 'endpoint', 'query', 'ruler', 'none'];

/** One `storage` option and the StatefulSets whose volumes it sizes. */
export interface StorageOption {
  /** The option's path in the environment file (`receive.hashrings[1].storage`). */
  path: FieldPath;
  /** What the volumes belong to, for people: `ingestors of hashring default`, `store gateways`, … */
  what: string;
  /** The StatefulSets with a `data` volume of that size. */
  statefulSets: string[];
}

/** The identity record of a component. */
export interface ComponentRecord {
  /** Its one name: key of identity and TLS contributions, of the size presets and alert jobs; the IAM role suffix. */
  kind: ComponentKind;
  /** Folder of `clusters/<env>/` its objects are written to. */
  folder: string;
  /** `app.kubernetes.io/name` of its pods; for Thanos components also its ServiceAccount's name. */
  app: string;
  /** `app.kubernetes.io/component`: its role in the deployment. */
  role: string;
  /** The labels that select all of its pods and no other (NetworkPolicies, ServiceMonitors). */
  selector: Readonly<Record<string, string>>;
  /** Name of its NetworkPolicy. */
  policy: string;
  /** The ports its pods serve, by port name. */
  ports: Readonly<Record<string, number>>;
  /** The port name Prometheus scrapes. */
  metricsPort: string;
  /** What it does with the bucket in this environment (a stateless ruler does not touch it). */
  bucket(env: Environment): Readonly<BucketAccess>;
  /** How its resources default from the size preset, if they do: every Thanos component's do. */
  sized?: Sized;
  /** Its part in mTLS: which flags and certificates its pods get. */
  tls: TlsRole;
  /** The headless Services of its pods that Query dials over gRPC (StoreAPI, Rules API); empty when it does not run. */
  queryEndpoints?(env: Environment): string[];
  /** For a cache: the component whose pods use it (its NetworkPolicy lets them in, and only them). */
  cacheFor?: ComponentKind;
  /** Whether people and tools of `networkPolicies.queryNamespaces` reach it on its `http` port in this environment. */
  users?(env: Environment): boolean;
  /** The options that size its persistent volumes, with the StatefulSets each sizes (none when it does not run). */
  volumes?(env: Environment): StorageOption[];
  /** Whether the environment runs it. */
  enabled(env: Environment): boolean;
  /**
   * Its workloads (Deployments and StatefulSets), empty when it does not run. Each is behind a Service of the
   * same name, which is also its Prometheus job: the names the alerts select (`job=~"…"`), unless `jobs` says
   * otherwise.
   */
  workloads(env: Environment): string[];
  /**
   * Its Prometheus jobs (the Services its pods are scraped through), when they are not one per workload: a
   * hashring split over zones runs one StatefulSet per zone behind the hashring's one Service and job.
   * @default `workloads`
   */
  jobs?(env: Environment): string[];
}

export const NAME_LABEL = 'app.kubernetes.io/name';
export const INSTANCE_LABEL = 'app.kubernetes.io/instance';
/** Port of the memcached Prometheus exporter sidecar. */
export const MEMCACHED_EXPORTER_PORT = 9150;

const THANOS_PORTS = { grpc: PORTS.grpc, http: PORTS.http } as const;
const HTTP_ONLY = { http: PORTS.http } as const;
const range = (n: number) => [...Array(n).keys()];
const when = <T>(on: boolean, list: () => T[]): T[] => (on ? list() : []);

/**
 * The common shape of a Thanos component: selected by its application name, scraped on `http`, sized by the
 * size preset (the file's `sections` it sizes; its row's title is the preset table's, in `@thanos-gitops/catalog`).
 */
function thanos(
  record: Omit<ComponentRecord, 'selector' | 'policy' | 'metricsPort' | 'bucket' | 'sized' | 'cacheFor'> &
    Partial<Pick<ComponentRecord, 'bucket'>> & { kind: SizedWorkload } & Pick<Sized, 'sections'>,
): ComponentRecord {
  const { sections, ...rest } = record;
  return {
    selector: { [NAME_LABEL]: record.app },
    policy: record.app,
    metricsPort: 'http',
    bucket: () => NO_BUCKET_ACCESS,
    sized: { preset: record.kind, sections },
    ...rest,
  };
}

/** The one section of a component's options at `path`. */
const section = (path: FieldPath, options: WorkloadCommon): WorkloadSection[] => [{ path, options }];

function memcached(
  cache: 'index' | 'chunks' | 'results',
  cacheFor: ComponentKind,
  enabled: (env: Environment) => boolean,
): ComponentRecord {
  const name = names.memcached(cache);
  return {
    kind: `memcached-${cache}`,
    folder: 'memcached',
    app: 'memcached',
    role: `${cache}-cache`,
    // Every cache runs the memcached application: their instance (the StatefulSet's name) tells them apart.
    selector: { [INSTANCE_LABEL]: name },
    policy: name,
    ports: { memcached: PORTS.memcached, metrics: MEMCACHED_EXPORTER_PORT },
    metricsPort: 'metrics',
    bucket: () => NO_BUCKET_ACCESS,
    tls: 'none',
    cacheFor,
    enabled,
    workloads: (env) => when(enabled(env), () => [name]),
  };
}

/** Whether the store gateway's caching bucket is on and runs in a memcached of its own. */
export function chunkCacheDedicated(env: Environment): boolean {
  const b = env.storeGateway.bucketCache;
  return b.enabled && b.memcached.dedicated;
}

/**
 * Whether the ingestors roll zone by zone under the rollout-operator: with `receive.zones`, each hashring's
 * StatefulSets (one per zone) are `OnDelete` and share a `rollout-group`.
 */
export function zonedRollout(env: Environment): boolean {
  return env.receive.enabled && env.receive.zones.length > 0;
}

/** Whether the environment runs its own rollout-operator (zoned ingestors and `rolloutOperator.deploy`). */
function rolloutOperatorEnabled(env: Environment): boolean {
  return zonedRollout(env) && env.rolloutOperator.deploy;
}

/** A hashring's one Service (and Prometheus job) each, for every zone of it. */
function ingestorJobs(env: Environment): string[] {
  return when(env.receive.enabled, () => env.receive.hashrings.map((h) => names.ingestor(h.name)));
}

function storeWorkloads(env: Environment): string[] {
  return when(env.storeGateway.enabled, () => storeSets(env).map((s) => s.name));
}

function compactorWorkloads(env: Environment): string[] {
  const c = env.compactor;
  const shards = c.sharding ? range(c.sharding.shards) : [undefined];
  return when(c.enabled, () => shards.map((shard) => names.compactor(shard)));
}

function rulerWorkloads(env: Environment): string[] {
  return when(env.ruler.enabled, () => [names.ruler]);
}

/** One `storage` option that sizes `statefulSets`, or none when there are none. */
function storageOf(path: FieldPath, what: string, statefulSets: string[]): StorageOption[] {
  return statefulSets.length > 0 ? [{ path, what, statefulSets }] : [];
}

/** Every component, in the order their objects and policies are generated. */
export const COMPONENT_RECORDS: Readonly<Record<ComponentKind, ComponentRecord>> = {
  'receive-router': thanos({
    kind: 'receive-router',
    folder: 'receive',
    app: names.router,
    role: 'receive-router',
    ports: { ...THANOS_PORTS, 'remote-write': PORTS.remoteWrite },
    sections: (env) => section(['receive', 'router'], env.receive.router),
    tls: 'router',
    enabled: (env) => env.receive.enabled,
    workloads: (env) => when(env.receive.enabled, () => [names.router]),
  }),
  'receive-ingestor': thanos({
    kind: 'receive-ingestor',
    folder: 'receive',
    app: names.ingestorApp,
    role: 'database-write-hashring',
    ports: { ...THANOS_PORTS, 'remote-write': PORTS.remoteWrite, capnp: PORTS.capnp },
    bucket: () => UPLOAD,
    sections: (env) => env.receive.hashrings.map((h, i) => ({ path: ['receive', 'hashrings', i], options: h })),
    tls: 'endpoint',
    // Query finds a hashring's ingestors (every zone of it) through the hashring's one headless Service.
    queryEndpoints: (env) => ingestorJobs(env),
    volumes: (env) =>
      when(env.receive.enabled, () => env.receive.hashrings).map((h, i) => ({
        path: ['receive', 'hashrings', i, 'storage'],
        what: `ingestors of hashring ${h.name}`,
        statefulSets: ingestorSets(env, h).map((s) => s.name),
      })),
    enabled: (env) => env.receive.enabled,
    // One StatefulSet per hashring, or per hashring and zone with `receive.zones`; one Service and job per hashring.
    workloads: (env) =>
      when(env.receive.enabled, () => env.receive.hashrings.flatMap((h) => ingestorSets(env, h).map((s) => s.name))),
    jobs: (env) => ingestorJobs(env),
  }),
  query: thanos({
    kind: 'query',
    folder: 'query',
    app: names.query,
    role: 'query-layer',
    ports: THANOS_PORTS,
    sections: (env) => section(['query'], env.query),
    tls: 'query',
    // The read entry point when there is no frontend.
    users: (env) => !env.queryFrontend.enabled,
    enabled: () => true,
    workloads: () => [names.query],
  }),
  'query-frontend': thanos({
    kind: 'query-frontend',
    folder: 'query-frontend',
    app: names.queryFrontend,
    role: 'query-cache',
    ports: { http: PORTS.queryFrontendHttp },
    sections: (env) => section(['queryFrontend'], env.queryFrontend),
    tls: 'none',
    users: () => true,
    enabled: (env) => env.queryFrontend.enabled,
    workloads: (env) => when(env.queryFrontend.enabled, () => [names.queryFrontend]),
  }),
  'store-gateway': thanos({
    kind: 'store-gateway',
    folder: 'store-gateway',
    app: names.storeApp,
    role: 'object-store-gateway',
    ports: THANOS_PORTS,
    bucket: () => READ_ONLY,
    sections: (env) => section(['storeGateway'], env.storeGateway),
    tls: 'endpoint',
    queryEndpoints: (env) => storeWorkloads(env),
    volumes: (env) => storageOf(['storeGateway', 'storage'], 'store gateways', storeWorkloads(env)),
    enabled: (env) => env.storeGateway.enabled,
    // One StatefulSet per time partition and hash shard.
    workloads: storeWorkloads,
  }),
  compactor: thanos({
    kind: 'compactor',
    folder: 'compactor',
    app: names.compactorApp,
    role: 'database-compactor',
    ports: HTTP_ONLY,
    bucket: () => FULL,
    sections: (env) => section(['compactor'], env.compactor),
    tls: 'none',
    volumes: (env) => storageOf(['compactor', 'storage'], 'compactor', compactorWorkloads(env)),
    enabled: (env) => env.compactor.enabled,
    workloads: compactorWorkloads,
  }),
  ruler: thanos({
    kind: 'ruler',
    folder: 'ruler',
    app: names.ruler,
    role: 'rule-evaluation-engine',
    ports: THANOS_PORTS,
    sections: (env) => section(['ruler'], env.ruler),
    tls: 'ruler',
    // Its Rules API in both modes, its StoreAPI when stateful.
    queryEndpoints: rulerWorkloads,
    // A stateless ruler's `storage` is the size limit of an emptyDir: no volume claim.
    volumes: (env) =>
      storageOf(['ruler', 'storage'], 'ruler', env.ruler.mode === 'stateful' ? rulerWorkloads(env) : []),
    // A stateless ruler only remote-writes what it evaluates; a stateful one ships its blocks.
    bucket: (env) => (env.ruler.mode === 'stateful' ? UPLOAD : NO_BUCKET_ACCESS),
    enabled: (env) => env.ruler.enabled,
    workloads: rulerWorkloads,
  }),
  'bucket-web': thanos({
    kind: 'bucket-web',
    folder: 'bucket-web',
    app: names.bucketWeb,
    role: 'object-store-browser',
    ports: HTTP_ONLY,
    bucket: () => READ_ONLY,
    sections: (env) => section(['bucketWeb'], env.bucketWeb),
    tls: 'none',
    users: () => true,
    enabled: (env) => env.bucketWeb.enabled,
    workloads: (env) => when(env.bucketWeb.enabled, () => [names.bucketWeb]),
  }),
  // The index cache's memcached also holds the caching bucket when that shares it (`dedicated: false`).
  'memcached-index': memcached('index', 'store-gateway', (env) => {
    const s = env.storeGateway;
    return s.enabled && (s.indexCache.type === 'memcached' || (s.bucketCache.enabled && !chunkCacheDedicated(env)));
  }),
  // The caching bucket's own memcached (chunks and object metadata), by default whenever the caching bucket is on.
  'memcached-chunks': memcached(
    'chunks',
    'store-gateway',
    (env) => env.storeGateway.enabled && chunkCacheDedicated(env),
  ),
  'memcached-results': memcached(
    'results',
    'query-frontend',
    (env) => env.queryFrontend.enabled && env.queryFrontend.cache.type === 'memcached',
  ),
  // Grafana's rollout-operator: restarts the zoned ingestors one zone at a time. Calls the Kubernetes API only.
  'rollout-operator': {
    kind: 'rollout-operator',
    folder: 'rollout-operator',
    app: names.rolloutOperator,
    role: 'rollout-coordinator',
    selector: { [NAME_LABEL]: names.rolloutOperator },
    policy: names.rolloutOperator,
    ports: { 'http-metrics': PORTS.rolloutOperatorHttp },
    metricsPort: 'http-metrics',
    bucket: () => NO_BUCKET_ACCESS,
    tls: 'none',
    enabled: rolloutOperatorEnabled,
    workloads: (env) => when(rolloutOperatorEnabled(env), () => [names.rolloutOperator]),
  },
};

/** The Prometheus jobs of a component: the Services its pods are scraped through. */
export function jobsOf(record: ComponentRecord, env: Environment): string[] {
  return record.jobs ? record.jobs(env) : record.workloads(env);
}

/** The record of a component. */
export function componentRecord(kind: ComponentKind): ComponentRecord {
  return COMPONENT_RECORDS[kind];
}

/** The number of the port a component serves under `name`; throws when it has no such port (a bug). */
export function portOf(record: ComponentRecord, name: string): number {
  const port = record.ports[name];
  if (port === undefined) throw new Error(`component ${record.kind} has no port named "${name}"`);
  return port;
}

/** Every component the environment runs, in generation order. */
export function enabledComponents(env: Environment): ComponentRecord[] {
  return Object.values(COMPONENT_RECORDS).filter((c) => c.enabled(env));
}

/** Whether the access includes anything at all. */
export function hasBucketAccess(access: Readonly<BucketAccess>): boolean {
  return access.read || access.write || access.delete;
}

/** Records, in generation order: every record unless a caller (a test) passes its own. */
type Records = readonly ComponentRecord[];
/** Read at each call, not once at load, so that a record a test adds is seen by every derived list. */
const all = (): Records => Object.values(COMPONENT_RECORDS);

/** The headless Services Query dials over gRPC, in record order: every component's `queryEndpoints`. */
export function grpcEndpoints(env: Environment, records: Records = all()): string[] {
  return records.flatMap((r) => r.queryEndpoints?.(env) ?? []);
}

/** Every sized workload section: where it sits, its component (the preset key), its options; in record order. */
export function sizedSections(
  env: Environment,
  records: Records = all(),
): [FieldPath, SizedWorkload, WorkloadCommon][] {
  return records.flatMap((r) => {
    const sized = r.sized;
    if (!sized) return [];
    return sized
      .sections(env)
      .map((s): [FieldPath, SizedWorkload, WorkloadCommon] => [s.path, sized.preset, s.options]);
  });
}

/** Every option that sizes persistent volumes, in record order (none for what does not run). */
export function recordVolumes(env: Environment, records: Records = all()): StorageOption[] {
  return records.flatMap((r) => r.volumes?.(env) ?? []);
}
