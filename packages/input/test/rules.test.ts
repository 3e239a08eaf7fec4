/**
 * The cross-field rules of every schema section (src/rules/), through `loadEnvironments` as users meet them:
 * each case pins the field, the line and the whole message, and the boundary on both sides, so a rule that
 * stops firing, fires one step early, or loses its explanation fails here. Receive's routing rules have their
 * own file (receive-rules.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { compactorRules } from '../src/rules/compactor.js';
import { serviceDomainRules } from '../src/rules/environment.js';
import { tenantGlob } from '../src/rules/index.js';
import { BASE, environmentOf, problemsOf, warningsOf } from './support/problems.js';

/** field and message of every problem, in order. */
const report = (yaml: string) => problemsOf(yaml).map((p) => [p.field, p.message]);

/** The 1-based line of the first line of BASE + `yaml` containing `needle`. */
function lineOf(yaml: string, needle: string): number {
  const index = `${BASE}${yaml}`.split('\n').findIndex((l) => l.includes(needle));
  if (index < 0) throw new Error(`no line with ${needle}`);
  return index + 1;
}

describe('compactor', () => {
  const retention = (raw: string, fiveMinutes = '180d', extra = '') =>
    `compactor:\n${extra}  retention: { raw: ${raw}, 5m: ${fiveMinutes} }\n`;

  it('refuses a raw retention shorter than 40h while downsampling, at its line', () => {
    const yaml = retention('39h');
    const problems = problemsOf(yaml);
    expect(problems.map((p) => [p.field, p.line])).toEqual([['compactor.retention.raw', lineOf(yaml, 'raw: 39h')]]);
    expect(problems[0]?.message).toBe(
      'must be 0d or at least 40h while compactor.downsampling is on: 5m downsampling only happens to raw blocks ' +
        '40h long, and the compactor refuses to start otherwise (found "39h")',
    );
  });

  it('refuses a 5m retention shorter than 10d while downsampling', () => {
    expect(report(retention('30d', '239h'))).toEqual([
      [
        'compactor.retention.5m',
        'must be 0d or at least 10d while compactor.downsampling is on: 1h downsampling only happens to 5m blocks ' +
          '10d long, and the compactor refuses to start otherwise (found "239h")',
      ],
    ]);
  });

  it('accepts exactly the minimums, and 0d (keep forever)', () => {
    expect(report(retention('40h', '10d'))).toEqual([]);
    expect(report(retention('0d', '0d'))).toEqual([]);
  });

  it('accepts short retentions without downsampling, or without a compactor', () => {
    expect(report(retention('1h', '1h', '  downsampling: false\n'))).toEqual([]);
    expect(report(retention('1h', '1h', '  enabled: false\n'))).toEqual([]);
  });

  it('refuses a shard label that is also a deduplication replica label', () => {
    const yaml =
      'compactor:\n  deduplicationReplicaLabels: [replica, rule_replica]\n  sharding: { shards: 2, label: rule_replica }\n';
    expect(report(yaml)).toEqual([
      [
        'compactor.sharding.label',
        '"rule_replica" is also a deduplication replica label: replicas would land on different shards and never ' +
          'be merged; shard by a label the replicas share',
      ],
    ]);
    expect(report(yaml.replace('label: rule_replica', 'label: cluster'))).toEqual([]);
    expect(report(yaml.replace('compactor:\n', 'compactor:\n  enabled: false\n'))).toEqual([]);
  });

  it('refuses sharding by the derived replica label of replicated receive', () => {
    const yaml =
      'receive:\n  replicationFactor: 3\n  hashrings: [{ name: default, replicas: 3 }]\n' +
      'compactor:\n  sharding: { shards: 2, label: replica }\n';
    expect(problemsOf(yaml).map((p) => p.field)).toEqual(['compactor.sharding.label']);
  });

  it('accepts any number of shards: the longest name, thanos-compact-31, is far from the limit', () => {
    expect(report('compactor:\n  sharding: { shards: 32, label: cluster }\n')).toEqual([]);
  });
});

describe('compactor retention order', () => {
  /** Line, field and message of every warning. */
  const warned = (retention: string, extra = '') => {
    const yaml = `compactor:\n${extra}  retention: ${retention}\n`;
    return warningsOf(yaml).map((w) => [w.line, w.field, w.message]);
  };
  const why =
    'queries over old ranges fall back to coarser resolutions, so keep raw <= 5m <= 1h unless you mean to drop detail first';

  it('warns at a 5m retention shorter than the raw one, at its line, with both values', () => {
    expect(warned('{ raw: 90d, 5m: 30d, 1h: 1y }')).toEqual([
      [5, 'compactor.retention.5m', `keeps 5m data (30d) for less time than raw data (90d): ${why}`],
    ]);
  });

  it('warns at a 1h retention shorter than the 5m one, where 0d (forever) is the longest', () => {
    expect(warned('{ raw: 30d, 5m: 0d, 1h: 1y }')).toEqual([
      [5, 'compactor.retention.1h', `keeps 1h data (1y) for less time than 5m data (0d): ${why}`],
    ]);
    expect(warned('{ raw: 0d, 5m: 180d, 1h: 1y }')).toEqual([
      [5, 'compactor.retention.5m', `keeps 5m data (180d) for less time than raw data (0d): ${why}`],
    ]);
  });

  it('warns at both when each resolution is kept shorter than the finer one', () => {
    expect(warned('{ raw: 1y, 5m: 180d, 1h: 30d }').map(([, field]) => field)).toEqual([
      'compactor.retention.5m',
      'compactor.retention.1h',
    ]);
  });

  it('accepts equal retentions, the defaults, and 0d everywhere', () => {
    expect(warned('{ raw: 30d, 5m: 30d, 1h: 30d }')).toEqual([]);
    expect(warned('{}')).toEqual([]);
    expect(warned('{ raw: 0d, 5m: 0d, 1h: 0d }')).toEqual([]);
  });

  it('does not warn without downsampling or without a compactor (only one resolution is written)', () => {
    expect(warned('{ raw: 90d, 5m: 30d, 1h: 1d }', '  downsampling: false\n')).toEqual([]);
    expect(warned('{ raw: 90d, 5m: 30d, 1h: 1d }', '  enabled: false\n')).toEqual([]);
  });

  it('needs no warn on the sink: a sink that only reports gets nothing', () => {
    const env = environmentOf('compactor:\n  retention: { raw: 90d, 5m: 30d }\n');
    const reported: string[] = [];
    expect(() => compactorRules(env, { report: (_, message) => reported.push(message) })).not.toThrow();
    expect(reported).toEqual([]);
  });
});

describe('query', () => {
  it('wants the autoscaling ceiling at or above the replicas', () => {
    const yaml = 'query:\n  replicas: 3\n  autoscaling: { maxReplicas: 2 }\n';
    const problems = problemsOf(yaml);
    expect(problems.map((p) => [p.field, p.line, p.message])).toEqual([
      ['query.autoscaling.maxReplicas', lineOf(yaml, 'maxReplicas'), 'must be >= query.replicas (3) (found 2)'],
    ]);
    expect(report(yaml.replace('maxReplicas: 2', 'maxReplicas: 3'))).toEqual([]);
  });
});

describe('ruler', () => {
  it('refuses a stateless ruler without receive to write to', () => {
    expect(report('receive:\n  enabled: false\nruler:\n  enabled: true\n  mode: stateless\n')).toEqual([
      ['ruler.mode', 'a stateless ruler remote-writes to receive, but receive.enabled is false'],
    ]);
    expect(report('receive:\n  enabled: false\nruler:\n  enabled: true\n  mode: stateful\n')).toEqual([]);
    expect(report('receive:\n  enabled: false\nruler:\n  enabled: false\n  mode: stateless\n')).toEqual([]);
  });

  const stateful = (retention: string, extra = '') =>
    `receive:\n  retention: 15d\nstoreGateway:\n  recentBlocks: skip\n  overlap: 6h\n${extra}ruler:\n  enabled: true\n  mode: stateful\n  retention: ${retention}\n`;

  it('wants a stateful ruler to keep its TSDB until the store gateway serves its blocks', () => {
    // The newest partition ends at -(15d - 6h) = -14d18h.
    const yaml = stateful('14d');
    const problems = problemsOf(yaml);
    expect(problems.map((p) => [p.field, p.line])).toEqual([['ruler.retention', lineOf(yaml, 'retention: 14d')]]);
    expect(problems[0]?.message).toBe(
      'leaves a gap: the store gateway serves only blocks older than 14d18h, so the ruler must keep its TSDB at ' +
        'least that long (found "14d")',
    );
  });

  it('accepts a stateful ruler that keeps exactly that long, or longer', () => {
    expect(report(stateful('14d18h'))).toEqual([]);
    expect(report(stateful('30d'))).toEqual([]);
  });

  it('has nothing to check when the store gateway serves up to now, is off, or the ruler is stateless', () => {
    expect(report(stateful('1d').replace('recentBlocks: skip', 'recentBlocks: serve'))).toEqual([]);
    expect(report(stateful('1d').replace('storeGateway:\n', 'storeGateway:\n  enabled: false\n'))).toEqual([]);
    expect(report(stateful('1d').replace('mode: stateful', 'mode: stateless'))).toEqual([]);
    expect(report(stateful('1d').replace('enabled: true', 'enabled: false'))).toEqual([]);
    expect(report(stateful('1d', '  partitions: []\n'))).toEqual([]);
  });

  it('reads a partition bound given in RFC 3339 as no reach', () => {
    const yaml = stateful('1d').replace(
      '  overlap: 6h\n',
      '  overlap: 6h\n  partitions: [{ maxTime: "2020-01-01T00:00:00Z" }]\n',
    );
    expect(problemsOf(yaml).map((p) => p.field)).not.toContain('ruler.retention');
  });
});

describe('store gateway partitions', () => {
  const partitions = (list: string, extra = '') => `storeGateway:\n${extra}  partitions:\n${list}`;

  it('accepts partitions that meet, newest first', () => {
    expect(report(partitions('    - { minTime: -90d }\n    - { maxTime: -90d }\n'))).toEqual([]);
    expect(
      report(partitions('    - { minTime: -90d }\n    - { maxTime: -80d, minTime: -1y }\n    - { maxTime: -1y }\n')),
    ).toEqual([]);
  });

  it('reports a gap between partitions at the older maxTime', () => {
    const yaml = partitions('    - { minTime: -90d }\n    - { maxTime: -91d }\n');
    const problems = problemsOf(yaml);
    expect(problems.map((p) => [p.field, p.line])).toEqual([
      ['storeGateway.partitions[1].maxTime', lineOf(yaml, 'maxTime: -91d')],
    ]);
    expect(problems[0]?.message).toBe(
      'leaves a gap: partition 0 starts at "-90d" but partition 1 ends at "-91d"; make them meet or overlap',
    );
  });

  it('compares RFC 3339 bounds too', () => {
    const meet = partitions('    - { minTime: "2024-01-01T00:00:00Z" }\n    - { maxTime: "2024-01-01T00:00:00Z" }\n');
    expect(report(meet)).toEqual([]);
    const gap = meet.replace('maxTime: "2024-01-01T00:00:00Z"', 'maxTime: "2023-12-31T23:59:59Z"');
    expect(problemsOf(gap).map((p) => p.field)).toEqual(['storeGateway.partitions[1].maxTime']);
  });

  it('refuses mixed forms it cannot compare', () => {
    expect(report(partitions('    - { minTime: -90d }\n    - { maxTime: "2024-01-01T00:00:00Z" }\n'))).toEqual([
      [
        'storeGateway.partitions[1].maxTime',
        "must use the same form (relative or RFC 3339) as partition 0's minTime, to check for gaps",
      ],
    ]);
    expect(report(partitions('    - { minTime: "2024-01-01T00:00:00Z" }\n    - { maxTime: -90d }\n'))).toEqual([
      [
        'storeGateway.partitions[1].maxTime',
        "must use the same form (relative or RFC 3339) as partition 0's minTime, to check for gaps",
      ],
    ]);
  });

  it('accepts no partitions at all, and the most shards with many partitions (names stay short)', () => {
    expect(report('storeGateway:\n  recentBlocks: skip\n  partitions: []\n')).toEqual([]);
    const many = Array.from({ length: 12 }, (_, i) => `    - { maxTime: -${i + 1}0d, minTime: -${i + 2}0d }\n`);
    expect(report(partitions(many.join('').replace('maxTime: -10d, ', ''), '  shards: 64\n'))).toEqual([]);
  });

  it('checks each pair of neighbours, reporting every gap', () => {
    const yaml = partitions(
      '    - { minTime: -30d }\n    - { maxTime: -31d, minTime: -60d }\n    - { maxTime: -61d }\n',
    );
    expect(report(yaml)).toEqual([
      [
        'storeGateway.partitions[1].maxTime',
        'leaves a gap: partition 0 starts at "-30d" but partition 1 ends at "-31d"; make them meet or overlap',
      ],
      [
        'storeGateway.partitions[2].maxTime',
        'leaves a gap: partition 1 starts at "-60d" but partition 2 ends at "-61d"; make them meet or overlap',
      ],
    ]);
  });

  it('wants a minTime on every partition but the oldest, and a maxTime on every one but the newest', () => {
    expect(report(partitions('    - {}\n    - { maxTime: -90d }\n'))).toEqual([
      [
        'storeGateway.partitions[0].minTime',
        'must be set on every partition but the oldest: partitions are listed newest first',
      ],
    ]);
    expect(report(partitions('    - { minTime: -90d }\n    - {}\n'))).toEqual([
      ['storeGateway.partitions[1].maxTime', `must be set: it has to reach partition 0's minTime ("-90d")`],
    ]);
  });

  it('wants the newest partition to reach the receive retention edge', () => {
    const yaml = partitions('    - { maxTime: -16d }\n', '  recentBlocks: skip\n');
    expect(report(`receive:\n  retention: 15d\n${yaml}`)).toEqual([
      [
        'storeGateway.partitions[0].maxTime',
        'leaves a gap: ingestors keep 15d (receive.retention), so the newest store partition must serve up to at ' +
          'least -15d (found "-16d")',
      ],
    ]);
    expect(report(`receive:\n  retention: 15d\n${yaml.replace('-16d', '-15d')}`)).toEqual([]);
    expect(report(`receive:\n  enabled: false\n${yaml}`)).toEqual([]);
  });

  it('refuses a fixed maxTime on the newest partition while receive runs', () => {
    const yaml = partitions('    - { maxTime: "2024-01-01T00:00:00Z" }\n');
    expect(report(`receive:\n  retention: 15d\n${yaml}`)).toEqual([
      [
        'storeGateway.partitions[0].maxTime',
        'must be relative (such as -14d) on the newest partition: a fixed time falls behind the receive retention ' +
          '(15d) as time passes and leaves a gap',
      ],
    ]);
  });

  it('checks nothing when the store gateway is off', () => {
    expect(report(partitions('    - { minTime: -90d }\n    - {}\n', '  enabled: false\n'))).toEqual([]);
  });
});

describe('options every workload has', () => {
  it('wants exactly one of value or secretKeyRef in an extra variable', () => {
    const yaml = 'query:\n  extraEnv:\n    - { name: A, value: x }\n    - { name: B }\n';
    const problems = problemsOf(yaml);
    expect(problems.map((p) => [p.field, p.line, p.message])).toEqual([
      ['query.extraEnv[1]', lineOf(yaml, 'name: B'), 'must have exactly one of `value` or `secretKeyRef`'],
    ]);
    const both = 'ruler:\n  extraEnv:\n    - { name: B, value: x, secretKeyRef: { name: s, key: k } }\n';
    expect(problemsOf(both).map((p) => p.field)).toEqual(['ruler.extraEnv[0]']);
  });

  it('wants exactly one source per extra volume and unique names, in every section', () => {
    const yaml = `receive:
  hashrings:
    - name: default
      extraVolumes:
        - { name: a, mountPath: /a, configMap: a }
        - { name: a, mountPath: /b, emptyDir: {} }
        - { name: c, mountPath: /c }
        - { name: d, mountPath: /d, configMap: d, secret: d }
`;
    expect(report(yaml)).toEqual([
      ['receive.hashrings[0].extraVolumes[1].name', 'volume "a" is declared twice'],
      ['receive.hashrings[0].extraVolumes[2]', 'must have exactly one of `configMap`, `secret`, `emptyDir` (found 0)'],
      ['receive.hashrings[0].extraVolumes[3]', 'must have exactly one of `configMap`, `secret`, `emptyDir` (found 2)'],
    ]);
  });

  it('allows the same volume name in two workloads', () => {
    const vol = '  extraVolumes: [{ name: a, mountPath: /a, emptyDir: {} }]\n';
    expect(report(`query:\n${vol}compactor:\n${vol}`)).toEqual([]);
  });
});

describe('resources', () => {
  it('refuses a limit below the request, saying which value came from the size preset', () => {
    // small query: 100m / 256Mi requested, 1Gi memory limit.
    expect(report('query:\n  resources: { limits: { memory: 200Mi } }\n')).toEqual([
      [
        'query.resources.limits.memory',
        'the memory limit 200Mi is below the request 256Mi (from the "small" size preset); Kubernetes rejects such ' +
          'pods: raise the limit or lower the request',
      ],
    ]);
    expect(report('size: medium\ncompactor:\n  resources: { requests: { memory: 9Gi } }\n')).toEqual([
      [
        'compactor.resources.requests.memory',
        'the memory limit 8Gi (from the "medium" size preset) is below the request 9Gi; Kubernetes rejects such ' +
          'pods: raise the limit or lower the request',
      ],
    ]);
    expect(report('query:\n  resources: { requests: { cpu: "2" }, limits: { cpu: 1500m } }\n')).toEqual([
      [
        'query.resources.limits.cpu',
        'the cpu limit 1500m is below the request 2; Kubernetes rejects such pods: raise the limit or lower the request',
      ],
    ]);
  });

  it('accepts a limit equal to the request, a cpu request with no cpu limit, and preset values alone', () => {
    expect(report('query:\n  resources: { requests: { memory: 1Gi } }\n')).toEqual([]);
    expect(report('query:\n  resources: { requests: { cpu: "64" } }\n')).toEqual([]);
    expect(report('query:\n  resources: { limits: { cpu: 100m } }\n')).toEqual([]);
    for (const size of ['small', 'medium', 'large']) expect(report(`size: ${size}\n`)).toEqual([]);
  });
});

describe('generated name lengths', () => {
  it('refuses a hashring name that makes the ingestor StatefulSet name too long', () => {
    // thanos-receive-ingestor- is 24 characters: 28 more make 52, the limit.
    const ok = 'a'.repeat(28);
    expect(report(`receive:\n  hashrings: [{ name: ${ok} }]\n`)).toEqual([]);
    const long = 'a'.repeat(29);
    expect(report(`receive:\n  hashrings: [{ name: ${long} }]\n`)).toEqual([
      [
        'receive.hashrings[0].name',
        `gives the StatefulSet name "thanos-receive-ingestor-${long}" of 53 characters; Kubernetes allows 52`,
      ],
    ]);
  });
});

describe('receive', () => {
  it('refuses a zero retention', () => {
    expect(report('receive:\n  retention: 0d\n')).toEqual([
      ['receive.retention', 'must be longer than 0 (found "0d")'],
    ]);
  });

  it('refuses a hashring name declared twice, pointing at the first', () => {
    const yaml =
      'receive:\n  hashrings:\n    - { name: a, tenants: [x] }\n    - { name: a, tenants: [y] }\n    - { name: b }\n';
    expect(report(yaml)).toEqual([
      ['receive.hashrings[1].name', 'hashring "a" is already declared at receive.hashrings[0]'],
    ]);
  });

  it('refuses a tenant routed twice, and tells the RF 2 arithmetic', () => {
    const yaml = 'receive:\n  hashrings:\n    - { name: a, tenants: [x, x] }\n    - { name: b }\n';
    expect(report(yaml)).toEqual([
      ['receive.hashrings[0].tenants[1]', 'tenant "x" is already routed to receive.hashrings[0]'],
    ]);
    const rf4 = 'receive:\n  replicationFactor: 4\n  hashrings: [{ name: default, replicas: 4 }]\n';
    expect(report(rf4)).toEqual([
      [
        'receive.replicationFactor',
        'must be odd: a write needs a quorum of floor(RF/2)+1 = 3 of the 4 copies, so RF 4 survives no more ' +
          'ingestor failures (1) than RF 3 while storing one more copy (found 4)',
      ],
    ]);
  });

  it('tells an exact tenant from a glob with the same text', () => {
    const yaml = `receive:
  hashrings:
    - name: a
      tenantMatcher: glob
      tenants: ['team-*']
    - name: b
      tenantMatcher: glob
      tenants: ['team-*']
    - name: default
`;
    expect(problemsOf(yaml).map((p) => p.field)).toEqual(['receive.hashrings[1].tenants[0]']);
  });

  it('does not call a glob that comes later a shadow of an exact tenant', () => {
    const yaml = `receive:
  hashrings:
    - name: a
      tenants: [team-x]
    - name: b
      tenantMatcher: glob
      tenants: ['team-*']
    - name: default
`;
    expect(report(yaml)).toEqual([]);
  });

  it('routes the stateless ruler through a catch-all, an exact tenant, or a glob matching the default tenant', () => {
    const ruler = 'ruler:\n  enabled: true\n  mode: stateless\n';
    const only = (h: string) => `receive:\n  hashrings:\n${h}${ruler}`;
    expect(report(only('    - { name: a, tenants: [default-tenant] }\n'))).toEqual([]);
    expect(report(only("    - { name: a, tenantMatcher: glob, tenants: ['default-*'] }\n"))).toEqual([]);
    expect(report(only('    - { name: a, tenants: [x] }\n    - { name: b }\n'))).toEqual([]);
    expect(report(only("    - { name: a, tenantMatcher: glob, tenants: ['team-*'] }\n"))).toEqual([
      [
        'receive.defaultTenant',
        'no hashring takes tenant "default-tenant", which the stateless ruler writes as (it sends no tenant header): ' +
          'add a catch-all hashring (no tenants) or list this tenant',
      ],
    ]);
    expect(report(only('    - { name: a, tenants: [x] }\n').replace('stateless', 'stateful'))).toEqual([]);
  });

  it('reports a default head series limit that nothing can count', () => {
    const yaml = 'receive:\n  limits:\n    write:\n      default:\n        head_series_limit: 5\n';
    expect(report(yaml)).toEqual([
      [
        'receive.limits.write.default.head_series_limit',
        'has no effect without receive.limits.write.global.meta_monitoring_url, which counts head series',
      ],
    ]);
    expect(report('receive:\n  limits:\n    write:\n      default:\n        request: { series_limit: 5 }\n')).toEqual(
      [],
    );
  });
});

describe('remote write', () => {
  const MTLS = '  mtls: { enabled: true, issuer: { kind: bootstrap } }\n';
  const rw = (body: string) => `remoteWrite:\n${body}`;
  const AMP =
    '  amp: { workspaceId: ws-12345678-1234-1234-1234-123456789012, region: eu-west-1, accountId: "123456789012" }\n';

  it('wants an issuer with mTLS, a name for an existing one, none for a bootstrapped one', () => {
    expect(report(rw('  mtls: { enabled: true }\n'))).toEqual([
      [
        'remoteWrite.mtls',
        'mTLS needs an issuer: set remoteWrite.mtls.issuer to {kind: bootstrap} for a CA that cert-manager creates, ' +
          'or to {kind: ClusterIssuer, name: …} (or Issuer) to use an existing one',
      ],
    ]);
    expect(report(rw('  mtls: { enabled: true, issuer: { kind: ClusterIssuer } }\n'))).toEqual([
      ['remoteWrite.mtls.issuer.kind', 'an existing ClusterIssuer needs its name'],
    ]);
    expect(report(rw('  mtls: { enabled: true, issuer: { kind: Issuer, name: vault } }\n'))).toEqual([]);
    expect(report(rw('  mtls: { enabled: true, issuer: { kind: bootstrap, name: my-ca } }\n'))).toEqual([
      [
        'remoteWrite.mtls.issuer.name',
        'a bootstrapped CA is named thanos-ca by the generator: remove name, or set kind to Issuer or ClusterIssuer',
      ],
    ]);
    expect(report(rw(MTLS))).toEqual([]);
  });

  it("refuses one existing issuer for the writers' and the internal trust domains, at internalIssuer", () => {
    const both = (internalIssuer: string, issuer = '{ kind: ClusterIssuer, name: vault }') =>
      rw(
        `  mtls:\n    enabled: true\n    internal: true\n    issuer: ${issuer}\n    internalIssuer: ${internalIssuer}\n`,
      );
    const yaml = both('{ kind: ClusterIssuer, name: vault }');
    expect(problemsOf(yaml).map((p) => [p.field, p.line, p.message])).toEqual([
      [
        'remoteWrite.mtls.internalIssuer',
        lineOf(yaml, 'internalIssuer'),
        "is the writers' issuer too (ClusterIssuer vault): every writer's client certificate would then open the " +
          'internal gRPC ports (read any tenant, write into any tenant); give the internal domain its own CA ' +
          '({kind: bootstrap}, or another issuer)',
      ],
    ]);
    // Another name, kind or group is another issuer; the default bootstraps a CA of its own.
    expect(report(both('{ kind: ClusterIssuer, name: mesh }'))).toEqual([]);
    expect(report(both('{ kind: Issuer, name: vault }'))).toEqual([]);
    expect(report(both('{ kind: ClusterIssuer, name: vault, group: awspca.cert-manager.io }'))).toEqual([]);
    expect(report(both('{ kind: bootstrap }'))).toEqual([]);
    expect(report(both('{ kind: ClusterIssuer }'))).toEqual([
      ['remoteWrite.mtls.internalIssuer.kind', 'an existing ClusterIssuer needs its name'],
    ]);
    expect(report(both('{ kind: bootstrap, name: x }'))).toEqual([
      [
        'remoteWrite.mtls.internalIssuer.name',
        'a bootstrapped CA is named thanos-internal-ca by the generator: remove name, or set kind to Issuer or ' +
          'ClusterIssuer',
      ],
    ]);
    expect(report(both('{ kind: bootstrap, caDuration: 30m }'))).toEqual([
      [
        'remoteWrite.mtls.internalIssuer.caDuration',
        `must be at least 1h, cert-manager's shortest certificate (found "30m")`,
      ],
    ]);
    expect(report(both('{ kind: Issuer, name: mesh, caDuration: 30m }'))).toEqual([
      [
        'remoteWrite.mtls.internalIssuer.caDuration',
        'is only used with kind bootstrap: an existing issuer has its own CA, whose lifetime the generator does not set',
      ],
    ]);
  });

  it('refuses internal mTLS with the NetworkPolicies off unless acknowledged', () => {
    const off = (ack: string) =>
      `networkPolicies: { enabled: false }\n${rw(`  mtls: { enabled: true, issuer: { kind: bootstrap }, internal: true${ack} }\n`)}`;
    expect(report(off('')).map(([field]) => field)).toEqual(['remoteWrite.mtls.internal']);
    expect(report(off(', withoutNetworkPolicies: true'))).toEqual([]);
    expect(report(rw('  mtls: { enabled: true, issuer: { kind: bootstrap }, internal: true }\n'))).toEqual([]);
  });

  it('wants certificate lifetimes cert-manager accepts, at their lines, the boundaries included', () => {
    const lifetimes = (fields: string, issuer = '{ kind: bootstrap }', enabled = 'true') =>
      rw(`  mtls:\n    enabled: ${enabled}\n    issuer: ${issuer}\n${fields}`);
    const yaml = lifetimes('    duration: 59m59s\n    renewBefore: 4m59s\n', '{ kind: bootstrap, caDuration: 59m }');
    const problems = problemsOf(yaml);
    expect(problems.map((p) => [p.field, p.line, p.message])).toEqual([
      [
        'remoteWrite.mtls.issuer.caDuration',
        lineOf(yaml, 'caDuration'),
        `must be at least 1h, cert-manager's shortest certificate (found "59m")`,
      ],
      [
        'remoteWrite.mtls.duration',
        lineOf(yaml, 'duration: 59m59s'),
        `must be at least 1h, cert-manager's shortest certificate (found "59m59s")`,
      ],
      [
        'remoteWrite.mtls.renewBefore',
        lineOf(yaml, 'renewBefore'),
        `must be at least 5m, cert-manager's minimum (found "4m59s")`,
      ],
    ]);
    expect(report(lifetimes('    duration: 1h\n    renewBefore: 5m\n', '{ kind: bootstrap, caDuration: 1h }'))).toEqual(
      [],
    );
    // A renewal at or after the whole lifetime; one too short to renew is reported as that alone.
    expect(report(lifetimes('    duration: 2h\n    renewBefore: 2h\n'))).toEqual([
      [
        'remoteWrite.mtls.renewBefore',
        'must be shorter than duration (2h): a certificate cannot be renewed before it is issued (found "2h")',
      ],
    ]);
    expect(report(lifetimes('    duration: 2h\n    renewBefore: 1h59m59s\n'))).toEqual([]);
    expect(report(lifetimes('    duration: 3m\n    renewBefore: 4m\n')).map(([field]) => field)).toEqual([
      'remoteWrite.mtls.duration',
      'remoteWrite.mtls.renewBefore',
    ]);
    // The CA lifetime only applies to a bootstrapped CA (written for an existing issuer, it is refused as a setting
    // that cannot apply, not for its length); nothing is issued while mTLS is off.
    expect(report(lifetimes('', '{ kind: Issuer, name: vault, caDuration: 1m }')).map(([field]) => field)).toEqual([
      'remoteWrite.mtls.issuer.caDuration',
    ]);
    expect(report(lifetimes('    duration: 1m\n', '{ kind: bootstrap, caDuration: 1m }', 'false'))).toEqual([]);
  });

  it('wants key sizes cert-manager can issue', () => {
    const keys = (k: string) => rw(`  mtls: { enabled: true, issuer: { kind: bootstrap }, keys: ${k} }\n`);
    expect(report(keys('{ algorithm: ECDSA, size: 512 }'))).toEqual([
      ['remoteWrite.mtls.keys.size', 'must be 256, 384 or 521 for ECDSA (found 512)'],
    ]);
    expect(report(keys('{ algorithm: RSA, size: 2047 }'))).toEqual([
      ['remoteWrite.mtls.keys.size', 'must be at least 2048 for RSA (found 2047)'],
    ]);
    for (const ok of [
      '{ algorithm: ECDSA, size: 256 }',
      '{ algorithm: ECDSA, size: 384 }',
      '{ algorithm: ECDSA, size: 521 }',
      '{ algorithm: RSA, size: 2048 }',
      '{ algorithm: RSA }',
    ]) {
      expect(report(keys(ok)), ok).toEqual([]);
    }
  });

  it('wants an exposed endpoint to have mTLS and a hostname', () => {
    expect(report(rw('  exposure: { type: gateway, gateway: { name: gw, namespace: infra } }\n'))).toEqual([
      [
        'remoteWrite.exposure.type',
        'exposing remote-write (gateway) passes TLS through to the routers, so it needs remoteWrite.mtls.enabled: ' +
          'true; otherwise anyone who reaches the endpoint could write',
      ],
      [
        'remoteWrite.exposure.type',
        'an exposed endpoint (gateway) needs remoteWrite.hostname: the DNS name writers connect to, which the ' +
          'server certificate must carry',
      ],
    ]);
    const gateway = `${MTLS}  hostname: rw.example.com\n  exposure: { type: gateway, gateway: { name: gw, namespace: infra } }\n`;
    expect(report(rw(gateway))).toEqual([]);
  });

  it('wants a Gateway for a gateway exposure and source ranges for a load balancer', () => {
    expect(report(rw(`${MTLS}  hostname: rw.example.com\n  exposure: { type: gateway }\n`))).toEqual([
      [
        'remoteWrite.exposure.type',
        'a gateway exposure needs remoteWrite.exposure.gateway with the name and namespace of the Gateway the ' +
          'TLSRoute attaches to',
      ],
    ]);
    const nlb = rw(`${MTLS}  hostname: rw.example.com\n  exposure: { type: loadBalancer }\n`);
    expect(report(nlb)).toEqual([
      [
        'remoteWrite.exposure.type',
        'a loadBalancer exposure needs networkPolicies.remoteWriteCIDRs: they are the source ranges of the NLB and ' +
          'the addresses the NetworkPolicy lets in (the load balancer preserves client addresses)',
      ],
    ]);
    expect(report(`${nlb}networkPolicies:\n  remoteWriteCIDRs: [10.0.0.0/8]\n`)).toEqual([]);
  });

  it('wants the environment CA for internal mTLS', () => {
    expect(report(rw('  mtls: { internal: true }\n'))).toEqual([
      ['remoteWrite.mtls.internal', 'internal mTLS uses the environment CA: set mtls.enabled: true'],
    ]);
  });

  it('wants an account for the AMP workspace ARN', () => {
    const amp = rw('  amp: { workspaceId: ws-12345678-1234-1234-1234-123456789012, region: eu-west-1 }\n');
    expect(report(amp)).toEqual([
      ['remoteWrite.amp', 'needs accountId (or identity.aws.accountId) to name the workspace ARN'],
    ]);
    expect(report(rw(AMP))).toEqual([]);
  });

  const writers = (list: string, extra = MTLS) => rw(`${extra}  writers:\n${list}`);
  const W = (name: string, more = '') => `    - { name: ${name}, tenant: default-tenant, cluster: c${more} }\n`;

  it('refuses a writer name declared twice', () => {
    expect(report(writers(W('a') + W('b') + W('a')))).toEqual([
      ['remoteWrite.writers[2].name', 'writer "a" is already declared at remoteWrite.writers[0]'],
    ]);
  });

  it('refuses writers to Thanos when receive is off, and unknown tenants', () => {
    expect(report(`receive:\n  enabled: false\n${writers(W('a'))}`)).toEqual([
      ['remoteWrite.writers[0].name', 'writes to Thanos, but receive.enabled is false'],
    ]);
    const yaml = `receive:\n  hashrings:\n    - { name: a, tenants: [team-a] }\n    - { name: g, tenantMatcher: glob, tenants: ['ops-*'] }\n${writers(
      '    - { name: a, tenant: team-b, cluster: c }\n    - { name: b, tenant: ops-1, cluster: c }\n    - { name: c, tenant: team-a, cluster: c }\n    - { name: d, tenant: default-tenant, cluster: c }\n',
    )}`;
    expect(report(yaml)).toEqual([
      [
        'remoteWrite.writers[0].tenant',
        'tenant "team-b" is unknown: no hashring names it and it is not receive.defaultTenant ("default-tenant"); ' +
          'known tenants: team-a, ops-*, default-tenant. Add it to the tenants of a hashring',
      ],
    ]);
  });

  it('knows a tenant by any tenant of a hashring: exact names as names, globs as patterns, broken globs skipped', () => {
    const yaml = `receive:
  hashrings:
    - { name: e, tenants: [team-a, 'team-*'] }
    - { name: g, tenantMatcher: glob, tenants: ['ops-[', 'ops-?', 'dev-*'] }
    - { name: d }
${writers('    - { name: a, tenant: dev-1, cluster: c }\n    - { name: b, tenant: team-x, cluster: c }\n')}`;
    expect(report(yaml)).toEqual([
      [
        'receive.hashrings[1].tenants[0]',
        'is not a valid glob pattern: the character class at position 5 is empty, malformed or unclosed (found "ops-[")',
      ],
      [
        'remoteWrite.writers[1].tenant',
        'tenant "team-x" is unknown: no hashring names it and it is not receive.defaultTenant ("default-tenant"); ' +
          'known tenants: team-a, team-*, ops-[, ops-?, dev-*, default-tenant. Add it to the tenants of a hashring',
      ],
    ]);
  });

  it('keeps roleArn for AMP writers', () => {
    expect(report(writers(W('a', ', roleArn: "arn:aws:iam::123456789012:role/x"')))).toEqual([
      [
        'remoteWrite.writers[0].roleArn',
        'only used with target amp (SigV4); this writer sends to Thanos with its certificate',
      ],
    ]);
  });

  it('wants remoteWrite.amp for AMP writers, at the target that asks for it', () => {
    expect(report(writers(W('a', ', target: amp')))).toEqual([
      ['remoteWrite.writers[0].target', 'target amp needs remoteWrite.amp (workspaceId and region of the workspace)'],
    ]);
    expect(report(writers(W('a'), `${MTLS}  target: amp\n`))).toEqual([
      ['remoteWrite.target', 'target amp needs remoteWrite.amp (workspaceId and region of the workspace)'],
    ]);
    // An AMP writer needs no Thanos tenant and no receive.
    const amp = `receive:\n  enabled: false\n${writers('    - { name: a, tenant: nobody, cluster: c, target: amp }\n', MTLS + AMP)}`;
    expect(report(amp)).toEqual([]);
  });

  it('refuses Google Managed Prometheus as a target', () => {
    const problems = problemsOf(writers(W('a', ', target: gmp') + W('b')));
    expect(problems.map((p) => p.field)).toEqual(['remoteWrite.writers[0].target']);
    expect(problems[0]?.message).toMatch(/^Google Cloud Managed Service for Prometheus is not a remote-write target/);
  });
});

describe('more located messages', () => {
  it('refuses a time bound that is no date, at its line', () => {
    const yaml =
      'storeGateway:\n  partitions:\n    - { minTime: "2024-13-45T00:00:00Z" }\n    - { maxTime: "2024-13-45T00:00:00Z" }\n';
    const problems = problemsOf(yaml);
    expect(problems.map((p) => [p.field, p.message])).toEqual([
      [
        'storeGateway.partitions[0].minTime',
        'must be an RFC 3339 time or a relative duration such as -14d (found "2024-13-45T00:00:00Z")',
      ],
      [
        'storeGateway.partitions[0].minTime',
        'must be set on every partition but the oldest: partitions are listed newest first',
      ],
      [
        'storeGateway.partitions[1].maxTime',
        'must be an RFC 3339 time or a relative duration such as -14d (found "2024-13-45T00:00:00Z")',
      ],
    ]);
    expect(problems[0]?.line).toBe(lineOf(yaml, '- { minTime'));
  });

  it('accepts a fixed maxTime on the newest partition without receive', () => {
    expect(
      report('receive:\n  enabled: false\nstoreGateway:\n  partitions: [{ maxTime: "2024-01-01T00:00:00Z" }]\n'),
    ).toEqual([]);
  });

  it('explains the catch-all order and the shadowing glob in full', () => {
    expect(report('receive:\n  hashrings:\n    - name: all\n    - name: b\n      tenants: [x]\n')).toEqual([
      [
        'receive.hashrings[0].tenants',
        'a catch-all hashring (no tenants) must be the last one, or it hides those after it',
      ],
    ]);
    const yaml =
      "receive:\n  hashrings:\n    - { name: g, tenantMatcher: glob, tenants: ['t-?'] }\n    - { name: e, tenants: [t-1] }\n    - { name: d }\n";
    expect(report(yaml)).toEqual([
      [
        'receive.hashrings[1].tenants[0]',
        'tenant "t-1" is never routed here: it matches "t-?" of receive.hashrings[0], which comes first',
      ],
    ]);
  });

  it('reports only the tenants whose head series limit nothing counts', () => {
    const yaml =
      'receive:\n  limits:\n    write:\n      tenants:\n        a:\n          request: { series_limit: 5 }\n        b:\n          head_series_limit: 5\n';
    expect(problemsOf(yaml).map((p) => p.field)).toEqual(['receive.limits.write.tenants.b.head_series_limit']);
  });

  it('takes the AMP account from identity.aws', () => {
    const yaml =
      'identity: { aws: { accountId: "123456789012", oidcProvider: oidc.eks.eu-west-1.amazonaws.com/id/X } }\n' +
      'remoteWrite:\n  amp: { workspaceId: ws-12345678-1234-1234-1234-123456789012, region: eu-west-1 }\n';
    expect(report(yaml)).toEqual([]);
  });

  it('says why Google Managed Prometheus is refused', () => {
    const yaml =
      'remoteWrite:\n  mtls: { enabled: true, issuer: { kind: bootstrap } }\n  writers:\n    - { name: a, tenant: default-tenant, cluster: c, target: gmp }\n';
    expect(report(yaml)).toEqual([
      [
        'remoteWrite.writers[0].target',
        'Google Cloud Managed Service for Prometheus is not a remote-write target: it ingests through its own ' +
          'collectors (managed collection or its Prometheus fork), not through a documented remote_write endpoint, ' +
          'and thanos-gitops does not guess one. Use target thanos or amp, and run the GMP collectors in that ' +
          'cluster if you want Google to store the data',
      ],
    ]);
  });

  it('lets a stateful ruler keep its TSDB forever (0d)', () => {
    const yaml = 'storeGateway:\n  recentBlocks: skip\nruler:\n  enabled: true\n  mode: stateful\n  retention: 0d\n';
    expect(problemsOf(yaml).map((p) => p.field)).not.toContain('ruler.retention');
  });
});

describe('tenant globs (Go filepath.Match)', () => {
  const bad = (pattern: string) => tenantGlob(pattern);
  const matches = (pattern: string, tenant: string) => {
    const re = tenantGlob(pattern);
    if (typeof re === 'string') throw new Error(re);
    return re.test(tenant);
  };

  it('says what is malformed and where', () => {
    expect(bad('ab\\')).toBe('it ends with an unfinished escape "\\"');
    expect(bad('ab[')).toBe('the character class at position 3 is empty, malformed or unclosed');
    expect(bad('x[]')).toBe('the character class at position 2 is empty, malformed or unclosed');
    expect(bad('[a\\')).toBe('the character class at position 1 is empty, malformed or unclosed');
    expect(bad('[z-a]')).toBe('range "z-a" in a character class is malformed');
    expect(bad('[a-]')).toBe('range "a-" in a character class is malformed');
    expect(bad('[a-\\')).toBe('range "a-" in a character class is malformed');
  });

  it('reads escapes, single-character ranges and several ranges in a class', () => {
    expect(matches('[\\]]', ']')).toBe(true);
    expect(matches('[\\-]', '-')).toBe(true);
    expect(matches('[\\-]', 'a')).toBe(false);
    expect(matches('[a-a]', 'a')).toBe(true);
    expect(matches('[a-a]', 'b')).toBe(false);
    expect(matches('[a-cx-z]', 'y')).toBe(true);
    expect(matches('[a-cx-z]', 'm')).toBe(false);
    expect(matches('[ab]', 'b')).toBe(true);
    expect(matches('[^ab]', 'a')).toBe(false);
    expect(matches('[^ab]', 'c')).toBe(true);
    expect(matches('*', 'a/b')).toBe(false);
    expect(matches('?', '/')).toBe(false);
  });
});

describe('Service names in another cluster domain', () => {
  /** What serviceDomainRules reports and warns, as `kind path` lines, in order. */
  const run = (value: unknown) => {
    const out: string[] = [];
    serviceDomainRules(value, [], 'k8s.example', {
      report: (path) => out.push(`report ${JSON.stringify(path)}`),
      warn: (path) => out.push(`warn ${JSON.stringify(path)}`),
    });
    return out;
  };

  it('finds them at every depth of mappings and lists, in order, and skips only the top-level cluster', () => {
    const env = {
      a: 'http://x.ns.svc.cluster.local:9000',
      cluster: { domain: 'q.ns.svc.cluster.local' },
      list: ['plain', 7, null, true, { deep: ['AM.MON.SVC.CLUSTER.LOCAL'] }, 'y.ns.svc.other.example'],
      n: 3,
      off: false,
      none: null,
      same: 'z.ns.svc.k8s.example',
      nested: { cluster: 'c.ns.svc.cluster.local', n: 1 },
    };
    expect(run(env)).toEqual([
      'report ["a"]',
      'report ["list",4,"deep",0]',
      'warn ["list",5]',
      'report ["nested","cluster"]',
    ]);
  });

  it('checks a string or a list given as the value itself', () => {
    expect(run('x.ns.svc.cluster.local')).toEqual(['report []']);
    expect(run(['a.b', 'x.ns.svc.cluster.local'])).toEqual(['report [1]']);
    expect(run({ cluster: 'x.ns.svc.cluster.local' })).toEqual([]);
    expect(run(42)).toEqual([]);
    expect(run(null)).toEqual([]);
  });
});
