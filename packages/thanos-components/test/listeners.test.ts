/**
 * Every listener is used or closed: each server a Thanos container opens (the listen flags it is given, and those
 * it leaves at their 0.0.0.0 default, from the releases' --help) either listens on the pod itself only
 * (127.0.0.1) or is the destination of a flow of the deployment's flow graph (the one the NetworkPolicies are
 * made from). Its container ports and Service ports are exactly the listeners other pods reach.
 */
import type { ComponentKind } from '@thanos-gitops/catalog';
import { COMPONENT_RECORDS } from '@thanos-gitops/model';
import { SUPPORTED_THANOS_VERSIONS } from '@thanos-gitops/schema';
import { describe, expect, it } from 'vitest';
import { isKnownFlag, type ThanosCommand } from '../src/flags.js';
import { DEFAULT_LISTENERS as LISTENERS, thanosCommandOf } from '../src/listeners.js';
import { flowGraph } from '../src/network-policies.js';
import { type Rendered, render } from './support/render.js';

interface Listener {
  component: ComponentKind;
  workload: string;
  flag: string;
  host: string;
  port: number;
}

function componentOf(labels: Record<string, string>): ComponentKind | undefined {
  return Object.values(COMPONENT_RECORDS).find((r) => Object.entries(r.selector).every(([k, v]) => labels[k] === v))
    ?.kind;
}

function listeners(r: Rendered): Listener[] {
  const out: Listener[] = [];
  for (const o of r.objects.filter((x) => x.kind === 'Deployment' || x.kind === 'StatefulSet')) {
    const component = componentOf(o.spec.template.metadata.labels);
    const c = o.spec.template.spec.containers[0];
    const args: string[] = [...(c.command ?? []).slice(1), ...(c.args ?? [])];
    const table = LISTENERS[thanosCommandOf(args) as keyof typeof LISTENERS];
    if (!component || !table) continue;
    for (const [flag, port] of Object.entries(table)) {
      const given = args.find((a) => a.startsWith(`--${flag}=`))?.split('=')[1] ?? `0.0.0.0:${port}`;
      const [host = '', p = ''] = given.split(':');
      out.push({ component, workload: o.metadata.name, flag, host, port: Number(p) });
    }
  }
  return out;
}

const ENVIRONMENTS: Record<string, string> = {
  minimal: '',
  'prod-like, stateless ruler': `receive:
  replicationFactor: 3
  hashrings: [{ name: teams, tenants: [a], replicas: 3 }, { name: default, replicas: 3 }]
storeGateway: { shards: 2 }
ruler: { enabled: true, mode: stateless, alertmanagers: [http://am.monitoring.svc:9093] }
bucketWeb: { enabled: true }
`,
  'stateful ruler': 'ruler: { enabled: true, mode: stateful, alertmanagers: [http://am.monitoring.svc:9093] }\n',
  "Cap'n Proto replication": `receive:
  router: { extraArgs: [--receive.replication-protocol=capnproto] }
  hashrings: [{ name: default, extraArgs: [--receive.replication-protocol=capnproto] }]
`,
};

describe('listeners', () => {
  it('the default-listener table names flags each supported release knows', () => {
    const unknown = SUPPORTED_THANOS_VERSIONS.flatMap((v) =>
      Object.entries(LISTENERS).flatMap(([command, flags]) =>
        Object.keys(flags ?? {})
          .filter((f) => !isKnownFlag(command as ThanosCommand, f, v))
          .map((f) => `${v} ${command} --${f}`),
      ),
    );
    expect(Object.keys(LISTENERS).length).toBeGreaterThan(5);
    expect(unknown).toEqual([]);
  });

  for (const [name, yaml] of Object.entries(ENVIRONMENTS)) {
    it(`${name}: every listener is pod-local or the destination of a flow`, () => {
      const r = render(yaml);
      const reached = new Set(
        flowGraph(r.env).flatMap((f) => ('component' in f.to ? [`${f.to.component}:${f.port}`] : [])),
      );
      const all = listeners(r);
      expect(all.length).toBeGreaterThan(4);
      const open = all.filter((l) => l.host !== '127.0.0.1');
      const unused = open.filter((l) => !reached.has(`${l.component}:${l.port}`));
      expect(unused.map((l) => `${l.workload} --${l.flag}=${l.host}:${l.port}`)).toEqual([]);
      // What listens beyond the pod is what its container and Service declare, and nothing more.
      for (const o of r.objects.filter((x) => x.kind === 'Deployment' || x.kind === 'StatefulSet')) {
        const mine = open.filter((l) => l.workload === o.metadata.name).map((l) => l.port);
        if (mine.length === 0) continue;
        const declared = o.spec.template.spec.containers[0].ports.map(
          (p: { containerPort: number }) => p.containerPort,
        );
        // Cap'n Proto replication, an extraArgs choice, opens no declared port (nor did it before).
        const notCapnp = (p: number) => p !== 19391;
        expect(declared.filter(notCapnp).sort(), o.metadata.name).toEqual(mine.filter(notCapnp).sort());
      }
    });
  }

  it('the table names every server a rendered Thanos container is told to open, by its command', () => {
    const r = render(ENVIRONMENTS['prod-like, stateless ruler'] ?? '');
    const given = new Map<string, Set<string>>();
    for (const o of r.objects.filter((x) => x.kind === 'Deployment' || x.kind === 'StatefulSet')) {
      const c = o.spec.template.spec.containers[0];
      const args: string[] = [...(c.command ?? []).slice(1), ...(c.args ?? [])];
      const command = thanosCommandOf(args);
      if (c.name !== 'thanos' || !command) continue;
      const flags = args.flatMap((a) => /^--([a-z.-]+)=(0\.0\.0\.0|127\.0\.0\.1):\d+$/.exec(a)?.[1] ?? []);
      given.set(command, new Set([...(given.get(command) ?? []), ...flags]));
    }
    expect([...given.keys()].sort()).toEqual(Object.keys(LISTENERS).sort());
    for (const [command, flags] of given) {
      expect(Object.keys(LISTENERS[command as ThanosCommand] ?? {}).sort(), command).toEqual([...flags].sort());
    }
  });

  it("closes the ingestors' remote-write and the routers' and Query's gRPC, used by no other pod", () => {
    const local = listeners(render(ENVIRONMENTS['prod-like, stateless ruler'] ?? ''))
      .filter((l) => l.host === '127.0.0.1')
      .map((l) => `${l.component} ${l.flag}`);
    expect([...new Set(local)].sort()).toEqual([
      'query grpc-address',
      'receive-ingestor receive.capnproto-address',
      'receive-ingestor remote-write.address',
      'receive-router grpc-address',
      'receive-router receive.capnproto-address',
    ]);
  });

  it("keeps the ingestors' Cap'n Proto server open when the routers replicate with it", () => {
    const capnp = listeners(render(ENVIRONMENTS["Cap'n Proto replication"] ?? '')).filter(
      (l) => l.component === 'receive-ingestor' && l.flag === 'receive.capnproto-address',
    );
    expect(capnp.map((l) => l.host)).toEqual(['0.0.0.0']);
  });
});
