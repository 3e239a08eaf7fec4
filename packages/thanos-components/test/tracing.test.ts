import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { flowGraph, policyPeer } from '../src/network-policies.js';
import { argsOf, find, flagValues, problemsOf, type Rendered, render } from './support/render.js';

const DATA = JSON.parse(readFileSync(new URL('../src/data/thanos-metrics.json', import.meta.url), 'utf8')) as {
  tracingOtlpKeys: string[];
};

const TRACING = `
receive:
  hashrings: [{ name: default, replicas: 3 }]
ruler: { enabled: true, alertmanagers: [http://am.monitoring.svc:9093] }
bucketWeb: { enabled: true }
tracing:
  endpoint: otel-collector.observability.svc:4317
  insecure: true
  samplingRatio: 0.25
  serviceNames: { query: thanos-query-eu }
`;

/** Every Thanos workload (memcached runs no Thanos) of a rendering. */
function thanosWorkloads(r: Rendered) {
  return r.objects.filter(
    (o) =>
      (o.kind === 'Deployment' || o.kind === 'StatefulSet') &&
      o.spec.template.spec.containers.some((c: { name: string }) => c.name === 'thanos'),
  );
}

/** The tracing config a workload loads: the file `--tracing.config-file` names, read through its mount. */
function loadedConfig(r: Rendered, workload: Record<string, any>): Record<string, any> {
  const [file] = flagValues(argsOf(workload), 'tracing.config-file');
  const c = workload.spec.template.spec.containers.find((x: { name: string }) => x.name === 'thanos');
  const mount = c.volumeMounts.find((m: { mountPath: string }) => file?.startsWith(`${m.mountPath}/`));
  const volume = workload.spec.template.spec.volumes.find((v: { name: string }) => v.name === mount.name);
  const cm = find(r, 'ConfigMap', volume.configMap.name);
  return parse(cm.data[file!.slice(mount.mountPath.length + 1)]);
}

/** Dotted key paths of plain data. */
function keyPaths(data: Record<string, unknown>, prefix = ''): string[] {
  return Object.entries(data).flatMap(([k, v]) => {
    const path = `${prefix}${k}`;
    if (v && typeof v === 'object' && !Array.isArray(v) && k !== 'resource_attributes' && k !== 'headers') {
      return [path, ...keyPaths(v as Record<string, unknown>, `${path}.`)];
    }
    return [path];
  });
}

describe('tracing', () => {
  it('is off unless configured', () => {
    const r = render(TRACING.replace(/tracing:[\s\S]*$/, ''));
    for (const w of thanosWorkloads(r)) expect(flagValues(argsOf(w), 'tracing.config-file')).toEqual([]);
    expect(r.objects.some((o) => o.metadata.name === 'thanos-tracing')).toBe(false);
  });

  it('every Thanos workload loads an OTLP config with its own service name', () => {
    const r = render(TRACING);
    expect(r.problems).toEqual([]);
    const workloads = thanosWorkloads(r);
    expect(workloads.length).toBeGreaterThanOrEqual(7);
    const services = new Set<string>();
    for (const w of workloads) {
      const config = loadedConfig(r, w);
      expect(config.type).toBe('OTLP');
      expect(config.config).toMatchObject({
        client_type: 'grpc',
        endpoint: 'otel-collector.observability.svc:4317',
        insecure: true,
        sampler_type: 'parentbasedtraceidratiobased',
        sampler_param: '0.25',
      });
      expect(config.config.resource_attributes).toMatchObject({ environment: 'test', cluster: 'test-cluster' });
      services.add(config.config.service_name);
      // A change of the config rolls the pods.
      expect(w.spec.template.metadata.annotations['thanos-gitops/tracing-config-hash']).toMatch(/^[0-9a-f]{16}$/);
    }
    expect(services).toContain('thanos-query-eu');
    expect(services).toContain('thanos-receive-router');
    expect(services).toContain('thanos-store');
    expect(services).toContain('thanos-bucket-web');
  });

  it('uses only keys the pinned release documents for OTLP', () => {
    const r = render(`${TRACING}  protocol: http\n  urlPath: /otlp/v1/traces\n`);
    const documented = new Set(DATA.tracingOtlpKeys);
    for (const w of thanosWorkloads(r)) {
      const config = loadedConfig(r, w);
      expect(config.config.client_type).toBe('http');
      expect(config.config.url_path).toBe('/otlp/v1/traces');
      for (const key of keyPaths(config)) expect(documented, key).toContain(key);
    }
  });

  it('opens egress from every Thanos role to the collector, and nothing else', () => {
    const r = render(TRACING);
    const flows = flowGraph(r.env).filter((f) => f.traffic === 'tracing');
    const components = new Set(flows.map((f) => ('component' in f.from ? f.from.component : '')));
    expect(components).toEqual(
      new Set([
        'receive-router',
        'receive-ingestor',
        'query',
        'query-frontend',
        'store-gateway',
        'compactor',
        'ruler',
        'bucket-web',
      ]),
    );
    for (const f of flows) {
      expect(f.port).toBe(4317);
      expect(policyPeer(f.to)).toEqual({
        namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'observability' } },
      });
    }
    const policy = find(r, 'NetworkPolicy', 'thanos-query');
    expect(policy.spec.egress).toContainEqual({
      to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'observability' } } }],
      ports: [{ protocol: 'TCP', port: 4317 }],
    });
  });

  it('rejects an endpoint with a scheme or without a port, and a ratio above 1', () => {
    expect(problemsOf('tracing: { endpoint: "http://collector:4317" }\n').map((p) => p.field)).toContain(
      'tracing.endpoint',
    );
    expect(problemsOf('tracing: { endpoint: collector }\n').map((p) => p.field)).toContain('tracing.endpoint');
    expect(problemsOf('tracing: { endpoint: "c:4317", samplingRatio: 2 }\n').map((p) => p.field)).toContain(
      'tracing.samplingRatio',
    );
  });
});

describe('query frontend slow-query log', () => {
  const qfArgs = (r: Rendered) => argsOf(find(r, 'Deployment', 'thanos-query-frontend'));
  it('is off by default', () => {
    expect(flagValues(qfArgs(render()), 'query-frontend.log-queries-longer-than')).toEqual([]);
  });
  it('logs queries slower than the threshold', () => {
    const r = render('queryFrontend: { logQueriesLongerThan: 10s }\n');
    expect(flagValues(qfArgs(r), 'query-frontend.log-queries-longer-than')).toEqual(['10s']);
  });
});

describe('tracing: the files', () => {
  const BASE = 'tracing:\n  endpoint: otel.observability.svc:4317\n';

  it('writes one file per running Thanos component into thanos-tracing, labelled as tracing', () => {
    const r = render(`ruler: { enabled: true }\n${BASE}`);
    const cm = find(r, 'ConfigMap', 'thanos-tracing');
    expect(Object.keys(cm.data).sort()).toEqual(
      ['compactor', 'query', 'query-frontend', 'receive-ingestor', 'receive-router', 'ruler', 'store-gateway']
        .map((c) => `${c}.yaml`)
        .sort(),
    );
    expect(cm.metadata.labels).toMatchObject({
      'app.kubernetes.io/name': 'thanos',
      'app.kubernetes.io/instance': 'thanos-test',
      'app.kubernetes.io/component': 'tracing',
    });
    expect(r.manifests.find((m) => m.object.metadata?.name === 'thanos-tracing')?.component).toBe('tracing');
  });

  it('writes no file for the memcached caches, which run no Thanos', () => {
    const r = render(
      `storeGateway: { indexCache: { type: memcached, memcached: { replicas: 1, memoryLimitMb: 256 } } }\n${BASE}`,
    );
    expect(r.objects.some((o) => o.kind === 'StatefulSet' && o.metadata.name.includes('memcached'))).toBe(true);
    const files = Object.keys(find(r, 'ConfigMap', 'thanos-tracing').data);
    expect(files).toContain('store-gateway.yaml');
    expect(files.filter((f) => f.startsWith('memcached'))).toEqual([]);
  });

  it('compresses, keeps the resource attributes given, and sets url_path only when given', () => {
    const grpc = parse(
      find(render(`${BASE}  resourceAttributes: { team: obs }\n`), 'ConfigMap', 'thanos-tracing').data['query.yaml'],
    );
    expect(grpc.config.compression).toBe('gzip');
    expect(grpc.config.resource_attributes).toEqual({ team: 'obs', environment: 'test', cluster: 'test-cluster' });
    expect(grpc.config.url_path).toBeUndefined();
    expect(grpc.config.service_name).toBe('thanos-query');
    const http = parse(find(render(`${BASE}  protocol: http\n`), 'ConfigMap', 'thanos-tracing').data['query.yaml']);
    expect(http.config.url_path).toBeUndefined();
  });

  it('mounts the files read-only in every Thanos pod and names its own', () => {
    const w = find(render(BASE), 'Deployment', 'thanos-query');
    expect(flagValues(argsOf(w), 'tracing.config-file')).toEqual(['/etc/thanos/tracing/query.yaml']);
    expect(w.spec.template.spec.volumes).toContainEqual({ name: 'tracing', configMap: { name: 'thanos-tracing' } });
    expect(w.spec.template.spec.containers[0].volumeMounts).toContainEqual({
      name: 'tracing',
      mountPath: '/etc/thanos/tracing',
      readOnly: true,
    });
  });
});
