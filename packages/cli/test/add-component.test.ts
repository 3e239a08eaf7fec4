/**
 * Adding a component, proved on a dummy one: a record in `COMPONENT_RECORDS`, plus the entries of the tables the
 * compiler asks for (its size preset, its availability alert, its dashboard part), is picked up by every list
 * derived from the records (size-preset table and sized sections, volumes, Query's endpoints, TLS, NetworkPolicy
 * flows, scrape jobs, alerts, dashboard jobs) with no other change. The second half proves, at compile time, that
 * the tables and switches over closed sets refuse a member they do not handle (`pnpm exec tsc` checks the
 * `@ts-expect-error` lines: each must be an error, or tsc fails).
 */
import { type ComponentKind, SIZE_PRESETS, type SizedWorkload, unhandled } from '@thanos-gitops/catalog';
import { loadEnvironments } from '@thanos-gitops/input';
import {
  COMPONENT_RECORDS,
  type ComponentRecord,
  enabledComponents,
  NAME_LABEL,
  NO_TLS,
  PORTS,
  sizedWorkloads,
  storageOptions,
  TLS_ROLES,
  type TlsRole,
} from '@thanos-gitops/model';
import { tls } from '@thanos-gitops/mtls';
import { DASHBOARD_PART, dashboardJobs } from '@thanos-gitops/operability';
import type { Environment } from '@thanos-gitops/schema';
import {
  alertGroups,
  DOWN_ALERTS,
  endpointsConfig,
  flowGraph,
  OWN_FLOWS,
  queryEndpointServices,
  renderComponents,
  scrapeJobs,
} from '@thanos-gitops/thanos-components';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/** The new component's one name: not a member of `ComponentKind`, so only this test knows it. */
const KIND = 'dummy-gateway' as ComponentKind & SizedWorkload;
const SET = 'thanos-dummy-0';

const DUMMY: ComponentRecord = {
  kind: KIND,
  folder: 'dummy',
  app: 'thanos-dummy',
  role: 'dummy-gateway',
  selector: { [NAME_LABEL]: 'thanos-dummy' },
  policy: 'thanos-dummy',
  ports: { grpc: PORTS.grpc, http: PORTS.http },
  metricsPort: 'http',
  bucket: () => ({ read: true, write: false, delete: false }),
  sized: { preset: KIND, sections: (env) => [{ path: ['dummy'], options: env.query }] },
  tls: 'endpoint',
  queryEndpoints: () => [SET],
  volumes: () => [{ path: ['dummy', 'storage'], what: 'dummy gateways', statefulSets: [SET] }],
  enabled: () => true,
  workloads: () => [SET],
};

const BASE = `name: t
cluster: { name: c }
objectStorage: { provider: s3, bucket: acme-b, region: eu-west-1 }
networkPolicies: { objectStorageCIDRs: [10.0.0.0/8] }
`;
const INTERNAL_MTLS = `remoteWrite:
  hostname: rw.example.com
  mtls:
    enabled: true
    issuer: { kind: bootstrap }
    internal: true
`;

function envOf(extra = ''): Environment {
  const [l] = loadEnvironments([{ path: 'environments/t.yaml', text: `${BASE}${extra}` }]);
  if (!l) throw new Error('no environment');
  return l.env;
}

type Writable<T> = { -readonly [K in keyof T]: T[K] };
const records = COMPONENT_RECORDS as Writable<typeof COMPONENT_RECORDS>;
const downAlerts = DOWN_ALERTS as Writable<typeof DOWN_ALERTS>;
const parts = DASHBOARD_PART as Writable<typeof DASHBOARD_PART>;
const ownFlows = OWN_FLOWS as Writable<typeof OWN_FLOWS>;

describe('a component added by its record (and the tables the compiler asks for)', () => {
  let env: Environment;
  beforeAll(() => {
    records[KIND] = DUMMY;
    for (const size of Object.values(SIZE_PRESETS)) size[KIND] = size.query;
    downAlerts[KIND] = { alert: 'ThanosDummyDown', what: 'A dummy gateway', severity: 'warning' };
    parts[KIND] = 'store';
    // Its own flow: it reads from Query's HTTP API.
    ownFlows[KIND] = (_env, add) => add({ component: KIND }, { component: 'query' }, PORTS.http, 'http');
    env = envOf();
  });
  afterAll(() => {
    delete records[KIND];
    for (const size of Object.values(SIZE_PRESETS)) delete size[KIND];
    delete downAlerts[KIND];
    delete parts[KIND];
    delete ownFlows[KIND];
  });

  it('gets its sections sized (its row title is a compile-time entry of the catalog preset table)', () => {
    expect(sizedWorkloads(env).filter(([, kind]) => kind === KIND)).toEqual([[['dummy'], KIND, env.query]]);
  });

  it('has its volumes listed', () => {
    expect(storageOptions(env)).toContainEqual({
      path: ['dummy', 'storage'],
      what: 'dummy gateways',
      statefulSets: [SET],
    });
  });

  it("is among Query's endpoints, and Query may reach it on gRPC", () => {
    expect(queryEndpointServices(env)).toContain(SET);
    expect(endpointsConfig(env).endpoints).toContainEqual({
      address: `dnssrv+_grpc._tcp.${SET}.thanos.svc.cluster.local`,
    });
    const flows = flowGraph(env);
    expect(flows).toContainEqual({
      from: { component: 'query' },
      to: { component: KIND },
      port: PORTS.grpc,
      protocol: 'TCP',
      traffic: 'grpc',
    });
  });

  it('is scraped, reaches the bucket by its record and Query by its own flow', () => {
    const flows = flowGraph(env).filter((f) => 'component' in f.to && f.to.component === KIND);
    expect(flows.map((f) => f.traffic)).toContain('metrics');
    const out = flowGraph(env).filter((f) => 'component' in f.from && f.from.component === KIND);
    expect(out).toContainEqual({
      from: { component: KIND },
      to: { component: 'query' },
      port: PORTS.http,
      protocol: 'TCP',
      traffic: 'http',
    });
    expect(out).toContainEqual({
      from: { component: KIND },
      to: { cidr: '10.0.0.0/8' },
      port: 443,
      protocol: 'TCP',
      traffic: 'object-storage',
    });
  });

  it('gets the internal TLS of its role', () => {
    const args = tls(envOf(INTERNAL_MTLS)).forComponent(KIND).args;
    expect(args).toContain('--grpc-server-tls-client-ca=/etc/thanos/tls/internal/ca.crt');
  });

  it('has its jobs, its availability alert and its dashboard jobs', () => {
    expect(scrapeJobs(env)[KIND]).toEqual([SET]);
    const availability = alertGroups(env).find((g) => g.name === 'thanos-availability');
    expect(availability?.alerts.find((a) => a.alert === 'ThanosDummyDown')?.labels?.job).toBe(SET);
    expect(dashboardJobs(env).store).toContain(SET);
  });
});

describe('the records agree with themselves', () => {
  it('a component Query dials serves gRPC with internal TLS, and only such a one', () => {
    const grpcServers = Object.values(COMPONENT_RECORDS).filter((r) => r.tls === 'endpoint' || r.tls === 'ruler');
    const dialed = Object.values(COMPONENT_RECORDS).filter((r) => r.queryEndpoints !== undefined);
    expect(dialed.map((r) => r.kind)).toEqual(grpcServers.map((r) => r.kind));
    for (const r of dialed) expect(r.ports.grpc).toBe(PORTS.grpc);
  });

  it('a cache serves memcached to a component that exists', () => {
    for (const r of Object.values(COMPONENT_RECORDS).filter((c) => c.cacheFor !== undefined)) {
      expect(r.ports.memcached).toBe(PORTS.memcached);
      expect(Object.keys(COMPONENT_RECORDS)).toContain(r.cacheFor);
    }
  });
});

describe('every record is rendered', () => {
  it('has a registered renderer: every workload of every running component is rendered', () => {
    const env = envOf(`queryFrontend: { cache: { type: memcached } }
storeGateway: { indexCache: { type: memcached }, bucketCache: { enabled: true } }
ruler: { enabled: true }
bucketWeb: { enabled: true }
receive: { zones: [a, b, c], hashrings: [{ name: default, replicas: 3 }] }
`);
    const manifests = renderComponents({
      env,
      file: 'environments/t.yaml',
      identity: {
        objstoreConfig: 'type: S3\n',
        forComponent: () => ({ serviceAccountAnnotations: {}, podLabels: {}, env: [] }),
      },
      tls: { forComponent: () => NO_TLS },
      report: () => {},
    });
    const workloads = new Set(
      manifests
        .filter((m) => m.object.kind === 'Deployment' || m.object.kind === 'StatefulSet')
        .map((m) => `${m.component}/${m.object.metadata?.name}`),
    );
    const running = enabledComponents(env);
    expect(running.map((c) => c.kind).sort()).toEqual(Object.keys(COMPONENT_RECORDS).sort());
    for (const c of running) for (const w of c.workloads(env)) expect(workloads).toContain(`${c.folder}/${w}`);
  });
});

describe('closed sets, at compile time', () => {
  type KindWithDummy = ComponentKind | 'dummy-gateway';

  it('a table keyed by every kind lacks a new kind', () => {
    // @ts-expect-error the dashboard parts do not name the new kind
    const p: Record<KindWithDummy, string> = DASHBOARD_PART;
    // @ts-expect-error the availability alerts do not name the new kind
    const d: Record<KindWithDummy, unknown> = DOWN_ALERTS;
    // @ts-expect-error the records do not hold the new kind
    const r: Record<KindWithDummy, ComponentRecord> = COMPONENT_RECORDS;
    // @ts-expect-error the NetworkPolicy flows particular to each kind do not name the new kind
    const f: Record<KindWithDummy, unknown> = OWN_FLOWS;
    expect([p, d, r, f].map((t) => Object.hasOwn(t, 'dummy-gateway'))).toEqual([false, false, false, false]);
  });

  it('a switch that misses a member does not reach `unhandled` with `never`', () => {
    const describeRole = (role: TlsRole | 'relay'): string => {
      switch (role) {
        case 'router':
        case 'endpoint':
        case 'query':
        case 'ruler':
        case 'none':
          return role;
        default:
          // @ts-expect-error 'relay' is not handled, so `role` is not `never` here
          return unhandled(role, 'TLS role');
      }
    };
    expect(TLS_ROLES.map(describeRole)).toEqual([...TLS_ROLES]);
    expect(() => describeRole('relay')).toThrow('unhandled TLS role: "relay"');
  });
});
