import { describe, expect, it } from 'vitest';
import { tenantGlob } from '../src/rules/index.js';
import { BASE, FILE, problemsOf } from './support/problems.js';

/** The 1-based line of the first line of BASE + `yaml` containing `needle`. */
function lineOf(yaml: string, needle: string): number {
  const index = `${BASE}${yaml}`.split('\n').findIndex((l) => l.includes(needle));
  if (index < 0) throw new Error(`no line with ${needle}`);
  return index + 1;
}

describe('replication factor', () => {
  it('must fit in every hashring, reported at that hashring with its line', () => {
    const yaml = `receive:
  replicationFactor: 3
  hashrings:
    - name: a
      tenants: [t]
      replicas: 3
    - name: default
      replicas: 1
`;
    const problems = problemsOf(yaml);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({
      file: FILE,
      field: 'receive.hashrings[1].replicas',
      line: lineOf(yaml, 'replicas: 1'),
    });
    expect(problems[0]?.message).toMatch(/must be >= receive\.replicationFactor \(3\).*\(found 1\)$/);
  });

  it('must be odd, and says why', () => {
    const yaml = 'receive:\n  replicationFactor: 2\n  hashrings: [{ name: default, replicas: 3 }]\n';
    const [p] = problemsOf(yaml);
    expect(p).toMatchObject({ field: 'receive.replicationFactor', line: lineOf(yaml, 'replicationFactor') });
    expect(p?.message).toContain('quorum of floor(RF/2)+1 = 2');
  });

  it('accepts the shipped shapes: RF 1 with one ingestor, RF 3 with three', () => {
    expect(problemsOf('receive:\n  hashrings: [{ name: default }]\n')).toEqual([]);
    expect(problemsOf('receive:\n  replicationFactor: 3\n  hashrings: [{ name: default, replicas: 3 }]\n')).toEqual([]);
  });

  it('is not checked when receive is disabled', () => {
    expect(problemsOf('receive:\n  enabled: false\n  replicationFactor: 3\n')).toEqual([]);
  });
});

describe('tenant routing', () => {
  it('wants the catch-all last', () => {
    const yaml = 'receive:\n  hashrings:\n    - name: default\n    - name: b\n      tenants: [x]\n';
    expect(problemsOf(yaml).map((p) => p.field)).toEqual(['receive.hashrings[0].tenants']);
  });

  it('reports a malformed glob at the pattern', () => {
    const yaml = `receive:
  hashrings:
    - name: a
      tenantMatcher: glob
      tenants: ['ok-*', 'team-[a']
    - name: default
`;
    const problems = problemsOf(yaml);
    expect(problems.map((p) => p.field)).toEqual(['receive.hashrings[0].tenants[1]']);
    expect(problems[0]?.message).toContain('not a valid glob pattern');
  });

  it('reports an exact tenant that an earlier glob already takes', () => {
    const yaml = `receive:
  hashrings:
    - name: teams
      tenantMatcher: glob
      tenants: ['team-*']
    - name: special
      tenants: [team-x, other]
    - name: default
`;
    const problems = problemsOf(yaml);
    expect(problems.map((p) => p.field)).toEqual(['receive.hashrings[1].tenants[0]']);
    expect(problems[0]?.message).toContain('matches "team-*" of receive.hashrings[0]');
  });

  it('requires a route for the default tenant when the stateless ruler writes through receive', () => {
    const yaml = `receive:
  hashrings:
    - name: a
      tenants: [team-a]
ruler:
  enabled: true
  mode: stateless
`;
    const problems = problemsOf(yaml);
    expect(problems.map((p) => p.field)).toContain('receive.defaultTenant');
    const routed = yaml.replace('[team-a]', '[team-a, default-tenant]');
    expect(problemsOf(routed).map((p) => p.field)).not.toContain('receive.defaultTenant');
    // Exact tenants are names, not patterns: "default-*" is a tenant of its own.
    const literal = yaml.replace('[team-a]', "['default-*', 'default-tenan?']");
    expect(problemsOf(literal).map((p) => p.field)).toEqual(['receive.defaultTenant']);
  });
});

describe('limits', () => {
  const limits = (body: string) => `receive:\n  limits:\n    write:\n${body}`;

  it('accepts the documented structure', () => {
    const yaml = limits(`      global:
        max_concurrency: 100
        meta_monitoring_url: http://thanos-query.thanos.svc:10902
      default:
        request: { size_bytes_limit: 1024, series_limit: 10, samples_limit: 100 }
        head_series_limit: 1000
      tenants:
        acme:
          head_series_limit: 2000
`);
    expect(problemsOf(yaml)).toEqual([]);
  });

  it('reports a misspelt key at its line, since Thanos would refuse the file at startup', () => {
    const yaml = limits('      default:\n        request:\n          series_limits: 10\n');
    const [p] = problemsOf(yaml);
    expect(p).toMatchObject({
      field: 'receive.limits.write.default.request.series_limits',
      line: lineOf(yaml, 'series_limits'),
    });
    expect(p?.message).toContain('did you mean "series_limit"');
  });

  it('reports head series limits that nothing can count', () => {
    const yaml = limits('      tenants:\n        acme:\n          head_series_limit: 5\n');
    const problems = problemsOf(yaml);
    expect(problems.map((p) => p.field)).toEqual(['receive.limits.write.tenants.acme.head_series_limit']);
    expect(problems[0]?.message).toContain('meta_monitoring_url');
  });
});

describe('tenantGlob', () => {
  const matches = (pattern: string, tenant: string) => {
    const re = tenantGlob(pattern);
    if (typeof re === 'string') throw new Error(re);
    return re.test(tenant);
  };

  it('matches like Go filepath.Match', () => {
    expect(matches('team-*', 'team-a')).toBe(true);
    expect(matches('team-*', 'teams')).toBe(false);
    expect(matches('t?am', 'team')).toBe(true);
    expect(matches('[a-c]x', 'bx')).toBe(true);
    expect(matches('[^a-c]x', 'bx')).toBe(false);
    // The negation is not a member of the class: '[^a]' takes '^' and '['.
    expect(matches('[^a]', '^')).toBe(true);
    expect(matches('[^a]', '[')).toBe(true);
    expect(matches('[^a]', 'a')).toBe(false);
    expect(matches('a\\*', 'a*')).toBe(true);
    expect(matches('a\\*', 'ab')).toBe(false);
    expect(matches('a.b', 'axb')).toBe(false);
  });

  it('rejects what Go rejects as ErrBadPattern', () => {
    for (const bad of ['[', '[]', 'a[b', 'a\\', '[z-a]', '[-a]']) expect(typeof tenantGlob(bad), bad).toBe('string');
  });
});

describe('zones', () => {
  const zones = (list: string, extra = '', replicas = 3, rf = 3) => `receive:
  replicationFactor: ${rf}
  zones: ${list}
${extra}  hashrings:
    - name: default
      replicas: ${replicas}
`;

  it('loads 3 zones for RF 3 and RF 5, and any number for RF 1', () => {
    expect(problemsOf(zones('[a, b, c]'))).toEqual([]);
    expect(problemsOf(zones('[a, b, c]', '', 6, 5))).toEqual([]);
    expect(problemsOf(zones('[a, b]', '', 2, 1))).toEqual([]);
    expect(problemsOf(zones('[a]', '', 1, 1))).toEqual([]);
  });

  it('needs enough zones that losing one keeps the write quorum', () => {
    const yaml = zones('[a, b]', '', 4);
    const problems = problemsOf(yaml);
    expect(problems.map((p) => [p.field, p.line])).toEqual([['receive.zones', lineOf(yaml, 'zones:')]]);
    expect(problems[0]?.message).toBe(
      'must list at least 3 zones for replicationFactor 3: ketama spreads the 3 copies of each series evenly over ' +
        'the zones, so with 2 a zone holds up to 2 of them, and losing it leaves fewer than the write quorum of 2 ' +
        'copies (found 2)',
    );
    expect(problemsOf(zones('[a, b]', '', 6, 5)).map((p) => p.message)).toEqual([
      'must list at least 3 zones for replicationFactor 5: ketama spreads the 5 copies of each series evenly over ' +
        'the zones, so with 2 a zone holds up to 3 of them, and losing it leaves fewer than the write quorum of 3 ' +
        'copies (found 2)',
    ]);
    expect(problemsOf(zones('[a, b, c, d]', '', 8, 7))).toEqual([]);
  });

  it('leaves an even replication factor to its own rule, whatever the zones', () => {
    expect(problemsOf(zones('[a, b]', '', 4, 4)).map((p) => p.field)).toEqual(['receive.replicationFactor']);
    expect(problemsOf(zones('[a]', '', 2, 2)).map((p) => p.field)).toEqual(['receive.replicationFactor']);
  });

  it('needs ketama, reported at the algorithm', () => {
    const yaml = zones('[a, b, c]', '  hashringAlgorithm: hashmod\n');
    const problems = problemsOf(yaml);
    expect(problems.map((p) => [p.field, p.line])).toEqual([
      ['receive.hashringAlgorithm', lineOf(yaml, 'hashringAlgorithm')],
    ]);
    expect(problems[0]?.message).toMatch(/^must be ketama with receive\.zones: .*\(found "hashmod"\)$/);
  });

  it('needs every hashring split evenly over the zones', () => {
    const yaml = zones('[a, b, c]', '', 4);
    const problems = problemsOf(yaml);
    expect(problems.map((p) => [p.field, p.line])).toEqual([
      ['receive.hashrings[0].replicas', lineOf(yaml, 'replicas: 4')],
    ]);
    expect(problems[0]?.message).toBe(
      'must be a multiple of the 3 zones of receive.zones: each zone runs its own StatefulSet with the same share ' +
        "of the hashring's ingestors, since ketama gives every zone an equal share of the copies (an uneven split " +
        'overloads the smaller zones, or leaves the routers no valid placement) (found 4)',
    );
  });

  it('refuses a zone listed twice, and names that do not fit a StatefulSet name', () => {
    const yaml = zones('[a, b, a, c]');
    expect(problemsOf(yaml).map((p) => [p.field, p.message])).toEqual([
      ['receive.zones[2]', 'zone "a" is already listed at receive.zones[0]'],
    ]);
    const long = problemsOf(zones('[a, b, a-very-long-zone-name-of-a-cloud]'));
    expect(long.map((p) => p.field)).toEqual(['receive.hashrings[0].name']);
    expect(long[0]?.message).toContain('thanos-receive-ingestor-default-a-very-long-zone-name-of-a-cloud');
    expect(problemsOf(zones('[Eu-West-1a, b, c]')).map((p) => p.field)).toEqual(['receive.zones[0]']);
  });

  it('measures the names by the longest zone, wherever it is listed, and names the first of equal length', () => {
    const tooLong = (zone: string) =>
      `gives the StatefulSet name "thanos-receive-ingestor-default-${zone}" of ${32 + zone.length} characters; ` +
      'Kubernetes allows 52';
    const long = 'a-very-long-zone-name-of-a-cloud';
    expect(problemsOf(zones(`[${long}, b, c]`)).map((p) => [p.field, p.message])).toEqual([
      ['receive.hashrings[0].name', tooLong(long)],
    ]);
    const other = 'b-very-long-zone-name-of-a-cloud';
    expect(problemsOf(zones(`[c, ${long}, ${other}]`)).map((p) => p.message)).toEqual([tooLong(long)]);
    // thanos-receive-ingestor-<20>-<zone> reaches 52 with a zone of 7 characters.
    const ring = 'r'.repeat(20);
    const named = (list: string) => zones(list).replace('name: default', `name: ${ring}`);
    expect(problemsOf(named('[a, b, zone-07]'))).toEqual([]);
    expect(problemsOf(named('[a, b, zone-008]')).map((p) => p.message)).toEqual([
      `gives the StatefulSet name "thanos-receive-ingestor-${ring}-zone-008" of 53 characters; Kubernetes allows 52`,
    ]);
  });
});
