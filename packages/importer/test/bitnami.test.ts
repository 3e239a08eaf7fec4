/**
 * `importBitnami` on values files written here in the shapes of the Bitnami thanos chart 17.x (its values.yaml and
 * templates were read, nothing copied): every imported environment loads with the project's loader, the names that
 * hold data come out as the chart's templates make them, and no credential is carried over.
 */
import { readFileSync } from 'node:fs';
import { loadEnvironments } from '@thanos-gitops/input';
import { ingestorSets } from '@thanos-gitops/model';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { chartFullname } from '../src/bitnami/chart.js';
import { importBitnami } from '../src/bitnami/index.js';
import type { ImportOptions } from '../src/options.js';
import type { ImportResult } from '../src/report.js';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/bitnami/${name}.yaml`, import.meta.url), 'utf8');

function imported(name: string, options: ImportOptions = { release: 'thanos', namespace: 'metrics' }) {
  const result = importBitnami({ text: fixture(name), file: `${name}.yaml` }, options);
  const [loaded] = loadEnvironments([{ path: `environments/${result.name}.yaml`, text: result.environment }]);
  if (!loaded) throw new Error('not loaded');
  return { result, env: loaded.env };
}

const entry = (r: ImportResult, source: string) => r.report.entries.filter((e) => e.source === source);
const kinds = (r: ImportResult, source: string) => entry(r, source).map((e) => e.kind);
const objects = (r: ImportResult, kind: string) =>
  (r.oldObjects ?? []).filter((o) => o.kind === kind).map((o) => o.name);

/** Every leaf key of a values file (lists are leaves), as dotted paths. */
function leaves(value: unknown, path = ''): string[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || Object.keys(value).length === 0) {
    return [path];
  }
  return Object.entries(value).flatMap(([k, v]) => leaves(v, path ? `${path}.${k}` : k));
}

describe('common.names.fullname, as the chart names every object', () => {
  it('is the release when it holds the chart name, else <release>-thanos, unless overridden', () => {
    expect(chartFullname('thanos')).toBe('thanos');
    expect(chartFullname('thanos-prod')).toBe('thanos-prod');
    expect(chartFullname('metrics')).toBe('metrics-thanos');
    expect(chartFullname('metrics', 'store')).toBe('metrics-store');
    expect(chartFullname('metrics', undefined, 'obs')).toBe('obs');
    expect(chartFullname('x'.repeat(70))).toHaveLength(63);
  });
});

describe('import bitnami: receive in dual mode, sharded and partitioned stores, ruler, static keys', () => {
  const { result, env } = imported('dual-mode');

  it('adopts the receive StatefulSet: its name, claims, TSDB at the volume root and size', () => {
    const [h] = env.receive.hashrings;
    expect(h?.adopt).toEqual({ statefulSet: 'thanos-receive', tsdbAtVolumeRoot: true });
    expect(h && ingestorSets(env, h).map((s) => s.name)).toEqual(['thanos-receive']);
    expect([h?.replicas, h?.storage, h?.storageClass]).toEqual([3, '100Gi', 'gp3']);
    // receive/statefulset.yaml: claim template `data`, so the pods bind data-<fullname>-receive-<n>.
    expect(objects(result, 'PersistentVolumeClaim').filter((n) => n.includes('receive'))).toEqual([
      'data-thanos-receive-0',
      'data-thanos-receive-1',
      'data-thanos-receive-2',
    ]);
  });

  it('turns the distributors into routers with their replication factor', () => {
    expect(env.receive.router.replicas).toBe(2);
    expect(env.receive.replicationFactor).toBe(3);
    expect(env.receive.retention).toBe('2d');
    expect(objects(result, 'Deployment')).toContain('thanos-receive-distributor');
  });

  it('keeps the bucket and prefix, and never copies the static keys', () => {
    expect(env.objectStorage).toMatchObject({
      provider: 's3',
      bucket: 'acme-metrics',
      region: 'eu-west-1',
      prefix: 'prod',
    });
    expect(result.environment).not.toMatch(/AKIAIOSFODNN7EXAMPLE|wJalrXUtnFEMI/);
    expect(kinds(result, 'objstoreConfig.config.access_key')).toEqual(['needs-person']);
    expect(kinds(result, 'objstoreConfig.config.secret_key')).toEqual(['needs-person']);
    expect(entry(result, 'objstoreConfig.config.secret_key')[0]?.detail).toContain('identity.aws');
    expect(env.identity?.aws?.accountId).toBe('000000000000');
  });

  it('shards and partitions the store gateway as the chart did', () => {
    expect(env.storeGateway).toMatchObject({ shards: 2, replicasPerShard: 2, storage: '20Gi' });
    expect(env.storeGateway.partitions).toEqual([{ minTime: '-2w' }, { maxTime: '-2w' }]);
    // storegateway/statefulset-sharded.yaml: <fullname>-storegateway-<hash × partitions + partition>.
    expect(objects(result, 'StatefulSet').filter((n) => n.includes('storegateway'))).toEqual([
      'thanos-storegateway-0',
      'thanos-storegateway-1',
      'thanos-storegateway-2',
      'thanos-storegateway-3',
    ]);
  });

  it('runs the ruler stateful with its Alertmanagers, rules and cluster label', () => {
    expect(env.ruler).toMatchObject({
      enabled: true,
      mode: 'stateful',
      replicas: 2,
      evaluationInterval: '30s',
      storage: '10Gi',
    });
    expect(env.ruler.alertmanagers).toEqual(['http://alertmanager-operated.monitoring.svc.cluster.local:9093']);
    expect(env.ruler.ruleConfigMaps).toEqual(['thanos-ruler']);
    expect(kinds(result, 'ruler.config')).toEqual(['needs-person']);
    expect(env.cluster.name).toBe('prod-eu-west-1');
  });

  it('keeps the compactor retention, the monitoring labels and query settings, and names the version change', () => {
    expect(env.compactor.retention).toEqual({ raw: '30d', '5m': '120d', '1h': '1y' });
    expect(env.monitoring.labels).toEqual({ release: 'kube-prometheus-stack' });
    expect(env.query.extraEndpoints).toEqual([
      'dnssrv+_grpc._tcp.kube-prometheus-thanos-discovery.monitoring.svc.cluster.local',
    ]);
    expect(env.query.resources).toEqual({ requests: { cpu: '500m', memory: '1Gi' }, limits: { memory: '2Gi' } });
    expect(entry(result, 'image.tag')[0]).toMatchObject({ kind: 'version', option: 'thanos.version' });
    expect(entry(result, 'image.tag')[0]?.detail).toContain('0.39.2');
    expect(kinds(result, 'query.ingress.enabled')).toEqual(['needs-person']);
  });

  it('writes a runbook that stops the old compactor before removing the release, and bridges the old URL', () => {
    const at = (s: string) => result.runbook.indexOf(s);
    expect(at('scale deployment/thanos-compactor --replicas=0')).toBeGreaterThan(0);
    expect(at('scale deployment/thanos-compactor')).toBeLessThan(at('helm -n metrics uninstall thanos'));
    expect(result.runbook).toContain('data-thanos-receive-0 data-thanos-receive-1 data-thanos-receive-2');
    expect(result.runbook).toContain('http://thanos-receive.metrics.svc.cluster.local:19291/api/v1/receive');
    expect(result.runbook).toMatch(
      /name: thanos-receive\n.*\n {2}selector:\n {4}app.kubernetes.io\/name: thanos-receive-router/,
    );
  });
});

describe('import bitnami: standalone receive, existing objstore Secret, release naming', () => {
  const { result, env } = imported('standalone', { release: 'metrics', namespace: 'observability' });

  it('names the old objects after <release>-thanos and the environment after the namespace', () => {
    expect(result.name).toBe('observability');
    expect(env.receive.hashrings[0]?.adopt?.statefulSet).toBe('metrics-thanos-receive');
    expect(objects(result, 'StatefulSet')).toEqual(['metrics-thanos-storegateway', 'metrics-thanos-receive']);
    expect(objects(result, 'Secret')).toEqual([]);
  });

  it('asks a person for the bucket of the existing Secret and for a claim policy that deletes volumes', () => {
    expect(kinds(result, 'existingObjstoreSecret')).toEqual(['needs-person']);
    expect(entry(result, 'existingObjstoreSecret')[0]?.detail).toContain('kubectl get secret thanos-objstore');
    expect(env.objectStorage.bucket).toBe('replace-with-the-old-bucket');
    expect(kinds(result, 'receive.persistentVolumeClaimRetentionPolicy')).toEqual(['needs-person']);
  });

  it('moves routing to routers, makes the factor odd and reports what it cannot carry', () => {
    expect(kinds(result, 'receive.mode')).toEqual(['default-differs']);
    expect(env.receive.replicationFactor).toBe(3);
    expect(kinds(result, 'receive.replicationFactor')).toEqual(['needs-person']);
    expect(kinds(result, 'receive.extraFlags')).toEqual(['needs-person']);
    expect(entry(result, 'receive.podSecurityContext.fsGroup')[0]?.detail).toContain('65534');
    expect(entry(result, 'receive.logFormat')[0]?.detail).toContain('logfmt');
    expect(kinds(result, 'someKeyTheChartDoesNotHave')).toEqual(['ignored']);
    expect(env.queryFrontend.enabled).toBe(false);
    expect(env.query.extraEndpoints).toEqual(['prometheus-a.example.internal:10901']);
  });

  it('asks for the release and namespace when not given', () => {
    const r = importBitnami({ text: fixture('standalone'), file: 'v.yaml' }, {});
    expect(kinds(r, '--release')).toEqual(['needs-person']);
    expect(kinds(r, '--namespace')).toEqual(['needs-person']);
    expect(r.name).toBe('thanos');
  });
});

describe('import bitnami: self-managed S3, sidecars, ruler with an existing ConfigMap', () => {
  const { result, env } = imported('minio');

  it('names a Secret for the keys instead of copying them', () => {
    expect(env.objectStorage).toMatchObject({
      endpoint: 'minio.storage.svc.cluster.local:9000',
      insecure: true,
      credentialsSecret: { name: 'thanos-objstore-keys' },
    });
    expect(env.identity).toBeUndefined();
    expect(result.environment).not.toContain('minio123');
    expect(kinds(result, 'objstoreConfig.config.secret_key')).toEqual(['needs-person']);
  });

  it('keeps the sidecars and the ruler configuration, and no receive', () => {
    expect(env.receive.enabled).toBe(false);
    expect(env.query.extraEndpoints).toEqual(['dnssrv+_grpc._tcp.prometheus-operated.monitoring.svc.cluster.local']);
    expect(env.ruler.ruleConfigMaps).toEqual(['thanos-rules']);
    expect(env.ruler.alertmanagers).toEqual([
      'dnssrv+http://_web._tcp.alertmanager-operated.monitoring.svc.cluster.local',
    ]);
    expect(result.runbook).not.toContain('Keep the ingestor volumes');
  });
});

describe('every key of a values file is in the report', () => {
  for (const name of ['dual-mode', 'standalone', 'minio']) {
    it(name, () => {
      const { result } = imported(name);
      const sources = result.report.entries.map((e) => e.source);
      const missing = leaves(parse(fixture(name))).filter(
        (leaf) => !sources.some((s) => leaf === s || leaf.startsWith(`${s}.`) || s.startsWith(`${leaf}.`)),
      );
      expect(missing).toEqual([]);
    });
  }
});
