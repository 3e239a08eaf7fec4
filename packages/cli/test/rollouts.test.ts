/**
 * Rollouts and draining, read from the rendered objects of this file's environments: what each workload kind
 * keeps ready while Kubernetes replaces its pods (the strategy numbers against the replicas), that the
 * PodDisruptionBudgets never block the node drains they guard, and how the routers leave the NLB or the Gateway
 * (readiness gate, deregistration delay, preStop sleep, grace period), in that order of time.
 */
import { describe, expect, it } from 'vitest';
import { renderEnvironments } from '../src/render.js';
import { type Plain, plainObjects } from './helpers.js';

const BASE = (name: string) => `name: ${name}
cluster: { name: c }
objectStorage: { provider: s3, bucket: acme-b, region: eu-west-1, prefix: ${name} }
`;

/** Every kind of workload the generator makes, with several replicas where the kind allows it. */
const FULL = `${BASE('full')}receive:
  replicationFactor: 3
  router: { replicas: 3 }
  hashrings: [{ name: default, replicas: 3 }]
query:
  replicas: 2
  autoscaling: { maxReplicas: 6 }
queryFrontend:
  replicas: 2
  cache: { type: memcached, memcached: { replicas: 2 } }
storeGateway:
  shards: 2
  replicasPerShard: 2
  partitions: [{ minTime: -90d }, { maxTime: -89d }]
  indexCache: { type: memcached, memcached: { replicas: 3 } }
  bucketCache: { enabled: true }
ruler:
  enabled: true
  mode: stateful
  replicas: 2
  alertmanagers: [dnssrv+http://_web._tcp.alertmanager-operated.monitoring.svc.cluster.local]
bucketWeb: { enabled: true, replicas: 2 }
`;

/** The defaults: one pod of everything. */
const SINGLE = `${BASE('single')}ruler:
  enabled: true
  alertmanagers: [dnssrv+http://_web._tcp.alertmanager-operated.monitoring.svc.cluster.local]
bucketWeb: { enabled: true }
`;

/** Remote-write with mTLS and one writer, in a cluster of its own per environment (a shared one is a copy). */
const MTLS = (env: string) => `  mtls:
    enabled: true
    issuer: { kind: bootstrap }
  writers: [{ name: alpha, tenant: default-tenant, cluster: alpha-${env} }]
`;

const NLB = (
  name: string,
  loadBalancer = '{}',
) => `${BASE(name)}networkPolicies: { remoteWriteCIDRs: [198.51.100.0/24] }
remoteWrite:
  hostname: rw.${name}.example.com
${MTLS(name)}  exposure: { type: loadBalancer, loadBalancer: ${loadBalancer} }
`;

const GATEWAY = (name: string, extra = '') => `${BASE(name)}remoteWrite:
  hostname: rw.${name}.example.com
${MTLS(name)}  exposure: { type: gateway, gateway: { name: edge, namespace: gateway-system${extra} } }
`;

const TEXTS = [
  FULL,
  SINGLE,
  NLB('nlb'),
  NLB('nlb-short', '{ deregistrationDelaySeconds: 10 }'),
  GATEWAY('gw'),
  GATEWAY('gw-slow', ', drainSeconds: 45'),
  `${BASE('plain')}remoteWrite:\n${MTLS('plain')}`,
];
const rendered = renderEnvironments(
  TEXTS.map((text) => ({ path: `environments/${/^name: (\S+)/.exec(text)?.[1]}.yaml`, text })),
);
const ENVS = rendered.map((r) => r.env);
const objectsOf = (env: string): Plain[] => {
  const r = rendered.find((x) => x.env === env);
  if (!r) throw new Error(env);
  return plainObjects(r);
};
const find = (objects: Plain[], kind: string, name: string): Plain => {
  const o = objects.find((x) => x.kind === kind && x.metadata.name === name);
  if (!o) throw new Error(`no ${kind}/${name}`);
  return o;
};
const workloads = (objects: Plain[], kind: 'Deployment' | 'StatefulSet') => objects.filter((o) => o.kind === kind);
const matches = (selector: Record<string, string>, labels: Record<string, string>) =>
  Object.entries(selector).every(([k, v]) => labels[k] === v);
const thanos = (w: Plain): Plain => w.spec.template.spec.containers.find((c: Plain) => c.name === 'thanos');
const seconds = (arg: string | undefined, fallback: number): number => {
  const m = arg ? /=(\d+)(s|m)$/.exec(arg) : null;
  return m ? Number(m[1]) * (m[2] === 'm' ? 60 : 1) : fallback;
};
const flag = (w: Plain, name: string): string | undefined =>
  thanos(w).args.find((a: string) => a.startsWith(`--${name}=`));

/** The pods a Deployment's RollingUpdate keeps Ready, at the least, while it replaces them. */
function deploymentLeastReady(d: Plain, replicas: number): number {
  const s = d.spec.strategy;
  expect(s.type, d.metadata.name).toBe('RollingUpdate');
  expect(Number.isInteger(s.rollingUpdate.maxUnavailable), 'an absolute number, not a percentage').toBe(true);
  // A rollout only progresses with room to surge when nothing may be unavailable.
  expect(s.rollingUpdate.maxSurge, d.metadata.name).toBeGreaterThanOrEqual(1);
  return replicas - s.rollingUpdate.maxUnavailable;
}

/** The same for a StatefulSet's RollingUpdate: one pod at a time unless `maxUnavailable` says more. */
function statefulSetLeastReady(s: Plain): number {
  const u = s.spec.updateStrategy ?? { type: 'RollingUpdate' };
  expect(u.type, s.metadata.name).toBe('RollingUpdate');
  expect(u.rollingUpdate?.partition ?? 0, 'no partition holding pods back').toBe(0);
  return s.spec.replicas - (u.rollingUpdate?.maxUnavailable ?? 1);
}

describe('rollouts keep what serves', () => {
  it('renders every environment of this file', () => {
    expect(ENVS).toEqual(['full', 'single', 'nlb', 'nlb-short', 'gw', 'gw-slow', 'plain']);
  });

  it('Deployments never drop below their replica count, with a fixed count or under an HPA', () => {
    let seen = 0;
    for (const env of ENVS) {
      const objects = objectsOf(env);
      for (const d of workloads(objects, 'Deployment')) {
        const hpa = objects.find(
          (o) => o.kind === 'HorizontalPodAutoscaler' && o.spec.scaleTargetRef.name === d.metadata.name,
        );
        // Under an HPA the Deployment has no count of its own: whatever the HPA set is the count to keep.
        expect(d.spec.replicas === undefined, `${env} ${d.metadata.name}`).toBe(hpa !== undefined);
        const replicas = d.spec.replicas ?? hpa?.spec.minReplicas;
        expect(deploymentLeastReady(d, replicas), `${env} ${d.metadata.name}`).toBe(replicas);
        seen++;
      }
    }
    // query, query-frontend, router and bucket web in full and single, and the HPA-managed query among them.
    expect(seen).toBeGreaterThanOrEqual(8);
    expect(find(objectsOf('full'), 'Deployment', 'thanos-query').spec.replicas).toBeUndefined();
  });

  it('store gateways keep a ready replica per shard, each step held until Query can read the new pod', () => {
    const objects = objectsOf('full');
    const query = find(objects, 'Deployment', 'thanos-query');
    // Query's DNS refresh (its flag, or Thanos' default 30s) plus its endpoint update (5s default), plus DNS TTL.
    const discovery =
      seconds(flag(query, 'store.sd-dns-interval'), 30) + seconds(flag(query, 'endpoint.info-timeout'), 5);
    const stores = workloads(objects, 'StatefulSet').filter((s) => s.metadata.name.startsWith('thanos-store-'));
    expect(stores.map((s) => s.metadata.name)).toEqual([
      'thanos-store-p0-0',
      'thanos-store-p0-1',
      'thanos-store-p1-0',
      'thanos-store-p1-1',
    ]);
    for (const s of stores) {
      expect(statefulSetLeastReady(s), s.metadata.name).toBe(1);
      expect(s.spec.minReadySeconds, s.metadata.name).toBeGreaterThan(discovery);
    }
  });

  it('a single-replica shard is the one gap a StatefulSet cannot avoid (documented), and is still paced', () => {
    const [store] = workloads(objectsOf('single'), 'StatefulSet').filter((s) => s.metadata.name === 'thanos-store-0');
    expect(statefulSetLeastReady(store as Plain)).toBe(0);
    expect(store?.spec.minReadySeconds).toBe(40);
  });

  it('rulers roll one at a time and are held like the store gateways (Query reads their rules and StoreAPI)', () => {
    for (const env of ['full', 'single']) {
      const ruler = find(objectsOf(env), 'StatefulSet', 'thanos-rule');
      expect(statefulSetLeastReady(ruler)).toBe(ruler.spec.replicas - 1);
      expect(ruler.spec.minReadySeconds).toBe(40);
    }
  });

  it('the compactor is one pod, replaced only once the old one is gone', () => {
    for (const env of ['full', 'single']) {
      const c = find(objectsOf(env), 'StatefulSet', 'thanos-compact');
      expect(c.spec.replicas).toBe(1);
      // OrderedReady (no `Parallel`): a StatefulSet never runs two pods of one ordinal, so never two compactors.
      expect(c.spec.podManagementPolicy).toBeUndefined();
      expect(statefulSetLeastReady(c)).toBe(0);
    }
  });

  it('memcached rolls one pod at a time, keeping the rest of the cache', () => {
    const sets = workloads(objectsOf('full'), 'StatefulSet').filter((s) =>
      s.metadata.name.startsWith('thanos-memcached'),
    );
    expect(sets.length).toBeGreaterThanOrEqual(2);
    for (const s of sets) expect(statefulSetLeastReady(s), s.metadata.name).toBe(s.spec.replicas - 1);
  });

  it('PodDisruptionBudgets cover live pods and always let a node drain evict one of them', () => {
    let seen = 0;
    for (const env of ENVS) {
      const objects = objectsOf(env);
      const all = [...workloads(objects, 'Deployment'), ...workloads(objects, 'StatefulSet')];
      for (const pdb of objects.filter((o) => o.kind === 'PodDisruptionBudget')) {
        const id = `${env} ${pdb.metadata.name}`;
        expect(pdb.spec.minAvailable, id).toBeUndefined();
        const guarded = all.filter((w) => matches(pdb.spec.selector.matchLabels, w.spec.template.metadata.labels));
        expect(guarded.length, `${id} guards some workload`).toBeGreaterThan(0);
        const pods = guarded.reduce((n, w) => n + (w.spec.replicas ?? 1), 0);
        // With every pod healthy, evictions allowed = min(maxUnavailable, pods): at least one, or drains block.
        expect(Math.min(pdb.spec.maxUnavailable, pods), id).toBeGreaterThanOrEqual(1);
        expect(pdb.spec.unhealthyPodEvictionPolicy, `${id}: a stuck pod does not block drains`).toBe('AlwaysAllow');
        seen++;
      }
      // A Deployment of one pod has no budget: maxSurge rolls it, and a budget could only block or allow all.
      for (const d of workloads(objects, 'Deployment').filter((w) => w.spec.replicas === 1)) {
        const pdb = objects.find((o) => o.kind === 'PodDisruptionBudget' && o.metadata.name === d.metadata.name);
        expect(pdb, `${env} ${d.metadata.name}`).toBeUndefined();
      }
    }
    expect(seen).toBeGreaterThan(10);
  });
});

describe('routers drain before Thanos closes remote-write', () => {
  const router = (env: string) => find(objectsOf(env), 'Deployment', 'thanos-receive-router');
  const sleep = (env: string): number | undefined => thanos(router(env)).lifecycle?.preStop?.sleep?.seconds;
  const grace = (env: string): number => router(env).spec.template.spec.terminationGracePeriodSeconds;
  const namespaceLabels = (env: string) => find(objectsOf(env), 'Namespace', 'thanos').metadata.labels;
  const targetGroup = (env: string): Record<string, string> => {
    const svc = find(objectsOf(env), 'Service', 'thanos-receive-router-external');
    const attrs = svc.metadata.annotations['service.beta.kubernetes.io/aws-load-balancer-target-group-attributes'];
    return Object.fromEntries(attrs.split(',').map((kv: string) => kv.split('=')));
  };

  it('behind the NLB: readiness gate, explicit delay, a longer preStop sleep, a grace period longer than both', () => {
    for (const [env, delay] of [
      ['nlb', 60],
      ['nlb-short', 10],
    ] as const) {
      expect(namespaceLabels(env)['elbv2.k8s.aws/pod-readiness-gate-inject']).toBe('enabled');
      const tg = targetGroup(env);
      expect(tg['deregistration_delay.timeout_seconds']).toBe(String(delay));
      expect(tg['deregistration_delay.connection_termination.enabled']).toBe('true');
      expect(tg['preserve_client_ip.enabled']).toBe('true');
      expect(sleep(env)).toBe(delay + 30);
      // After the sleep, SIGTERM: Thanos' servers drain within what is left of the grace period.
      const drain = seconds(flag(router(env), 'http-grace-period'), 120);
      expect(grace(env) - (sleep(env) ?? 0)).toBeGreaterThan(drain);
      expect(drain).toBe(90);
    }
  });

  it('through a Gateway: the drain option as the sleep, no readiness gate (the NLB controller is not involved)', () => {
    expect(sleep('gw')).toBe(20);
    expect(sleep('gw-slow')).toBe(45);
    expect(grace('gw-slow')).toBe(165);
    for (const env of ['gw', 'gw-slow']) {
      expect(namespaceLabels(env)['elbv2.k8s.aws/pod-readiness-gate-inject']).toBeUndefined();
      expect(objectsOf(env).some((o) => o.kind === 'TLSRoute')).toBe(true);
    }
  });

  it('not exposed: no sleep, the usual grace period, no gate', () => {
    for (const env of ['plain', 'full']) {
      expect(sleep(env)).toBeUndefined();
      expect(grace(env)).toBe(120);
      expect(namespaceLabels(env)['elbv2.k8s.aws/pod-readiness-gate-inject']).toBeUndefined();
    }
  });

  it('keeps the routers rolling with surge: never fewer Ready than the count, while old ones drain', () => {
    const d = router('nlb');
    expect(deploymentLeastReady(d, d.spec.replicas)).toBe(d.spec.replicas);
  });

  it("the sleep action is one kubernetes-models knows and validates (Kubernetes' own, no shell in the image)", () => {
    const built = rendered
      .find((r) => r.env === 'nlb')
      ?.manifests.find((m) => m.object.kind === 'Deployment' && m.object.metadata?.name === 'thanos-receive-router');
    if (!built?.object.validate) throw new Error('no kubernetes-models router');
    expect(() => built.object.validate?.()).not.toThrow();
    // The same model class, given a sleep without its required seconds, refuses it: the field is in its schema.
    const Model = built.object.constructor as new (data: Plain) => { validate(): void };
    const broken = structuredClone(router('nlb'));
    thanos(broken).lifecycle.preStop.sleep = {};
    expect(() => new Model(broken).validate()).toThrow(/seconds/);
  });
});
