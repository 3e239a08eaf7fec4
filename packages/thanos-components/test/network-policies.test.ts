/**
 * NetworkPolicies, checked with the NetworkPolicy evaluator of `support/` against the rendered pod templates of
 * every component (a component whose workloads are not rendered fails the test), on this file's own fixtures.
 */
import type { ComponentKind } from '@thanos-gitops/catalog';
import { type Manifest, objectProblems } from '@thanos-gitops/manifests';
import { componentRecord, enabledComponents, MEMCACHED_EXPORTER_PORT, PORTS } from '@thanos-gitops/model';
import type { Environment } from '@thanos-gitops/schema';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { queryEndpointServices } from '../src/index.js';
import { alertmanagerPeers, extraEndpointPeers, type Flow, flowGraph, type Peer } from '../src/network-policies.js';
import {
  allowed,
  type Endpoint,
  ipNumber,
  type Labels,
  type Policy,
  selects,
} from './support/network-policy-evaluator.js';
import { render, renderText } from './support/render.js';

// ---------------------------------------------------------------------------------------------------------------
// The evaluator.

// ---------------------------------------------------------------------------------------------------------------
// Rendering and pods.

interface Rendered {
  env: Environment;
  manifests: Manifest[];
  objects: Record<string, any>[];
  policies: Policy[];
}

/** Environments exercising every component and every kind of flow (this file's own, not the shipped examples). */
const FIXTURES: Record<string, string> = {
  defaults: '',
  'everything, stateless ruler': `networkPolicies:
  remoteWriteCIDRs: [203.0.113.0/24]
receive:
  hashrings:
    - { name: tenants-a, tenants: [team-a, team-b] }
    - { name: default }
queryFrontend: { cache: { type: memcached } }
storeGateway:
  shards: 2
  partitions: [{ minTime: -90d }, { maxTime: -89d }]
  indexCache: { type: memcached }
  bucketCache: { enabled: true }
ruler:
  enabled: true
  mode: stateless
  alertmanagers: [http://alertmanager-operated.monitoring.svc:9093]
bucketWeb: { enabled: true }
`,
  'ingestors split by zone': `receive:
  replicationFactor: 3
  zones: [eu-west-1a, eu-west-1b, eu-west-1c]
  hashrings:
    - { name: tenants-a, tenants: [team-a], replicas: 3 }
    - { name: default, replicas: 6 }
ruler: { enabled: true }
`,
  'stateful ruler, sharded compactor, no frontend': `queryFrontend: { enabled: false }
compactor: { sharding: { shards: 2, label: tenant_id } }
ruler: { enabled: true, mode: stateful }
networkPolicies: { queryNamespaces: [grafana, monitoring] }
`,
};
const EVERYTHING = FIXTURES['everything, stateless ruler'] ?? '';

function renderYaml(extra: string): Rendered {
  const r = render(extra);
  expect(r.problems).toEqual([]);
  const policies = r.objects.filter((o) => o.kind === 'NetworkPolicy') as unknown as Policy[];
  return { env: r.env, manifests: r.manifests, objects: r.objects, policies };
}

const WORKLOAD_KINDS = new Set(['Deployment', 'StatefulSet']);

function renderedWorkload(r: Rendered, name: string): Record<string, any> | undefined {
  return r.objects.find((o) => WORKLOAD_KINDS.has(o.kind) && o.metadata?.name === name);
}

/** The pods of a component: its rendered pod templates. Fails when a workload of its record is not rendered. */
function podsOf(r: Rendered, kind: ComponentKind): Endpoint[] {
  const names = componentRecord(kind).workloads(r.env);
  if (names.length === 0) throw new Error(`${kind} has no workloads in this environment`);
  return names.map((name) => {
    const workload = renderedWorkload(r, name);
    if (!workload) throw new Error(`${kind}: workload ${name} is not rendered`);
    return { namespace: r.env.namespace, labels: workload.spec.template.metadata.labels as Labels };
  });
}

/** A concrete endpoint for each flow end; a CIDR becomes one address inside it. */
function endpointsOf(r: Rendered, peer: Peer): Endpoint[] {
  if ('component' in peer) return podsOf(r, peer.component);
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

for (const [fixture, yaml] of Object.entries(FIXTURES)) {
  describe(`${fixture}: every flow of the graph is allowed, nothing else`, () => {
    /** Rendered in each test (per-test coverage for StrykerJS, see docs/mutation.md). */
    const setup = () => {
      const r = renderYaml(yaml);
      return { r, flows: flowGraph(r.env), roles: enabledComponents(r.env).map((c) => c.kind) };
    };
    const policyName = (kind: ComponentKind) => componentRecord(kind).policy;

    it('renders default-deny, allow-dns and one valid policy per role', () => {
      const { r, roles } = setup();
      const policyFor = (kind: ComponentKind) => r.policies.find((p) => p.metadata.name === policyName(kind));
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
      const { r, flows } = setup();
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
      const { r, roles } = setup();
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
      const { r, flows, roles } = setup();
      for (const from of roles) {
        for (const to of roles) {
          for (const port of ALL_PORTS) {
            const expected = hasFlow(flows, { component: from }, { component: to }, port);
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
      const { r, flows, roles } = setup();
      const namespaces = [r.env.monitoring.namespace, ...r.env.networkPolicies.queryNamespaces, 'default', 'team-x'];
      for (const ns of namespaces) {
        const client = { namespace: ns, labels: { app: 'client' } };
        for (const to of roles) {
          for (const port of ALL_PORTS) {
            const expected = hasFlow(flows, { namespace: ns }, { component: to }, port);
            for (const dst of podsOf(r, to)) {
              expect(allowed(r.policies, client, dst, port), `${ns} -> ${to}:${port}`).toBe(expected);
            }
          }
        }
      }
    });

    it('lets no component out to the internet but the bucket users on 443', () => {
      const { r, flows, roles } = setup();
      const s3 = { ip: '52.218.1.10' };
      for (const role of roles) {
        const bucket = hasFlow(flows, { component: role }, { cidr: '0.0.0.0/0' }, 443);
        for (const pod of podsOf(r, role)) {
          expect(allowed(r.policies, pod, s3, 443), role).toBe(bucket);
          expect(allowed(r.policies, pod, s3, 80), role).toBe(false);
        }
      }
    });
  });
}

describe('everything: the flows', () => {
  /** Rendered in each test (per-test coverage for StrykerJS). */
  const setup = () => {
    const r = renderYaml(EVERYTHING);
    const pod = (role: ComponentKind) => {
      const [first] = podsOf(r, role);
      if (!first) throw new Error(`no pod for ${role}`);
      return first;
    };
    const can = (from: ComponentKind | Endpoint, to: ComponentKind | Endpoint, port: number) =>
      allowed(r.policies, typeof from === 'string' ? pod(from) : from, typeof to === 'string' ? pod(to) : to, port);
    return { r, flows: flowGraph(r.env), can };
  };

  it('has the edges the components use', () => {
    const { flows, can } = setup();
    const expected: [ComponentKind, ComponentKind, number][] = [
      ['query', 'receive-ingestor', 10901],
      ['query', 'store-gateway', 10901],
      ['query-frontend', 'query', 10902],
      ['query-frontend', 'memcached-results', 11211],
      ['store-gateway', 'memcached-index', 11211],
      ['store-gateway', 'memcached-chunks', 11211],
      ['receive-router', 'receive-ingestor', 10901],
      ['ruler', 'query', 10902],
      ['ruler', 'receive-router', 19291],
      // The stateless ruler is no StoreAPI, but Query reads its Rules API (rules and alerts) over gRPC.
      ['query', 'ruler', 10901],
    ];
    for (const [from, to, port] of expected) {
      expect(hasFlow(flows, { component: from }, { component: to }, port), `${from} -> ${to}:${port}`).toBe(true);
      expect(can(from, to, port), `${from} -> ${to}:${port}`).toBe(true);
    }
  });

  it('denies what no component needs', () => {
    const { can } = setup();
    expect(can('compactor', 'receive-ingestor', PORTS.grpc)).toBe(false);
    expect(can('store-gateway', 'receive-router', PORTS.remoteWrite)).toBe(false);
    expect(can('query', 'receive-router', PORTS.remoteWrite)).toBe(false);
    expect(can('receive-ingestor', 'receive-ingestor', PORTS.grpc)).toBe(false);
    expect(can('bucket-web', 'store-gateway', PORTS.grpc)).toBe(false);
    expect(can('query-frontend', 'memcached-index', PORTS.memcached)).toBe(false);
    expect(can('store-gateway', 'memcached-results', PORTS.memcached)).toBe(false);
    expect(can('receive-router', { ip: '52.218.1.10' }, 443)).toBe(false);
    expect(can('query', { ip: '52.218.1.10' }, 443)).toBe(false);
    expect(can('ruler', { ip: '52.218.1.10' }, 443)).toBe(false); // stateless: no bucket
  });

  it('lets only the store gateways reach the chunk memcached, and the chunk memcached reach nothing', () => {
    const { r, can } = setup();
    const kinds = enabledComponents(r.env).map((c) => c.kind);
    expect(kinds).toContain('memcached-chunks');
    for (const from of kinds) {
      expect(can(from, 'memcached-chunks', PORTS.memcached), from).toBe(from === 'store-gateway');
      if (from !== 'memcached-chunks') expect(can('memcached-chunks', from, PORTS.memcached), from).toBe(false);
    }
    for (const ns of ['default', 'monitoring', 'grafana']) {
      expect(can({ namespace: ns, labels: { app: 'x' } }, 'memcached-chunks', PORTS.memcached), ns).toBe(false);
    }
    expect(can('memcached-chunks', { ip: '52.218.1.10' }, 443)).toBe(false);
  });

  it('fences the store gateway from every other namespace but scraping', () => {
    const { can } = setup();
    for (const ns of ['monitoring', 'default', 'kube-system', 'grafana']) {
      const other = { namespace: ns, labels: { app: 'prometheus' } };
      expect(can(other, 'store-gateway', PORTS.grpc), ns).toBe(false);
      expect(can(other, 'store-gateway', PORTS.http), ns).toBe(ns === 'monitoring');
    }
  });

  it('takes remote-write from monitoring and the listed CIDRs only', () => {
    const { can } = setup();
    expect(can({ namespace: 'monitoring', labels: { app: 'prometheus' } }, 'receive-router', 19291)).toBe(true);
    expect(can({ ip: '203.0.113.9' }, 'receive-router', 19291)).toBe(true);
    expect(can({ ip: '198.51.100.9' }, 'receive-router', 19291)).toBe(false);
    expect(can({ namespace: 'default', labels: {} }, 'receive-router', 19291)).toBe(false);
    expect(can({ ip: '203.0.113.9' }, 'receive-ingestor', 19291)).toBe(false);
  });

  it('lets the ruler reach the Alertmanagers in monitoring on their port only', () => {
    const { can } = setup();
    const alertmanager = { namespace: 'monitoring', labels: { app: 'alertmanager' } };
    expect(can('ruler', alertmanager, 9093)).toBe(true);
    expect(can('ruler', alertmanager, 9094)).toBe(false);
    expect(can('ruler', { namespace: 'default', labels: {} }, 9093)).toBe(false);
    expect(can('query', alertmanager, 9093)).toBe(false);
  });

  it('scrapes memcached on its exporter port, not on memcached itself', () => {
    const { can } = setup();
    const prometheus = { namespace: 'monitoring', labels: { app: 'prometheus' } };
    for (const cache of ['memcached-index', 'memcached-chunks', 'memcached-results'] as const) {
      expect(can(prometheus, cache, MEMCACHED_EXPORTER_PORT), cache).toBe(true);
      expect(can(prometheus, cache, PORTS.memcached), cache).toBe(false);
    }
    expect(can(prometheus, 'query-frontend', PORTS.queryFrontendHttp)).toBe(true);
  });
});

describe('everything: the policies select the rendered pods', () => {
  const rolePoliciesOf = (r: Rendered) =>
    r.policies.filter((p) => p.metadata.name !== 'default-deny' && p.metadata.name !== 'allow-dns');

  it('selects every rendered pod template with exactly one role policy (never only the default deny)', () => {
    const r = renderYaml(EVERYTHING);
    const rolePolicies = rolePoliciesOf(r);
    const templates = r.objects
      .filter((o) => WORKLOAD_KINDS.has(o.kind))
      .map((o) => ({ name: o.metadata.name as string, labels: o.spec.template.metadata.labels as Labels }));
    expect(templates.length).toBeGreaterThan(0);
    for (const t of templates) {
      const selecting = rolePolicies.filter((p) => selects(p.spec.podSelector, t.labels)).map((p) => p.metadata.name);
      expect(selecting, t.name).toHaveLength(1);
    }
  });

  it("runs each component's workloads in pods selected by its own policy only", () => {
    const r = renderYaml(EVERYTHING);
    const rolePolicies = rolePoliciesOf(r);
    for (const record of enabledComponents(r.env)) {
      const expectedNames = record.workloads(r.env);
      expect(expectedNames.length, record.kind).toBeGreaterThan(0);
      for (const name of expectedNames) {
        const workload = renderedWorkload(r, name);
        expect(workload, `${name} is not rendered`).toBeDefined();
        const labels = workload?.spec.template.metadata.labels as Labels;
        const selecting = rolePolicies.filter((p) => selects(p.spec.podSelector, labels)).map((p) => p.metadata.name);
        expect(selecting, name).toEqual([record.policy]);
        expect(selects({ matchLabels: { ...record.selector } }, labels)).toBe(true);
      }
    }
  });
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
    const store = podsOf(r, 'store-gateway')[0]!;
    expect(allowed(r.policies, store, { ip: '10.20.3.4' }, 443)).toBe(true);
    expect(allowed(r.policies, store, { ip: '52.218.1.10' }, 443)).toBe(false);
  });

  it('gives a stateful ruler the bucket and query the ruler StoreAPI, and no remote-write', () => {
    const r = renderYaml('ruler: { enabled: true, mode: stateful }\n');
    const flows = flowGraph(r.env);
    expect(hasFlow(flows, { component: 'query' }, { component: 'ruler' }, PORTS.grpc)).toBe(true);
    expect(hasFlow(flows, { component: 'ruler' }, { cidr: '0.0.0.0/0' }, 443)).toBe(true);
    expect(hasFlow(flows, { component: 'ruler' }, { component: 'receive-router' }, PORTS.remoteWrite)).toBe(false);
  });

  it("allows Cap'n Proto replication only when the receive pods are switched to it", () => {
    const router: Peer = { component: 'receive-router' };
    const ingestor: Peer = { component: 'receive-ingestor' };
    expect(hasFlow(flowGraph(renderYaml('').env), router, ingestor, PORTS.capnp)).toBe(false);
    const capnp = render("receive: { router: { extraArgs: ['--receive.replication-protocol=capnproto'] } }\n");
    expect(hasFlow(flowGraph(capnp.env), router, ingestor, PORTS.capnp)).toBe(true);
  });

  it('lets Query reach every endpoint of its endpoint file on gRPC', () => {
    const rulers = ['stateful', 'stateless'].map((mode) => renderYaml(`ruler: { enabled: true, mode: ${mode} }\n`));
    for (const r of [renderYaml(EVERYTHING), ...rulers]) {
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
    const touchesReceive = (p: Peer) => 'component' in p && p.component.startsWith('receive');
    expect(flows.filter((f) => touchesReceive(f.from) || touchesReceive(f.to))).toEqual([]);
    expect(r.policies.map((p) => p.metadata.name)).not.toContain('thanos-receive-router');
  });
});

describe('alertmanagerPeers', () => {
  const peers = (urls: string[]) => {
    const env = render('').env;
    return alertmanagerPeers({ ...env, ruler: { ...env.ruler, alertmanagers: urls } });
  };
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
    const r = renderText(text);
    return { ...r, policies: r.objects.filter((o) => o.kind === 'NetworkPolicy') as unknown as Policy[] };
  }
  const MINIO = (endpoint: string, extra = '') =>
    `{ provider: s3, bucket: thanos, region: us-east-1, endpoint: "${endpoint}", credentialsSecret: { name: creds }${extra} }`;

  it('reaches an in-cluster MinIO on its port in its namespace, and nothing else on the way', () => {
    const r = renderStorage(MINIO('minio.minio.svc.cluster.local:9000', ', insecure: true'));
    const minio = { namespace: 'minio', labels: { app: 'minio' } };
    for (const role of ['store-gateway', 'compactor', 'receive-ingestor'] as const) {
      const pod = podsOf(r, role)[0]!;
      expect(allowed(r.policies, pod, minio, 9000), role).toBe(true);
      expect(allowed(r.policies, pod, minio, 443), role).toBe(false);
      expect(allowed(r.policies, pod, { ip: '52.218.1.10' }, 443), role).toBe(false);
    }
    expect(allowed(r.policies, podsOf(r, 'query')[0]!, minio, 9000)).toBe(false);
  });

  it('reaches a MinIO by address on its port, or on 80 when insecure without a port', () => {
    const byIp = renderStorage(MINIO('10.1.2.3:9000'));
    const store = podsOf(byIp, 'store-gateway')[0]!;
    expect(allowed(byIp.policies, store, { ip: '10.1.2.3' }, 9000)).toBe(true);
    expect(allowed(byIp.policies, store, { ip: '10.1.2.4' }, 9000)).toBe(false);
    const plain = renderStorage(MINIO('minio.example.com', ', insecure: true'));
    expect(allowed(plain.policies, podsOf(plain, 'store-gateway')[0]!, { ip: '198.51.100.7' }, 80)).toBe(true);
    expect(allowed(plain.policies, podsOf(plain, 'store-gateway')[0]!, { ip: '198.51.100.7' }, 443)).toBe(false);
  });

  it('lets the pods reach the EKS Pod Identity Agent with Pod Identity only', () => {
    const aws = '{ provider: s3, bucket: thanos-b, region: eu-west-1 }';
    const pod = renderStorage(aws, '{ aws: { accountId: "123456789012", mode: podIdentity } }');
    const irsa = renderStorage(aws, '{ aws: { accountId: "123456789012", oidcProvider: oidc.example.com/id/X } }');
    const agent = { ip: '169.254.170.23' };
    expect(allowed(pod.policies, podsOf(pod, 'compactor')[0]!, agent, 80)).toBe(true);
    expect(allowed(pod.policies, podsOf(pod, 'query')[0]!, agent, 80)).toBe(false);
    expect(allowed(irsa.policies, podsOf(irsa, 'compactor')[0]!, agent, 80)).toBe(false);
  });

  it('lets the bucket users of GCS reach the ranges on 443 and both GKE metadata addresses, each once', () => {
    const r = renderStorage('{ provider: gcs, bucket: thanos-b }', '{ gcp: { projectId: acme-obs-1 } }');
    const fromStore = flowGraph(r.env)
      .filter((f) => f.traffic === 'object-storage' && JSON.stringify(f.from) === '{"component":"store-gateway"}')
      .map((f) => [f.to, f.port]);
    expect(fromStore).toEqual([
      [{ cidr: '0.0.0.0/0' }, 443],
      [{ cidr: '169.254.169.254/32' }, 80],
      [{ cidr: '169.254.169.252/32' }, 988],
    ]);
    expect(allowed(r.policies, podsOf(r, 'store-gateway')[0]!, { ip: '169.254.169.252' }, 988)).toBe(true);
    expect(allowed(r.policies, podsOf(r, 'store-gateway')[0]!, { ip: '169.254.169.252' }, 80)).toBe(false);
  });

  it('lets the bucket users of Azure reach objectStorageCIDRs on 443 only, and no metadata address', () => {
    const GUID = (n: number) => `${String(n).repeat(8)}-0000-0000-0000-000000000000`;
    const ids = `tenantId: ${GUID(1)}, subscriptionId: ${GUID(2)}, resourceGroup: rg, oidcIssuer: "https://oidc.example.com/x/"`;
    const r = renderText(`name: test
cluster: { name: c }
networkPolicies: { objectStorageCIDRs: [20.60.0.0/16, 20.60.0.0/16] }
objectStorage: { provider: azure, storageAccount: acme, container: thanos }
identity: { azure: { ${ids}, clientIds: { writer: ${GUID(3)}, reader: ${GUID(4)}, compactor: ${GUID(5)} } } }
`);
    const fromCompactor = flowGraph(r.env)
      .filter((f) => f.traffic === 'object-storage' && JSON.stringify(f.from) === '{"component":"compactor"}')
      .map((f) => [f.to, f.port]);
    expect(fromCompactor).toEqual([[{ cidr: '20.60.0.0/16' }, 443]]);
  });

  it('lets the pods that touch a GCS bucket reach the GKE metadata server', () => {
    const r = renderStorage('{ provider: gcs, bucket: thanos-b }', '{ gcp: { projectId: acme-obs-1 } }');
    expect(allowed(r.policies, podsOf(r, 'store-gateway')[0]!, { ip: '169.254.169.254' }, 80)).toBe(true);
    expect(allowed(r.policies, podsOf(r, 'store-gateway')[0]!, { ip: '142.250.1.1' }, 443)).toBe(true);
    expect(allowed(r.policies, podsOf(r, 'query')[0]!, { ip: '169.254.169.254' }, 80)).toBe(false);
  });
});

describe("Query's extra endpoints outside the namespace", () => {
  const EXTRA = `query:
  extraEndpoints:
    - thanos-sidecar.team-a.svc.cluster.local:10901
    - dnssrv+_grpc._tcp.thanos-sidecar.team-b.svc
    - 10.1.2.3:19090
    - dns+thanos.example.com:10905
`;

  it('are in the endpoint file and allowed by the NetworkPolicies, each on its port only', () => {
    const r = renderYaml(EXTRA);
    const file = parse(r.objects.find((o) => o.metadata?.name === 'thanos-query-endpoints')?.data['endpoints.yaml']);
    const addresses = file.endpoints.map((e: { address: string }) => e.address);
    for (const a of parse(EXTRA).query.extraEndpoints) expect(addresses).toContain(a);
    const [query] = podsOf(r, 'query');
    const sidecar = (ns: string) => ({ namespace: ns, labels: { app: 'thanos-sidecar' } });
    expect(allowed(r.policies, query!, sidecar('team-a'), 10901)).toBe(true);
    expect(allowed(r.policies, query!, sidecar('team-a'), 10902)).toBe(false);
    expect(allowed(r.policies, query!, sidecar('team-b'), 10901)).toBe(true);
    expect(allowed(r.policies, query!, sidecar('team-c'), 10901)).toBe(false);
    expect(allowed(r.policies, query!, { ip: '10.1.2.3' }, 19090)).toBe(true);
    expect(allowed(r.policies, query!, { ip: '10.1.2.4' }, 19090)).toBe(false);
    expect(allowed(r.policies, query!, { ip: '203.0.113.7' }, 10905)).toBe(true);
    // Without the option, nothing outside the namespace is reachable.
    const plain = renderYaml('');
    const [q] = podsOf(plain, 'query');
    expect(allowed(plain.policies, q!, sidecar('team-a'), 10901)).toBe(false);
  });

  it('refuses --endpoint in extraArgs while NetworkPolicies are on, pointing at extraEndpoints', () => {
    const args = "query: { extraArgs: ['--endpoint=thanos-sidecar.team-a.svc:10901'] }\n";
    const r = render(args, { expectProblems: true });
    expect(r.problems).toEqual([
      { path: ['query', 'extraArgs', 0], message: expect.stringContaining('query.extraEndpoints') },
    ]);
    expect(render(`${args}networkPolicies: { enabled: false }\n`).problems).toEqual([]);
  });
});

describe('NetworkPolicies: the edges of the graph not covered above', () => {
  const MTLS_RW = (exposure: string) => `remoteWrite:
  hostname: rw.example.com
  mtls: { enabled: true, issuer: { kind: bootstrap } }
  exposure: ${exposure}
  writers: [{ name: alpha, tenant: default-tenant, cluster: alpha-eu }]
`;

  it('lets the NLB health checks and the writers reach the routers on remote-write only', () => {
    const r = renderYaml(
      `networkPolicies: { remoteWriteCIDRs: [203.0.113.0/24, 203.0.113.0/24] }\n${MTLS_RW(
        '{ type: loadBalancer, loadBalancer: { healthCheckCIDRs: [10.0.0.0/16] } }',
      )}`,
    );
    const router = podsOf(r, 'receive-router')[0]!;
    expect(allowed(r.policies, { ip: '10.0.3.4' }, router, 19291)).toBe(true);
    expect(allowed(r.policies, { ip: '10.0.3.4' }, router, 10902)).toBe(false);
    expect(allowed(r.policies, { ip: '203.0.113.9' }, router, 19291)).toBe(true);
    expect(allowed(r.policies, { ip: '10.1.0.1' }, router, 19291)).toBe(false);
    const policy = r.policies.find((p) => p.metadata.name === 'thanos-receive-router')!;
    const blocks = policy.spec.ingress!.flatMap((rule) => rule.from ?? []).filter((p) => p.ipBlock);
    expect(blocks.map((p) => p.ipBlock?.cidr)).toEqual(['203.0.113.0/24', '10.0.0.0/16']);
    const cidrs = flowGraph(r.env)
      .filter((f) => f.traffic === 'remote-write' && 'cidr' in f.from)
      .map((f) => (f.from as { cidr: string }).cidr);
    expect(cidrs).toEqual(['203.0.113.0/24', '10.0.0.0/16']);
  });

  it('follows the exposure type, not a block of the other type left over', () => {
    const remoteWriteFrom = (exposure: string) =>
      flowGraph(renderYaml(`networkPolicies: { remoteWriteCIDRs: [203.0.113.0/24] }\n${MTLS_RW(exposure)}`).env)
        .filter((f) => f.traffic === 'remote-write' && !('component' in f.from))
        .map((f) => f.from);
    expect(
      remoteWriteFrom(
        '{ type: gateway, gateway: { name: edge, namespace: gw }, loadBalancer: { healthCheckCIDRs: [10.0.0.0/16] } }',
      ),
    ).toEqual([
      { namespace: 'monitoring' },
      { cidr: '203.0.113.0/24' },
      { namespace: 'gw' },
      { namespace: 'envoy-gateway-system' },
    ]);
    expect(
      remoteWriteFrom(
        '{ type: loadBalancer, loadBalancer: { healthCheckCIDRs: [10.0.0.0/16] }, gateway: { name: edge, namespace: gw } }',
      ),
    ).toEqual([{ namespace: 'monitoring' }, { cidr: '203.0.113.0/24' }, { cidr: '10.0.0.0/16' }]);
  });

  it("lets a Gateway's namespace and its proxies' namespaces reach the routers, each once", () => {
    const r = renderYaml(
      MTLS_RW('{ type: gateway, gateway: { name: edge, namespace: gw, proxyNamespaces: [gw, envoy] } }'),
    );
    const router = podsOf(r, 'receive-router')[0]!;
    for (const ns of ['gw', 'envoy']) {
      expect(allowed(r.policies, { namespace: ns, labels: { app: 'proxy' } }, router, 19291), ns).toBe(true);
    }
    expect(allowed(r.policies, { namespace: 'other', labels: { app: 'proxy' } }, router, 19291)).toBe(false);
    const flows = flowGraph(r.env).filter((f) => f.traffic === 'remote-write' && 'namespace' in f.from);
    expect(flows.map((f) => (f.from as { namespace: string }).namespace)).toEqual(['monitoring', 'gw', 'envoy']);
  });

  it('takes remote-write from each listed namespace once, monitoring included', () => {
    const r = renderYaml('networkPolicies: { remoteWriteNamespaces: [monitoring, apps, apps] }\n');
    const sources = flowGraph(r.env)
      .filter((f) => f.traffic === 'remote-write' && 'namespace' in f.from)
      .map((f) => (f.from as { namespace: string }).namespace);
    expect(sources).toEqual(['monitoring', 'apps']);
  });

  it('lets only the rollout-operator reach the API server CIDRs, on 443 and 6443', () => {
    const r = renderYaml(`networkPolicies: { apiServerCIDRs: [172.20.0.0/16] }
receive:
  replicationFactor: 3
  zones: [eu-west-1a, eu-west-1b, eu-west-1c]
  hashrings: [{ name: default, replicas: 3 }]
`);
    const operator = podsOf(r, 'rollout-operator')[0]!;
    const api = { ip: '172.20.0.1' };
    expect(allowed(r.policies, operator, api, 443)).toBe(true);
    expect(allowed(r.policies, operator, api, 6443)).toBe(true);
    expect(allowed(r.policies, operator, api, 8443)).toBe(false);
    expect(allowed(r.policies, operator, { ip: '52.218.1.10' }, 443)).toBe(false);
    expect(allowed(r.policies, podsOf(r, 'query')[0]!, api, 6443)).toBe(false);
  });

  it("replicates with Cap'n Proto when receive.replicationProtocol or a hashring's extraArgs choose it", () => {
    const router: Peer = { component: 'receive-router' };
    const ingestor: Peer = { component: 'receive-ingestor' };
    const chosen = renderYaml('receive: { replicationProtocol: capnproto }\n');
    expect(hasFlow(flowGraph(chosen.env), router, ingestor, PORTS.capnp)).toBe(true);
    const hashring = render(
      "receive: { hashrings: [{ name: default, extraArgs: ['--receive.replication-protocol=capnproto'] }] }\n",
    );
    expect(hasFlow(flowGraph(hashring.env), router, ingestor, PORTS.capnp)).toBe(true);
    const other = render("receive: { router: { extraArgs: ['--receive.replication-protocol=protobuf'] } }\n");
    expect(hasFlow(flowGraph(other.env), router, ingestor, PORTS.capnp)).toBe(false);
  });

  it('sends traces from every Thanos pod to the OTLP receiver, on its port only, and none from memcached', () => {
    const r = renderYaml(`queryFrontend: { cache: { type: memcached } }
tracing: { endpoint: Otel.Observability.svc.:4317 }
`);
    const collector = { namespace: 'observability', labels: { app: 'otel' } };
    for (const role of ['query', 'query-frontend', 'store-gateway', 'compactor', 'receive-router'] as const) {
      expect(allowed(r.policies, podsOf(r, role)[0]!, collector, 4317), role).toBe(true);
      expect(allowed(r.policies, podsOf(r, role)[0]!, collector, 4318), role).toBe(false);
    }
    expect(allowed(r.policies, podsOf(r, 'memcached-results')[0]!, collector, 4317)).toBe(false);
    const byIp = renderYaml('tracing: { endpoint: 10.9.8.7:4318, protocol: http }\n');
    expect(allowed(byIp.policies, podsOf(byIp, 'query')[0]!, { ip: '10.9.8.7' }, 4318)).toBe(true);
    expect(allowed(byIp.policies, podsOf(byIp, 'query')[0]!, { ip: '10.9.8.6' }, 4318)).toBe(false);
  });

  it('lists each port once per peer, and labels every policy as the network-policy component', () => {
    // Monitoring both scrapes the frontend and queries it on 9090: one port in the rule.
    const r = renderYaml('');
    expect(r.policies.length).toBeGreaterThan(2);
    for (const p of r.policies) {
      for (const rule of [...(p.spec.ingress ?? []), ...(p.spec.egress ?? [])]) {
        const ports = (rule.ports ?? []).map((x) => `${x.protocol}/${x.port}`);
        expect(new Set(ports).size, `${p.metadata.name}: ${ports}`).toBe(ports.length);
      }
      const labels = (p.metadata as { labels?: Record<string, string> }).labels ?? {};
      expect(labels['app.kubernetes.io/component'], p.metadata.name).toBe('network-policy');
      expect(labels['app.kubernetes.io/instance']).toBe('thanos-test');
      expect(labels['app.kubernetes.io/name']).toBe('thanos');
      expect(labels['app.kubernetes.io/version']).toBe(r.env.thanos.version);
    }
    const frontend = r.policies.find((p) => p.metadata.name === 'thanos-query-frontend')!;
    const fromMonitoring = frontend.spec.ingress!.filter((rule) => JSON.stringify(rule.from).includes('"monitoring"'));
    expect(fromMonitoring.map((rule) => rule.ports)).toEqual([[{ protocol: 'TCP', port: 9090 }]]);
  });

  it('allows DNS on UDP and TCP 53 to kube-dns only, for every pod', () => {
    const dns = renderYaml('').policies.find((p) => p.metadata.name === 'allow-dns')!;
    expect(dns.spec).toEqual({
      podSelector: {},
      policyTypes: ['Egress'],
      egress: [
        {
          to: [
            {
              namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } },
              podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
            },
          ],
          ports: [
            { protocol: 'UDP', port: 53 },
            { protocol: 'TCP', port: 53 },
          ],
        },
      ],
    });
  });
});

describe('object storage: a self-managed S3 by host name', () => {
  const storage = (endpoint: string, extra = '', nets = '') =>
    renderText(
      `name: test\ncluster: { name: c }\n${nets}objectStorage: { provider: s3, bucket: thanos, region: us-east-1, endpoint: "${endpoint}", credentialsSecret: { name: creds }${extra} }\n`,
    );
  const policiesOf = (r: ReturnType<typeof renderText>) =>
    r.objects.filter((o) => o.kind === 'NetworkPolicy') as unknown as Policy[];

  it('reaches it on 443 unless insecure, on its explicit port, and through objectStorageCIDRs', () => {
    const tls = storage('minio.example.com');
    const store = (r: ReturnType<typeof renderText>) => {
      const w = r.objects.find((o) => o.kind === 'StatefulSet' && o.metadata.name.startsWith('thanos-store'))!;
      return { namespace: r.env.namespace, labels: w.spec.template.metadata.labels as Labels };
    };
    expect(allowed(policiesOf(tls), store(tls), { ip: '198.51.100.7' }, 443)).toBe(true);
    expect(allowed(policiesOf(tls), store(tls), { ip: '198.51.100.7' }, 80)).toBe(false);
    const narrowed = storage(
      'minio.example.com:9443',
      '',
      'networkPolicies: { objectStorageCIDRs: [198.51.100.0/24] }\n',
    );
    expect(allowed(policiesOf(narrowed), store(narrowed), { ip: '198.51.100.7' }, 9443)).toBe(true);
    expect(allowed(policiesOf(narrowed), store(narrowed), { ip: '192.0.2.7' }, 9443)).toBe(false);
    expect(allowed(policiesOf(narrowed), store(narrowed), { ip: '198.51.100.7' }, 443)).toBe(false);
  });

  it('reaches an AWS endpoint through objectStorageCIDRs on 443', () => {
    const aws = renderText(`name: test
cluster: { name: c }
networkPolicies: { objectStorageCIDRs: [52.216.0.0/15] }
objectStorage: { provider: s3, bucket: thanos, region: us-east-1, endpoint: s3.us-east-1.amazonaws.com }
`);
    const flows = flowGraph(aws.env).filter((f) => f.traffic === 'object-storage');
    expect(flows.length).toBeGreaterThan(0);
    expect(new Set(flows.map((f) => JSON.stringify([f.to, f.port])))).toEqual(
      new Set([JSON.stringify([{ cidr: '52.216.0.0/15' }, 443])]),
    );
  });

  it('reaches an AWS endpoint that names a port on that port, and STS on 443, through objectStorageCIDRs', () => {
    const flowsFor = (endpoint: string) => {
      const aws = renderText(`name: test
cluster: { name: c }
networkPolicies: { objectStorageCIDRs: [52.216.0.0/15, 52.216.0.0/15] }
objectStorage: { provider: s3, bucket: thanos, region: us-east-1, endpoint: "${endpoint}" }
`);
      return flowGraph(aws.env)
        .filter((f) => f.traffic === 'object-storage' && JSON.stringify(f.from) === '{"component":"store-gateway"}')
        .map((f) => [f.to, f.port]);
    };
    const ranges = { cidr: '52.216.0.0/15' };
    expect(flowsFor('s3.us-east-1.amazonaws.com:8443')).toEqual([
      [ranges, 443],
      [ranges, 8443],
    ]);
    expect(flowsFor('s3.us-east-1.amazonaws.com:443')).toEqual([[ranges, 443]]);
    expect(flowsFor('s3.us-east-1.amazonaws.com')).toEqual([[ranges, 443]]);
  });
});

describe('peers from addresses', () => {
  it('reads Alertmanager hosts case-insensitively, without a trailing dot, https on 443, dns+ on its port', () => {
    const env = render('').env;
    const peers = alertmanagerPeers({
      ...env,
      ruler: {
        ...env.ruler,
        alertmanagers: [
          'https://AM.Alerts.svc.:9443',
          'dns+https://am.alerts.svc',
          'dnssrv+https://_web._tcp.am.alerts.svc.cluster.local',
          'http://am.alerts.svc.other.local:9093',
        ],
      },
    });
    expect(peers).toEqual([
      { peer: { namespace: 'alerts' }, port: 9443 },
      { peer: { namespace: 'alerts' }, port: 443 },
      { peer: { namespace: 'alerts' }, port: 9093 },
      { peer: { cidr: '0.0.0.0/0' }, port: 9093 },
    ]);
  });

  it("reads Query's extra endpoints the same way, a dnssrv+ one on Thanos' gRPC port", () => {
    const env = render('').env;
    const peers = extraEndpointPeers({
      ...env,
      query: {
        ...env.query,
        extraEndpoints: [
          'dnssrv+_grpc._tcp.Sidecar.Team-B.svc.',
          'dns+sidecar.team-c:10905',
          'sidecar:10906',
          '192.0.2.1:10907',
        ],
      },
    });
    expect(peers).toEqual([
      { peer: { namespace: 'team-b' }, port: 10901 },
      { peer: { namespace: 'team-c' }, port: 10905 },
      { peer: { namespace: 'thanos' }, port: 10906 },
      { peer: { cidr: '192.0.2.1/32' }, port: 10907 },
    ]);
  });
});

describe('flows to the same peer and port, once', () => {
  it("adds one flow per peer and port for Query's extra endpoints and the ruler's Alertmanagers", () => {
    const r = renderYaml(`query:
  extraEndpoints: [sidecar.team-a.svc:10901, 'dns+sidecar.team-a.svc:10901']
ruler:
  enabled: true
  alertmanagers: [http://am.monitoring.svc:9093, http://am-2.monitoring.svc:9093]
`);
    const flows = flowGraph(r.env);
    expect(flows.filter((f) => f.traffic === 'grpc' && 'namespace' in f.to)).toEqual([
      { from: { component: 'query' }, to: { namespace: 'team-a' }, port: 10901, protocol: 'TCP', traffic: 'grpc' },
    ]);
    expect(flows.filter((f) => f.traffic === 'alertmanager')).toEqual([
      {
        from: { component: 'ruler' },
        to: { namespace: 'monitoring' },
        port: 9093,
        protocol: 'TCP',
        traffic: 'alertmanager',
      },
    ]);
  });
});

describe('hosts that look like addresses', () => {
  it('takes a whole IPv4 address as itself, http on 80, and a name around digits as outside the cluster', () => {
    const env = render('').env;
    const peers = alertmanagerPeers({
      ...env,
      ruler: {
        ...env.ruler,
        alertmanagers: [
          'http://10.10.20.30:9093',
          'http://am.alerts.svc',
          'http://10.1.2.3.nip.io:9093',
          'http://am-10.1.2.3:9093',
        ],
      },
    });
    expect(peers).toEqual([
      { peer: { cidr: '10.10.20.30/32' }, port: 9093 },
      { peer: { namespace: 'alerts' }, port: 80 },
      { peer: { cidr: '0.0.0.0/0' }, port: 9093 },
      { peer: { cidr: '0.0.0.0/0' }, port: 9093 },
    ]);
  });
});

describe('the graph and the policies, stated exactly', () => {
  it('names what travels on every flow, each edge by its kind', () => {
    const r = renderYaml(`receive:
  replicationProtocol: capnproto
  replicationFactor: 3
  zones: [eu-west-1a, eu-west-1b, eu-west-1c]
  hashrings: [{ name: default, replicas: 3 }]
storeGateway: { indexCache: { type: memcached } }
ruler: { enabled: true, mode: stateless, alertmanagers: [http://am.monitoring.svc:9093] }
tracing: { endpoint: otel.observability.svc:4317 }
`);
    const flows = flowGraph(r.env);
    const kinds = new Set(['grpc', 'http', 'remote-write', 'capnp-replication', 'memcached', 'metrics']);
    for (const k of ['object-storage', 'alertmanager', 'tracing', 'kubernetes-api']) kinds.add(k);
    for (const f of flows) expect(kinds.has(f.traffic), JSON.stringify(f)).toBe(true);
    const traffic = (from: Peer, to: Peer, port: number) =>
      flows.find((f) => JSON.stringify([f.from, f.to, f.port]) === JSON.stringify([from, to, port]))?.traffic;
    const c = (component: ComponentKind): Peer => ({ component });
    expect(traffic(c('query-frontend'), c('query'), PORTS.http)).toBe('http');
    expect(traffic(c('receive-router'), c('receive-ingestor'), PORTS.grpc)).toBe('grpc');
    expect(traffic(c('receive-router'), c('receive-ingestor'), PORTS.capnp)).toBe('capnp-replication');
    expect(traffic(c('ruler'), c('query'), PORTS.http)).toBe('http');
    expect(traffic(c('ruler'), c('receive-router'), PORTS.remoteWrite)).toBe('remote-write');
    expect(traffic(c('query'), c('store-gateway'), PORTS.grpc)).toBe('grpc');
    expect(traffic(c('store-gateway'), c('memcached-index'), PORTS.memcached)).toBe('memcached');
    expect(traffic({ namespace: 'monitoring' }, c('query-frontend'), PORTS.queryFrontendHttp)).toBe('http');
    expect(traffic(c('query'), { namespace: 'observability' }, 4317)).toBe('tracing');
    expect(traffic({ namespace: 'monitoring' }, c('store-gateway'), PORTS.http)).toBe('metrics');
    expect(flows.filter((f) => f.traffic === 'kubernetes-api').length).toBeGreaterThan(0);
    expect(flows.filter((f) => f.traffic === 'kubernetes-api' && 'component' in f.to)).toEqual([]);
  });

  it('has flows between running components only: no ruler, bucket web or cache flow when they are off', () => {
    const r = renderYaml('');
    const running = new Set(enabledComponents(r.env).map((c) => c.kind));
    expect(running.has('ruler')).toBe(false);
    const ends = flowGraph(r.env).flatMap((f) => [f.from, f.to]);
    const components = ends.filter((p): p is { component: ComponentKind } => 'component' in p);
    expect(components.length).toBeGreaterThan(0);
    for (const p of components) expect(running.has(p.component), p.component).toBe(true);
  });

  it('has no tracing flow without tracing', () => {
    const r = renderYaml('');
    expect(r.env.tracing).toBeUndefined();
    expect(flowGraph(r.env).filter((f) => f.traffic === 'tracing')).toEqual([]);
  });

  it('writes a namespace peer as a namespace selector alone, a CIDR as an ipBlock, a component by its selector', () => {
    const r = renderYaml(
      'ruler: { enabled: true, mode: stateless, alertmanagers: [http://am.monitoring.svc:9093, http://10.1.2.3:9094] }\n',
    );
    const ruler = r.policies.find((p) => p.metadata.name === componentRecord('ruler').policy)!;
    expect(ruler.spec.egress).toContainEqual({
      to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } }],
      ports: [{ protocol: 'TCP', port: 9093 }],
    });
    expect(ruler.spec.egress).toContainEqual({
      to: [{ ipBlock: { cidr: '10.1.2.3/32' } }],
      ports: [{ protocol: 'TCP', port: 9094 }],
    });
    expect(ruler.spec.egress).toContainEqual({
      to: [{ podSelector: { matchLabels: { ...componentRecord('query').selector } } }],
      ports: [{ protocol: 'TCP', port: PORTS.http }],
    });
    expect(ruler.spec.podSelector).toEqual({ matchLabels: { ...componentRecord('ruler').selector } });
  });

  it('adds one flow per API server range and port, and per query namespace, when a list repeats one', () => {
    const r = renderYaml(`networkPolicies:
  apiServerCIDRs: [172.20.0.0/16, 172.20.0.0/16]
  queryNamespaces: [grafana, grafana]
receive:
  replicationFactor: 3
  zones: [eu-west-1a, eu-west-1b, eu-west-1c]
  hashrings: [{ name: default, replicas: 3 }]
`);
    const flows = flowGraph(r.env);
    expect(flows.filter((f) => f.traffic === 'kubernetes-api').map((f) => [f.to, f.port])).toEqual([
      [{ cidr: '172.20.0.0/16' }, 443],
      [{ cidr: '172.20.0.0/16' }, 6443],
    ]);
    const fromGrafana = flows.filter((f) => JSON.stringify(f.from) === '{"namespace":"grafana"}');
    expect(fromGrafana.map((f) => [f.to, f.port])).toEqual([
      [{ component: 'query-frontend' }, PORTS.queryFrontendHttp],
    ]);
  });

  it('gives a stateless ruler remote-write to the routers, and a stateful one none', () => {
    const ruler: Peer = { component: 'ruler' };
    const router: Peer = { component: 'receive-router' };
    const stateless = flowGraph(renderYaml('ruler: { enabled: true, mode: stateless }\n').env);
    expect(hasFlow(stateless, ruler, router, PORTS.remoteWrite)).toBe(true);
    const stateful = flowGraph(renderYaml('ruler: { enabled: true, mode: stateful }\n').env);
    expect(hasFlow(stateful, ruler, router, PORTS.remoteWrite)).toBe(false);
    expect(stateful.filter((f) => f.traffic === 'remote-write' && 'component' in f.from)).toEqual([]);
  });
});
