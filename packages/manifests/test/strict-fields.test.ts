import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Deployment, type IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import { describe, expect, it } from 'vitest';
import { hasKnownFields, unknownFields } from '../src/strict-fields.js';

const SCRIPT = fileURLToPath(new URL('../scripts/known-fields.mjs', import.meta.url));

type Obj = { apiVersion: string; kind: string } & Record<string, unknown>;

/** A deep copy of `obj` with `edit` applied, for planting typos without fighting the model types. */
function withEdit<T>(obj: T, edit: (copy: any) => void): Obj {
  const copy = structuredClone(obj);
  edit(copy);
  return copy as Obj;
}

const labels = { 'app.kubernetes.io/name': 'thanos-query', 'app.kubernetes.io/component': 'query' };

const deployment: IDeployment = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: {
    name: 'thanos-query',
    namespace: 'thanos',
    labels: { ...labels, 'example.com/any-key_at.all': 'yes' },
    annotations: { 'checksum/config': 'abc', 'prometheus.io/scrape': 'true' },
  },
  spec: {
    replicas: 2,
    revisionHistoryLimit: 3,
    selector: { matchLabels: labels },
    strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: 0 } },
    template: {
      metadata: { labels, annotations: { 'kubectl.kubernetes.io/default-container': 'query' } },
      spec: {
        serviceAccountName: 'thanos-query',
        nodeSelector: { 'kubernetes.io/os': 'linux', 'node.example.com/pool': 'monitoring' },
        securityContext: {
          fsGroup: 65534,
          runAsUser: 65534,
          runAsNonRoot: true,
          seccompProfile: { type: 'RuntimeDefault' },
        },
        affinity: {
          nodeAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: {
              nodeSelectorTerms: [
                { matchExpressions: [{ key: 'kubernetes.io/arch', operator: 'In', values: ['amd64'] }] },
              ],
            },
          },
          podAntiAffinity: {
            preferredDuringSchedulingIgnoredDuringExecution: [
              {
                weight: 100,
                podAffinityTerm: { topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: labels } },
              },
            ],
          },
        },
        topologySpreadConstraints: [
          {
            maxSkew: 1,
            topologyKey: 'topology.kubernetes.io/zone',
            whenUnsatisfiable: 'ScheduleAnyway',
            labelSelector: { matchLabels: labels },
          },
        ],
        tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'monitoring', effect: 'NoSchedule' }],
        containers: [
          {
            name: 'query',
            image: 'quay.io/thanos/thanos:v0.39.2',
            imagePullPolicy: 'IfNotPresent',
            args: ['query', '--http-address=0.0.0.0:10902'],
            env: [
              { name: 'HOST_IP', valueFrom: { fieldRef: { fieldPath: 'status.hostIP' } } },
              { name: 'GOMEMLIMIT', valueFrom: { resourceFieldRef: { resource: 'limits.memory', divisor: '1' } } },
            ],
            ports: [
              { name: 'http', containerPort: 10902, protocol: 'TCP' },
              { name: 'grpc', containerPort: 10901 },
            ],
            resources: {
              requests: { cpu: '500m', memory: '1Gi' },
              limits: { memory: '2Gi', 'nvidia.com/gpu': 1 },
            },
            livenessProbe: { httpGet: { path: '/-/healthy', port: 'http', scheme: 'HTTP' }, periodSeconds: 30 },
            readinessProbe: { httpGet: { path: '/-/ready', port: 10902 }, failureThreshold: 20 },
            startupProbe: { tcpSocket: { port: 'grpc' }, initialDelaySeconds: 5 },
            securityContext: {
              allowPrivilegeEscalation: false,
              readOnlyRootFilesystem: true,
              capabilities: { drop: ['ALL'] },
            },
            volumeMounts: [
              { name: 'config', mountPath: '/etc/thanos', readOnly: true },
              { name: 'tmp', mountPath: '/tmp' },
            ],
          },
        ],
        volumes: [
          { name: 'config', configMap: { name: 'thanos-query', items: [{ key: 'stores.yaml', path: 'stores.yaml' }] } },
          { name: 'tmp', emptyDir: { medium: 'Memory', sizeLimit: '64Mi' } },
          { name: 'tls', secret: { secretName: 'thanos-query-tls', defaultMode: 0o440 } },
        ],
      },
    },
  },
};

const serviceMonitor: Obj = {
  apiVersion: 'monitoring.coreos.com/v1',
  kind: 'ServiceMonitor',
  metadata: { name: 'thanos-query', labels },
  spec: {
    selector: { matchLabels: labels },
    namespaceSelector: { matchNames: ['thanos'] },
    endpoints: [
      { port: 'http', interval: '30s', relabelings: [{ action: 'replace', targetLabel: 'job', replacement: 'query' }] },
      { port: 'grpc', scheme: 'https', tlsConfig: { serverName: 'thanos-query', insecureSkipVerify: false } },
    ],
  },
};

const networkPolicy: Obj = {
  apiVersion: 'networking.k8s.io/v1',
  kind: 'NetworkPolicy',
  metadata: { name: 'thanos-query' },
  spec: {
    podSelector: { matchLabels: labels },
    policyTypes: ['Ingress', 'Egress'],
    ingress: [
      {
        from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } }],
        ports: [{ port: 'http', protocol: 'TCP' }],
      },
    ],
    egress: [{ to: [{ ipBlock: { cidr: '10.0.0.0/8', except: ['10.1.0.0/16'] } }], ports: [{ port: 10901 }] }],
  },
};

describe('unknownFields', () => {
  it('accepts a valid Deployment that kubernetes-models also validates', () => {
    new Deployment(deployment).validate();
    expect(unknownFields(deployment as unknown as Obj)).toEqual([]);
    expect(unknownFields(new Deployment(deployment) as unknown as Obj)).toEqual([]);
  });

  it('accepts valid monitoring and network objects', () => {
    expect(unknownFields(serviceMonitor)).toEqual([]);
    expect(unknownFields(networkPolicy)).toEqual([]);
  });

  it('reports a typo in metadata', () => {
    const obj = withEdit(deployment, (d) => {
      d.metadata.lables = d.metadata.labels;
    });
    expect(unknownFields(obj)).toEqual(['metadata.lables']);
  });

  it('reports a typo in a container, although validate() lets it through', () => {
    const obj = withEdit(deployment, (d) => {
      d.spec.template.spec.containers[0].imagePullPolicyy = 'Always';
    });
    expect(() => new Deployment(obj as unknown as IDeployment).validate()).not.toThrow();
    expect(unknownFields(obj)).toEqual(['spec.template.spec.containers[0].imagePullPolicyy']);
  });

  it('reports typos in security contexts, probes, volumes and affinity, in document order', () => {
    const obj = withEdit(deployment, (d) => {
      const pod = d.spec.template.spec;
      pod.securityContext.runAsNonroot = true;
      pod.containers[0].securityContext.capabilities.dorp = ['ALL'];
      pod.containers[0].readinessProbe.httpGet.pth = '/';
      pod.volumes[1].emptyDir.size = '1Gi';
      pod.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].podAffinityTerm.topologykey = 'x';
      pod.topologySpreadConstraints[0].labelSelectors = {};
      d.spec.strategy.rollingUpdate.maxSurges = 1;
    });
    expect(unknownFields(obj)).toEqual([
      'spec.strategy.rollingUpdate.maxSurges',
      'spec.template.spec.securityContext.runAsNonroot',
      'spec.template.spec.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].podAffinityTerm' +
        '.topologykey',
      'spec.template.spec.topologySpreadConstraints[0].labelSelectors',
      'spec.template.spec.containers[0].readinessProbe.httpGet.pth',
      'spec.template.spec.containers[0].securityContext.capabilities.dorp',
      'spec.template.spec.volumes[1].emptyDir.size',
    ]);
  });

  it('reports an unknown top-level field and a misplaced one', () => {
    const obj = withEdit(deployment, (d) => {
      d.specs = {};
      d.spec.template.spec.replicas = 2;
    });
    expect(unknownFields(obj)).toEqual(['spec.template.spec.replicas', 'specs']);
  });

  it('reports a typo in a ServiceMonitor endpoint', () => {
    const obj = withEdit(serviceMonitor, (s) => {
      s.spec.endpoints[1].intervall = '30s';
      s.spec.endpoints[1].tlsConfig.serverNam = 'x';
      s.spec.endpoints[0].relabelings[0].target_label = 'job';
    });
    expect(unknownFields(obj)).toEqual([
      'spec.endpoints[0].relabelings[0].target_label',
      'spec.endpoints[1].tlsConfig.serverNam',
      'spec.endpoints[1].intervall',
    ]);
  });

  it('descends into maps with structured values and quotes keys that are not identifiers', () => {
    const obj = withEdit(serviceMonitor, (s) => {
      s.spec.endpoints[0].proxyConnectHeader = { 'X-Auth': [{ name: 'proxy', key: 'token', optinal: true }] };
    });
    expect(unknownFields(obj)).toEqual(['spec.endpoints[0].proxyConnectHeader["X-Auth"][0].optinal']);
  });

  it('reports typos in NetworkPolicy rules', () => {
    const obj = withEdit(networkPolicy, (n) => {
      n.spec.ingress[0].from[0].podSelectr = {};
      n.spec.egress[0].ports[0].prot = 'TCP';
      n.spec.egress[0].to[0].ipBlock.excpt = [];
    });
    expect(unknownFields(obj)).toEqual([
      'spec.ingress[0].from[0].podSelectr',
      'spec.egress[0].to[0].ipBlock.excpt',
      'spec.egress[0].ports[0].prot',
    ]);
  });

  it('reports typos in PrometheusRule rules and StatefulSet volumeClaimTemplates', () => {
    const rule = {
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'PrometheusRule',
      metadata: { name: 'thanos' },
      spec: {
        groups: [{ name: 'thanos', rules: [{ alert: 'Down', expresion: 'up == 0', labels: { severity: 'x' } }] }],
      },
    };
    expect(unknownFields(rule)).toEqual(['spec.groups[0].rules[0].expresion']);
    const sts = {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name: 'store' },
      spec: {
        serviceName: 'store',
        selector: { matchLabels: labels },
        template: { metadata: { labels }, spec: { containers: [{ name: 'store', image: 'thanos' }] } },
        volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { storageClasName: 'gp3' } }],
      },
    };
    expect(unknownFields(sts)).toEqual(['spec.volumeClaimTemplates[0].spec.storageClasName']);
  });

  it('accepts any keys in labels, annotations, nodeSelector, resources and ConfigMap/Secret data', () => {
    const anyKeys = { 'a.b/c': 'x', 'weird key': 'y', UPPER: 'z', spec: 'not a field name here' };
    const configMap = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { labels: anyKeys }, data: anyKeys };
    expect(unknownFields(configMap)).toEqual([]);
    const secret = { apiVersion: 'v1', kind: 'Secret', metadata: { annotations: anyKeys }, stringData: anyKeys };
    expect(unknownFields(secret)).toEqual([]);
    const obj = withEdit(deployment, (d) => {
      d.spec.template.spec.nodeSelector = anyKeys;
      d.spec.template.spec.containers[0].resources.limits = { ...anyKeys, 'example.com/device': 2 };
    });
    expect(unknownFields(obj)).toEqual([]);
    const service = { apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: { selector: anyKeys } };
    expect(unknownFields(service)).toEqual([]);
  });

  it('checks every listed kind', () => {
    const kinds = [
      ['v1', 'Namespace'],
      ['v1', 'ServiceAccount'],
      ['v1', 'PersistentVolumeClaim'],
      ['policy/v1', 'PodDisruptionBudget'],
      ['autoscaling/v2', 'HorizontalPodAutoscaler'],
      ['rbac.authorization.k8s.io/v1', 'Role'],
      ['rbac.authorization.k8s.io/v1', 'RoleBinding'],
      ['rbac.authorization.k8s.io/v1', 'ClusterRole'],
      ['rbac.authorization.k8s.io/v1', 'ClusterRoleBinding'],
      ['monitoring.coreos.com/v1', 'PodMonitor'],
    ] as const;
    for (const [apiVersion, kind] of kinds) {
      expect(hasKnownFields(apiVersion, kind)).toBe(true);
      expect(unknownFields({ apiVersion, kind, metadata: { name: 'x', nmae: 'y' } })).toEqual(['metadata.nmae']);
    }
    const pdb = { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', spec: { minAvailable: 1, maxUnavailble: 1 } };
    expect(unknownFields(pdb)).toEqual(['spec.maxUnavailble']);
    const role = {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      rules: [{ verbs: ['get'], resource: [] }],
    };
    expect(unknownFields(role)).toEqual(['rules[0].resource']);
  });

  it('throws for a kind or apiVersion it does not know', () => {
    expect(hasKnownFields('apps/v1', 'Deployment')).toBe(true);
    expect(hasKnownFields('apps/v1', 'DaemonSet')).toBe(false);
    expect(hasKnownFields('apps/v1beta1', 'Deployment')).toBe(false);
    expect(() => unknownFields({ apiVersion: 'apps/v1', kind: 'DaemonSet' })).toThrow(/apps\/v1.*DaemonSet/);
    expect(() => unknownFields({ apiVersion: 'apps/v1beta1', kind: 'Deployment' })).toThrow(/apps\/v1beta1/);
    expect(() => unknownFields({ apiVersion: 'v1', kind: 'toString' })).toThrow(/toString/);
  });
});

// Each test runs the TypeScript compiler over the kubernetes-models declarations (a few CPU seconds, more on a busy
// machine): a generous timeout keeps them far from it.
describe('known-fields.json', { timeout: 120_000 }, () => {
  const run = (...args: string[]) => spawnSync(process.execPath, [SCRIPT, '--check', ...args], { encoding: 'utf8' });

  it('is what scripts/known-fields.mjs generates', () => {
    const result = run();
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  it('--check fails for a stale file', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'known-fields-'));
    try {
      const stale = path.join(dir, 'known-fields.json');
      writeFileSync(stale, JSON.stringify({ kinds: {}, types: {} }));
      const result = run('--out', stale);
      expect(result.status).toBe(1);
      expect(result.stderr).toMatch(/is not what .* generates/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
