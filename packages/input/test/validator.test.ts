import { createRequire } from 'node:module';
import type { ValidateFunction } from 'ajv';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { compileValidator, validatorSource } from '../src/validator.js';

/** Loads the standalone source the build writes to dist/, the way Node loads a CommonJS module. */
function loadSource(source: string): ValidateFunction {
  const module = { exports: {} as unknown };
  new Function('require', 'module', 'exports', source)(createRequire(import.meta.url), module, module.exports);
  return module.exports as ValidateFunction;
}

const BASE = parse(`
name: full
cluster: { name: c1 }
size: large
labels: { team: sre }
objectStorage: { provider: s3, bucket: acme-thanos-full, region: eu-west-1 }
identity: { aws: { accountId: "123456789012", oidcProvider: oidc.eks.eu-west-1.amazonaws.com/id/X } }
receive:
  replicationFactor: 3
  hashrings:
    - { name: a, tenants: [t1], replicas: 3, storage: 10Gi }
    - { name: default, replicas: 3 }
query: { replicas: 2, autoscaling: { maxReplicas: 4 } }
storeGateway: { shards: 2, partitions: [{ minTime: -90d }, { maxTime: -89d }] }
compactor: { retention: { raw: 30d, 5m: 90d, 1h: 1y } }
ruler: { enabled: true, alertmanagers: ["http://am:9093"] }
`) as Record<string, unknown>;

/** Every path in a value, for picking one to break. */
function paths(value: unknown, at: (string | number)[] = []): (string | number)[][] {
  const out = [at];
  if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) out.push(...paths(v, [...at, Array.isArray(value) ? Number(k) : k]));
  }
  return out;
}
const ALL_PATHS = paths(BASE).filter((p) => p.length > 0);

function setAt(root: unknown, path: (string | number)[], value: unknown, remove: boolean): unknown {
  const copy = structuredClone(root) as Record<string | number, unknown>;
  let cur = copy;
  for (const p of path.slice(0, -1)) {
    const next = cur[p];
    if (next === null || typeof next !== 'object') return copy; // an earlier mutation replaced the parent
    cur = next as Record<string | number, unknown>;
  }
  const last = path.at(-1) as string | number;
  if (remove) delete cur[last];
  else cur[last] = value;
  return copy;
}

const mutation = fc.record({
  path: fc.constantFrom(...ALL_PATHS),
  value: fc.oneof(
    fc.jsonValue({ maxDepth: 2 }),
    fc.constantFrom('', 'x', '10Gi', '-1d', 'UPPER', 0, -1, 65, 1.5, true, null, [], {}),
  ),
  remove: fc.boolean(),
  extraKey: fc.option(fc.constantFrom('replica', 'unknownField', 'shard'), { nil: undefined }),
});

describe('the precompiled environment validator', () => {
  const runtime = compileValidator();
  const standalone = loadSource(validatorSource());

  it('accepts, rejects, reports and fills defaults exactly like the validator compiled at run time', () => {
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 0, maxLength: 3 }), (mutations) => {
        let data: unknown = BASE;
        for (const m of mutations) {
          data = setAt(data, m.path, m.value, m.remove);
          if (m.extraKey) data = setAt(data, [...m.path.slice(0, -1), m.extraKey], 1, false);
        }
        const a = structuredClone(data);
        const b = structuredClone(data);
        const okA = runtime(a);
        const okB = standalone(b);
        expect(okB).toBe(okA);
        expect(standalone.errors ?? null).toEqual(runtime.errors ?? null);
        expect(b).toEqual(a);
      }),
      { numRuns: 300 },
    );
  });

  it('is a CommonJS module that needs nothing but ajv runtime helpers', () => {
    const source = validatorSource();
    const required = [...source.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]);
    for (const r of required) expect(r).toMatch(/^ajv\/dist\/runtime\/|^ajv-formats\//);
    expect(source).toContain('module.exports');
  });
});
