import { loadEnvironments } from '@thanos-gitops/input';
import { objectProblems, toPlain } from '@thanos-gitops/manifests';
import { writeQuorum } from '@thanos-gitops/model';
import { InvalidEnvironmentError } from '@thanos-gitops/problems';
import { beforeEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { INGESTOR_ZONE_LABEL, ingestorDisruptionBudget } from '../src/receive.js';
import { argsOf, find, MINIMAL, type Rendered, render, renderText } from './support/render.js';

/** The write path of environments/prod.yaml: a tenant hashring and a catch-all, 3 ingestors each, RF 3. */
const PROD_LIKE = `receive:
  retention: 15d
  replicationFactor: 3
  router:
    replicas: 3
  hashrings:
    - name: tenants-a
      tenants: [team-a, team-b]
      replicas: 3
      storage: 100Gi
      storageClass: gp3
    - name: default
      replicas: 3
      storage: 100Gi
      storageClass: gp3
`;

const LIMITS = `  limits:
    write:
      global:
        max_concurrency: 1000
      default:
        request:
          size_bytes_limit: 10485760
          series_limit: 10000
`;

interface HashringEntry {
  hashring: string;
  tenants?: string[];
  tenant_matcher_type?: string;
  endpoints: { address: string }[];
}

function hashringsFile(r: Rendered): HashringEntry[] {
  return JSON.parse(find(r, 'ConfigMap', 'thanos-receive-hashrings').data['hashrings.json']);
}

function receiveObjects(r: Rendered): Record<string, any>[] {
  return r.manifests.filter((m) => m.component === 'receive').map((m) => toPlain(m.object));
}

function ingestorSets(r: Rendered): Record<string, any>[] {
  return r.objects.filter((o) => o.kind === 'StatefulSet' && o.metadata.name.startsWith('thanos-receive-ingestor-'));
}

function podSpec(workload: Record<string, any>): Record<string, any> {
  return workload.spec.template.spec;
}

describe('receive hashrings file', () => {
  let r: Rendered;
  beforeEach(() => {
    r = render(PROD_LIKE);
  });

  it('has one entry per hashring, in declaration order, with the tenants routed to it', () => {
    const file = hashringsFile(r);
    expect(file.map((h) => h.hashring)).toEqual(['tenants-a', 'default']);
    expect(file[0]?.tenants).toEqual(['team-a', 'team-b']);
    expect(file[0]).not.toHaveProperty('tenant_matcher_type');
    // The catch-all lists no tenants (Thanos reads an absent or empty list alike: every other tenant).
    expect(file[1]).not.toHaveProperty('tenants');
  });

  it('lists every ingestor pod exactly once', () => {
    const addresses = hashringsFile(r).flatMap((h) => h.endpoints.map((e) => e.address));
    const pods = ingestorSets(r).flatMap((sts) =>
      Array.from({ length: sts.spec.replicas }, (_, i) => `${sts.metadata.name}-${i}`),
    );
    expect(pods).toHaveLength(6);
    expect(new Set(addresses).size).toBe(addresses.length);
    expect(addresses.map((a) => a.split('.')[0]).sort()).toEqual([...pods].sort());
  });

  it('puts each pod in the hashring of its own StatefulSet', () => {
    for (const h of hashringsFile(r)) {
      for (const { address } of h.endpoints)
        expect(address).toMatch(new RegExp(`^thanos-receive-ingestor-${h.hashring}-\\d\\.`));
    }
  });

  it('addresses resolve through the generated headless Services to the pods gRPC port', () => {
    const ns = r.env.namespace;
    for (const { address } of hashringsFile(r).flatMap((h) => h.endpoints)) {
      const m = /^([a-z0-9-]+)-(\d+)\.([a-z0-9-]+)\.([a-z0-9-]+)\.svc\.cluster\.local:(\d+)$/.exec(address);
      expect(m, address).not.toBeNull();
      const [, stsName, ordinal, svcName, namespace, port] = m as unknown as string[];
      expect(namespace).toBe(ns);
      const sts = find(r, 'StatefulSet', stsName as string);
      expect(sts.spec.serviceName).toBe(svcName);
      expect(Number(ordinal)).toBeLessThan(sts.spec.replicas);
      const svc = find(r, 'Service', svcName as string);
      expect(svc.spec.clusterIP).toBe('None');
      const grpc = svc.spec.ports.find((p: { name: string }) => p.name === 'grpc');
      expect(grpc.port).toBe(Number(port));
      for (const [k, v] of Object.entries(svc.spec.selector)) expect(sts.spec.template.metadata.labels[k]).toBe(v);
      expect(sts.spec.selector.matchLabels).toEqual(svc.spec.selector);
      const container = podSpec(sts).containers[0];
      const target = container.ports.find((p: { name: string }) => p.name === grpc.targetPort);
      expect(target.containerPort).toBe(Number(port));
      expect(argsOf(sts)).toContain(`--grpc-address=0.0.0.0:${port}`);
    }
  });

  it('the query endpoint discovery finds the same ingestor Services by their grpc port', () => {
    const endpoints = parse(find(r, 'ConfigMap', 'thanos-query-endpoints').data['endpoints.yaml']).endpoints;
    for (const sts of ingestorSets(r)) {
      expect(endpoints).toContainEqual({
        address: `dnssrv+_grpc._tcp.${sts.spec.serviceName}.${r.env.namespace}.svc.cluster.local`,
      });
    }
  });

  it('emits the glob matcher for glob hashrings', () => {
    const glob = render(`receive:
  hashrings:
    - name: teams
      tenants: ['team-*']
      tenantMatcher: glob
    - name: default
`);
    const [teams, catchAll] = hashringsFile(glob);
    expect(teams).toMatchObject({ hashring: 'teams', tenants: ['team-*'], tenant_matcher_type: 'glob' });
    expect(catchAll).not.toHaveProperty('tenant_matcher_type');
  });

  it('follows the cluster domain', () => {
    const text = `${MINIMAL.replace('{ name: test-cluster }', '{ name: test-cluster, domain: corp.example }')}${PROD_LIKE}`;
    const addresses = hashringsFile(renderText(text)).flatMap((h) => h.endpoints.map((e) => e.address));
    expect(addresses).toContain(
      'thanos-receive-ingestor-default-2.thanos-receive-ingestor-default.thanos.svc.corp.example:10901',
    );
    for (const a of addresses) expect(a).toMatch(/\.svc\.corp\.example:10901$/);
  });
});

describe('receive router', () => {
  let r: Rendered;
  let router: Record<string, any>;
  let args: string[];
  beforeEach(() => {
    r = render(PROD_LIKE);
    router = find(r, 'Deployment', 'thanos-receive-router');
    args = argsOf(router);
  });

  it('routes only: a hashrings file from the ConfigMap, no local endpoint, no TSDB, no bucket', () => {
    expect(args).toContain('--receive.hashrings-file=/etc/thanos/hashrings/hashrings.json');
    expect(args).toContain('--receive.hashrings-algorithm=ketama');
    expect(args).toContain('--receive.replication-factor=3');
    expect(args.some((a) => a.startsWith('--receive.local-endpoint'))).toBe(false);
    expect(args.some((a) => a.startsWith('--tsdb.'))).toBe(false);
    expect(args.some((a) => a.startsWith('--objstore.'))).toBe(false);
    const spec = podSpec(router);
    const mount = spec.containers[0].volumeMounts.find(
      (m: { mountPath: string }) => m.mountPath === '/etc/thanos/hashrings',
    );
    const volume = spec.volumes.find((v: { name: string }) => v.name === mount.name);
    expect(volume.configMap.name).toBe('thanos-receive-hashrings');
    expect(mount.subPath).toBeUndefined();
  });

  it('carries the tenancy flags', () => {
    expect(args).toEqual(
      expect.arrayContaining([
        '--receive.tenant-header=THANOS-TENANT',
        '--receive.default-tenant-id=default-tenant',
        '--receive.tenant-label-name=tenant_id',
      ]),
    );
  });

  it("serves remote-write and HTTP through a ClusterIP Service; gRPC and Cap'n Proto on the pod itself only", () => {
    const svc = find(r, 'Service', 'thanos-receive-router');
    expect(svc.spec.clusterIP).toBeUndefined();
    expect(svc.spec.ports.map((p: { name: string; port: number }) => [p.name, p.port])).toEqual([
      ['http', 10902],
      ['remote-write', 19291],
    ]);
    const ports = podSpec(router).containers[0].ports.map((p: { name: string }) => p.name);
    expect(ports).toEqual(['http', 'remote-write']);
    expect(args).toContain('--remote-write.address=0.0.0.0:19291');
    expect(args).toContain('--grpc-address=127.0.0.1:10901');
    expect(args).toContain('--receive.capnproto-address=127.0.0.1:19391');
    expect(podSpec(router).serviceAccountName).toBe('thanos-receive-router');
    find(r, 'ServiceAccount', 'thanos-receive-router');
    find(r, 'ServiceMonitor', 'thanos-receive-router');
  });

  it('rolls when the hashrings change, and only then', () => {
    const hash = (x: Rendered) =>
      find(x, 'Deployment', 'thanos-receive-router').spec.template.metadata.annotations['thanos-gitops/hashrings-hash'];
    const base = hash(r);
    expect(base).toMatch(/^[0-9a-f]{16}$/);
    expect(
      hash(
        render(
          PROD_LIKE.replace(
            'replicas: 3\n      storage: 100Gi\n      storageClass: gp3\n    - name: default',
            'replicas: 4\n      storage: 100Gi\n      storageClass: gp3\n    - name: default',
          ),
        ),
      ),
    ).not.toBe(base);
    expect(hash(render(PROD_LIKE.replace('[team-a, team-b]', '[team-a, team-c]')))).not.toBe(base);
    expect(hash(render(`${PROD_LIKE}query:\n  replicas: 5\n`))).toBe(base);
  });

  it('has a disruption budget of one pod only when there is more than one router', () => {
    expect(find(r, 'PodDisruptionBudget', 'thanos-receive-router').spec.maxUnavailable).toBe(1);
    const single = render('receive:\n  router:\n    replicas: 1\n');
    expect(
      single.objects.some((o) => o.kind === 'PodDisruptionBudget' && o.metadata.name === 'thanos-receive-router'),
    ).toBe(false);
  });
});

describe('receive ingestors', () => {
  let r: Rendered;
  beforeEach(() => {
    r = render(PROD_LIKE);
  });

  it('run IngestorOnly: no hashrings and no local endpoint', () => {
    expect(ingestorSets(r)).toHaveLength(2);
    for (const sts of ingestorSets(r)) {
      const args = argsOf(sts);
      for (const flag of ['--receive.hashrings', '--receive.local-endpoint', '--receive.replication-factor']) {
        expect(args.some((a) => a.startsWith(flag))).toBe(false);
      }
      expect(podSpec(sts).volumes.some((v: { configMap?: unknown }) => v.configMap)).toBe(false);
    }
  });

  it('store locally with retention, per-pod replica labels, tenancy and object storage', () => {
    for (const sts of ingestorSets(r)) {
      const args = argsOf(sts);
      expect(args).toEqual(
        expect.arrayContaining([
          '--tsdb.path=/var/thanos/receive',
          '--tsdb.retention=15d',
          '--label=replica="$(POD_NAME)"',
          '--label=receive="true"',
          '--receive.tenant-label-name=tenant_id',
          '--receive.default-tenant-id=default-tenant',
          '--objstore.config-file=/etc/thanos/objstore/objstore.yml',
        ]),
      );
      const container = podSpec(sts).containers[0];
      expect(container.env).toContainEqual({
        name: 'POD_NAME',
        valueFrom: { fieldRef: { fieldPath: 'metadata.name' } },
      });
      expect(container.volumeMounts).toContainEqual({ name: 'data', mountPath: '/var/thanos' });
      expect(podSpec(sts).serviceAccountName).toBe('thanos-receive-ingestor');
    }
  });

  it('keep their data on a claim of the hashring size and class, and get time to upload on shutdown', () => {
    const sts = find(r, 'StatefulSet', 'thanos-receive-ingestor-tenants-a');
    expect(sts.spec.replicas).toBe(3);
    expect(sts.spec.volumeClaimTemplates[0].spec).toMatchObject({
      storageClassName: 'gp3',
      resources: { requests: { storage: '100Gi' } },
    });
    expect(podSpec(sts).terminationGracePeriodSeconds).toBe(900);
    const dev = find(
      render('receive:\n  terminationGracePeriodSeconds: 1800\n'),
      'StatefulSet',
      'thanos-receive-ingestor-default',
    );
    expect(podSpec(dev).terminationGracePeriodSeconds).toBe(1800);
    expect(dev.spec.volumeClaimTemplates[0].spec.storageClassName).toBeUndefined();
  });

  it('have one headless Service each and a ServiceMonitor over all of them', () => {
    for (const sts of ingestorSets(r)) {
      const svc = find(r, 'Service', sts.metadata.name);
      expect(svc.spec.ports.map((p: { name: string }) => p.name)).toEqual(['grpc', 'http']);
    }
    const sm = find(r, 'ServiceMonitor', 'thanos-receive-ingestor');
    expect(sm.spec.selector.matchLabels).toEqual({ 'app.kubernetes.io/name': 'thanos-receive-ingestor' });
    for (const sts of ingestorSets(r)) {
      expect(find(r, 'Service', sts.metadata.name).metadata.labels['app.kubernetes.io/name']).toBe(
        'thanos-receive-ingestor',
      );
    }
  });

  it('reject extra args that would change their mode', () => {
    const bad = render(
      `receive:
  router:
    extraArgs: ['--receive.local-endpoint=127.0.0.1:10901']
  hashrings:
    - name: default
      extraArgs: ['--receive.hashrings-file=/tmp/h.json']
`,
      { expectProblems: true },
    );
    expect(bad.problems.map((p) => p.path.join('.'))).toEqual([
      'receive.router.extraArgs.0',
      'receive.hashrings.0.extraArgs.0',
    ]);
  });
});

describe('write quorum and disruption budgets', () => {
  it('a write needs floor(RF/2)+1 copies', () => {
    expect([1, 3, 5, 7].map(writeQuorum)).toEqual([1, 2, 3, 4]);
  });

  it('lets RF - quorum ingestors go, but never blocks drains with 0', () => {
    expect(ingestorDisruptionBudget(1)).toBe(1);
    expect(ingestorDisruptionBudget(3)).toBe(1);
    expect(ingestorDisruptionBudget(5)).toBe(2);
    expect(ingestorDisruptionBudget(7)).toBe(3);
  });

  it('puts that budget on every ingestor StatefulSet', () => {
    for (const [rf, expected] of [
      [1, 1],
      [3, 1],
      [5, 2],
    ] as const) {
      const r = render(`receive:
  replicationFactor: ${rf}
  hashrings:
    - { name: a, tenants: [x], replicas: 5 }
    - { name: default, replicas: 5 }
`);
      for (const name of ['thanos-receive-ingestor-a', 'thanos-receive-ingestor-default']) {
        const pdb = find(r, 'PodDisruptionBudget', name);
        expect(pdb.spec.maxUnavailable, `RF ${rf}`).toBe(expected);
        expect(pdb.spec.selector.matchLabels).toEqual(find(r, 'StatefulSet', name).spec.selector.matchLabels);
      }
    }
  });

  it('refuses a replication factor larger than a hashring, at the hashring', () => {
    const text = `${MINIMAL}receive:
  replicationFactor: 3
  hashrings:
    - name: small
      tenants: [a]
      replicas: 2
    - name: default
      replicas: 3
`;
    let error: unknown;
    try {
      loadEnvironments([{ path: 'environments/test.yaml', text }]);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidEnvironmentError);
    const problems = (error as InvalidEnvironmentError).problems;
    expect(problems).toHaveLength(1);
    const line = text.split('\n').findIndex((l) => l.includes('replicas: 2')) + 1;
    expect(problems[0]).toMatchObject({ file: 'environments/test.yaml', field: 'receive.hashrings[0].replicas', line });
    expect(problems[0]?.message).toContain('must be >= receive.replicationFactor (3)');
    expect(problems[0]?.message).toContain('found 2');
  });
});

describe('receive limits', () => {
  it('are written to a ConfigMap the routers read, only when configured', () => {
    const without = render(PROD_LIKE);
    expect(without.objects.some((o) => o.metadata.name === 'thanos-receive-limits')).toBe(false);
    expect(argsOf(find(without, 'Deployment', 'thanos-receive-router')).some((a) => a.includes('limits'))).toBe(false);

    const withLimits = render(PROD_LIKE.replace('  router:', `${LIMITS}  router:`));
    const cm = find(withLimits, 'ConfigMap', 'thanos-receive-limits');
    expect(parse(cm.data['limits.yaml'])).toEqual({
      write: {
        global: { max_concurrency: 1000 },
        default: { request: { size_bytes_limit: 10485760, series_limit: 10000 } },
      },
    });
    const router = find(withLimits, 'Deployment', 'thanos-receive-router');
    expect(argsOf(router)).toContain('--receive.limits-config-file=/etc/thanos/limits/limits.yaml');
    expect(podSpec(router).volumes).toContainEqual({ name: 'limits', configMap: { name: 'thanos-receive-limits' } });
    expect(router.spec.template.metadata.annotations['thanos-gitops/limits-hash']).toMatch(/^[0-9a-f]{16}$/);
    for (const sts of ingestorSets(withLimits)) expect(argsOf(sts).some((a) => a.includes('limits'))).toBe(false);
  });
});

describe('receive as a whole', () => {
  it('renders only valid objects', () => {
    const r = render(PROD_LIKE.replace('  router:', `${LIMITS}  router:`));
    expect(r.problems).toEqual([]);
    const objects = r.manifests.filter((m) => m.component === 'receive');
    expect(objects.length).toBeGreaterThan(10);
    expect(objects.flatMap((m) => objectProblems(m.object))).toEqual([]);
  });

  it('renders nothing when disabled', () => {
    expect(receiveObjects(render('receive:\n  enabled: false\n'))).toEqual([]);
  });
});

describe('ingestor spreading', () => {
  it('never puts two ingestors of a hashring on one node, nor one into an over-full zone', () => {
    const r = render('receive: { replicationFactor: 3, hashrings: [{ name: default, replicas: 3 }] }\n');
    const sts = find(r, 'StatefulSet', 'thanos-receive-ingestor-default');
    const spec = sts.spec.template.spec;
    const selector = { matchLabels: sts.spec.selector.matchLabels };
    expect(spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution).toEqual([
      { labelSelector: selector, topologyKey: 'kubernetes.io/hostname' },
    ]);
    expect(spec.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution).toBeUndefined();
    const zone = spec.topologySpreadConstraints.find(
      (c: { topologyKey: string }) => c.topologyKey === 'topology.kubernetes.io/zone',
    );
    expect(zone).toEqual({
      maxSkew: 1,
      topologyKey: 'topology.kubernetes.io/zone',
      whenUnsatisfiable: 'DoNotSchedule',
      labelSelector: selector,
    });
    // The selector is the pods' own: the rule counts this hashring's ingestors.
    for (const [k, v] of Object.entries(selector.matchLabels)) expect(sts.spec.template.metadata.labels[k]).toBe(v);
    // Stateless components keep a preference, so a small cluster still schedules them.
    const query = find(r, 'Deployment', 'thanos-query').spec.template.spec;
    expect(query.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution).toBeUndefined();
    expect(query.topologySpreadConstraints[0].whenUnsatisfiable).toBe('ScheduleAnyway');
  });
});

describe('ingestors split by zone (receive.zones)', () => {
  const ZONES = ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'];
  const yaml = `receive:
  replicationFactor: 3
  zones: [${ZONES.join(', ')}]
  hashrings:
    - { name: tenants-a, tenants: [team-a], replicas: 3 }
    - { name: default, replicas: 6 }
`;
  let r: Rendered;
  let statefulSets: Record<string, any>[];
  let hashrings: { hashring: string; endpoints: { address: string; az?: string }[] }[];
  beforeEach(() => {
    r = render(yaml);
    statefulSets = r.objects.filter(
      (o) => o.kind === 'StatefulSet' && o.metadata.name.startsWith('thanos-receive-ingestor-'),
    );
    hashrings = JSON.parse(find(r, 'ConfigMap', 'thanos-receive-hashrings').data['hashrings.json']);
  });
  const zoneOf = (sts: Record<string, any>): string => {
    const terms = sts.spec.template.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution;
    expect(terms.nodeSelectorTerms).toHaveLength(1);
    const [expr] = terms.nodeSelectorTerms[0].matchExpressions;
    expect(expr).toMatchObject({ key: 'topology.kubernetes.io/zone', operator: 'In' });
    expect(expr.values).toHaveLength(1);
    return expr.values[0];
  };

  it('renders one valid StatefulSet per hashring and zone, pinned to its zone, with its share of the ingestors', () => {
    expect(r.problems).toEqual([]);
    expect(statefulSets.map((s) => s.metadata.name).sort()).toEqual(
      ['tenants-a', 'default'].flatMap((h) => ZONES.map((z) => `thanos-receive-ingestor-${h}-${z}`)).sort(),
    );
    for (const m of r.manifests.filter((x) => x.component === 'receive')) expect(objectProblems(m.object)).toEqual([]);
    for (const h of [
      { name: 'tenants-a', replicas: 3 },
      { name: 'default', replicas: 6 },
    ]) {
      for (const zone of ZONES) {
        const sts = find(r, 'StatefulSet', `thanos-receive-ingestor-${h.name}-${zone}`);
        expect(zoneOf(sts)).toBe(zone);
        expect(sts.spec.replicas).toBe(h.replicas / ZONES.length);
        expect(sts.spec.selector.matchLabels['thanos-gitops/zone']).toBe(zone);
        expect(sts.spec.template.metadata.labels).toMatchObject(sts.spec.selector.matchLabels);
        // Pinned: no zone spread constraint left, still never two ingestors of the hashring on one node.
        const spec = sts.spec.template.spec;
        expect(spec.topologySpreadConstraints.map((c: { topologyKey: string }) => c.topologyKey)).toEqual([
          'kubernetes.io/hostname',
        ]);
        expect(spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].topologyKey).toBe(
          'kubernetes.io/hostname',
        );
      }
    }
  });

  it('gives every hashring endpoint the az its StatefulSet is pinned to, at the pod name the Service resolves', () => {
    for (const entry of hashrings) {
      const h = entry.hashring;
      const service = find(r, 'Service', `thanos-receive-ingestor-${h}`);
      expect(service.spec.clusterIP).toBe('None');
      const expected = statefulSets
        .filter((s) => s.spec.serviceName === service.metadata.name)
        .flatMap((s) =>
          Array.from({ length: s.spec.replicas }, (_, i) => ({
            address: `${s.metadata.name}-${i}.${service.metadata.name}.thanos.svc.cluster.local:10901`,
            az: zoneOf(s),
          })),
        );
      expect(entry.endpoints).toEqual(expected);
      expect(entry.endpoints.every((e) => e.az !== undefined)).toBe(true);
      // Each zone gets the same share of the hashring's endpoints.
      const perZone = ZONES.map((z) => entry.endpoints.filter((e) => e.az === z).length);
      expect(new Set(perZone).size).toBe(1);
      expect(perZone[0]).toBeGreaterThan(0);
      // The one headless Service selects the pods of every zone (their DNS names come from it), and the budget
      // spans the zones: the write quorum is per hashring.
      const pdb = find(r, 'PodDisruptionBudget', `thanos-receive-ingestor-${h}`);
      for (const s of statefulSets.filter((x) => x.spec.serviceName === service.metadata.name)) {
        expect(s.spec.template.metadata.labels).toMatchObject(service.spec.selector);
        expect(s.spec.template.metadata.labels).toMatchObject(pdb.spec.selector.matchLabels);
      }
      expect(pdb.spec.maxUnavailable).toBe(1);
    }
  });

  it('keeps the routers on ketama and the hashring Services as Query endpoints and scrape jobs', () => {
    const router = argsOf(find(r, 'Deployment', 'thanos-receive-router'));
    expect(router).toContain('--receive.hashrings-algorithm=ketama');
    const services = r.objects.filter(
      (o) => o.kind === 'Service' && o.metadata.name.startsWith('thanos-receive-ingestor'),
    );
    expect(services.map((s) => s.metadata.name).sort()).toEqual([
      'thanos-receive-ingestor-default',
      'thanos-receive-ingestor-tenants-a',
    ]);
  });

  it('without zones, writes no az and pins nothing', () => {
    const plain = render(PROD_LIKE);
    const entries = JSON.parse(find(plain, 'ConfigMap', 'thanos-receive-hashrings').data['hashrings.json']);
    for (const e of entries) for (const ep of e.endpoints) expect(Object.keys(ep)).toEqual(['address']);
    const spec = find(plain, 'StatefulSet', 'thanos-receive-ingestor-default').spec.template.spec;
    expect(spec.affinity.nodeAffinity).toBeUndefined();
    // The objects themselves, before they are written: no zone label at all (not one left undefined, which the
    // YAML would merely hide), and the StatefulSet is governed by the hashring's own Service.
    const sts = plain.manifests.find(
      (m) => m.object.kind === 'StatefulSet' && m.object.metadata?.name === 'thanos-receive-ingestor-default',
    )?.object as Record<string, any>;
    expect(Object.keys(sts.spec.selector.matchLabels)).not.toContain(INGESTOR_ZONE_LABEL);
    expect(Object.keys(sts.spec.template.metadata.labels)).not.toContain(INGESTOR_ZONE_LABEL);
    expect(sts.spec.serviceName).toBe('thanos-receive-ingestor-default');
  });
});
