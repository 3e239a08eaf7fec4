import { readFileSync } from 'node:fs';
import { loadEach } from '@thanos-gitops/input';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { importManifests } from '../src/manifests/index.js';
import { readObjects } from '../src/manifests/objects.js';
import type { ImportResult } from '../src/report.js';

const SPLIT = readFileSync(new URL('./fixtures/kube-thanos/split.yaml', import.meta.url), 'utf8');

type Any = any;

function run(text: string, name = 'kube'): ImportResult {
  return importManifests({ text, file: 'input.yaml' }, { name, cluster: 'eks-eu-central-1' });
}

/** The environment as data, and whether it loads without problems (schema, cross-field rules). */
function loaded(result: ImportResult): Any {
  const { problems } = loadEach([{ path: `environments/${result.name}.yaml`, text: result.environment }]);
  expect(problems.map((p) => p.message)).toEqual([]);
  return parse(result.environment);
}

const entries = (r: ImportResult, kind: string) => r.report.entries.filter((e) => e.kind === kind);

/** The fixture's objects, changed by `edit`, as a YAML stream. */
function edited(edit: (objects: Any[]) => Any[]): string {
  return edit(readObjects(SPLIT) as Any[])
    .map((o) => stringify(o))
    .join('---\n');
}

const container = (o: Any) => o.spec.template.spec.containers[0];

describe('import manifests: kube-thanos', () => {
  const result = run(SPLIT);
  const env = loaded(result);

  it('infers a valid environment from the flags, the hashrings file and the claims', () => {
    expect(env.receive.hashrings).toEqual([
      { name: 'tenant-a', tenants: ['team-a', 'team-b'], replicas: 3, storage: '50Gi', storageClass: 'gp3' },
      { name: 'default', replicas: 3, storage: '50Gi', storageClass: 'gp3' },
    ]);
    expect(env.receive).toMatchObject({ retention: '7d', replicationFactor: 3, router: { replicas: 2 } });
    expect(env.storeGateway).toMatchObject({ shards: 3, storage: '20Gi', indexCache: { type: 'memcached' } });
    expect(env.storeGateway.indexCache.memcached).toEqual({ replicas: 2, memoryLimitMb: 2048, maxItemSize: '1m' });
    expect(env.query).toMatchObject({ replicas: 3, timeout: '5m', lookbackDelta: '15m' });
    expect(env.queryFrontend).toMatchObject({ replicas: 2, splitInterval: '12h', cache: { size: '256Mi' } });
    expect(env.compactor).toMatchObject({ retention: { raw: '30d', '5m': '180d', '1h': '1y' }, storage: '100Gi' });
    expect(env.ruler).toMatchObject({
      enabled: true,
      alertmanagers: ['dnssrv+http://_web._tcp.alertmanager-operated.monitoring.svc.cluster.local'],
      ruleConfigMaps: ['thanos-rules-slo'],
      retention: '48h',
      storage: '10Gi',
    });
    expect(env.size).toBe('medium');
    expect(env.monitoring.labels).toEqual({ release: 'prom' });
    expect(env.objectStorage).toEqual({
      provider: 's3',
      bucket: 'acme-metrics',
      region: 'eu-central-1',
      prefix: 'thanos',
    });
    expect(env.identity.aws.accountId).toBe('123456789012');
  });

  it('never copies a credential: static keys need a person, pointed at the identity options', () => {
    expect(result.environment).not.toMatch(/AKIAFIXTURE|fixture-secret/);
    const keys = entries(result, 'needs-person').filter((e) => /config\.(access|secret)_key$/.test(e.source));
    expect(keys.map((e) => e.option)).toEqual(['identity', 'identity']);
  });

  it('reports the release change and the flags no option took', () => {
    expect(entries(result, 'version')[0]?.detail).toMatch(/^v0\.37\.2 → v0\.42\.4/);
    const ignored = entries(result, 'ignored').map((e) => e.source);
    expect(ignored).toContain('StatefulSet/thanos/thanos-compact: --debug.accept-malformed-index');
    expect(ignored.some((s) => s.startsWith('thanos receive: ') && s.includes('--receive.local-endpoint'))).toBe(true);
  });

  it("compares the ingestors' disruption budgets with the project's", () => {
    const budgets = result.report.entries.filter((e) => e.source.startsWith('PodDisruptionBudget/'));
    // Replication factor 3: write quorum 2, so one ingestor may be down, as kube-thanos had it.
    const same = "maxUnavailable 1, as the project's (replication factor 3 less its write quorum, at least 1)";
    expect(budgets.map((e) => [e.kind, e.detail])).toEqual([
      ['ignored', same],
      ['ignored', same],
    ]);
    const text = SPLIT.replaceAll('maxUnavailable: 1', 'maxUnavailable: 2');
    const changed = entries(run(text), 'default-differs').filter((e) => e.source.startsWith('PodDisruptionBudget/'));
    expect(changed[0]?.detail).toBe('maxUnavailable 2 → 1 (replication factor 3 less its write quorum, at least 1)');
  });

  it('keeps the TSDB at the volume root kube-thanos used, by a patch', () => {
    expect(env.patches).toHaveLength(1);
    expect(env.patches[0].target).toEqual({ kind: 'StatefulSet', name: 'thanos-receive-ingestor-.*' });
    expect(parse(env.patches[0].patch)).toContainEqual({
      op: 'replace',
      path: '/spec/template/spec/containers/0/volumeMounts/0/mountPath',
      value: '/var/thanos/receive',
    });
    expect(entries(result, 'needs-person').some((e) => e.source.endsWith('--tsdb.path'))).toBe(false);
  });

  it('writes the shared migration runbook with the facts the manifests give, and returns the old objects', () => {
    const runbook = result.runbook;
    expect(runbook).toContain('# Migration runbook: kube (namespace thanos)');
    expect(runbook).toContain('Stop what applies the old manifests');
    expect(runbook).toContain('kubectl -n thanos scale statefulset/thanos-compact --replicas=0');
    expect(runbook).toContain('`thanos-receive-ingestor-default`, `thanos-receive-ingestor-tenant-a`');
    expect(runbook).toContain('data-thanos-receive-ingestor-default-0');
    expect(runbook).toContain(
      'writers keep pushing to `http://thanos-receive-router.thanos.svc.cluster.local:19291/api/v1/receive`',
    );
    expect(result.oldObjects?.every((o) => o.object !== undefined)).toBe(true);
    expect(result.oldObjects?.length).toBe(readObjects(SPLIT).length);
  });

  it('reads `helm template` output as a Helm release: helm uninstall removes the old objects', () => {
    const helm = readObjects(SPLIT)
      .map((o) => {
        o.metadata.labels = {
          ...o.metadata.labels,
          'app.kubernetes.io/managed-by': 'Helm',
          'app.kubernetes.io/instance': 'obs',
        };
        return stringify(o);
      })
      .join('---\n');
    const r = run(helm);
    expect(r.oldDelivery).toBe('helm');
    expect(r.runbook).toContain('helm -n thanos uninstall obs');
    expect(result.oldDelivery).toBe('manifests');
  });

  it('reads a live-namespace dump (kind: List, status, managed fields) as the files it came from', () => {
    const items = readObjects(SPLIT).map((o: Any) => ({
      ...o,
      metadata: {
        ...o.metadata,
        uid: '0d9c5bb4-7f0e-4c57-9a0e-3f6d1c1f0a11',
        resourceVersion: '48213',
        creationTimestamp: '2026-11-02T09:14:00Z',
        managedFields: [{ manager: 'kubectl-client-side-apply', operation: 'Update', fieldsType: 'FieldsV1' }],
        annotations: { ...o.metadata.annotations, 'kubectl.kubernetes.io/last-applied-configuration': '{}' },
      },
      ...(o.kind === 'StatefulSet' ? { status: { replicas: 3, readyReplicas: 3, currentRevision: 'x-1' } } : {}),
    }));
    const dump = stringify({ apiVersion: 'v1', kind: 'List', metadata: { resourceVersion: '' }, items });
    expect(run(dump).environment).toBe(result.environment);
  });
});

describe('import manifests: other shapes', () => {
  it('turns dual-mode receive into routers and ingestors, and says the old names are not kept', () => {
    const text = edited((objects) =>
      objects
        .filter(
          (o) => o.metadata.name !== 'thanos-receive-router' && o.metadata.name !== 'thanos-receive-ingestor-tenant-a',
        )
        .map((o) => {
          if (o.kind === 'ConfigMap' && o.metadata.name === 'hashring-config') {
            const ring = {
              hashring: 'default',
              endpoints: [0, 1, 2].map((i) => `thanos-receive-default-${i}.thanos-receive-default.thanos.svc:10901`),
            };
            return { ...o, data: { 'hashrings.json': JSON.stringify([ring]) } };
          }
          if (o.kind !== 'StatefulSet' || o.metadata.name !== 'thanos-receive-ingestor-default') return o;
          const c = container(o);
          c.args.push('--receive.hashrings-file=/var/lib/thanos-receive/hashrings.json');
          c.volumeMounts.push({ name: 'hashring-config', mountPath: '/var/lib/thanos-receive' });
          o.spec.template.spec.volumes = [{ name: 'hashring-config', configMap: { name: 'hashring-config' } }];
          return { ...o, metadata: { ...o.metadata, name: 'thanos-receive-default' } };
        }),
    );
    const result = run(text);
    const env = loaded(result);
    expect(env.receive.hashrings).toEqual([{ name: 'default', replicas: 3, storage: '50Gi', storageClass: 'gp3' }]);
    expect(entries(result, 'default-differs').some((e) => e.option === 'receive.router')).toBe(true);
    const renamed = entries(result, 'needs-person').find(
      (e) => e.source === 'StatefulSet/thanos/thanos-receive-default',
    );
    expect(renamed?.detail).toMatch(/thanos-receive-ingestor-default/);
  });

  it('moves a catch-all hashring that came first to the end, and says so', () => {
    const text = edited((objects) =>
      objects.map((o) => {
        if (o.kind !== 'ConfigMap' || o.metadata.name !== 'hashring-config') return o;
        const rings = JSON.parse(o.data['hashrings.json']);
        return { ...o, data: { 'hashrings.json': JSON.stringify([rings[1], rings[0]]) } };
      }),
    );
    const result = run(text);
    expect(loaded(result).receive.hashrings.map((h: Any) => h.name)).toEqual(['tenant-a', 'default']);
    expect(entries(result, 'needs-person').find((e) => e.option === 'receive.hashrings')?.detail).toMatch(
      /received nothing/,
    );
  });

  it('reads only the namespace asked for', () => {
    // Another namespace's Query first: without the filter it would be the one read.
    const other = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'thanos-query', namespace: 'other' },
      spec: {
        replicas: 9,
        template: { spec: { containers: [{ name: 'q', image: 'quay.io/thanos/thanos:v0.42.4', args: ['query'] }] } },
      },
    };
    const text = `${stringify(other)}---\n${SPLIT}`;
    const result = importManifests({ text, file: 'input.yaml' }, { namespace: 'thanos' });
    expect(parse(result.environment).query.replicas).toBe(3);
  });

  it('reads time partitions of the store gateways', () => {
    const text = edited((objects) =>
      objects.map((o) => {
        if (o.kind === 'StatefulSet' && o.metadata.name === 'thanos-store-1') container(o).args.push('--max-time=-30d');
        if (o.kind === 'StatefulSet' && o.metadata.name === 'thanos-store-2') {
          container(o).args = container(o).args.filter((a: string) => !a.startsWith('--selector.relabel-config'));
          container(o).args.push('--min-time=-30d');
        }
        return o;
      }),
    );
    const env = parse(run(text).environment);
    expect(env.storeGateway.partitions).toEqual([{}, { maxTime: '-30d' }, { minTime: '-30d' }]);
  });

  it('needs a person when the objstore Secret is not in the input (an existing secret)', () => {
    const text = edited((objects) => objects.filter((o) => o.kind !== 'Secret'));
    const result = run(text);
    const missing = entries(result, 'needs-person').find((e) => e.option === 'objectStorage');
    expect(missing?.detail).toMatch(/not in the input/);
    expect(parse(result.environment).objectStorage.bucket).toBe('replace-me');
  });

  it('reports a flag the release does not know', () => {
    const text = edited((objects) =>
      objects.map((o) => {
        if (o.kind === 'Deployment' && o.metadata.name === 'thanos-query')
          container(o).args.push('--query.not-a-flag=1');
        return o;
      }),
    );
    const ignored = entries(run(text), 'ignored').find((e) => e.source.endsWith('--query.not-a-flag'));
    expect(ignored?.detail).toBe('not a flag of `thanos query` v0.42.4');
  });

  it('needs a person when the ingestors wrote other external labels than the project does', () => {
    const kept = entries(run(SPLIT), 'mapped').find((e) => e.detail.startsWith('external labels kept'));
    expect(kept?.source).toBe('StatefulSet/thanos/thanos-receive-ingestor-default: --label');
    const text = SPLIT.replaceAll('--label=replica="$(NAME)"', '--label=receive_replica="$(NAME)"');
    const changed = entries(run(text), 'needs-person').find((e) => e.source.endsWith(': --label'));
    expect(changed?.detail).toMatch(/^the blocks carry external labels receive_replica=\$\(NAME\), receive=true;/);
  });

  it('reads the release of a Bitnami image tag', () => {
    const text = SPLIT.replaceAll('quay.io/thanos/thanos:v0.37.2', 'docker.io/bitnami/thanos:0.39.2-debian-12-r5');
    const result = run(text);
    expect(entries(result, 'version')[0]?.detail).toMatch(/^v0\.39\.2 → v0\.42\.4/);
    expect(parse(result.environment).thanos).toBeUndefined();
    expect(entries(result, 'default-differs').map((e) => e.option)).toContain('thanos.image');
  });

  it('refuses input without a Thanos container', () => {
    expect(() => run('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n')).toThrow(/no Thanos containers/);
  });
});
