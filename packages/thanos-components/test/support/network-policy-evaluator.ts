/**
 * A small evaluator of Kubernetes NetworkPolicy semantics, for tests: a connection is allowed when the
 * destination's ingress side and the source's egress side both allow it. A pod no policy of a direction selects
 * is not isolated in that direction. Tested on its own in network-policy-evaluator.test.ts.
 */
export type Labels = Record<string, string>;
export interface Selector {
  matchLabels?: Labels;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}
export interface PolicyPeer {
  podSelector?: Selector;
  namespaceSelector?: Selector;
  ipBlock?: { cidr: string; except?: string[] };
}
export interface PolicyPort {
  port?: number;
  protocol?: string;
}
export interface Policy {
  metadata: { name: string; namespace: string };
  spec: {
    podSelector: Selector;
    policyTypes: string[];
    ingress?: { from?: PolicyPeer[]; ports?: PolicyPort[] }[];
    egress?: { to?: PolicyPeer[]; ports?: PolicyPort[] }[];
  };
}
/** A pod (namespace and labels) or an address outside the cluster. */
export type Endpoint = { namespace: string; labels: Labels } | { ip: string };
export type Protocol = 'TCP' | 'UDP';

export function selects(selector: Selector, labels: Labels): boolean {
  const byLabels = Object.entries(selector.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
  const byExpressions = (selector.matchExpressions ?? []).every((e) => {
    const has = e.key in labels;
    const value = labels[e.key] ?? '';
    if (e.operator === 'In') return has && (e.values ?? []).includes(value);
    if (e.operator === 'NotIn') return !has || !(e.values ?? []).includes(value);
    if (e.operator === 'Exists') return has;
    if (e.operator === 'DoesNotExist') return !has;
    throw new Error(`unknown operator ${e.operator}`);
  });
  return byLabels && byExpressions;
}

export function ipNumber(ip: string): number {
  return ip.split('.').reduce((n, octet) => n * 256 + Number(octet), 0);
}

export function inCidr(ip: string, cidr: string): boolean {
  const [base = '', bits = '32'] = cidr.split('/');
  const size = 2 ** (32 - Number(bits));
  return Math.floor(ipNumber(ip) / size) === Math.floor(ipNumber(base) / size);
}

function peerMatches(peer: PolicyPeer, policyNamespace: string, other: Endpoint): boolean {
  if (peer.ipBlock) {
    const block = peer.ipBlock;
    return 'ip' in other && inCidr(other.ip, block.cidr) && !(block.except ?? []).some((c) => inCidr(other.ip, c));
  }
  if ('ip' in other) return false;
  const namespaceOk = peer.namespaceSelector
    ? selects(peer.namespaceSelector, { 'kubernetes.io/metadata.name': other.namespace })
    : other.namespace === policyNamespace;
  return namespaceOk && (peer.podSelector ? selects(peer.podSelector, other.labels) : true);
}

function portMatches(ports: PolicyPort[] | undefined, port: number, protocol: Protocol): boolean {
  if (!ports || ports.length === 0) return true;
  return ports.some((p) => (p.protocol ?? 'TCP') === protocol && (p.port === undefined || p.port === port));
}

/** Whether one side (the pod's ingress or egress) lets the connection through. */
function sideAllows(
  policies: Policy[],
  pod: Endpoint,
  direction: 'Ingress' | 'Egress',
  other: Endpoint,
  port: number,
  protocol: Protocol,
): boolean {
  if ('ip' in pod) return true;
  const applicable = policies.filter(
    (p) =>
      p.metadata.namespace === pod.namespace &&
      p.spec.policyTypes.includes(direction) &&
      selects(p.spec.podSelector, pod.labels),
  );
  if (applicable.length === 0) return true;
  return applicable.some((p) => {
    const rules =
      direction === 'Ingress'
        ? (p.spec.ingress ?? []).map((r) => ({ peers: r.from, ports: r.ports }))
        : (p.spec.egress ?? []).map((r) => ({ peers: r.to, ports: r.ports }));
    return rules.some(
      (r) =>
        portMatches(r.ports, port, protocol) &&
        (!r.peers || r.peers.length === 0 || r.peers.some((peer) => peerMatches(peer, p.metadata.namespace, other))),
    );
  });
}

export function allowed(policies: Policy[], src: Endpoint, dst: Endpoint, port: number, protocol: Protocol = 'TCP') {
  return (
    sideAllows(policies, src, 'Egress', dst, port, protocol) &&
    sideAllows(policies, dst, 'Ingress', src, port, protocol)
  );
}
