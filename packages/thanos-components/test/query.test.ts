import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { argsOf, find, flagValues, render } from './support/render.js';

describe('query', () => {
  it('deduplicates by the replica labels and reads its endpoints from the generated SD file', () => {
    const r = render('query: { replicaLabels: [prometheus_replica, replica] }\n');
    const deployment = find(r, 'Deployment', 'thanos-query');
    const args = argsOf(deployment);
    expect(flagValues(args, 'query.replica-label')).toEqual(['prometheus_replica', 'replica']);
    expect(flagValues(args, 'endpoint.sd-config-file')).toEqual(['/etc/thanos/endpoints/endpoints.yaml']);
    expect(args.some((a) => a.startsWith('--endpoint='))).toBe(false);
    const mounted = deployment.spec.template.spec.volumes.find((v: { name: string }) => v.name === 'endpoints');
    expect(mounted.configMap.name).toBe('thanos-query-endpoints');
  });

  it('lists every ingestor hashring and store shard as an endpoint, and rolls when the list changes', () => {
    const one = render();
    const two = render('receive: { hashrings: [{ name: a, tenants: [x] }, { name: b }] }\n');
    const addresses = parse(find(two, 'ConfigMap', 'thanos-query-endpoints').data['endpoints.yaml']).endpoints.map(
      (e: { address: string }) => e.address,
    );
    expect(addresses).toEqual([
      'dnssrv+_grpc._tcp.thanos-receive-ingestor-a.thanos.svc.cluster.local',
      'dnssrv+_grpc._tcp.thanos-receive-ingestor-b.thanos.svc.cluster.local',
      'dnssrv+_grpc._tcp.thanos-store-0.thanos.svc.cluster.local',
    ]);
    const hash = (r: ReturnType<typeof render>) =>
      find(r, 'Deployment', 'thanos-query').spec.template.metadata.annotations['thanos-gitops/endpoints-hash'];
    expect(hash(one)).not.toBe(hash(two));
  });

  it('dials extra endpoints in plaintext when internal mTLS gives Query the internal certificate', () => {
    const mtls = (internal: boolean) =>
      `remoteWrite:\n  mtls: { enabled: true, issuer: { kind: bootstrap }, internal: ${internal} }\n` +
      'query: { extraEndpoints: [sidecar.team-a.svc.cluster.local:10901] }\n';
    const entries = (r: ReturnType<typeof render>) =>
      parse(find(r, 'ConfigMap', 'thanos-query-endpoints').data['endpoints.yaml']).endpoints;
    const extra = (internal: boolean) =>
      entries(render(mtls(internal))).find((e: { address: string }) => e.address.startsWith('sidecar.'));
    expect(extra(true)).toEqual({
      address: 'sidecar.team-a.svc.cluster.local:10901',
      client_config: { tls_config: { enabled: false } },
    });
    expect(extra(false)).toEqual({ address: 'sidecar.team-a.svc.cluster.local:10901' });
    // The deployment's own endpoints keep Query's client TLS (the --grpc-client-tls-* flags).
    expect(entries(render(mtls(true))).filter((e: { client_config?: unknown }) => e.client_config)).toHaveLength(1);
  });

  it('hands the replica count to a HorizontalPodAutoscaler when autoscaling', () => {
    const r = render('query: { replicas: 2, autoscaling: { maxReplicas: 6, targetCPUUtilization: 60 } }\n');
    expect(find(r, 'Deployment', 'thanos-query').spec.replicas).toBeUndefined();
    const hpa = find(r, 'HorizontalPodAutoscaler', 'thanos-query');
    expect(hpa.spec).toMatchObject({
      scaleTargetRef: { kind: 'Deployment', name: 'thanos-query' },
      minReplicas: 2,
      maxReplicas: 6,
    });
    expect(hpa.spec.metrics[0].resource.target.averageUtilization).toBe(60);
    expect(find(r, 'PodDisruptionBudget', 'thanos-query').spec.maxUnavailable).toBe(1);
  });

  it('has no HPA and no disruption budget for a single fixed replica', () => {
    const r = render();
    expect(find(r, 'Deployment', 'thanos-query').spec.replicas).toBe(1);
    expect(
      r.objects
        .filter((o) => o.kind === 'HorizontalPodAutoscaler' || o.kind === 'PodDisruptionBudget')
        .map((o) => o.metadata.name),
    ).not.toContain('thanos-query');
  });
});

describe('query: flags and objects', () => {
  it('passes the query timeout and, only when set, the lookback delta', () => {
    const set = argsOf(find(render('query: { timeout: 3m, lookbackDelta: 15m }\n'), 'Deployment', 'thanos-query'));
    expect(flagValues(set, 'query.timeout')).toEqual(['3m']);
    expect(flagValues(set, 'query.lookback-delta')).toEqual(['15m']);
    expect(set).toContain('--query.auto-downsampling');
    const unset = argsOf(find(render(), 'Deployment', 'thanos-query'));
    expect(unset.some((a) => a.startsWith('--query.lookback-delta'))).toBe(false);
  });

  it('reloads its endpoint file every minute', () => {
    const args = argsOf(find(render(), 'Deployment', 'thanos-query'));
    expect(flagValues(args, 'endpoint.sd-config-reload-interval')).toEqual(['1m']);
    expect(flagValues(args, 'http-address')).toEqual(['0.0.0.0:10902']);
  });

  it('writes the endpoint file it mounts, labelled as Query, read-only', () => {
    const r = render();
    const cm = find(r, 'ConfigMap', 'thanos-query-endpoints');
    expect(Object.keys(cm.data)).toEqual(['endpoints.yaml']);
    const deployment = find(r, 'Deployment', 'thanos-query');
    expect(cm.metadata.labels).toEqual(deployment.metadata.labels);
    expect(cm.metadata.labels['app.kubernetes.io/name']).toBeDefined();
    const spec = deployment.spec.template.spec;
    const mount = spec.containers[0].volumeMounts.find((m: { name: string }) => m.name === 'endpoints');
    expect(mount).toEqual({ name: 'endpoints', mountPath: '/etc/thanos/endpoints', readOnly: true });
    expect(spec.serviceAccountName).toBe('thanos-query');
  });

  it('keeps a disruption budget for fixed replicas above one, without an HPA', () => {
    const r = render('query: { replicas: 3 }\n');
    expect(find(r, 'Deployment', 'thanos-query').spec.replicas).toBe(3);
    expect(find(r, 'PodDisruptionBudget', 'thanos-query').spec.maxUnavailable).toBe(1);
    expect(r.objects.some((o) => o.kind === 'HorizontalPodAutoscaler')).toBe(false);
  });

  it('keeps a disruption budget when one replica autoscales', () => {
    const r = render('query: { replicas: 1, autoscaling: { maxReplicas: 4 } }\n');
    expect(find(r, 'PodDisruptionBudget', 'thanos-query').spec.maxUnavailable).toBe(1);
    expect(find(r, 'HorizontalPodAutoscaler', 'thanos-query').spec.minReplicas).toBe(1);
  });
});

describe('query: endpoint flags in extraArgs', () => {
  it.each(['endpoint', 'endpoint-strict', 'endpoint-group', 'endpoint-group-strict'])(
    'refuses --%s while NetworkPolicies are on, at its index, pointing at extraEndpoints',
    (name) => {
      const args = `query: { extraArgs: ['--query.promql-engine=thanos', '--${name}=sidecar.team-a.svc:10901'] }\n`;
      const r = render(args, { expectProblems: true });
      expect(r.problems).toEqual([
        {
          path: ['query', 'extraArgs', 1],
          message: expect.stringMatching(
            new RegExp(`^--${name} would be blocked by the generated NetworkPolicies .*query\\.extraEndpoints`),
          ),
        },
      ]);
      expect(render(`${args}networkPolicies: { enabled: false }\n`).problems).toEqual([]);
    },
  );

  it('takes other flags in extraArgs', () => {
    const r = render("query: { extraArgs: ['--query.promql-engine=thanos', '--store.response-timeout=1m'] }\n");
    expect(argsOf(find(r, 'Deployment', 'thanos-query'))).toContain('--store.response-timeout=1m');
  });
});
