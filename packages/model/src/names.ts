/**
 * Names and addresses of everything the generator creates, in one place, so that every package (and every
 * cross-reference between components) agrees on them.
 */
import type { Environment } from '@thanos-gitops/schema';

export const PORTS = {
  grpc: 10901,
  http: 10902,
  remoteWrite: 19291,
  capnp: 19391,
  memcached: 11211,
  queryFrontendHttp: 9090,
  /** The rollout-operator's HTTP server: `/ready` and `/metrics`. */
  rolloutOperatorHttp: 8001,
} as const;

/**
 * External labels the generated components put on what they produce. The ingestors' `replica` tells apart the
 * `replicationFactor` copies of a series (and of each uploaded block); `receive` marks data that came through
 * receive; the ruler's `rule_replica` tells its pods apart and `ruler_cluster` names the cluster (not `cluster`:
 * the ruler's external labels replace the labels of the series it evaluates).
 */
export const EXTERNAL_LABELS = {
  ingestorReplica: 'replica',
  receive: 'receive',
  rulerReplica: 'rule_replica',
  rulerCluster: 'ruler_cluster',
} as const;

export const names = {
  /**
   * Application names (`app.kubernetes.io/name`, and the ServiceAccount) of components with several workloads:
   * every hashring's ingestors, every store shard and partition, every compactor shard share one.
   */
  ingestorApp: 'thanos-receive-ingestor',
  storeApp: 'thanos-store',
  compactorApp: 'thanos-compact',
  query: 'thanos-query',
  queryFrontend: 'thanos-query-frontend',
  router: 'thanos-receive-router',
  ingestor: (hashring: string) => `thanos-receive-ingestor-${hashring}`,
  /** The StatefulSet of a hashring's ingestors in one zone (with `receive.zones`); its Service is `ingestor()`'s. */
  ingestorInZone: (hashring: string, zone: string) => `thanos-receive-ingestor-${hashring}-${zone}`,
  hashringsConfig: 'thanos-receive-hashrings',
  limitsConfig: 'thanos-receive-limits',
  store: (partition: number, shard: number, partitions: number) =>
    partitions === 1 ? `thanos-store-${shard}` : `thanos-store-p${partition}-${shard}`,
  compactor: (shard: number | undefined) => (shard === undefined ? 'thanos-compact' : `thanos-compact-${shard}`),
  ruler: 'thanos-rule',
  bucketWeb: 'thanos-bucket-web',
  /** The rollout-operator's Deployment, ServiceAccount, Role and RoleBinding (with `receive.zones`). */
  rolloutOperator: 'thanos-rollout-operator',
  /** The `rollout-group` of a hashring's zoned ingestor StatefulSets: the hashring's Service name. */
  rolloutGroup: (hashring: string) => `thanos-receive-ingestor-${hashring}`,
  memcached: (cache: 'index' | 'chunks' | 'results') => `thanos-memcached-${cache}`,
  objstoreSecret: 'thanos-objstore',
  endpointsConfig: 'thanos-query-endpoints',
  /** The PrometheusRule with the alerts. */
  prometheusRule: 'thanos-alerts',
  /** The NetworkPolicies every namespace gets besides one per component: deny everything, then allow DNS. */
  defaultDenyPolicy: 'default-deny',
  allowDnsPolicy: 'allow-dns',
  /** The Argo CD Application and the Flux Kustomization that apply an environment's folder. */
  delivery: (env: string) => `thanos-${env}`,
  /** The one Argo CD ApplicationSet of the environments in `applicationset` mode. */
  applicationSet: 'thanos',
} as const;

/** The files inside the generated ConfigMaps and Secrets, as the pods' flags name them. */
export const CONFIG_FILES = {
  /** The object-storage config (Secret `thanos-objstore`, `--objstore.config-file`). */
  objstore: 'objstore.yml',
  /** Query's endpoint SD file (`--endpoint.sd-config-file`). */
  endpoints: 'endpoints.yaml',
  /** The stateless ruler's remote-write config (`--remote-write.config-file`). */
  rulerRemoteWrite: 'remote-write.yaml',
  /** The routers' hashrings (`--receive.hashrings-file`). */
  hashrings: 'hashrings.json',
  /** The routers' tenant limits (`--receive.limits-config-file`). */
  limits: 'limits.yaml',
} as const;

/** The in-cluster DNS name of a Service. */
export function serviceHost(env: Environment, service: string): string {
  return `${service}.${env.namespace}.svc.${env.cluster.domain}`;
}

/**
 * The stable DNS name of pod `ordinal` of a StatefulSet behind its headless Service (`serviceName`), by default
 * the Service of the same name.
 */
export function podHost(env: Environment, statefulSet: string, ordinal: number, service = statefulSet): string {
  return `${statefulSet}-${ordinal}.${service}.${env.namespace}.svc.${env.cluster.domain}`;
}

/** A hashring's ingestor StatefulSets: one, or one per zone of `receive.zones`, each with its share of the pods. */
export interface IngestorSet {
  /** The StatefulSet's name. */
  name: string;
  /** The headless Service its pods are found by (the hashring's, for every zone). */
  service: string;
  replicas: number;
  /** The zone its pods are pinned to; absent without `receive.zones`. */
  zone?: string;
}

export function ingestorSets(
  env: Environment,
  hashring: { name: string; replicas: number; adopt?: { statefulSet: string } },
): IngestorSet[] {
  const service = names.ingestor(hashring.name);
  const zones = env.receive.zones;
  // An adopted StatefulSet keeps its old name (`adopt.statefulSet`); the rules refuse it with zones.
  const name = hashring.adopt?.statefulSet ?? service;
  if (zones.length === 0) return [{ name, service, replicas: hashring.replicas }];
  // The rules require replicas to be a multiple of the zones; floor keeps a bad file from rendering fractions.
  const replicas = Math.floor(hashring.replicas / zones.length);
  return zones.map((zone) => ({ name: names.ingestorInZone(hashring.name, zone), service, replicas, zone }));
}

/** A store gateway StatefulSet (with its headless Service of the same name): one time partition's hash shard. */
export interface StoreSet {
  /** The StatefulSet's and its Service's name. */
  name: string;
  /** Index of its time partition in `storeGateway.partitions` (newest first). */
  partition: number;
  /** Its hash shard, `0 … shards - 1`. */
  shard: number;
  /** The time range its partition serves. */
  range: Environment['storeGateway']['partitions'][number];
}

/**
 * The store gateway's StatefulSets: one per time partition and hash shard, partition by partition. The one
 * place the partition × shard product is spelled; whether the store gateway runs is its record's question.
 */
export function storeSets(env: Environment): StoreSet[] {
  const s = env.storeGateway;
  const count = s.partitions.length;
  return s.partitions.flatMap((range, partition) =>
    [...Array(s.shards).keys()].map((shard) => ({
      name: names.store(partition, shard, count),
      partition,
      shard,
      range,
    })),
  );
}

/** The Query HTTP API inside the cluster (the ruler evaluates against it; the frontend forwards to it). */
export function queryUrl(env: Environment): string {
  return `http://${serviceHost(env, names.query)}:${PORTS.http}`;
}

/** The read entry point of Grafana and people: the query frontend, or Query when the frontend is disabled. */
export function readUrl(env: Environment): string {
  return env.queryFrontend.enabled
    ? `http://${serviceHost(env, names.queryFrontend)}:${PORTS.queryFrontendHttp}`
    : queryUrl(env);
}

/** The receive routers' remote-write endpoint inside the cluster (`https` when they require mTLS). */
export function routerRemoteWriteUrl(env: Environment, scheme: 'http' | 'https'): string {
  return `${scheme}://${serviceHost(env, names.router)}:${PORTS.remoteWrite}/api/v1/receive`;
}

/** Whether the remote-write endpoint requires client certificates (mTLS on, with an issuer, and receive enabled). */
export function remoteWriteMtls(env: Environment): boolean {
  return env.remoteWrite.mtls.enabled && env.remoteWrite.mtls.issuer !== undefined && env.receive.enabled;
}

/**
 * How remote-write is exposed outside the cluster, as generated: `loadBalancer` and `gateway` only when the routers
 * serve mTLS and there is a hostname (and, for a gateway, the Gateway to attach to); else `none`. Rules report the
 * missing pieces; this is what the manifests follow.
 */
export function remoteWriteExposure(env: Environment): 'none' | 'loadBalancer' | 'gateway' {
  const e = env.remoteWrite.exposure;
  if (e.type === 'none' || !remoteWriteMtls(env) || !env.remoteWrite.hostname) return 'none';
  if (e.type === 'gateway' && e.gateway === undefined) return 'none';
  return e.type;
}

/** The URL writers push to: the public hostname when exposed, else the in-cluster router Service. */
export function remoteWriteUrl(env: Environment): string {
  const e = env.remoteWrite.exposure;
  const scheme = remoteWriteMtls(env) ? 'https' : 'http';
  if (e.type === 'none' || !env.remoteWrite.hostname) return routerRemoteWriteUrl(env, scheme);
  const port = e.type === 'loadBalancer' ? e.loadBalancer.port : (e.gateway?.port ?? 443);
  return `${scheme}://${env.remoteWrite.hostname}${port === 443 ? '' : `:${port}`}/api/v1/receive`;
}

/**
 * The read entry point of readers outside the namespace (`readers.clients`): a Query of its own over the same
 * endpoints, serving HTTP with TLS that requires a client certificate of the readers' CA (`--http.config`), the
 * tenant taken from that certificate and enforced. Names shared by its Deployment and its PKI.
 */
export const READERS = {
  query: 'thanos-query-readers',
  external: 'thanos-query-readers-external',
  serverCertificate: 'thanos-query-readers',
  serverSecret: 'thanos-query-readers-tls',
  webConfig: 'thanos-query-readers-web',
  webConfigFile: 'web-config.yaml',
  tlsDir: '/etc/thanos/tls/readers',
  webDir: '/etc/thanos/web',
} as const;

/** Whether the environment has the read entry point: readers listed, and the PKI on (`remoteWrite.mtls`). */
export function readersOn(env: Environment): boolean {
  return env.readers.clients.length > 0 && remoteWriteMtls(env);
}

/** The readers' URL: the public hostname with an exposure, else the in-cluster Service. */
export function readersUrl(env: Environment): string {
  const r = env.readers;
  if (r.exposure.type !== 'none' && r.hostname) {
    return `https://${r.hostname}${r.exposure.port === 443 ? '' : `:${r.exposure.port}`}`;
  }
  return `https://${serviceHost(env, READERS.query)}:${PORTS.http}`;
}
