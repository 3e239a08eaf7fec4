/**
 * NetworkPolicies: the namespace is default-deny (ingress and egress), DNS is allowed for every pod, and one
 * policy per component role (`thanos-<role>`) allows exactly the flows of `flowGraph(env)`, in and out.
 *
 * The policies select pods by the labels in ROLE_SELECTORS, the one place this file depends on how the other
 * components label their pods; it never looks at their objects. The flow graph is a pure description of who
 * talks to whom on which port, so tests can check the policies against it.
 */
import {
  bucketComponents,
  type ComponentKind,
  type Environment,
  isAwsEndpoint,
  type Manifest,
  names,
  PORTS,
} from '@thanos-gitops/core-model';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import type { INetworkPolicyPeer } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicyPeer';
import type { INetworkPolicyPort } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicyPort';
import { usedMemcached } from './caches.js';
import type { RenderContext } from './context.js';
import { metadata } from './objects.js';

const FOLDER = 'network-policies';
const NAME_LABEL = 'app.kubernetes.io/name';
const INSTANCE_LABEL = 'app.kubernetes.io/instance';
/** Set by Kubernetes on every namespace (1.21+): selects a namespace by name. */
export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

/** Port of the memcached Prometheus exporter sidecar. */
export const MEMCACHED_EXPORTER_PORT = 9150;
export const HTTPS_PORT = 443;
/** Port assumed for an Alertmanager discovered by `dnssrv+` (the SRV record decides; this is Alertmanager's). */
export const ALERTMANAGER_DEFAULT_PORT = 9093;

/** The pod roles that get a policy of their own, named `thanos-<role>`. */
export type Role =
  | 'query'
  | 'query-frontend'
  | 'receive-router'
  | 'receive-ingestor'
  | 'store'
  | 'compact'
  | 'rule'
  | 'bucket-web'
  | 'memcached-index'
  | 'memcached-results';

/**
 * The labels that identify the pods of each role. Thanos components are told apart by `app.kubernetes.io/name`
 * (shared by all hashrings, shards and partitions of a component); the two memcached deployments share their
 * application name, so they are told apart by `app.kubernetes.io/instance`, which is their Deployment name.
 */
export const ROLE_SELECTORS: Readonly<Record<Role, Readonly<Record<string, string>>>> = {
  query: { [NAME_LABEL]: names.query },
  'query-frontend': { [NAME_LABEL]: names.queryFrontend },
  'receive-router': { [NAME_LABEL]: names.router },
  'receive-ingestor': { [NAME_LABEL]: names.ingestorApp },
  store: { [NAME_LABEL]: names.storeApp },
  compact: { [NAME_LABEL]: names.compactorApp },
  rule: { [NAME_LABEL]: names.ruler },
  'bucket-web': { [NAME_LABEL]: names.bucketWeb },
  'memcached-index': { [INSTANCE_LABEL]: names.memcached('index') },
  'memcached-results': { [INSTANCE_LABEL]: names.memcached('results') },
};

/** Name of the NetworkPolicy of a role. */
export function policyName(role: Role): string {
  return `thanos-${role}`;
}

/** One end of a flow: pods of a role in this namespace, pods of another namespace, or addresses. */
export type Peer =
  | { role: Role }
  | { namespace: string; podLabels?: Readonly<Record<string, string>> }
  | { cidr: string };

/** What travels over a flow; only for documentation and tests, the policies only see port and protocol. */
export type Traffic =
  | 'grpc'
  | 'http'
  | 'remote-write'
  | 'capnp-replication'
  | 'memcached'
  | 'metrics'
  | 'object-storage'
  | 'alertmanager'
  | 'tracing';

export interface Flow {
  from: Peer;
  to: Peer;
  port: number;
  protocol: 'TCP' | 'UDP';
  traffic: Traffic;
}

/** kube-dns, which every pod may reach on port 53 (policy `allow-dns`). */
export const DNS_PEER: Peer = { namespace: 'kube-system', podLabels: { 'k8s-app': 'kube-dns' } };

/** The roles whose pods this environment runs. */
export function enabledRoles(env: Environment): Role[] {
  const roles: Role[] = [];
  if (env.receive.enabled) roles.push('receive-router', 'receive-ingestor');
  roles.push('query');
  if (env.queryFrontend.enabled) roles.push('query-frontend');
  if (env.storeGateway.enabled) roles.push('store');
  if (env.compactor.enabled) roles.push('compact');
  if (env.ruler.enabled) roles.push('rule');
  if (env.bucketWeb.enabled) roles.push('bucket-web');
  for (const used of usedMemcached(env)) roles.push(used.cache === 'index' ? 'memcached-index' : 'memcached-results');
  return roles;
}

/** The port Prometheus scrapes on the pods of a role. */
export function metricsPort(role: Role): number {
  if (role === 'memcached-index' || role === 'memcached-results') return MEMCACHED_EXPORTER_PORT;
  if (role === 'query-frontend') return PORTS.queryFrontendHttp;
  return PORTS.http;
}

/** The NetworkPolicy role of each component that can touch the bucket. */
const BUCKET_ROLE: Partial<Record<ComponentKind, Role>> = {
  'receive-ingestor': 'receive-ingestor',
  'store-gateway': 'store',
  compactor: 'compact',
  ruler: 'rule',
  'bucket-web': 'bucket-web',
};

/** Roles whose pods read or write the bucket (from core-model's bucket-access table), in table order. */
export function bucketRoles(env: Environment): Role[] {
  return bucketComponents(env).flatMap((c) => (BUCKET_ROLE[c] ? [BUCKET_ROLE[c]] : []));
}

/**
 * Link-local credential endpoints on every node: the EKS Pod Identity Agent (its IPv4 address; the NetworkPolicies
 * here are IPv4 like `objectStorageCIDRs`), the GKE metadata server (port 80, and 988 on older GKE versions).
 */
export const EKS_POD_IDENTITY_AGENT = [{ cidr: '169.254.170.23/32' }] as const;
export const GKE_METADATA_SERVER: readonly { cidr: string; port: number }[] = [
  { cidr: '169.254.169.254/32', port: 80 },
  { cidr: '169.254.169.252/32', port: 988 },
];

/**
 * Where the pods that touch the bucket connect, and on which port: the object store itself (for AWS, GCS and
 * Azure, `objectStorageCIDRs` on 443, which also covers STS and Entra ID token exchange; for a self-managed S3,
 * the endpoint's own address and port), plus the node-local credential endpoint of EKS Pod Identity or GKE.
 */
export function objectStorageDestinations(env: Environment): { peer: Peer; port: number }[] {
  const s = env.objectStorage;
  const cidrs = (port: number) =>
    unique(env.networkPolicies.objectStorageCIDRs).map((cidr) => ({ peer: { cidr }, port }));
  const out: { peer: Peer; port: number }[] = [];
  if (s.provider === 's3' && !isAwsEndpoint(s.endpoint ?? '')) {
    const m = /^([^:]+)(?::([0-9]+))?$/.exec(s.endpoint ?? '');
    const host = m?.[1] ?? '';
    const port = m?.[2] ? Number(m[2]) : s.insecure ? 80 : HTTPS_PORT;
    const peer = hostPeer(env, host);
    if ('cidr' in peer && peer.cidr === '0.0.0.0/0') out.push(...cidrs(port));
    else out.push({ peer, port });
  } else out.push(...cidrs(HTTPS_PORT));
  if (s.provider === 's3' && env.identity?.aws?.mode === 'podIdentity') {
    for (const peer of EKS_POD_IDENTITY_AGENT) out.push({ peer: { cidr: peer.cidr }, port: 80 });
  }
  if (s.provider === 'gcs') for (const d of GKE_METADATA_SERVER) out.push({ peer: { cidr: d.cidr }, port: d.port });
  return out;
}

/**
 * Where the ruler's Alertmanagers are, from their URLs: `<service>.<namespace>[.svc[.<domain>]]` is a
 * namespace of the cluster, a bare `<service>` is this namespace, an IPv4 address is itself, and any other host
 * is outside the cluster with no fixed address (any address, on that port only). The port is the URL's, else
 * the scheme's; `dnssrv+` URLs take their port from SRV records, assumed to be Alertmanager's 9093.
 */
export function alertmanagerPeers(env: Environment): { peer: Peer; port: number }[] {
  return env.ruler.alertmanagers.map((url) => {
    const m = /^(dnssrv\+|dns\+)?(https?):\/\/([^/:?#]+)(?::([0-9]+))?/.exec(url);
    const [, discovery, scheme, rawHost = '', explicitPort] = m ?? [];
    const port = explicitPort
      ? Number(explicitPort)
      : discovery === 'dnssrv+'
        ? ALERTMANAGER_DEFAULT_PORT
        : scheme === 'https'
          ? 443
          : 80;
    const host = rawHost
      .toLowerCase()
      .replace(/^(_[^.]+\.)+/, '')
      .replace(/\.$/, '');
    return { peer: hostPeer(env, host), port };
  });
}

/** Where the OTLP receiver of `tracing.endpoint` is, by the same rules as the Alertmanagers. */
export function tracingPeer(env: Environment): { peer: Peer; port: number } {
  const [host = '', port = ''] = (env.tracing?.endpoint ?? '').toLowerCase().split(':');
  return { peer: hostPeer(env, host.replace(/\.$/, '')), port: Number(port) };
}

function hostPeer(env: Environment, host: string): Peer {
  if (/^[0-9]+(\.[0-9]+){3}$/.test(host)) return { cidr: `${host}/32` };
  const labels = host.split('.');
  if (labels.length === 1) return { namespace: env.namespace };
  const rest = labels.slice(2).join('.');
  const inCluster = labels.length === 2 || rest === 'svc' || rest === `svc.${env.cluster.domain}`;
  return inCluster && labels[1] ? { namespace: labels[1] } : { cidr: '0.0.0.0/0' };
}

/**
 * Whether the router replicates to the ingestors with Cap'n Proto (port 19391) instead of gRPC. The generator
 * keeps Thanos' default (`protobuf`, over gRPC on 10901); only `extraArgs` can switch it.
 */
export function capnpReplication(env: Environment): boolean {
  const workloads = [env.receive.router, ...env.receive.hashrings];
  return workloads.some((w) => w.extraArgs.includes('--receive.replication-protocol=capnproto'));
}

/** Every flow the deployment needs, besides DNS (allowed to every pod by `allow-dns`). */
export function flowGraph(env: Environment): Flow[] {
  const enabled = new Set(enabledRoles(env));
  const flows: Flow[] = [];
  const add = (from: Peer, to: Peer, port: number, traffic: Traffic) => {
    const off = [from, to].some((p) => 'role' in p && !enabled.has(p.role));
    if (!off) flows.push({ from, to, port, protocol: 'TCP', traffic });
  };
  const role = (r: Role): Peer => ({ role: r });
  const namespace = (ns: string): Peer => ({ namespace: ns });
  const np = env.networkPolicies;
  const monitoring = env.monitoring.namespace;

  // Query fans out to every gRPC endpoint (the same set as endpoints.ts): StoreAPIs, and the ruler's Rules API
  // (plus its StoreAPI when stateful).
  add(role('query'), role('receive-ingestor'), PORTS.grpc, 'grpc');
  add(role('query'), role('store'), PORTS.grpc, 'grpc');
  add(role('query'), role('rule'), PORTS.grpc, 'grpc');
  add(role('query-frontend'), role('query'), PORTS.http, 'http');
  add(role('query-frontend'), role('memcached-results'), PORTS.memcached, 'memcached');
  add(role('store'), role('memcached-index'), PORTS.memcached, 'memcached');

  // Write path.
  add(role('receive-router'), role('receive-ingestor'), PORTS.grpc, 'grpc');
  if (capnpReplication(env)) add(role('receive-router'), role('receive-ingestor'), PORTS.capnp, 'capnp-replication');
  for (const source of unique([monitoring, ...np.remoteWriteNamespaces])) {
    add(namespace(source), role('receive-router'), PORTS.remoteWrite, 'remote-write');
  }
  for (const cidr of unique(np.remoteWriteCIDRs))
    add({ cidr }, role('receive-router'), PORTS.remoteWrite, 'remote-write');

  // Ruler.
  add(role('rule'), role('query'), PORTS.http, 'http');
  if (env.ruler.mode === 'stateless') add(role('rule'), role('receive-router'), PORTS.remoteWrite, 'remote-write');
  for (const { peer, port } of uniquePeers(alertmanagerPeers(env))) add(role('rule'), peer, port, 'alertmanager');

  // Object storage (and the credential endpoints of the pods' cloud identity).
  for (const r of bucketRoles(env)) {
    for (const d of objectStorageDestinations(env)) add(role(r), d.peer, d.port, 'object-storage');
  }

  // Users: the query entry point and the bucket UI.
  const entry: Role = env.queryFrontend.enabled ? 'query-frontend' : 'query';
  for (const ns of unique(np.queryNamespaces)) {
    add(namespace(ns), role(entry), entry === 'query' ? PORTS.http : PORTS.queryFrontendHttp, 'http');
    add(namespace(ns), role('bucket-web'), PORTS.http, 'http');
  }

  // Traces, from every Thanos pod to the OTLP receiver.
  if (env.tracing) {
    const { peer, port } = tracingPeer(env);
    for (const r of enabled) if (!r.startsWith('memcached-')) add(role(r), peer, port, 'tracing');
  }

  // Scraping.
  for (const r of enabled) add(namespace(monitoring), role(r), metricsPort(r), 'metrics');
  return flows;
}

function unique<T>(values: readonly T[]): T[] {
  return [...new Set(values)];
}

function uniquePeers(values: { peer: Peer; port: number }[]): { peer: Peer; port: number }[] {
  const seen = new Set<string>();
  return values.filter((v) => {
    const key = JSON.stringify(v);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** A flow end as a NetworkPolicy peer. */
export function policyPeer(peer: Peer): INetworkPolicyPeer {
  if ('role' in peer) return { podSelector: { matchLabels: { ...ROLE_SELECTORS[peer.role] } } };
  if ('cidr' in peer) return { ipBlock: { cidr: peer.cidr } };
  return {
    namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: peer.namespace } },
    ...(peer.podLabels ? { podSelector: { matchLabels: { ...peer.podLabels } } } : {}),
  };
}

/** Flows grouped by their other end, one rule per peer listing all its ports. */
function rulesByPeer(
  flows: Flow[],
  otherEnd: (f: Flow) => Peer,
): { peer: INetworkPolicyPeer; ports: INetworkPolicyPort[] }[] {
  const groups = new Map<string, { peer: INetworkPolicyPeer; ports: INetworkPolicyPort[] }>();
  for (const f of flows) {
    const peer = policyPeer(otherEnd(f));
    const key = JSON.stringify(peer);
    const group = groups.get(key) ?? { peer, ports: [] };
    if (!group.ports.some((p) => p.port === f.port && p.protocol === f.protocol)) {
      group.ports.push({ protocol: f.protocol, port: f.port });
    }
    groups.set(key, group);
  }
  return [...groups.values()];
}

const isRole = (peer: Peer, role: Role) => 'role' in peer && peer.role === role;

function rolePolicy(env: Environment, role: Role, flows: Flow[]): NetworkPolicy {
  const ingress = rulesByPeer(
    flows.filter((f) => isRole(f.to, role)),
    (f) => f.from,
  );
  const egress = rulesByPeer(
    flows.filter((f) => isRole(f.from, role)),
    (f) => f.to,
  );
  return new NetworkPolicy({
    metadata: metadata(env, policyName(role), policyLabels(env)),
    spec: {
      podSelector: { matchLabels: { ...ROLE_SELECTORS[role] } },
      policyTypes: ['Ingress', 'Egress'],
      ingress: ingress.map((r) => ({ from: [r.peer], ports: r.ports })),
      egress: egress.map((r) => ({ to: [r.peer], ports: r.ports })),
    },
  });
}

function policyLabels(env: Environment) {
  return { name: 'thanos', instance: `thanos-${env.name}`, component: 'network-policy', version: env.thanos.version };
}

export function networkPolicies(ctx: RenderContext): Manifest[] {
  const { env } = ctx;
  if (!env.networkPolicies.enabled) return [];
  const flows = flowGraph(env);
  const labels = policyLabels(env);
  const defaultDeny = new NetworkPolicy({
    metadata: metadata(env, 'default-deny', labels),
    spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
  });
  const allowDns = new NetworkPolicy({
    metadata: metadata(env, 'allow-dns', labels),
    spec: {
      podSelector: {},
      policyTypes: ['Egress'],
      egress: [
        {
          to: [policyPeer(DNS_PEER)],
          ports: [
            { protocol: 'UDP', port: 53 },
            { protocol: 'TCP', port: 53 },
          ],
        },
      ],
    },
  });
  return [defaultDeny, allowDns, ...enabledRoles(env).map((r) => rolePolicy(env, r, flows))].map((object) => ({
    component: FOLDER,
    object,
  }));
}
