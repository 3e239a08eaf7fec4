import { objectProblems } from '@thanos-gitops/manifests';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { argsOf, find, type Rendered, render } from './support/render.js';

const QF = 'thanos-query-frontend';

function flag(args: string[], name: string): string | undefined {
  return args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
}

function qfArgs(r: Rendered): string[] {
  return argsOf(find(r, 'Deployment', QF));
}

/** The response cache configuration, read from the file the flag names in the mounted ConfigMap. */
function responseCache(r: Rendered): Record<string, any> {
  const deployment = find(r, 'Deployment', QF);
  const file = flag(argsOf(deployment), 'query-range.response-cache-config-file')!;
  const container = deployment.spec.template.spec.containers[0];
  const mount = container.volumeMounts.find((m: { mountPath: string }) => file.startsWith(`${m.mountPath}/`));
  const volume = deployment.spec.template.spec.volumes.find((v: { name: string }) => v.name === mount.name);
  const configMap = find(r, 'ConfigMap', volume.configMap.name);
  return parse(configMap.data[file.slice(mount.mountPath.length + 1)]);
}

describe('query frontend', () => {
  it('sends requests to the generated Query Service over its HTTP port', () => {
    const r = render();
    const svc = find(r, 'Service', 'thanos-query');
    const http = svc.spec.ports.find((p: { name: string }) => p.name === 'http');
    expect(flag(qfArgs(r), 'query-frontend.downstream-url')).toBe(
      `http://${svc.metadata.name}.${svc.metadata.namespace}.svc.cluster.local:${http.port}`,
    );
  });

  it('keeps 100 idle connections to Query by default (Go keeps 2 per host), as the option says', () => {
    const tripper = (yaml = '') => parse(flag(qfArgs(render(yaml)), 'query-frontend.downstream-tripper-config') ?? '');
    expect(tripper()).toEqual({ max_idle_conns: 100, max_idle_conns_per_host: 100 });
    expect(tripper('queryFrontend: { downstreamIdleConnections: 250 }\n')).toEqual({
      max_idle_conns: 250,
      max_idle_conns_per_host: 250,
    });
  });

  it('splits and retries as configured, for ranges, instant queries and labels', () => {
    const args = qfArgs(render('queryFrontend: { splitInterval: 12h, maxRetries: 3 }\n'));
    expect(flag(args, 'query-range.split-interval')).toBe('12h');
    expect(flag(args, 'query-range.max-retries-per-request')).toBe('3');
    expect(flag(args, 'query.max-retries-per-request')).toBe('3');
    expect(flag(args, 'labels.split-interval')).toBe('12h');
    expect(flag(args, 'labels.max-retries-per-request')).toBe('3');
    expect(args).toContain('--query-frontend.compress-responses');
  });

  it('listens on 9090, named http, behind a Service and probed there', () => {
    const r = render();
    const container = find(r, 'Deployment', QF).spec.template.spec.containers[0];
    expect(container.args[0]).toBe('query-frontend');
    expect(flag(container.args, 'http-address')).toBe('0.0.0.0:9090');
    expect(container.ports).toEqual([{ name: 'http', containerPort: 9090, protocol: 'TCP' }]);
    expect(container.readinessProbe.httpGet.port).toBe('http');
    const svc = find(r, 'Service', QF);
    expect(svc.spec.ports.map((p: { name: string; port: number }) => [p.name, p.port])).toEqual([['http', 9090]]);
    expect(find(r, 'ServiceMonitor', QF).spec.endpoints[0].port).toBe('http');
    expect(find(r, 'ServiceAccount', QF).automountServiceAccountToken).toBe(false);
  });

  it('caches in memory by default, for ranges and labels from the same file', () => {
    const r = render();
    const cache = responseCache(r);
    expect(cache).toEqual({ type: 'IN-MEMORY', config: { max_size: '128MiB', max_size_items: 0, validity: '24h' } });
    const args = qfArgs(r);
    expect(flag(args, 'labels.response-cache-config-file')).toBe(flag(args, 'query-range.response-cache-config-file'));
    expect(r.objects.some((o) => o.metadata?.name === 'thanos-memcached-results')).toBe(false);
  });

  it('leaves labels uncached when labelsCache is off, but still retries them maxRetries times', () => {
    const args = qfArgs(render('queryFrontend: { labelsCache: false, maxRetries: 7 }\n'));
    expect(flag(args, 'labels.response-cache-config-file')).toBeUndefined();
    expect(flag(args, 'labels.split-interval')).toBeUndefined();
    expect(flag(args, 'labels.max-retries-per-request')).toBe('7');
    expect(flag(args, 'query-range.max-retries-per-request')).toBe('7');
  });

  it('caches in the generated results memcached, found by its SRV record', () => {
    const r = render('queryFrontend: { cache: { type: memcached, memcached: { maxItemSize: 2m } } }\n');
    const cache = responseCache(r);
    expect(cache.type).toBe('MEMCACHED');
    const svc = find(r, 'Service', 'thanos-memcached-results');
    expect(svc.spec.clusterIP).toBe('None');
    expect(svc.spec.ports.find((p: { name: string }) => p.name === 'memcached').port).toBe(11211);
    expect(cache.config.addresses).toEqual([`dnssrv+_memcached._tcp.${svc.metadata.name}.thanos.svc.cluster.local`]);
    expect(cache.config.max_item_size).toBe('2MiB');
    expect(cache.config.expiration).toBe('24h');
    expect(Object.keys(cache.config).sort()).toEqual(
      [
        'addresses',
        'timeout',
        'max_idle_connections',
        'max_async_concurrency',
        'max_async_buffer_size',
        'max_get_multi_concurrency',
        'max_item_size',
        'max_get_multi_batch_size',
        'dns_provider_update_interval',
        'expiration',
      ].sort(),
    );
  });

  it('rolls the pods when the cache configuration changes', () => {
    const hash = (r: Rendered) =>
      find(r, 'Deployment', QF).spec.template.metadata.annotations['thanos-gitops/cache-config-hash'];
    const a = hash(render());
    expect(a).toMatch(/^[0-9a-f]{16}$/);
    expect(hash(render())).toBe(a);
    expect(hash(render('queryFrontend: { cache: { size: 64Mi } }\n'))).not.toBe(a);
    expect(hash(render('queryFrontend: { cache: { type: memcached } }\n'))).not.toBe(a);
  });

  it('has a disruption budget only with more than one replica', () => {
    const pdb = (r: Rendered) => r.objects.some((o) => o.kind === 'PodDisruptionBudget' && o.metadata.name === QF);
    expect(pdb(render())).toBe(false);
    const r = render('queryFrontend: { replicas: 2 }\n');
    expect(pdb(r)).toBe(true);
    expect(find(r, 'Deployment', QF).spec.replicas).toBe(2);
  });

  it('renders nothing, not even its memcached, when disabled', () => {
    const r = render('queryFrontend: { enabled: false, cache: { type: memcached } }\n');
    expect(r.manifests.filter((m) => m.component === 'query-frontend')).toEqual([]);
    expect(r.objects.some((o) => o.metadata?.name === 'thanos-memcached-results')).toBe(false);
  });

  it('reports a zero split interval and in-memory caches too big for the pod', () => {
    expect(render('queryFrontend: { splitInterval: "0" }\n', { expectProblems: true }).problems).toEqual([
      { path: ['queryFrontend', 'splitInterval'], message: expect.stringContaining('longer than 0') },
    ]);
    // Two caches (ranges and labels) of 200Mi exceed half of the small preset's 512Mi limit.
    expect(render('queryFrontend: { cache: { size: 200Mi } }\n', { expectProblems: true }).problems).toEqual([
      { path: ['queryFrontend', 'cache', 'size'], message: expect.stringContaining('half of the container memory') },
    ]);
    expect(render('queryFrontend: { cache: { size: 200Mi }, labelsCache: false }\n').problems).toEqual([]);
  });

  it('generates only valid objects', () => {
    const r = render('queryFrontend: { replicas: 2, cache: { type: memcached } }\n');
    expect(r.problems).toEqual([]);
    for (const m of r.manifests.filter((x) => ['query-frontend', 'memcached'].includes(x.component))) {
      expect(objectProblems(m.object)).toEqual([]);
    }
  });
});

describe('query frontend: releases, slow-query log and autoscaling', () => {
  it('retries instant queries only from v0.42, range and label queries at every release', () => {
    const old = qfArgs(render('thanos: { version: v0.41.0 }\nqueryFrontend: { maxRetries: 4 }\n'));
    expect(flag(old, 'query.max-retries-per-request')).toBeUndefined();
    expect(flag(old, 'query-range.max-retries-per-request')).toBe('4');
    expect(flag(old, 'labels.max-retries-per-request')).toBe('4');
    const current = qfArgs(render('thanos: { version: v0.42.4 }\nqueryFrontend: { maxRetries: 4 }\n'));
    expect(flag(current, 'query.max-retries-per-request')).toBe('4');
  });

  it('logs queries slower than logQueriesLongerThan, and none when it is unset or zero', () => {
    const slow = (yaml: string) => flag(qfArgs(render(yaml)), 'query-frontend.log-queries-longer-than');
    expect(slow('queryFrontend: { logQueriesLongerThan: 10s }\n')).toBe('10s');
    expect(slow('queryFrontend: { logQueriesLongerThan: "0s" }\n')).toBeUndefined();
    expect(slow('')).toBeUndefined();
  });

  it('hands the replicas to an HPA when autoscaling, with a disruption budget even for one replica', () => {
    const r = render('queryFrontend: { replicas: 1, autoscaling: { maxReplicas: 5 } }\n');
    expect(find(r, 'Deployment', QF).spec.replicas).toBeUndefined();
    const hpa = find(r, 'HorizontalPodAutoscaler', QF);
    expect(hpa.spec).toMatchObject({
      scaleTargetRef: { kind: 'Deployment', name: QF },
      minReplicas: 1,
      maxReplicas: 5,
    });
    expect(find(r, 'PodDisruptionBudget', QF).spec.maxUnavailable).toBe(1);
    expect(r.objects.some((o) => o.kind === 'HorizontalPodAutoscaler' && o.metadata.name === QF)).toBe(true);
    expect(render().objects.some((o) => o.kind === 'HorizontalPodAutoscaler' && o.metadata.name === QF)).toBe(false);
  });

  it('runs as its own ServiceAccount', () => {
    const r = render();
    expect(find(r, 'Deployment', QF).spec.template.spec.serviceAccountName).toBe(QF);
  });
});
