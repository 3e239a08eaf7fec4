/**
 * NetworkPolicies, checked with a small evaluator of Kubernetes NetworkPolicy semantics: a connection is allowed
 * when the destination's ingress side and the source's egress side both allow it. Pods are the rendered pod
 * templates where their component renders them, and pods labelled by the agreed convention where it does not yet.
 */
import { readFileSync } from 'node:fs';
import {
  type Environment,
  loadEnvironments,
  type Manifest,
  NO_TLS,
  names,
  objectProblems,
  PORTS,
  toPlain,
} from '@thanos-gitops/core-model';
import { describe, expect, it } from 'vitest';
import { queryEndpointServices, renderComponents } from '../src/index.js';
import {
  alertmanagerPeers,
  enabledRoles,
  type Flow,
  flowGraph,
  MEMCACHED_EXPORTER_PORT,
  type Peer,
  policyName,
  ROLE_SELECTORS,
  type Role,
} from '../src/network-policies.js';
import { render } from './render.js';

// ---------------------------------------------------------------------------------------------------------------
// The evaluator.

type Labels = Record<string, string>;
interface Selector {
  matchLabels?: Labels;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}
interface PolicyPeer {
  podSelector?: Selector;
  namespaceSelector?: Selector;
  ipBlock?: { cidr: string; except?: string[] };
}
interface PolicyPort {
  port?: number;
  protocol?: string;
}
interface Policy {
  metadata: { name: string; namespace: string };
  spec: {
    podSelector: Selector;
    policyTypes: string[];
    ingress?: { from?: PolicyPeer[]; ports?: PolicyPort[] }[];
    egress?: { to?: PolicyPeer[]; ports?: PolicyPort[] }[];
  };
}
/** A pod (namespace and labels) or an address outside the cluster. */
type Endpoint = { namespace: string; labels: Labels } | { ip: string };
type Protocol = 'TCP' | 'UDP';

function selects(selector: Selector, labels: Labels): boolean {
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

function ipNumber(ip: string): number {
  return ip.split('.').reduce((n, octet) => n * 256 + Number(octet), 0);
}

function inCidr(ip: string, cidr: string): boolean {
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

function allowed(policies: Policy[], src: Endpoint, dst: Endpoint, port: number, protocol: Protocol = 'TCP') {
  return (
    sideAllows(policies, src, 'Egress', dst, port, protocol) &&
    sideAllows(policies, dst, 'Ingress', src, port, protocol)
  );
}

// ---------------------------------------------------------------------------------------------------------------
// Rendering and pods.

interface Rendered {
  env: Environment;
  manifests: Manifest[];
  objects: Record<string, any>[];
  policies: Policy[];
}

const STAND_IN = {
  identity: {
    objstoreConfig: 'type: S3\nconfig: {bucket: test-bucket}\n',
    forComponent: () => ({ serviceAccountAnnotations: {}, podLabels: {}, env: [] }),
  },
  tls: { forComponent: () => NO_TLS },
};

function fromObjects(env: Environment, manifests: Manifest[]): Rendered {
  const objects = manifests.map((m) => toPlain(m.object));
  const policies = objects.filter((o) => o.kind === 'NetworkPolicy') as unknown as Policy[];
  return { env, manifests, objects, policies };
}

/** An example environment (`environments/<name>.yaml`), rendered by every component. */
function renderExample(name: string): Rendered {
  const path = `environments/${name}.yaml`;
  const text = readFileSync(new URL(`../../../test/fixtures/${path}`, import.meta.url), 'utf8');
  const [loaded] = loadEnvironments([{ path, text }]);
  if (!loaded) throw new Error(`no environment in ${path}`);
  const problems: string[] = [];
  const manifests = renderComponents({
    env: loaded.env,
    file: path,
    ...STAND_IN,
    report: (at, message) => problems.push(`${at.join('.')}: ${message}`),
  });
  if (problems.length > 0) throw new Error(problems.join('\n'));
  return fromObjects(loaded.env, manifests);
}

function renderYaml(extra: string): Rendered {
  const r = render(extra);
  expect(r.problems).toEqual([]);
  return fromObjects(r.env, r.manifests);
}

/** Names of the workloads (Deployments, StatefulSets) that run each role's pods, from core-model's names. */
function workloadNames(env: Environment, role: Role): string[] {
  const s = env.storeGateway;
  switch (role) {
    case 'query':
      return [names.query];
    case 'query-frontend':
      return [names.queryFrontend];
    case 'receive-router':
      return [names.router];
    case 'receive-ingestor':
      return env.receive.hashrings.map((h) => names.ingestor(h.name));
    case 'store':
      return s.partitions.flatMap((_, p) =>
        [...Array(s.shards).keys()].map((i) => names.store(p, i, s.partitions.length)),
      );
    case 'compact':
      return env.compactor.sharding
        ? [...Array(env.compactor.sharding.shards).keys()].map((i) => names.compactor(i))
        : [names.compactor(undefined)];
    case 'rule':
      return [names.ruler];
    case 'bucket-web':
      return [names.bucketWeb];
    case 'memcached-index':
      return [names.memcached('index')];
    case 'memcached-results':
      return [names.memcached('results')];
  }
}

/**
 * Labels a role's pods carry by the project's convention (`app.kubernetes.io/name` is the application,
 * `app.kubernetes.io/instance` the workload): written out here, independently of the policies' selectors, and
 * only used for components that render no pods yet.
 */
const CONVENTIONAL_APP: Record<Role, string> = {
  query: 'thanos-query',
  'query-frontend': 'thanos-query-frontend',
  'receive-router': 'thanos-receive-router',
  'receive-ingestor': 'thanos-receive-ingestor',
  store: 'thanos-store',
  compact: 'thanos-compact',
  rule: 'thanos-rule',
  'bucket-web': 'thanos-bucket-web',
  'memcached-index': 'memcached',
  'memcached-results': 'memcached',
};

const WORKLOAD_KINDS = new Set(['Deployment', 'StatefulSet']);

function renderedWorkload(r: Rendered, name: string): Record<string, any> | undefined {
  return r.objects.find((o) => WORKLOAD_KINDS.has(o.kind) && o.metadata?.name === name);
}

/** The pods of a role: its rendered pod templates, or conventionally labelled stand-ins. */
function podsOf(r: Rendered, role: Role): Endpoint[] {
  return workloadNames(r.env, role).map((name) => {
    const workload = renderedWorkload(r, name);
    const labels: Labels = workload
      ? workload.spec.template.metadata.labels
      : { 'app.kubernetes.io/name': CONVENTIONAL_APP[role], 'app.kubernetes.io/instance': name };
    return { namespace: r.env.namespace, labels };
  });
}

/** A concrete endpoint for each flow end; a CIDR becomes one address inside it. */
function endpointsOf(r: Rendered, peer: Peer): Endpoint[] {
  if ('role' in peer) return podsOf(r, peer.role);
  if ('cidr' in peer) return [{ ip: addressIn(peer.cidr) }];
  return [{ namespace: peer.namespace, labels: { ...(peer.podLabels ?? {}), app: 'some-client' } }];
}

function addressIn(cidr: string): string {
  const [base = '', bits = '32'] = cidr.split('/');
  if (bits === '0') return '52.218.1.10';
  if (bits === '32') return base;
  const n = ipNumber(base) + 1;
  return [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join('.');
}

const ALL_PORTS = [
  PORTS.grpc,
  PORTS.http,
  PORTS.remoteWrite,
  PORTS.capnp,
  PORTS.memcached,
  PORTS.queryFrontendHttp,
  MEMCACHED_EXPORTER_PORT,
  443,
  9093,
];

const hasFlow = (flows: Flow[], from: Peer, to: Peer, port: number) =>
  flows.some(
    (f) =>
      JSON.stringify(f.from) === JSON.stringify(from) && JSON.stringify(f.to) === JSON.stringify(to) && f.port === port,
  );

// ---------------------------------------------------------------------------------------------------------------

describe('evaluator', () => {
  const policies: Policy[] = [
    {
      metadata: { name: 'deny', namespace: 'a' },
      spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
    },
    {
      metadata: { name: 'web', namespace: 'a' },
      spec: {
        podSelector: { matchLabels: { app: 'web' } },
        policyTypes: ['Ingress'],
        ingress: [
          {
            from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'b' } } }],
            ports: [{ port: 80 }],
          },
        ],
      },
    },
  ];
  const web = { namespace: 'a', labels: { app: 'web' } };
  it('allows what ingress allows from a non-isolated source, denies the rest', () => {
    expect(allowed(policies, { namespace: 'b', labels: {} }, web, 80)).toBe(true);
    expect(allowed(policies, { namespace: 'b', labels: {} }, web, 81)).toBe(false);
    expect(allowed(policies, { namespace: 'c', labels: {} }, web, 80)).toBe(false);
    expect(allowed(policies, { namespace: 'a', labels: {} }, web, 80)).toBe(false);
  });
  it('needs the egress side too', () => {
    expect(allowed(policies, { namespace: 'a', labels: { app: 'web' } }, { namespace: 'b', labels: {} }, 80)).toBe(
      false,
    );
  });
  it('matches addresses by CIDR', () => {
    expect(inCidr('203.0.113.7', '203.0.113.0/24')).toBe(true);
    expect(inCidr('203.0.114.7', '203.0.113.0/24')).toBe(false);
    expect(inCidr('1.2.3.4', '0.0.0.0/0')).toBe(true);
  });
});

for (const example of ['dev', 'staging', 'prod']) {
  describe(`${example}: every flow of the graph is allowed, nothing else`, () => {
    const r = renderExample(example);
    const flows = flowGraph(r.env);
    const roles = enabledRoles(r.env);
    const policyFor = (role: Role) => r.policies.find((p) => p.metadata.name === policyName(role));

    it('renders default-deny, allow-dns and one valid policy per role', () => {
      const policyNames = r.policies.map((p) => p.metadata.name).sort();
      expect(policyNames).toEqual(['allow-dns', 'default-deny', ...roles.map(policyName)].sort());
      for (const m of r.manifests.filter((x) => x.object.kind === 'NetworkPolicy')) {
        expect(m.component).toBe('network-policies');
        expect(objectProblems(m.object)).toEqual([]);
      }
      for (const role of roles) expect(policyFor(role)?.spec.policyTypes).toEqual(['Ingress', 'Egress']);
      const deny = r.policies.find((p) => p.metadata.name === 'default-deny');
      expect(deny?.spec).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
    });

    it('allows every flow of the graph', () => {
      expect(flows.length).toBeGreaterThan(0);
      for (const f of flows) {
        for (const src of endpointsOf(r, f.from)) {
          for (const dst of endpointsOf(r, f.to)) {
            expect(allowed(r.policies, src, dst, f.port, f.protocol), `${JSON.stringify(f)}`).toBe(true);
          }
        }
      }
    });

    it('allows DNS to kube-dns for every pod, and nothing else in kube-system', () => {
      const kubeDns = { namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' } };
      for (const role of roles) {
        for (const pod of podsOf(r, role)) {
          expect(allowed(r.policies, pod, kubeDns, 53, 'UDP')).toBe(true);
          expect(allowed(r.policies, pod, kubeDns, 53, 'TCP')).toBe(true);
          expect(allowed(r.policies, pod, { namespace: 'kube-system', labels: { app: 'x' } }, 53, 'UDP')).toBe(false);
          expect(allowed(r.policies, pod, kubeDns, 443)).toBe(false);
        }
      }
    });

    it('between components, allows exactly the flows of the graph', () => {
      for (const from of roles) {
        for (const to of roles) {
          for (const port of ALL_PORTS) {
            const expected = hasFlow(flows, { role: from }, { role: to }, port);
            for (const src of podsOf(r, from)) {
              for (const dst of podsOf(r, to)) {
                expect(allowed(r.policies, src, dst, port), `${from} -> ${to}:${port}`).toBe(expected);
              }
            }
          }
        }
      }
    });

    it('from other namespaces, allows exactly the flows of the graph', () => {
      const namespaces = [r.env.monitoring.namespace, ...r.env.networkPolicies.queryNamespaces, 'default', 'team-x'];
      for (const ns of namespaces) {
        const client = { namespace: ns, labels: { app: 'client' } };
        for (const to of roles) {
          for (const port of ALL_PORTS) {
            const expected = hasFlow(flows, { namespace: ns }, { role: to }, port);
            for (const dst of podsOf(r, to)) {
              expect(allowed(r.policies, client, dst, port), `${ns} -> ${to}:${port}`).toBe(expected);
            }
          }
        }
      }
    });

    it('lets no component out to the internet but the bucket users on 443', () => {
      const s3 = { ip: '52.218.1.10' };
      for (const role of roles) {
        const bucket = hasFlow(flows, { role }, { cidr: '0.0.0.0/0' }, 443);
        for (const pod of podsOf(r, role)) {
          expect(allowed(r.policies, pod, s3, 443), role).toBe(bucket);
          expect(allowed(r.policies, pod, s3, 80), role).toBe(false);
        }
      }
    });
  });
}

describe('prod: the flows', () => {
  const r = renderExample('prod');
  const flows = flowGraph(r.env);
  const pod = (role: Role) => {
    const [first] = podsOf(r, role);
    if (!first) throw new Error(`no pod for ${role}`);
    return first;
  };
  const can = (from: Role | Endpoint, to: Role | Endpoint, port: number) =>
    allowed(r.policies, typeof from === 'string' ? pod(from) : from, typeof to === 'string' ? pod(to) : to, port);

  it('has the edges the components use', () => {
    const expected: [Role, Role, number][] = [
      ['query', 'receive-ingestor', 10901],
      ['query', 'store', 10901],
      ['query-frontend', 'query', 10902],
      ['query-frontend', 'memcached-results', 11211],
      ['store', 'memcached-index', 11211],
      ['receive-router', 'receive-ingestor', 10901],
      ['rule', 'query', 10902],
      ['rule', 'receive-router', 19291],
      // The stateless ruler is no StoreAPI, but Query reads its Rules API (rules and alerts) over gRPC.
      ['query', 'rule', 10901],
    ];
    for (const [from, to, port] of expected) {
      expect(hasFlow(flows, { role: from }, { role: to }, port), `${from} -> ${to}:${port}`).toBe(true);
      expect(can(from, to, port), `${from} -> ${to}:${port}`).toBe(true);
    }
  });

  it('denies what no component needs', () => {
    expect(can('compact', 'receive-ingestor', PORTS.grpc)).toBe(false);
    expect(can('store', 'receive-router', PORTS.remoteWrite)).toBe(false);
    expect(can('query', 'receive-router', PORTS.remoteWrite)).toBe(false);
    expect(can('receive-ingestor', 'receive-ingestor', PORTS.grpc)).toBe(false);
    expect(can('bucket-web', 'store', PORTS.grpc)).toBe(false);
    expect(can('query-frontend', 'memcached-index', PORTS.memcached)).toBe(false);
    expect(can('store', 'memcached-results', PORTS.memcached)).toBe(false);
    expect(can('receive-router', { ip: '52.218.1.10' }, 443)).toBe(false);
    expect(can('query', { ip: '52.218.1.10' }, 443)).toBe(false);
    expect(can('rule', { ip: '52.218.1.10' }, 443)).toBe(false); // stateless: no bucket
  });

  it('fences the store gateway from every other namespace but scraping', () => {
    for (const ns of ['monitoring', 'default', 'kube-system', 'grafana']) {
      const other = { namespace: ns, labels: { app: 'prometheus' } };
      expect(can(other, 'store', PORTS.grpc), ns).toBe(false);
      expect(can(other, 'store', PORTS.http), ns).toBe(ns === 'monitoring');
    }
  });

  it('takes remote-write from monitoring and the listed CIDRs only', () => {
    expect(can({ namespace: 'monitoring', labels: { app: 'prometheus' } }, 'receive-router', 19291)).toBe(true);
    expect(can({ ip: '203.0.113.9' }, 'receive-router', 19291)).toBe(true);
    expect(can({ ip: '198.51.100.9' }, 'receive-router', 19291)).toBe(false);
    expect(can({ namespace: 'default', labels: {} }, 'receive-router', 19291)).toBe(false);
    expect(can({ ip: '203.0.113.9' }, 'receive-ingestor', 19291)).toBe(false);
  });

  it('lets the ruler reach the Alertmanagers in monitoring on their port only', () => {
    const alertmanager = { namespace: 'monitoring', labels: { app: 'alertmanager' } };
    expect(can('rule', alertmanager, 9093)).toBe(true);
    expect(can('rule', alertmanager, 9094)).toBe(false);
    expect(can('rule', { namespace: 'default', labels: {} }, 9093)).toBe(false);
    expect(can('query', alertmanager, 9093)).toBe(false);
  });

  it('scrapes memcached on its exporter port, not on memcached itself', () => {
    const prometheus = { namespace: 'monitoring', labels: { app: 'prometheus' } };
    expect(can(prometheus, 'memcached-index', MEMCACHED_EXPORTER_PORT)).toBe(true);
    expect(can(prometheus, 'memcached-index', PORTS.memcached)).toBe(false);
    expect(can(prometheus, 'query-frontend', PORTS.queryFrontendHttp)).toBe(true);
  });
});

describe('prod: the policies select the rendered pods', () => {
  const r = renderExample('prod');
  const rolePolicies = r.policies.filter((p) => p.metadata.name !== 'default-deny' && p.metadata.name !== 'allow-dns');
  const templates = r.objects
    .filter((o) => WORKLOAD_KINDS.has(o.kind))
    .map((o) => ({ name: o.metadata.name as string, labels: o.spec.template.metadata.labels as Labels }));

  it('selects every rendered pod template with exactly one role policy (never only the default deny)', () => {
    expect(templates.length).toBeGreaterThan(0);
    for (const t of templates) {
      const selecting = rolePolicies.filter((p) => selects(p.spec.podSelector, t.labels)).map((p) => p.metadata.name);
      expect(selecting, t.name).toHaveLength(1);
    }
  });

  for (const role of enabledRoles(r.env)) {
    const expectedNames = workloadNames(r.env, role);
    const landed = expectedNames.some((n) => renderedWorkload(r, n));
    it.skipIf(!landed)(`${role}: ${expectedNames.join(', ')} run pods selected by ${policyName(role)}`, () => {
      for (const name of expectedNames) {
        const workload = renderedWorkload(r, name);
        expect(workload, `${name} is not rendered`).toBeDefined();
        const labels = workload?.spec.template.metadata.labels as Labels;
        const selecting = rolePolicies.filter((p) => selects(p.spec.podSelector, labels)).map((p) => p.metadata.name);
        expect(selecting, name).toEqual([policyName(role)]);
        expect(selects({ matchLabels: { ...ROLE_SELECTORS[role] } }, labels)).toBe(true);
      }
    });
  }
});

describe('options', () => {
  it('renders no policy when disabled', () => {
    const r = renderYaml('networkPolicies: { enabled: false }\n');
    expect(r.policies).toEqual([]);
    expect(r.manifests.some((m) => m.component === 'network-policies')).toBe(false);
  });

  it('lets queryNamespaces reach the query frontend, or Query when there is no frontend', () => {
    const grafana = { namespace: 'grafana', labels: { app: 'grafana' } };
    const withFrontend = renderYaml('networkPolicies: { queryNamespaces: [grafana] }\n');
    expect(allowed(withFrontend.policies, grafana, podsOf(withFrontend, 'query-frontend')[0]!, 9090)).toBe(true);
    expect(allowed(withFrontend.policies, grafana, podsOf(withFrontend, 'query')[0]!, 10902)).toBe(false);
    const without = renderYaml('networkPolicies: { queryNamespaces: [grafana] }\nqueryFrontend: { enabled: false }\n');
    expect(allowed(without.policies, grafana, podsOf(without, 'query')[0]!, 10902)).toBe(true);
    expect(without.policies.some((p) => p.metadata.name === 'thanos-query-frontend')).toBe(false);
  });

  it('defaults queryNamespaces to monitoring', () => {
    const r = renderYaml('');
    expect(r.env.networkPolicies.queryNamespaces).toEqual(['monitoring']);
  });

  it('takes remote-write from the listed namespaces', () => {
    const r = renderYaml('networkPolicies: { remoteWriteNamespaces: [apps] }\n');
    const router = podsOf(r, 'receive-router')[0]!;
    expect(allowed(r.policies, { namespace: 'apps', labels: {} }, router, 19291)).toBe(true);
    expect(allowed(r.policies, { namespace: 'apps', labels: {} }, router, 10902)).toBe(false);
  });

  it('narrows object storage to the listed CIDRs', () => {
    const r = renderYaml('networkPolicies: { objectStorageCIDRs: [10.20.0.0/16] }\n');
    const store = podsOf(r, 'store')[0]!;
    expect(allowed(r.policies, store, { ip: '10.20.3.4' }, 443)).toBe(true);
    expect(allowed(r.policies, store, { ip: '52.218.1.10' }, 443)).toBe(false);
  });

  it('gives a stateful ruler the bucket and query the ruler StoreAPI, and no remote-write', () => {
    const r = renderYaml('ruler: { enabled: true, mode: stateful }\n');
    const flows = flowGraph(r.env);
    expect(hasFlow(flows, { role: 'query' }, { role: 'rule' }, PORTS.grpc)).toBe(true);
    expect(hasFlow(flows, { role: 'rule' }, { cidr: '0.0.0.0/0' }, 443)).toBe(true);
    expect(hasFlow(flows, { role: 'rule' }, { role: 'receive-router' }, PORTS.remoteWrite)).toBe(false);
  });

  it("allows Cap'n Proto replication only when the receive pods are switched to it", () => {
    const router: Peer = { role: 'receive-router' };
    const ingestor: Peer = { role: 'receive-ingestor' };
    expect(hasFlow(flowGraph(renderYaml('').env), router, ingestor, PORTS.capnp)).toBe(false);
    const capnp = render("receive: { router: { extraArgs: ['--receive.replication-protocol=capnproto'] } }\n");
    expect(hasFlow(flowGraph(capnp.env), router, ingestor, PORTS.capnp)).toBe(true);
  });

  it('lets Query reach every endpoint of its endpoint file on gRPC', () => {
    const rulers = ['stateful', 'stateless'].map((mode) => renderYaml(`ruler: { enabled: true, mode: ${mode} }\n`));
    for (const r of [renderExample('prod'), ...rulers]) {
      const [query] = podsOf(r, 'query');
      const services = queryEndpointServices(r.env);
      expect(services.length).toBeGreaterThan(0);
      for (const svc of services) {
        const workload = renderedWorkload(r, svc);
        expect(workload, svc).toBeDefined();
        const pod = { namespace: r.env.namespace, labels: workload?.spec.template.metadata.labels as Labels };
        expect(allowed(r.policies, query!, pod, PORTS.grpc), svc).toBe(true);
      }
    }
  });

  it('has no receive flows without receive', () => {
    const r = renderYaml('receive: { enabled: false }\n');
    const flows = flowGraph(r.env);
    const touchesReceive = (p: Peer) => 'role' in p && p.role.startsWith('receive');
    expect(flows.filter((f) => touchesReceive(f.from) || touchesReceive(f.to))).toEqual([]);
    expect(r.policies.map((p) => p.metadata.name)).not.toContain('thanos-receive-router');
  });
});

describe('alertmanagerPeers', () => {
  const env = render('').env;
  const peers = (urls: string[]) => alertmanagerPeers({ ...env, ruler: { ...env.ruler, alertmanagers: urls } });
  it('reads namespace and port from in-cluster URLs', () => {
    expect(
      peers([
        'http://alertmanager-operated.monitoring.svc:9093',
        'http://am.observability.svc.cluster.local:9095/prefix',
        'http://am.alerts:9093',
        'dnssrv+http://_web._tcp.alertmanager-operated.monitoring.svc',
        'http://alertmanager:9093',
      ]),
    ).toEqual([
      { peer: { namespace: 'monitoring' }, port: 9093 },
      { peer: { namespace: 'observability' }, port: 9095 },
      { peer: { namespace: 'alerts' }, port: 9093 },
      { peer: { namespace: 'monitoring' }, port: 9093 },
      { peer: { namespace: 'thanos' }, port: 9093 },
    ]);
  });
  it('treats other hosts as outside the cluster', () => {
    expect(peers(['https://alertmanager.example.com', 'http://10.1.2.3:9093'])).toEqual([
      { peer: { cidr: '0.0.0.0/0' }, port: 443 },
      { peer: { cidr: '10.1.2.3/32' }, port: 9093 },
    ]);
  });
});

describe('object-storage egress follows the store and the cloud identity', () => {
  /** Renders an environment with its own objectStorage and identity (YAML flow mappings). */
  function renderStorage(storage: string, identity = ''): Rendered {
    const text = `name: test\ncluster: { name: c }\nobjectStorage: ${storage}\n${identity ? `identity: ${identity}\n` : ''}`;
    const [loaded] = loadEnvironments([{ path: 'environments/test.yaml', text }]);
    if (!loaded) throw new Error('no environment');
    const manifests = renderComponents({
      env: loaded.env,
      file: 'environments/test.yaml',
      ...STAND_IN,
      report: () => {},
    });
    return fromObjects(loaded.env, manifests);
  }
  const MINIO = (endpoint: string, extra = '') =>
    `{ provider: s3, bucket: thanos, region: us-east-1, endpoint: "${endpoint}", credentialsSecret: { name: creds }${extra} }`;

  it('reaches an in-cluster MinIO on its port in its namespace, and nothing else on the way', () => {
    const r = renderStorage(MINIO('minio.minio.svc.cluster.local:9000', ', insecure: true'));
    const minio = { namespace: 'minio', labels: { app: 'minio' } };
    for (const role of ['store', 'compact', 'receive-ingestor'] as const) {
      const pod = podsOf(r, role)[0]!;
      expect(allowed(r.policies, pod, minio, 9000), role).toBe(true);
      expect(allowed(r.policies, pod, minio, 443), role).toBe(false);
      expect(allowed(r.policies, pod, { ip: '52.218.1.10' }, 443), role).toBe(false);
    }
    expect(allowed(r.policies, podsOf(r, 'query')[0]!, minio, 9000)).toBe(false);
  });

  it('reaches a MinIO by address on its port, or on 80 when insecure without a port', () => {
    const byIp = renderStorage(MINIO('10.1.2.3:9000'));
    const store = podsOf(byIp, 'store')[0]!;
    expect(allowed(byIp.policies, store, { ip: '10.1.2.3' }, 9000)).toBe(true);
    expect(allowed(byIp.policies, store, { ip: '10.1.2.4' }, 9000)).toBe(false);
    const plain = renderStorage(MINIO('minio.example.com', ', insecure: true'));
    expect(allowed(plain.policies, podsOf(plain, 'store')[0]!, { ip: '198.51.100.7' }, 80)).toBe(true);
    expect(allowed(plain.policies, podsOf(plain, 'store')[0]!, { ip: '198.51.100.7' }, 443)).toBe(false);
  });

  it('lets the pods reach the EKS Pod Identity Agent with Pod Identity only', () => {
    const aws = '{ provider: s3, bucket: thanos-b, region: eu-west-1 }';
    const pod = renderStorage(aws, '{ aws: { accountId: "123456789012", mode: podIdentity } }');
    const irsa = renderStorage(aws, '{ aws: { accountId: "123456789012", oidcProvider: oidc.example.com/id/X } }');
    const agent = { ip: '169.254.170.23' };
    expect(allowed(pod.policies, podsOf(pod, 'compact')[0]!, agent, 80)).toBe(true);
    expect(allowed(pod.policies, podsOf(pod, 'query')[0]!, agent, 80)).toBe(false);
    expect(allowed(irsa.policies, podsOf(irsa, 'compact')[0]!, agent, 80)).toBe(false);
  });

  it('lets the pods that touch a GCS bucket reach the GKE metadata server', () => {
    const r = renderStorage('{ provider: gcs, bucket: thanos-b }', '{ gcp: { projectId: acme-obs-1 } }');
    expect(allowed(r.policies, podsOf(r, 'store')[0]!, { ip: '169.254.169.254' }, 80)).toBe(true);
    expect(allowed(r.policies, podsOf(r, 'store')[0]!, { ip: '142.250.1.1' }, 443)).toBe(true);
    expect(allowed(r.policies, podsOf(r, 'query')[0]!, { ip: '169.254.169.254' }, 80)).toBe(false);
  });
});
