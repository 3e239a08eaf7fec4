/**
 * NetworkPolicies: the namespace is default-deny (ingress and egress), DNS is allowed for every pod, and one
 * policy per component (named by its record) allows exactly the flows of `flowGraph(env)`, in and out.
 *
 * The policies select pods by their component record's `selector` and are named by its `policy`: this file
 * never looks at the other components' objects. The flow graph is a pure description of who
 * talks to whom on which port, so tests can check the policies against it.
 */
import { type ComponentKind, isThanosComponent, unhandled } from '@thanos-gitops/catalog';
import { isAwsEndpoint } from '@thanos-gitops/input';
import type { Manifest } from '@thanos-gitops/manifests';
import {
  bucketComponents,
  type ComponentRecord,
  componentRecord,
  enabledComponents,
  names,
  PORTS,
  portOf,
} from '@thanos-gitops/model';
import type { Environment } from '@thanos-gitops/schema';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import type { INetworkPolicyPeer } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicyPeer';
import type { INetworkPolicyPort } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicyPort';
import type { RenderContext } from './context.js';
import { capnpChosen } from './ingestion.js';
import { metadata } from './objects.js';

const FOLDER = 'network-policies';
/** Set by Kubernetes on every namespace (1.21+): selects a namespace by name. */
export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

export const HTTPS_PORT = 443;
/** The ports a Kubernetes API server listens on: 443 (managed clouds) or 6443 (kubeadm and others). */
export const KUBERNETES_API_PORTS = [HTTPS_PORT, 6443] as const;
/** Port assumed for an Alertmanager discovered by `dnssrv+` (the SRV record decides; this is Alertmanager's). */
export const ALERTMANAGER_DEFAULT_PORT = 9093;

/** One end of a flow: pods of a component in this namespace, pods of another namespace, or addresses. */
export type Peer =
  | { component: ComponentKind }
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
  | 'tracing'
  | 'kubernetes-api';

export interface Flow {
  from: Peer;
  to: Peer;
  port: number;
  protocol: 'TCP' | 'UDP';
  traffic: Traffic;
}

/** kube-dns, which every pod may reach on port 53 (policy `allow-dns`). */
export const DNS_PEER: Peer = { namespace: 'kube-system', podLabels: { 'k8s-app': 'kube-dns' } };

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
 * Azure, `objectStorageCIDRs` on 443, which also covers STS and Entra ID token exchange, and on the port an AWS
 * endpoint names; for a self-managed S3, the endpoint's own address and port), plus the node-local credential
 * endpoint of EKS Pod Identity or GKE.
 */
export function objectStorageDestinations(env: Environment): Destination[] {
  const provider = env.objectStorage.provider;
  const cidrs = (port: number) => objectStorageCidrs(env, port);
  switch (provider) {
    case 's3':
      return s3Destinations(env);
    case 'gcs':
      return [...cidrs(HTTPS_PORT), ...GKE_METADATA_SERVER.map((d) => ({ peer: { cidr: d.cidr }, port: d.port }))];
    case 'azure':
      return cidrs(HTTPS_PORT);
    default:
      return unhandled(provider, 'object storage provider');
  }
}

type Destination = { peer: Peer; port: number };

function objectStorageCidrs(env: Environment, port: number): Destination[] {
  return unique(env.networkPolicies.objectStorageCIDRs).map((cidr) => ({ peer: { cidr }, port }));
}

/** S3: AWS through `objectStorageCIDRs` (and the Pod Identity agent), a self-managed store at its endpoint. */
function s3Destinations(env: Environment): Destination[] {
  const s = env.objectStorage;
  const m = /^([^:]+)(?::([0-9]+))?$/.exec(s.endpoint ?? '');
  const host = m?.[1] ?? '';
  // The port the pods dial: the endpoint's, else the scheme's (the loader refuses `insecure` on AWS).
  const port = m?.[2] ? Number(m[2]) : s.insecure ? 80 : HTTPS_PORT;
  const out: Destination[] = [];
  if (isAwsEndpoint(host)) {
    // AWS: its ranges on the endpoint's port, and on 443 for STS (IRSA's credentials) whatever the endpoint names.
    for (const p of unique([HTTPS_PORT, port])) out.push(...objectStorageCidrs(env, p));
  } else {
    const peer = hostPeer(env, host);
    if ('cidr' in peer && peer.cidr === '0.0.0.0/0') out.push(...objectStorageCidrs(env, port));
    else out.push({ peer, port });
  }
  if (env.identity?.aws?.mode === 'podIdentity') {
    for (const peer of EKS_POD_IDENTITY_AGENT) out.push({ peer: { cidr: peer.cidr }, port: 80 });
  }
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

/**
 * Where Query's extra endpoints are (`query.extraEndpoints`), by the same host rules as the Alertmanagers:
 * `host:port` and `dns+host:port` on their port, `dnssrv+` on Thanos' gRPC port (the SRV records decide).
 */
export function extraEndpointPeers(env: Environment): { peer: Peer; port: number }[] {
  return env.query.extraEndpoints.map((address) => {
    const srv = address.startsWith('dnssrv+');
    const [rawHost = '', port = ''] = address
      .replace(/^(dnssrv\+|dns\+)/, '')
      .toLowerCase()
      .split(':');
    const host = rawHost.replace(/^(_[^.]+\.)+/, '').replace(/\.$/, '');
    return { peer: hostPeer(env, host), port: srv ? PORTS.grpc : Number(port) };
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
 * keeps Thanos' default (`protobuf`, over gRPC on 10901) unless `receive.replicationProtocol` (or `extraArgs`)
 * switches it.
 */
export function capnpReplication(env: Environment): boolean {
  if (capnpChosen(env.receive)) return true;
  const workloads = [env.receive.router, ...env.receive.hashrings];
  return workloads.some((w) => w.extraArgs.includes('--receive.replication-protocol=capnproto'));
}

/** Adds a flow (dropped when one end is a component the environment does not run). */
type AddFlow = (from: Peer, to: Peer, port: number, traffic: Traffic) => void;
const pods = (component: ComponentKind): Peer => ({ component });
const namespace = (ns: string): Peer => ({ namespace: ns });
const NO_OWN_FLOWS = () => {};

/**
 * The flows particular to each component, beyond what its record says (Query's gRPC to `queryEndpoints`, caches
 * from `cacheFor`, the bucket, users, tracing, scraping). Keyed by every kind, so a new component does not
 * compile until it states its own (most have none); added in this order.
 */
export const OWN_FLOWS: Readonly<Record<ComponentKind, (env: Environment, add: AddFlow) => void>> = {
  // Query's extra endpoints; the frontend forwards to Query.
  query: (env, add) => {
    for (const { peer, port } of uniquePeers(extraEndpointPeers(env))) add(pods('query'), peer, port, 'grpc');
  },
  'query-frontend': (_env, add) => add(pods('query-frontend'), pods('query'), PORTS.http, 'http'),
  // Write path.
  'receive-router': (env, add) => {
    add(pods('receive-router'), pods('receive-ingestor'), PORTS.grpc, 'grpc');
    if (capnpReplication(env)) add(pods('receive-router'), pods('receive-ingestor'), PORTS.capnp, 'capnp-replication');
    for (const source of unique([env.monitoring.namespace, ...env.networkPolicies.remoteWriteNamespaces])) {
      add(namespace(source), pods('receive-router'), PORTS.remoteWrite, 'remote-write');
    }
    for (const peer of remoteWriteExposurePeers(env))
      add(peer, pods('receive-router'), PORTS.remoteWrite, 'remote-write');
  },
  ruler: (env, add) => {
    add(pods('ruler'), pods('query'), PORTS.http, 'http');
    if (env.ruler.mode === 'stateless') add(pods('ruler'), pods('receive-router'), PORTS.remoteWrite, 'remote-write');
    for (const { peer, port } of uniquePeers(alertmanagerPeers(env))) add(pods('ruler'), peer, port, 'alertmanager');
  },
  // The rollout-operator watches StatefulSets and deletes pods through the Kubernetes API (443, or 6443 where the
  // API server's endpoints listen on it, as on kubeadm clusters: a ClusterIP translated before the policy applies).
  'rollout-operator': (env, add) => {
    for (const cidr of unique(env.networkPolicies.apiServerCIDRs)) {
      for (const port of KUBERNETES_API_PORTS) add(pods('rollout-operator'), { cidr }, port, 'kubernetes-api');
    }
  },
  'receive-ingestor': NO_OWN_FLOWS,
  'store-gateway': NO_OWN_FLOWS,
  compactor: NO_OWN_FLOWS,
  'bucket-web': NO_OWN_FLOWS,
  'memcached-index': NO_OWN_FLOWS,
  'memcached-chunks': NO_OWN_FLOWS,
  'memcached-results': NO_OWN_FLOWS,
};

/** Every flow the deployment needs, besides DNS (allowed to every pod by `allow-dns`). */
export function flowGraph(env: Environment): Flow[] {
  const running = enabledComponents(env);
  const enabled = new Set(running.map((c) => c.kind));
  const flows: Flow[] = [];
  const add: AddFlow = (from, to, port, traffic) => {
    const off = [from, to].some((p) => 'component' in p && !enabled.has(p.component));
    if (!off) flows.push({ from, to, port, protocol: 'TCP', traffic });
  };
  const monitoring = env.monitoring.namespace;

  // Query fans out to every gRPC endpoint (the records' `queryEndpoints`, as endpoints.ts): StoreAPIs, and the
  // ruler's Rules API (plus its StoreAPI when stateful).
  for (const c of running) if (c.queryEndpoints) add(pods('query'), pods(c.kind), portOf(c, 'grpc'), 'grpc');
  for (const own of Object.values(OWN_FLOWS)) own(env, add);
  // Every cache from the component that uses it (the records' `cacheFor`).
  for (const c of running) if (c.cacheFor) add(pods(c.cacheFor), pods(c.kind), portOf(c, 'memcached'), 'memcached');

  // Object storage (and the credential endpoints of the pods' cloud identity).
  for (const c of bucketComponents(env)) {
    for (const d of objectStorageDestinations(env)) add(pods(c), d.peer, d.port, 'object-storage');
  }

  // Users (the records' `users`): the query entry point and the bucket UI.
  for (const ns of unique(env.networkPolicies.queryNamespaces)) {
    for (const c of running) if (c.users?.(env)) add(namespace(ns), pods(c.kind), portOf(c, 'http'), 'http');
  }

  // Traces, from every Thanos pod to the OTLP receiver.
  if (env.tracing) {
    const { peer, port } = tracingPeer(env);
    for (const c of running) if (isThanosComponent(c.kind)) add(pods(c.kind), peer, port, 'tracing');
  }

  // Scraping.
  for (const c of running) add(namespace(monitoring), pods(c.kind), portOf(c, c.metricsPort), 'metrics');
  return flows;
}

/**
 * Who reaches the routers' remote-write port from outside the namespace besides the in-cluster writer
 * namespaces, following `remoteWrite.exposure`: the writers' addresses (`remoteWriteCIDRs`; the NLB preserves
 * client addresses) and, for an NLB, its own subnets for health checks; for a Gateway, the Gateway's namespace
 * and `proxyNamespaces`, where its proxies (which pass the TLS connections through) run.
 */
export function remoteWriteExposurePeers(env: Environment): Peer[] {
  const e = env.remoteWrite.exposure;
  const cidrs = [...env.networkPolicies.remoteWriteCIDRs];
  if (e.type === 'loadBalancer') cidrs.push(...e.loadBalancer.healthCheckCIDRs);
  const peers: Peer[] = unique(cidrs).map((cidr) => ({ cidr }));
  if (e.type === 'gateway' && e.gateway) {
    for (const ns of unique([e.gateway.namespace, ...e.gateway.proxyNamespaces])) peers.push({ namespace: ns });
  }
  return peers;
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
  if ('component' in peer) return { podSelector: { matchLabels: { ...componentRecord(peer.component).selector } } };
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

const isComponent = (peer: Peer, kind: ComponentKind) => 'component' in peer && peer.component === kind;

function componentPolicy(env: Environment, record: ComponentRecord, flows: Flow[]): NetworkPolicy {
  const ingress = rulesByPeer(
    flows.filter((f) => isComponent(f.to, record.kind)),
    (f) => f.from,
  );
  const egress = rulesByPeer(
    flows.filter((f) => isComponent(f.from, record.kind)),
    (f) => f.to,
  );
  return new NetworkPolicy({
    metadata: metadata(env, record.policy, policyLabels(env)),
    spec: {
      podSelector: { matchLabels: { ...record.selector } },
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
    metadata: metadata(env, names.defaultDenyPolicy, labels),
    spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
  });
  const allowDns = new NetworkPolicy({
    metadata: metadata(env, names.allowDnsPolicy, labels),
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
  return [defaultDeny, allowDns, ...enabledComponents(env).map((c) => componentPolicy(env, c, flows))].map(
    (object) => ({
      component: FOLDER,
      object,
    }),
  );
}
