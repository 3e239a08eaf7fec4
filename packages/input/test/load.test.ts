/**
 * The loader on valid input: static defaults from the schema, derived defaults, a frozen result, and the
 * editor-facing artefacts (the exported JSON Schema, its descriptions, the examples' schema line).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SIZE_PRESETS } from '@thanos-gitops/catalog';
import { InvalidEnvironmentError } from '@thanos-gitops/problems';
import { describeSchema, type Environment, editorSchema, editorSchemaText } from '@thanos-gitops/schema';
import { describe, expect, it } from 'vitest';
import { closest, loadEnvironments } from '../src/index.js';

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
/** The tests' own environments (copies of the examples), never the user's `environments/`. */
const ENVIRONMENTS = join(REPO_ROOT, 'test/fixtures/environments');

const MINIMAL = `name: minimal
cluster:
  name: test
objectStorage:
  provider: s3
  bucket: acme-thanos-minimal
  region: eu-central-1
`;

/** Loads one environment file from text (named after its `name`). */
function load(text: string, name = 'minimal'): Environment {
  const [loaded] = loadEnvironments([{ path: `environments/${name}.yaml`, text }]);
  if (!loaded) throw new Error('nothing loaded');
  return loaded.env;
}

type Schema = Record<string, any>;

/** Every sub-schema with a name that says where it is (`receive.hashrings[].name`). */
function* walk(schema: Schema, at: string): Generator<[string, Schema]> {
  yield [at, schema];
  for (const [key, child] of Object.entries((schema.properties ?? {}) as Record<string, Schema>)) {
    yield* walk(child, at ? `${at}.${key}` : key);
  }
  if (schema.items) yield* walk(schema.items, `${at}[]`);
  for (const child of Object.values((schema.patternProperties ?? {}) as Record<string, Schema>)) {
    yield* walk(child, `${at}.*`);
  }
  for (const [i, child] of ((schema.anyOf ?? []) as Schema[]).entries()) yield* walk(child, `${at}|${i}`);
}

describe('static defaults', () => {
  const env = load(MINIMAL);

  it('fills top-level and section defaults', () => {
    expect(env.namespace).toBe('thanos');
    expect(env.size).toBe('small');
    expect(env.labels).toEqual({});
    expect(env.cluster.domain).toBe('cluster.local');
    expect(env.thanos).toMatchObject({ version: 'v0.42.4', image: 'quay.io/thanos/thanos' });
    expect(env.monitoring).toMatchObject({ namespace: 'monitoring', serviceMonitors: true, prometheusRule: true });
    expect(env.networkPolicies).toMatchObject({ enabled: true, objectStorageCIDRs: ['0.0.0.0/0'] });
    expect(env.patches).toEqual([]);
  });

  it('fills nested defaults, including inside default lists', () => {
    expect(env.receive).toMatchObject({
      enabled: true,
      retention: '15d',
      replicationFactor: 1,
      hashringAlgorithm: 'ketama',
      tenantHeader: 'THANOS-TENANT',
    });
    expect(env.receive.router.replicas).toBe(2);
    expect(env.receive.hashrings).toHaveLength(1);
    expect(env.receive.hashrings[0]).toMatchObject({
      name: 'default',
      tenants: [],
      tenantMatcher: 'exact',
      replicas: 1,
      storage: '10Gi',
      logLevel: 'info',
      extraArgs: [],
    });
    expect(env.storeGateway).toMatchObject({ enabled: true, shards: 1, replicasPerShard: 1, overlap: '6h' });
    // One partition by default, serving everything up to now (recentBlocks: serve).
    expect(env.storeGateway.partitions).toEqual([{}]);
    expect(env.storeGateway.recentBlocks).toBe('serve');
    expect(env.query.replicaLabels).toEqual(['prometheus_replica', 'rule_replica', 'replica']);
    expect(env.queryFrontend.cache.type).toBe('in-memory');
    expect(env.storeGateway.indexCache.type).toBe('in-memory');
    expect(env.queryFrontend.cache.memcached).toMatchObject({ replicas: 1, memoryLimitMb: 1024 });
    expect(env.compactor.retention).toEqual({ raw: '30d', '5m': '180d', '1h': '1y' });
    expect(env.ruler.enabled).toBe(false);
    expect(env.bucketWeb.enabled).toBe(false);
  });

  it('keeps what the file sets', () => {
    const custom = load(`${MINIMAL}namespace: observability\nreceive:\n  retention: 2d\n  hashrings:\n    - name: a\n`);
    expect(custom.namespace).toBe('observability');
    expect(custom.receive.retention).toBe('2d');
    expect(custom.receive.hashrings.map((h) => h.name)).toEqual(['a']);
    expect(custom.receive.hashrings[0]?.replicas).toBe(1);
  });
});

describe('derived defaults', () => {
  it('takes resources from the size preset', () => {
    const small = load(MINIMAL);
    expect(small.query.resources).toEqual(SIZE_PRESETS.small.query);
    expect(small.receive.router.resources).toEqual(SIZE_PRESETS.small['receive-router']);
    expect(small.receive.hashrings[0]?.resources).toEqual(SIZE_PRESETS.small['receive-ingestor']);
    expect(small.storeGateway.resources).toEqual(SIZE_PRESETS.small['store-gateway']);

    const large = load(`${MINIMAL}size: large\n`);
    expect(large.receive.hashrings[0]?.resources).toEqual(SIZE_PRESETS.large['receive-ingestor']);
    expect(large.compactor.resources).toEqual(SIZE_PRESETS.large.compactor);
  });

  it('merges partial resources with the preset', () => {
    const env = load(`${MINIMAL}query:\n  resources:\n    requests:\n      cpu: 750m\n    limits:\n      cpu: '2'\n`);
    expect(env.query.resources).toEqual({
      requests: { cpu: '750m', memory: SIZE_PRESETS.small.query.requests.memory },
      limits: { cpu: '2', memory: SIZE_PRESETS.small.query.limits.memory },
    });
  });

  it('derives the S3 endpoint from the region unless set', () => {
    expect(load(MINIMAL).objectStorage.endpoint).toBe('s3.eu-central-1.amazonaws.com');
    const given = load(MINIMAL.replace('region: eu-central-1', 'region: eu-central-1\n  endpoint: minio.local:9000'));
    expect(given.objectStorage.endpoint).toBe('minio.local:9000');
  });

  it('derives the IAM role prefix from the environment name unless set', () => {
    const identity = 'identity:\n  aws:\n    accountId: "123456789012"\n    oidcProvider: oidc.example.com/id/X\n';
    expect(load(MINIMAL).identity).toBeUndefined();
    const derived = load(`${MINIMAL}${identity}`);
    expect(derived.identity?.aws).toMatchObject({ roleNamePrefix: 'thanos-minimal', mode: 'irsa' });
    const given = load(`${MINIMAL}${identity}    roleNamePrefix: acme-thanos\n`);
    expect(given.identity?.aws?.roleNamePrefix).toBe('acme-thanos');
  });
});

describe('the loaded environment', () => {
  it('is frozen at every depth', () => {
    const env = load(MINIMAL);
    expect(Object.isFrozen(env)).toBe(true);
    expect(Object.isFrozen(env.receive.hashrings)).toBe(true);
    expect(Object.isFrozen(env.receive.hashrings[0]?.resources?.requests)).toBe(true);
    expect(() => {
      (env as any).namespace = 'other';
    }).toThrow(TypeError);
    expect(() => {
      (env.receive.hashrings as any).push({ name: 'more' });
    }).toThrow(TypeError);
  });

  it('locates fields in its file, or their closest parent when absent', () => {
    const [loaded] = loadEnvironments([{ path: 'environments/minimal.yaml', text: MINIMAL }]);
    expect(loaded?.locate(['objectStorage', 'bucket'])).toEqual({ line: 6, column: 11 });
    expect(loaded?.locate(['objectStorage'])).toEqual({ line: 4, column: 1 });
    expect(loaded?.locate(['objectStorage', 'endpoint'])).toEqual({ line: 4, column: 1 });
  });

  it('loads every shipped environment', () => {
    const files = readdirSync(ENVIRONMENTS)
      .filter((f) => f.endsWith('.yaml'))
      .map((f) => ({ path: `environments/${f}`, text: readFileSync(join(ENVIRONMENTS, f), 'utf8') }));
    expect(loadEnvironments(files).map((l) => l.env.name)).toEqual(files.map((f) => f.path.slice(13, -5)));
  });
});

describe('did you mean', () => {
  it('suggests a close key and nothing for a far one', () => {
    expect(closest('storeGatway', ['query', 'storeGateway'])).toBe('storeGateway');
    expect(closest('Replicas', ['replicas', 'shards'])).toBe('replicas');
    expect(closest('accessKey', ['provider', 'bucket', 'region'])).toBeUndefined();
  });
});

describe('the JSON Schema for editors', () => {
  it('is exported to schema/environment.schema.json, up to date', () => {
    // When this fails: pnpm schema (node packages/cli/dist/thanos-gitops.mjs schema > schema/environment.schema.json).
    expect(readFileSync(join(REPO_ROOT, 'schema/environment.schema.json'), 'utf8')).toBe(editorSchemaText());
  });

  it('documents every property at every depth', () => {
    const undocumented: string[] = [];
    for (const [path, schema] of walk(editorSchema(), '')) {
      for (const [key, child] of Object.entries((schema.properties ?? {}) as Record<string, Schema>)) {
        if (typeof child.description !== 'string' || child.description.trim() === '') {
          undocumented.push(path ? `${path}.${key}` : key);
        }
      }
    }
    expect(undocumented).toEqual([]);
  });

  it('describes every pattern in words for error messages', () => {
    const raw = [...walk(editorSchema(), '')]
      .filter(([, s]) => typeof s.pattern === 'string')
      .map(([path, s]) => `${path}: ${describeSchema(s)}`)
      .filter((words) => words.includes('matching /'));
    expect(raw).toEqual([]);
  });

  it('is named by the first line of every shipped example', () => {
    for (const f of readdirSync(ENVIRONMENTS).filter((name) => /\.ya?ml$/.test(name))) {
      const first = readFileSync(join(ENVIRONMENTS, f), 'utf8').split('\n')[0];
      expect(first, f).toBe('# yaml-language-server: $schema=../../../schema/environment.schema.json');
    }
  });
});

describe('environments sharing a bucket', () => {
  const env = (name: string, objectStorage: string) => ({
    path: `environments/${name}.yaml`,
    text: `name: ${name}\ncluster: { name: c }\nobjectStorage: { provider: s3, region: eu-west-1, ${objectStorage} }\n`,
  });
  const problems = (files: { path: string; text: string }[]) => {
    try {
      loadEnvironments(files);
      return [];
    } catch (e) {
      if (e instanceof InvalidEnvironmentError) return e.problems;
      throw e;
    }
  };

  it('reports both files, at their bucket, when bucket and prefix are the same', () => {
    const found = problems([
      env('one', 'bucket: shared-b'),
      env('two', 'bucket: shared-b'),
      env('three', 'bucket: x-b'),
    ]);
    expect(found.map((p) => `${p.file}:${p.line} ${p.field}`)).toEqual([
      'environments/one.yaml:3 objectStorage.bucket',
      'environments/two.yaml:3 objectStorage.bucket',
    ]);
    expect(found[0]?.message).toContain('environments/two.yaml');
    expect(found[0]?.message).toContain('compactors');
  });

  it('accepts one bucket split by prefixes', () => {
    expect(
      problems([env('one', 'bucket: shared-b, prefix: one'), env('two', 'bucket: shared-b, prefix: two')]),
    ).toEqual([]);
    expect(problems([env('one', 'bucket: shared-b, prefix: one'), env('two', 'bucket: shared-b')])).toEqual([]);
  });
});

describe('compactor retention order', () => {
  const warningsOf = (retention: string) => {
    const text = `${MINIMAL}compactor:\n  retention: ${retention}\n`;
    const [loaded] = loadEnvironments([{ path: 'environments/minimal.yaml', text }]);
    return (loaded?.warnings ?? []).map((w) => `${w.line} ${w.field}`);
  };

  it('warns at a coarser resolution kept for less time than a finer one (0d keeps forever)', () => {
    expect(warningsOf('{raw: 30d, 5m: 180d, 1h: 1y}')).toEqual([]);
    expect(warningsOf('{raw: 0d, 5m: 0d, 1h: 0d}')).toEqual([]);
    expect(warningsOf('{raw: 90d, 5m: 30d, 1h: 1y}')).toEqual(['9 compactor.retention.5m']);
    expect(warningsOf('{raw: 30d, 5m: 0d, 1h: 1y}')).toEqual(['9 compactor.retention.1h']);
  });
});
