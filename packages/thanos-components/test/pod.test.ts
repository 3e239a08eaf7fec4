/**
 * The pod plumbing every Thanos workload shares (pod.ts), asserted on rendered pods and on the helpers' answers:
 * the restricted security contexts, the probes, spreading, scheduling knobs, the escape hatches' volumes and
 * variables, the grace periods. Each test renders for itself (per-test coverage under StrykerJS).
 */
import { loadEnvironments } from '@thanos-gitops/input';
import { toPlain } from '@thanos-gitops/manifests';
import { NO_TLS, type PodTls } from '@thanos-gitops/model';
import { describe, expect, it } from 'vitest';
import type { BuiltPod } from '../src/built-pod.js';
import type { RenderContext } from '../src/context.js';
import { renderComponents } from '../src/index.js';
import {
  componentLabels,
  containerSecurityContext,
  gracePeriodArgs,
  podSecurityContext,
  RUN_AS,
  serverGracePeriodSeconds,
  spreading,
  tcpProbes,
  thanosPodTemplate,
  thanosProbes,
} from '../src/pod.js';
import { argsOf, find, MINIMAL, render } from './support/render.js';

type Obj = Record<string, any>;
const QUERY = 'thanos-query';
const queryOf = (yaml = '') => find(render(yaml), 'Deployment', QUERY);
const thanosOf = (w: Obj): Obj => w.spec.template.spec.containers.find((c: Obj) => c.name === 'thanos');
const LABELS = { name: 'thanos-x', instance: 'thanos-x', component: 'x', version: 'v0.42.4' };

describe('security contexts (Pod Security Standards "restricted")', () => {
  it('runs the pod as nobody, non-root, with the runtime seccomp profile and a group that owns the volumes', () => {
    expect(podSecurityContext()).toEqual({
      runAsNonRoot: true,
      runAsUser: 65534,
      runAsGroup: 65534,
      fsGroup: 65534,
      fsGroupChangePolicy: 'OnRootMismatch',
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(RUN_AS).toBe(65534);
  });

  it('gives the container no privilege escalation, no capability and a read-only root file system', () => {
    expect(containerSecurityContext()).toEqual({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    });
  });

  it('puts both on a rendered pod, with no service account token', () => {
    const w = queryOf();
    expect(w.spec.template.spec.securityContext).toEqual(podSecurityContext());
    expect(thanosOf(w).securityContext).toEqual(containerSecurityContext());
    expect(w.spec.template.spec.automountServiceAccountToken).toBe(false);
    expect(w.spec.template.spec.serviceAccountName).toBe(QUERY);
  });
});

describe('probes', () => {
  it("ask Thanos' health endpoints on the named port", () => {
    expect(thanosProbes('web')).toEqual({
      livenessProbe: {
        httpGet: { path: '/-/healthy', port: 'web', scheme: 'HTTP' },
        periodSeconds: 30,
        timeoutSeconds: 5,
        failureThreshold: 4,
      },
      readinessProbe: {
        httpGet: { path: '/-/ready', port: 'web', scheme: 'HTTP' },
        periodSeconds: 5,
        timeoutSeconds: 5,
        failureThreshold: 20,
      },
    });
  });

  it('use the http port by default and hold Ready for readyAfterSeconds of consecutive successes', () => {
    expect(thanosProbes().readinessProbe?.httpGet?.port).toBe('http');
    expect(thanosProbes('http', 0).readinessProbe).not.toHaveProperty('successThreshold');
    expect(thanosProbes('http', 1).readinessProbe?.successThreshold).toBe(2);
    expect(thanosProbes('http', 5).readinessProbe?.successThreshold).toBe(2);
    expect(thanosProbes('http', 6).readinessProbe?.successThreshold).toBe(3);
    expect(thanosProbes('http', 30).readinessProbe?.successThreshold).toBe(7);
  });

  it('fall back to TCP on the http port when HTTP cannot be asked', () => {
    expect(tcpProbes()).toEqual({
      livenessProbe: { tcpSocket: { port: 'http' }, periodSeconds: 30, timeoutSeconds: 5, failureThreshold: 4 },
      readinessProbe: { tcpSocket: { port: 'http' }, periodSeconds: 5, timeoutSeconds: 5, failureThreshold: 20 },
    });
  });

  it('are on the rendered container', () => {
    const c = thanosOf(queryOf());
    expect(c.livenessProbe.httpGet).toEqual({ path: '/-/healthy', port: 'http', scheme: 'HTTP' });
    expect(c.readinessProbe.httpGet).toEqual({ path: '/-/ready', port: 'http', scheme: 'HTTP' });
  });
});

describe('spreading', () => {
  const selector = { matchLabels: { 'app.kubernetes.io/name': 'thanos-x', 'app.kubernetes.io/instance': 'thanos-x' } };

  it('prefers one pod per node and even zones by default', () => {
    expect(spreading(LABELS)).toEqual({
      affinity: {
        podAntiAffinity: {
          preferredDuringSchedulingIgnoredDuringExecution: [
            { weight: 100, podAffinityTerm: { labelSelector: selector, topologyKey: 'kubernetes.io/hostname' } },
          ],
        },
      },
      topologySpreadConstraints: [
        {
          maxSkew: 1,
          topologyKey: 'topology.kubernetes.io/zone',
          whenUnsatisfiable: 'ScheduleAnyway',
          labelSelector: selector,
        },
        {
          maxSkew: 1,
          topologyKey: 'kubernetes.io/hostname',
          whenUnsatisfiable: 'ScheduleAnyway',
          labelSelector: selector,
        },
      ],
    });
  });

  it('makes one pod per node and the zone skew rules when strict', () => {
    const s = spreading(LABELS, true);
    expect(s.affinity?.podAntiAffinity).toEqual({
      requiredDuringSchedulingIgnoredDuringExecution: [
        { labelSelector: selector, topologyKey: 'kubernetes.io/hostname' },
      ],
    });
    expect(s.affinity).not.toHaveProperty('nodeAffinity');
    expect(s.topologySpreadConstraints?.[0]).toMatchObject({
      topologyKey: 'topology.kubernetes.io/zone',
      whenUnsatisfiable: 'DoNotSchedule',
    });
  });

  it('pins the pods to a zone by required node affinity, spreading over nodes only', () => {
    const s = spreading(LABELS, true, 'eu-west-1b');
    expect(s.affinity?.nodeAffinity).toEqual({
      requiredDuringSchedulingIgnoredDuringExecution: {
        nodeSelectorTerms: [
          { matchExpressions: [{ key: 'topology.kubernetes.io/zone', operator: 'In', values: ['eu-west-1b'] }] },
        ],
      },
    });
    expect(s.topologySpreadConstraints?.map((t) => t.topologyKey)).toEqual(['kubernetes.io/hostname']);
  });
});

describe('scheduling knobs of a section', () => {
  it('are copied onto the pod', () => {
    const spec = queryOf(`query:
  nodeSelector: { pool: thanos }
  tolerations: [{ key: dedicated, operator: Equal, value: thanos, effect: NoSchedule }]
  priorityClassName: thanos-critical
`).spec.template.spec;
    expect(spec.nodeSelector).toEqual({ pool: 'thanos' });
    expect(spec.tolerations).toEqual([{ key: 'dedicated', operator: 'Equal', value: 'thanos', effect: 'NoSchedule' }]);
    expect(spec.priorityClassName).toBe('thanos-critical');
  });

  it('are absent when not set', () => {
    const spec = queryOf('query:\n  nodeSelector: {}\n  tolerations: []\n').spec.template.spec;
    expect(spec).not.toHaveProperty('nodeSelector');
    expect(spec).not.toHaveProperty('tolerations');
    expect(spec).not.toHaveProperty('priorityClassName');
  });
});

describe('grace periods', () => {
  it('drain the servers 30 s before the kill, at least half the grace, at most 2m', () => {
    expect(serverGracePeriodSeconds(120)).toBe(90);
    expect(serverGracePeriodSeconds(40)).toBe(20);
    expect(serverGracePeriodSeconds(61)).toBe(31);
    expect(serverGracePeriodSeconds(600)).toBe(120);
  });

  it('are passed as the flags the command knows', () => {
    expect(gracePeriodArgs('query', 120)).toEqual(['--http-grace-period=90s', '--grpc-grace-period=90s']);
    expect(gracePeriodArgs('query-frontend', 120)).toEqual(['--http-grace-period=90s']);
  });

  it('are the pod default of 120 s on a rendered pod', () => {
    const w = queryOf();
    expect(w.spec.template.spec.terminationGracePeriodSeconds).toBe(120);
    expect(argsOf(w)).toContain('--http-grace-period=90s');
  });
});

describe('the thanos container', () => {
  it('runs the command with the common flags first and the section log level', () => {
    const c = thanosOf(queryOf('query: { logLevel: debug }\n'));
    expect(c.args.slice(0, 4)).toEqual([
      'query',
      '--log.level=debug',
      '--log.format=logfmt',
      '--enable-auto-gomemlimit',
    ]);
    expect(c.imagePullPolicy).toBe('IfNotPresent');
    expect(c.terminationMessagePolicy).toBe('FallbackToLogsOnError');
    expect(c.ports).toContainEqual({ name: 'http', containerPort: 10902, protocol: 'TCP' });
  });

  it('splits a multi-word command into args', () => {
    const w = find(render('bucketWeb: { enabled: true }\n'), 'Deployment', 'thanos-bucket-web');
    expect(argsOf(w).slice(0, 3)).toEqual(['tools', 'bucket', 'web']);
  });

  it('gets the section extraEnv: literal values and Secret keys', () => {
    const c = thanosOf(
      queryOf(`query:
  extraEnv:
    - { name: GOGC, value: '50' }
    - { name: EMPTY, value: '' }
    - { name: API_TOKEN, secretKeyRef: { name: api, key: token } }
`),
    );
    expect(c.env).toEqual([
      { name: 'GOGC', value: '50' },
      { name: 'EMPTY', value: '' },
      { name: 'API_TOKEN', valueFrom: { secretKeyRef: { name: 'api', key: 'token' } } },
    ]);
  });

  it('has no env, mounts or volumes when nothing needs them', () => {
    const w = queryOf();
    expect(thanosOf(w)).not.toHaveProperty('env');
    expect(thanosOf(w)).not.toHaveProperty('lifecycle');
  });

  it('mounts the section extraVolumes from a ConfigMap, a Secret or an emptyDir', () => {
    const w = queryOf(`query:
  extraVolumes:
    - { name: cfg, mountPath: /etc/extra/cfg, configMap: extra-cfg }
    - { name: sec, mountPath: /etc/extra/sec, secret: extra-sec, readOnly: false }
    - { name: tmp, mountPath: /tmp/extra, emptyDir: { sizeLimit: 1Gi } }
    - { name: scratch, mountPath: /tmp/scratch, emptyDir: {} }
`);
    expect(w.spec.template.spec.volumes).toEqual(
      expect.arrayContaining([
        { name: 'cfg', configMap: { name: 'extra-cfg' } },
        { name: 'sec', secret: { secretName: 'extra-sec' } },
        { name: 'tmp', emptyDir: { sizeLimit: '1Gi' } },
        { name: 'scratch', emptyDir: {} },
      ]),
    );
    expect(thanosOf(w).volumeMounts).toEqual(
      expect.arrayContaining([
        { name: 'cfg', mountPath: '/etc/extra/cfg', readOnly: true },
        { name: 'sec', mountPath: '/etc/extra/sec', readOnly: false },
        { name: 'tmp', mountPath: '/tmp/extra', readOnly: true },
      ]),
    );
  });

  it('carries the section podAnnotations on the pod, none without them', () => {
    const compact = (yaml = '') => find(render(yaml), 'StatefulSet', 'thanos-compact');
    const w = compact('compactor:\n  podAnnotations: { example.com/team: observability }\n');
    expect(w.spec.template.metadata.annotations).toEqual({ 'example.com/team': 'observability' });
    expect(compact().spec.template.metadata).not.toHaveProperty('annotations');
    // Beside the rollout annotations a component adds (Query: the hash of its endpoints file).
    expect(
      queryOf('query:\n  podAnnotations: { example.com/team: observability }\n').spec.template.metadata.annotations,
    ).toMatchObject({ 'example.com/team': 'observability', 'thanos-gitops/endpoints-hash': expect.any(String) });
  });
});

describe('object storage', () => {
  it('mounts the objstore Secret read-only and names its file in --objstore.config-file', () => {
    const w = find(render(), 'StatefulSet', 'thanos-compact');
    expect(w.spec.template.spec.volumes).toContainEqual({
      name: 'objstore',
      secret: { secretName: 'thanos-objstore', defaultMode: 0o440 },
    });
    expect(thanosOf(w).volumeMounts).toContainEqual({
      name: 'objstore',
      mountPath: '/etc/thanos/objstore',
      readOnly: true,
    });
    expect(argsOf(w)).toContain('--objstore.config-file=/etc/thanos/objstore/objstore.yml');
  });
});

describe('what a component asks of its pod', () => {
  it('a preStop sleep (the routers behind an NLB) makes the servers drain in what is left after it', () => {
    const w = find(
      render(`networkPolicies: { remoteWriteCIDRs: [198.51.100.0/24] }
remoteWrite:
  hostname: rw.example.com
  mtls: { enabled: true, issuer: { kind: bootstrap } }
  exposure: { type: loadBalancer, loadBalancer: { deregistrationDelaySeconds: 60 } }
`),
      'Deployment',
      'thanos-receive-router',
    );
    expect(thanosOf(w).lifecycle).toEqual({ preStop: { sleep: { seconds: 90 } } });
    // Nothing dials a router's gRPC: it listens on the pod itself only.
    expect(argsOf(w)).toContain('--grpc-address=127.0.0.1:10901');
    expect(w.spec.template.spec.terminationGracePeriodSeconds).toBe(210);
    // 210 s of grace, 90 s of sleep: 120 s left, the servers drain for 90 s.
    expect(argsOf(w)).toContain('--http-grace-period=90s');
  });

  it('zoned ingestors: environment, pod labels, strict spreading in their zone, Ready held for minReadySeconds', () => {
    const r = render(`receive:
  replicationFactor: 3
  minReadySeconds: 30
  zones: [eu-west-1a, eu-west-1b, eu-west-1c]
  hashrings: [{ name: default, replicas: 3 }]
`);
    const w = find(r, 'StatefulSet', 'thanos-receive-ingestor-default-eu-west-1a');
    const c = thanosOf(w);
    expect(c.env).toEqual([{ name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }]);
    expect(w.spec.template.metadata.labels).toMatchObject({
      'app.kubernetes.io/name': 'thanos-receive-ingestor',
      'thanos-gitops/zone': 'eu-west-1a',
    });
    expect(c.readinessProbe.successThreshold).toBe(7);
    expect(c.ports).toContainEqual({ name: 'grpc', containerPort: 10901, protocol: 'TCP' });
    expect(c.volumeMounts).toContainEqual({ name: 'data', mountPath: '/var/thanos' });
    const spec = w.spec.template.spec;
    expect(spec.affinity.podAntiAffinity).toHaveProperty('requiredDuringSchedulingIgnoredDuringExecution');
    expect(spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms).toEqual([
      { matchExpressions: [{ key: 'topology.kubernetes.io/zone', operator: 'In', values: ['eu-west-1a'] }] },
    ]);
    expect(spec.volumes).toContainEqual({
      name: 'objstore',
      secret: { secretName: 'thanos-objstore', defaultMode: 0o440 },
    });
  });

  it('tracing: the config file mounted and named by --tracing.config-file', () => {
    const w = queryOf(`tracing:
  endpoint: otel-collector.observability.svc:4317
  insecure: true
`);
    const [file] = argsOf(w)
      .filter((a) => a.startsWith('--tracing.config-file='))
      .map((a) => a.slice('--tracing.config-file='.length));
    expect(file).toBeDefined();
    const mount = thanosOf(w).volumeMounts.find((m: Obj) => file?.startsWith(`${m.mountPath}/`));
    expect(mount).toBeDefined();
    expect(w.spec.template.spec.volumes.map((v: Obj) => v.name)).toContain(mount.name);
  });

  it('sidecars run beside the thanos container (the stateful ruler reloader)', () => {
    const w = find(
      render(
        'ruler: { enabled: true, alertmanagers: [http://am.monitoring.svc:9093], ruleConfigMaps: [thanos-rules-slo] }\n',
      ),
      'StatefulSet',
      'thanos-rule',
    );
    const names = w.spec.template.spec.containers.map((c: Obj) => c.name);
    expect(names).toHaveLength(2);
    expect(names[0]).toBe('thanos');
  });

  it('the escape hatches are checked where they are written when a pod is rendered', () => {
    const r = render('query:\n  extraArgs: [--no-such-flag=1]\n', { expectProblems: true });
    expect(r.problems).toContainEqual({
      path: ['query', 'extraArgs', 0],
      message: expect.stringContaining('unknown flag --no-such-flag'),
    });
  });
});

/** Query rendered with a pod identity (labels, variables) and a server TLS of its own, as irsa and mtls give them. */
function queryWithContributions(extra = ''): Obj {
  const [loaded] = loadEnvironments([{ path: 'environments/test.yaml', text: `${MINIMAL}${extra}` }]);
  if (!loaded) throw new Error('no environment');
  const tls: PodTls = {
    args: ['--grpc-server-tls-client-ca=/etc/thanos/tls/ca.crt'],
    volumes: [{ name: 'tls', secret: { secretName: 'thanos-query-tls' } }],
    mounts: [{ name: 'tls', mountPath: '/etc/thanos/tls', readOnly: true }],
  } as PodTls;
  const manifests = renderComponents({
    env: loaded.env,
    file: 'environments/test.yaml',
    identity: {
      objstoreConfig: '',
      forComponent: () => ({
        serviceAccountAnnotations: {},
        podLabels: { 'azure.workload.identity/use': 'true' },
        env: [{ name: 'AZURE_CLIENT_ID', value: 'id' }],
      }),
    },
    tls: { forComponent: (c) => (c === 'query' ? tls : NO_TLS) },
    report: () => {},
  });
  const objects = manifests.map((m) => toPlain(m.object)) as Obj[];
  const w = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === QUERY);
  if (!w) throw new Error('no query');
  return w;
}

describe('what the identity and TLS contributions put into a pod', () => {
  it('the identity pod labels and variables, before the section extraEnv', () => {
    const w = queryWithContributions('query:\n  extraEnv: [{ name: GOGC, value: "50" }]\n');
    expect(w.spec.template.metadata.labels).toMatchObject({
      'app.kubernetes.io/name': QUERY,
      'azure.workload.identity/use': 'true',
    });
    expect(thanosOf(w).env).toEqual([
      { name: 'AZURE_CLIENT_ID', value: 'id' },
      { name: 'GOGC', value: '50' },
    ]);
  });

  it('the TLS flags, volume and mount, and the init container that checks the client CA', () => {
    const w = queryWithContributions();
    const spec = w.spec.template.spec;
    expect(argsOf(w)).toContain('--grpc-server-tls-client-ca=/etc/thanos/tls/ca.crt');
    expect(spec.volumes).toContainEqual({ name: 'tls', secret: { secretName: 'thanos-query-tls' } });
    expect(thanosOf(w).volumeMounts).toContainEqual({ name: 'tls', mountPath: '/etc/thanos/tls', readOnly: true });
    expect(spec.initContainers).toHaveLength(1);
    expect(spec.initContainers[0]).toMatchObject({
      name: 'ca-bundle-check',
      image: thanosOf(w).image,
      securityContext: containerSecurityContext(),
      volumeMounts: [{ name: 'tls', mountPath: '/etc/thanos/tls', readOnly: true }],
    });
    expect(spec.initContainers[0].command.slice(-1)).toEqual(['/etc/thanos/tls/ca.crt']);
  });

  it('no init container without a client CA', () => {
    expect(queryOf().spec.template.spec).not.toHaveProperty('initContainers');
  });
});

describe('labels, image, resources', () => {
  it('componentLabels: the record application and role, the instance, the Thanos version', () => {
    const env = render().env;
    expect(componentLabels({ app: 'thanos-store', role: 'storegateway' } as never, 'thanos-store-0', env)).toEqual({
      name: 'thanos-store',
      instance: 'thanos-store-0',
      component: 'storegateway',
      version: 'v0.42.4',
    });
  });

  it('the pod carries the standard labels of its workload', () => {
    const labels = queryOf().spec.template.metadata.labels;
    expect(labels).toMatchObject({
      'app.kubernetes.io/name': QUERY,
      'app.kubernetes.io/instance': QUERY,
      'app.kubernetes.io/version': 'v0.42.4',
    });
  });

  it('the image of the environment, its pull secrets on the pod', () => {
    const w = queryOf(`thanos: { digest: "sha256:${'a'.repeat(64)}" }\nimages: { pullSecrets: [regcred] }\n`);
    expect(thanosOf(w).image).toBe(`quay.io/thanos/thanos:v0.42.4@sha256:${'a'.repeat(64)}`);
    expect(w.spec.template.spec.imagePullSecrets).toEqual([{ name: 'regcred' }]);
    expect(queryOf().spec.template.spec).not.toHaveProperty('imagePullSecrets');
  });

  it('the section resources as requests and limits', () => {
    const c = thanosOf(
      queryOf('query:\n  resources: { requests: { cpu: 250m, memory: 1Gi }, limits: { memory: 2Gi } }\n'),
    );
    expect(c.resources).toEqual({ requests: { cpu: '250m', memory: '1Gi' }, limits: { memory: '2Gi' } });
  });

  it('the tracing config hash as a pod annotation, so a tracing change rolls the pods', () => {
    const w = find(render('tracing:\n  endpoint: otel.observability.svc:4317\n'), 'StatefulSet', 'thanos-compact');
    expect(Object.keys(w.spec.template.metadata.annotations ?? {})).toHaveLength(1);
  });

  it('the escape hatches of a section feeding many pods are reported once', () => {
    const r = render("storeGateway:\n  shards: 3\n  extraArgs: ['--http-address=0.0.0.0:1']\n", {
      expectProblems: true,
    });
    expect(r.problems.map((p) => p.path)).toEqual([['storeGateway', 'extraArgs', 0]]);
  });
});

describe('thanosPodTemplate on its own', () => {
  function pod(over: Record<string, unknown> = {}, pods?: BuiltPod[]) {
    const env = render().env;
    const problems: { path: (string | number)[]; message: string }[] = [];
    const ctx: RenderContext = {
      env,
      file: 'environments/test.yaml',
      identity: { objstoreConfig: '', forComponent: () => ({ serviceAccountAnnotations: {}, podLabels: {}, env: [] }) },
      tls: { forComponent: () => NO_TLS },
      report: (path, message) => problems.push({ path: [...path], message }),
      ...(pods ? { pods } : {}),
    };
    const options = { ...env.bucketWeb, ...((over.options as object) ?? {}) };
    const template = thanosPodTemplate({
      ctx,
      component: 'bucket-web',
      labels: LABELS,
      optionsPath: ['bucketWeb'],
      command: 'tools bucket web',
      args: [],
      ports: [],
      serviceAccountName: 'thanos-x',
      ...over,
      options,
    } as never);
    return { template: template as Obj, problems };
  }

  it('writes no empty volume, mount or init container list, and only the thanos container', () => {
    const spec = pod().template.spec;
    expect(spec).not.toHaveProperty('volumes');
    expect(spec).not.toHaveProperty('initContainers');
    expect(spec.containers).toHaveLength(1);
    expect(spec.containers[0]).not.toHaveProperty('volumeMounts');
  });

  it("mounts the component's own volumes", () => {
    const { template } = pod({
      volumes: [{ name: 'cfg', configMap: { name: 'thanos-x-cfg' } }],
      mounts: [{ name: 'cfg', mountPath: '/etc/thanos/cfg', readOnly: true }],
    });
    expect(template.spec.volumes).toEqual([{ name: 'cfg', configMap: { name: 'thanos-x-cfg' } }]);
    expect(template.spec.containers[0].volumeMounts).toEqual([
      { name: 'cfg', mountPath: '/etc/thanos/cfg', readOnly: true },
    ]);
  });

  it('refuses to build a pod with a flag its command does not know (a generator bug)', () => {
    expect(() => pod({ args: ['--no-such-flag=1', '--log.format=json'] })).toThrow(
      'generated an invalid flag for thanos tools bucket web: unknown flag --no-such-flag for thanos tools bucket ' +
        'web (v0.42.4); flag --log.format given more than once',
    );
  });

  it('records the pod for the once-per-section check when rendered with the others', () => {
    const pods: BuiltPod[] = [];
    const { problems } = pod({ options: { extraArgs: ['--no-such-flag=1'] } }, pods);
    expect(pods).toHaveLength(1);
    expect(pods[0]?.optionsPath).toEqual(['bucketWeb']);
    expect(problems).toEqual([]);
  });

  it('checks its escape hatches itself when rendered alone', () => {
    const { problems } = pod({ options: { extraArgs: ['--no-such-flag=1'] } });
    expect(problems).toEqual([
      { path: ['bucketWeb', 'extraArgs', 0], message: expect.stringContaining('unknown flag --no-such-flag') },
    ]);
  });
});
