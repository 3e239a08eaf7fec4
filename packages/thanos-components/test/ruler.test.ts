import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { endpointsConfig } from '../src/endpoints.js';
import { QUERY_DISCOVERY_SECONDS } from '../src/rollout.js';
import { remoteWriteConfig } from '../src/ruler.js';
import { argsOf, find, flagValues, problemsOf, type Rendered, render } from './support/render.js';

const STATELESS = `ruler:
  enabled: true
  replicas: 2
  evaluationInterval: 30s
  alertmanagers:
    - http://alertmanager-operated.monitoring.svc:9093
    - dnssrv+http://_web._tcp.alertmanager-operated.monitoring.svc
  ruleConfigMaps: [thanos-rules-slo, team-a-rules]
`;

const STATEFUL = `ruler:
  enabled: true
  mode: stateful
  storage: 20Gi
  storageClass: gp3
`;

const rulerOf = (r: Rendered) => find(r, 'StatefulSet', 'thanos-rule');

describe('ruler', () => {
  it('renders nothing unless enabled', () => {
    const r = render();
    expect(r.objects.filter((o) => o.metadata?.name?.startsWith('thanos-rule'))).toEqual([]);
  });

  it('evaluates through the generated Query and labels each replica', () => {
    const r = render(STATELESS);
    expect(r.problems).toEqual([]);
    const args = argsOf(rulerOf(r));
    expect(args[0]).toBe('rule');
    expect(flagValues(args, 'query')).toEqual(['http://thanos-query.thanos.svc.cluster.local:10902']);
    expect(flagValues(args, 'eval-interval')).toEqual(['30s']);
    expect(flagValues(args, 'label')).toEqual(['rule_replica="$(POD_NAME)"', 'ruler_cluster="test-cluster"']);
    expect(flagValues(args, 'alert.label-drop')).toEqual(['rule_replica']);
    // rule_replica must be one of the labels query deduplicates on.
    expect(r.env.query.replicaLabels).toContain('rule_replica');
    const container = rulerOf(r).spec.template.spec.containers[0];
    expect(container.env).toContainEqual({ name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } });
  });

  it('sends alerts to every Alertmanager', () => {
    const args = argsOf(rulerOf(render(STATELESS)));
    // The headless `alertmanager-operated` Service is resolved with dns+ (every pod), not one static address.
    expect(flagValues(args, 'alertmanagers.url')).toEqual([
      'dns+http://alertmanager-operated.monitoring.svc:9093',
      'dnssrv+http://_web._tcp.alertmanager-operated.monitoring.svc',
    ]);
  });

  it('reloads rules when a ConfigMap changes, through a pinned, restricted config-reloader sidecar', () => {
    const pod = rulerOf(render(STATELESS)).spec.template.spec;
    const [thanos, reloader, ...more] = pod.containers;
    expect(more).toEqual([]);
    expect(reloader.name).toBe('config-reloader');
    expect(reloader.image).toMatch(
      /^quay\.io\/prometheus-operator\/prometheus-config-reloader:v[0-9]+\.[0-9]+\.[0-9]+$/,
    );
    const ruleMounts = thanos.volumeMounts.filter((m: { name: string }) => m.name.startsWith('rules-'));
    expect(ruleMounts).toHaveLength(2);
    // It watches exactly the directories the ruler loads rules from, and sees the same volumes.
    expect(flagValues(reloader.args, 'watched-dir')).toEqual(ruleMounts.map((m: { mountPath: string }) => m.mountPath));
    expect(reloader.volumeMounts).toEqual(ruleMounts);
    for (const m of ruleMounts) {
      expect(flagValues(thanos.args, 'rule-file')).toContain(`${m.mountPath}/*.yaml`);
    }
    // It reloads the ruler on its own HTTP port.
    const http = thanos.ports.find((p: { name: string }) => p.name === 'http').containerPort;
    expect(flagValues(reloader.args, 'reload-url')).toEqual([`http://127.0.0.1:${http}/-/reload`]);
    expect(reloader.securityContext).toMatchObject({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      capabilities: { drop: ['ALL'] },
    });
    expect(reloader.resources.limits.memory).toBeDefined();
    // A missing ConfigMap leaves its directory empty instead of keeping the pods from starting.
    const ruleVolumes = pod.volumes.filter((v: { name: string }) => v.name.startsWith('rules-'));
    expect(ruleVolumes.map((v: { configMap: { optional: boolean } }) => v.configMap.optional)).toEqual([true, true]);
  });

  it('has no reloader without rule ConfigMaps', () => {
    const pod = rulerOf(render('ruler: { enabled: true }\n')).spec.template.spec;
    expect(pod.containers.map((c: { name: string }) => c.name)).toEqual(['thanos']);
  });

  it('mounts each rule ConfigMap in its own directory and loads its YAML files', () => {
    const sts = rulerOf(render(STATELESS));
    const pod = sts.spec.template.spec;
    const mounts = pod.containers[0].volumeMounts as { name: string; mountPath: string; readOnly?: boolean }[];
    for (const cm of ['thanos-rules-slo', 'team-a-rules']) {
      const volume = pod.volumes.find((v: { configMap?: { name: string } }) => v.configMap?.name === cm);
      expect(volume).toBeDefined();
      expect(mounts).toContainEqual({ name: volume.name, mountPath: `/etc/thanos/rules/${cm}`, readOnly: true });
      expect(flagValues(argsOf(sts), 'rule-file')).toEqual(
        expect.arrayContaining([`/etc/thanos/rules/${cm}/*.yaml`, `/etc/thanos/rules/${cm}/*.yml`]),
      );
    }
    expect(flagValues(argsOf(sts), 'rule-file')).toHaveLength(4);
  });

  describe('stateless', () => {
    it('remote-writes to the receive router Service', () => {
      const r = render(STATELESS);
      const args = argsOf(rulerOf(r));
      const file = flagValues(args, 'remote-write.config-file')[0];
      expect(file).toBe('/etc/thanos/remote-write/remote-write.yaml');
      const cm = find(r, 'ConfigMap', 'thanos-rule-remote-write');
      const config = parse(cm.data['remote-write.yaml']);
      const url = new URL(config.remote_write[0].url);
      expect(config.remote_write).toHaveLength(1);
      expect(url.toString()).toBe('http://thanos-receive-router.thanos.svc.cluster.local:19291/api/v1/receive');
      // The URL names a Service that exists and serves that port.
      const router = find(r, 'Service', url.hostname.split('.')[0] ?? '');
      expect(router.spec.ports.map((p: { port: number }) => p.port)).toContain(Number(url.port));
      // The mounted file comes from that ConfigMap, and changing it rolls the pods.
      const pod = rulerOf(r).spec.template;
      const volume = pod.spec.volumes.find(
        (v: { configMap?: { name: string } }) => v.configMap?.name === cm.metadata.name,
      );
      expect(pod.spec.containers[0].volumeMounts).toContainEqual({
        name: volume.name,
        mountPath: '/etc/thanos/remote-write',
        readOnly: true,
      });
      expect(pod.metadata.annotations['thanos-gitops/remote-write-hash']).toMatch(/^[0-9a-f]{16}$/);
    });

    it('keeps no TSDB and touches no bucket', () => {
      const r = render(STATELESS);
      const sts = rulerOf(r);
      const args = argsOf(sts);
      expect(sts.spec.volumeClaimTemplates).toBeUndefined();
      expect(sts.spec.template.spec.volumes).toContainEqual({ name: 'data', emptyDir: { sizeLimit: '10Gi' } });
      expect(args.some((a) => a.startsWith('--objstore.config'))).toBe(false);
      expect(args.some((a) => a.startsWith('--tsdb.retention'))).toBe(false);
      expect(sts.spec.template.spec.volumes.some((v: { name: string }) => v.name === 'objstore')).toBe(false);
      expect(flagValues(args, 'restore-ignored-label')).toContain(r.env.receive.tenantLabel);
    });

    it('ignores, when restoring alert state, every label Query returns on ALERTS_FOR_STATE that the alert lacks', () => {
      const variants = [
        STATELESS,
        `${STATELESS}receive: { tenantLabel: team }\n`,
        `${STATELESS}query: { replicaLabels: [replica] }\n`,
        `${STATELESS}query: { replicaLabels: [prometheus_replica] }\n`,
      ];
      for (const yaml of variants) {
        const r = render(yaml);
        expect(r.problems).toEqual([]);
        const workloads = r.objects.filter((o) => o.kind === 'StatefulSet' || o.kind === 'Deployment');
        const argsOfName = (prefix: string) =>
          workloads.filter((w) => w.metadata.name.startsWith(prefix)).flatMap((w) => argsOf(w));
        const labelNames = (args: string[]) => flagValues(args, 'label').map((l) => l.split('=')[0] ?? '');
        // What the series carry: the ruler's external labels (attached on remote-write), then what the
        // ingestors serving them add (their external labels and the tenant label).
        const ruler = argsOf(rulerOf(r));
        const ingestors = argsOfName('thanos-receive-ingestor-');
        const carried = new Set([
          ...labelNames(ruler),
          ...labelNames(ingestors),
          ...flagValues(ingestors, 'receive.tenant-label-name'),
        ]);
        // What Query strips with deduplication on (the ruler's restore query asks for it).
        for (const l of flagValues(argsOf(find(r, 'Deployment', 'thanos-query')), 'query.replica-label')) {
          carried.delete(l);
        }
        expect(new Set(flagValues(ruler, 'restore-ignored-label')), yaml).toEqual(carried);
        expect(carried.size).toBeGreaterThanOrEqual(3);
      }
    });

    it('is a Query endpoint, for its Rules API (rules and alerts in Query and Grafana)', () => {
      const r = render(STATELESS);
      const file = parse(find(r, 'ConfigMap', 'thanos-query-endpoints').data['endpoints.yaml']);
      expect(file).toEqual(endpointsConfig(r.env));
      expect(file.endpoints).toContainEqual({ address: 'dnssrv+_grpc._tcp.thanos-rule.thanos.svc.cluster.local' });
      // The headless Service publishes the gRPC port the SRV name asks for.
      const svc = find(r, 'Service', 'thanos-rule');
      expect(svc.spec.clusterIP).toBe('None');
      expect(svc.spec.ports).toContainEqual(expect.objectContaining({ name: 'grpc', port: 10901 }));
    });

    it('has a disruption budget with more than one replica only', () => {
      expect(find(render(STATELESS), 'PodDisruptionBudget', 'thanos-rule').spec.maxUnavailable).toBe(1);
      const single = render('ruler: { enabled: true }\n');
      expect(single.objects.some((o) => o.kind === 'PodDisruptionBudget' && o.metadata.name === 'thanos-rule')).toBe(
        false,
      );
    });

    it('needs receive', () => {
      const problems = problemsOf('ruler: { enabled: true }\nreceive: { enabled: false }\n');
      expect(problems).toMatchObject([{ field: 'ruler.mode', message: expect.stringContaining('receive.enabled') }]);
    });
  });

  describe('stateful', () => {
    it('keeps its TSDB on a persistent volume and uploads blocks', () => {
      const r = render(STATEFUL);
      expect(r.problems).toEqual([]);
      const sts = rulerOf(r);
      const args = argsOf(sts);
      expect(sts.spec.volumeClaimTemplates).toHaveLength(1);
      const claim = sts.spec.volumeClaimTemplates[0];
      expect(claim.metadata.name).toBe('data');
      expect(claim.spec).toMatchObject({ storageClassName: 'gp3', resources: { requests: { storage: '20Gi' } } });
      expect(sts.spec.template.spec.containers[0].volumeMounts).toContainEqual({
        name: 'data',
        mountPath: '/var/thanos',
      });
      expect(sts.spec.template.spec.volumes.some((v: { emptyDir?: unknown }) => v.emptyDir)).toBe(false);
      expect(flagValues(args, 'data-dir')).toEqual(['/var/thanos/rule']);
      // Alert state comes back from its own TSDB, whose series carry no external labels.
      expect(flagValues(args, 'restore-ignored-label')).toEqual([]);
      expect(flagValues(args, 'objstore.config-file')).toEqual(['/etc/thanos/objstore/objstore.yml']);
      // Kept as long as the ingestors keep theirs: older blocks are the store gateway's.
      expect(flagValues(args, 'tsdb.retention')).toEqual([r.env.receive.retention]);
      expect(args.some((a) => a.startsWith('--remote-write.config'))).toBe(false);
      expect(r.objects.some((o) => o.kind === 'ConfigMap' && o.metadata.name === 'thanos-rule-remote-write')).toBe(
        false,
      );
    });

    it('serves StoreAPI through the headless Service Query discovers', () => {
      const r = render(STATEFUL);
      const svc = find(r, 'Service', 'thanos-rule');
      expect(svc.spec.clusterIP).toBe('None');
      expect(svc.spec.ports).toContainEqual(expect.objectContaining({ name: 'grpc', port: 10901, targetPort: 'grpc' }));
      expect(svc.spec.selector).toEqual(rulerOf(r).spec.selector.matchLabels);
      const endpoints = parse(find(r, 'ConfigMap', 'thanos-query-endpoints').data['endpoints.yaml']);
      expect(endpoints.endpoints).toContainEqual({
        address: 'dnssrv+_grpc._tcp.thanos-rule.thanos.svc.cluster.local',
      });
    });

    it('reports a TSDB retention that leaves a gap before the store gateway', () => {
      // The store gateway (older-only split) starts at the receive retention (15d) minus its overlap (6h).
      const problems = problemsOf(`${STATEFUL}  retention: 2d\nstoreGateway: { recentBlocks: skip }\n`);
      expect(problems).toMatchObject([{ field: 'ruler.retention', message: expect.stringContaining('14d18h') }]);
      expect(problemsOf(`${STATEFUL}  retention: 14d18h\nstoreGateway: { recentBlocks: skip }\n`)).toEqual([]);
      // Serving up to now, the store gateway leaves no gap whatever the ruler keeps.
      expect(problemsOf(`${STATEFUL}  retention: 2d\n`)).toEqual([]);
    });
  });
});

describe('ruler: the config reloader', () => {
  it('serves /healthz on its own port for its probes, logs logfmt, and asks for little', () => {
    const pod = find(render(STATELESS), 'StatefulSet', 'thanos-rule').spec.template.spec;
    const reloader = pod.containers.find((c: { name: string }) => c.name === 'config-reloader');
    expect(reloader.args).toEqual(expect.arrayContaining(['--log-format=logfmt', '--listen-address=:8080']));
    expect(reloader.args[0]).toBe('--reload-url=http://127.0.0.1:10902/-/reload');
    expect(reloader.ports).toEqual([{ name: 'reloader-web', containerPort: 8080, protocol: 'TCP' }]);
    const probe = { path: '/healthz', port: 'reloader-web', scheme: 'HTTP' };
    expect(reloader.livenessProbe).toEqual({
      httpGet: probe,
      periodSeconds: 30,
      timeoutSeconds: 5,
      failureThreshold: 4,
    });
    expect(reloader.readinessProbe).toEqual({
      httpGet: probe,
      periodSeconds: 10,
      timeoutSeconds: 5,
      failureThreshold: 3,
    });
    expect(reloader.resources).toEqual({ requests: { cpu: '10m', memory: '32Mi' }, limits: { memory: '64Mi' } });
    expect(reloader.imagePullPolicy).toBe('IfNotPresent');
    expect(reloader.terminationMessagePolicy).toBe('FallbackToLogsOnError');
    for (const m of reloader.volumeMounts) expect(m.readOnly).toBe(true);
  });

  it('keeps a stateless WAL in an emptyDir of ruler.storage, and a stateful TSDB 48h without receive', () => {
    const stateless = find(render(`${STATELESS}  storage: 3Gi\n`), 'StatefulSet', 'thanos-rule');
    expect(stateless.spec.template.spec.volumes).toContainEqual({ name: 'data', emptyDir: { sizeLimit: '3Gi' } });
    const r = render('ruler: { enabled: true, mode: stateful }\n');
    expect(flagValues(argsOf(find(r, 'StatefulSet', 'thanos-rule')), 'tsdb.retention')).toEqual([
      r.env.receive.retention,
    ]);
    const alone = render('receive: { enabled: false }\nruler: { enabled: true, mode: stateful }\n');
    expect(flagValues(argsOf(find(alone, 'StatefulSet', 'thanos-rule')), 'tsdb.retention')).toEqual(['48h']);
  });
});

describe('ruler: what each mode mounts, keeps and waits for', () => {
  it('remote-writes over https with its client certificate when the routers require mTLS, else over http', () => {
    const { env } = render(STATELESS);
    const tlsConfig = { cert_file: '/etc/tls/client/tls.crt', key_file: '/etc/tls/client/tls.key' };
    const [target] = parse(remoteWriteConfig(env, { scheme: 'https', tlsConfig })).remote_write;
    expect(new URL(target.url).protocol).toBe('https:');
    expect(target.tls_config).toEqual(tlsConfig);
    const [plain] = parse(remoteWriteConfig(env)).remote_write;
    expect(new URL(plain.url).protocol).toBe('http:');
    expect(plain.tls_config).toBeUndefined();
  });

  it('lists the labels ignored on restore sorted, each once', () => {
    const labels = flagValues(
      argsOf(rulerOf(render(`${STATELESS}receive: { tenantLabel: a_tenant }\n`))),
      'restore-ignored-label',
    );
    expect(labels).toEqual([...new Set(labels)].sort());
    expect(labels[0]).toBe('a_tenant');
  });

  it('mounts exactly the rules, the remote-write file and the WAL when stateless', () => {
    const pod = rulerOf(render('ruler: { enabled: true, ruleConfigMaps: [a] }\n')).spec.template.spec;
    expect(pod.volumes.map((v: { name: string }) => v.name)).toEqual(['rules-0', 'remote-write', 'data']);
    expect(pod.containers[0].volumeMounts.map((m: { name: string }) => m.name)).toEqual([
      'data',
      'rules-0',
      'remote-write',
    ]);
  });

  it('mounts exactly the rules, the bucket and its claimed TSDB when stateful, and keeps the claim', () => {
    const sts = rulerOf(render('ruler: { enabled: true, mode: stateful, ruleConfigMaps: [a] }\n'));
    const pod = sts.spec.template.spec;
    expect(pod.volumes.map((v: { name: string }) => v.name)).toEqual(['rules-0', 'objstore']);
    expect(pod.containers[0].volumeMounts.map((m: { name: string }) => m.name)).toEqual([
      'data',
      'rules-0',
      'objstore',
    ]);
    // Blocks not yet uploaded live on the claim: scaling down or deleting the StatefulSet must not drop them.
    expect(sts.spec.persistentVolumeClaimRetentionPolicy).toEqual({ whenDeleted: 'Retain', whenScaled: 'Retain' });
  });

  it('holds each rollout step until Query has discovered the new pod', () => {
    for (const yaml of [STATELESS, STATEFUL]) {
      expect(rulerOf(render(yaml)).spec.minReadySeconds, yaml).toBe(QUERY_DISCOVERY_SECONDS);
    }
  });
});
