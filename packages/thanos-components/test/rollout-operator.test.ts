import { describe, expect, it } from 'vitest';
import { allowed } from './support/network-policy-evaluator.js';
import { find, MINIMAL, render, renderText } from './support/render.js';

const ZONED = `receive:
  replicationFactor: 3
  zones: [eu-west-1a, eu-west-1b, eu-west-1c]
  hashrings:
    - { name: default, replicas: 6 }
`;
const operatorObjects = (r: ReturnType<typeof render>) =>
  r.objects.filter((o) => o.metadata?.name === 'thanos-rollout-operator');

describe('ingestor rollouts', () => {
  it('without zones: one RollingUpdate StatefulSet per hashring, held minReadySeconds, no operator', () => {
    const r = render('receive: { replicationFactor: 3, hashrings: [{ name: default, replicas: 3 }] }\n');
    const sts = find(r, 'StatefulSet', 'thanos-receive-ingestor-default');
    expect(sts.spec.updateStrategy).toEqual({ type: 'RollingUpdate' });
    expect(sts.spec.minReadySeconds).toBe(60);
    expect(sts.metadata.labels['rollout-group']).toBeUndefined();
    expect(sts.spec.template.spec.containers[0].readinessProbe.successThreshold).toBeUndefined();
    expect(operatorObjects(r)).toEqual([]);
  });

  it('with zones: OnDelete StatefulSets in the hashring rollout group, a zone at once, Ready held as long', () => {
    const r = render(ZONED);
    for (const zone of ['eu-west-1a', 'eu-west-1b', 'eu-west-1c']) {
      const name = `thanos-receive-ingestor-default-${zone}`;
      const sts = find(r, 'StatefulSet', name);
      expect(sts.spec.updateStrategy).toEqual({ type: 'OnDelete' });
      expect(sts.metadata.labels['rollout-group']).toBe('thanos-receive-ingestor-default');
      expect(sts.metadata.annotations['rollout-max-unavailable']).toBe('2');
      expect(sts.spec.minReadySeconds).toBe(60);
      // The operator finds the pods of a StatefulSet by their `name` label; it must not match another zone's.
      expect(sts.spec.template.metadata.labels.name).toBe(name);
      // It waits for Ready only: the probe holds Ready for minReadySeconds (5 s period, 12 more successes).
      const probe = sts.spec.template.spec.containers[0].readinessProbe;
      expect(probe.periodSeconds * (probe.successThreshold - 1)).toBe(60);
    }
  });

  it('minReadySeconds: 0 turns the wait off; another value changes both the field and the probe', () => {
    const off = find(
      render(ZONED.replace('  zones:', '  minReadySeconds: 0\n  zones:')),
      'StatefulSet',
      'thanos-receive-ingestor-default-eu-west-1a',
    );
    expect(off.spec.minReadySeconds).toBeUndefined();
    expect(off.spec.template.spec.containers[0].readinessProbe.successThreshold).toBeUndefined();
    const long = find(
      render(ZONED.replace('  zones:', '  minReadySeconds: 120\n  zones:')),
      'StatefulSet',
      'thanos-receive-ingestor-default-eu-west-1a',
    );
    expect(long.spec.minReadySeconds).toBe(120);
    expect(long.spec.template.spec.containers[0].readinessProbe.successThreshold).toBe(25);
  });

  it('runs the rollout-operator with namespace-only RBAC, pinned, restricted, scraped', () => {
    const r = render(ZONED);
    const role = find(r, 'Role', 'thanos-rollout-operator');
    expect(role.rules).toEqual([
      { apiGroups: [''], resources: ['pods'], verbs: ['list', 'get', 'watch', 'delete'] },
      { apiGroups: ['apps'], resources: ['statefulsets'], verbs: ['list', 'get', 'watch'] },
      { apiGroups: ['apps'], resources: ['statefulsets/status'], verbs: ['update'] },
    ]);
    expect(r.objects.some((o) => o.kind === 'ClusterRole' || o.kind === 'ClusterRoleBinding')).toBe(false);
    const binding = find(r, 'RoleBinding', 'thanos-rollout-operator');
    expect(binding.subjects).toEqual([
      { kind: 'ServiceAccount', name: 'thanos-rollout-operator', namespace: 'thanos' },
    ]);
    const d = find(r, 'Deployment', 'thanos-rollout-operator');
    expect(d.spec.replicas).toBe(1);
    expect(d.spec.strategy).toEqual({ type: 'Recreate' });
    const pod = d.spec.template.spec;
    expect(pod.automountServiceAccountToken).toBe(true);
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
    const [c] = pod.containers;
    expect(c.image).toBe('grafana/rollout-operator:v0.28.8');
    expect(c.args).toContain('-kubernetes.namespace=thanos');
    expect(c.securityContext).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true });
    expect(find(r, 'ServiceMonitor', 'thanos-rollout-operator').spec.endpoints[0].port).toBe('http-metrics');
    expect(d.metadata.labels['app.kubernetes.io/version']).toBe('v0.28.8');
  });

  it('may reach the Kubernetes API and be scraped, nothing else', () => {
    const r = render(`${ZONED}networkPolicies: { apiServerCIDRs: [10.0.0.0/16] }\n`);
    const policies = r.objects.filter((o) => o.kind === 'NetworkPolicy') as never[];
    const operator = { namespace: 'thanos', labels: { 'app.kubernetes.io/name': 'thanos-rollout-operator' } };
    expect(allowed(policies, operator, { ip: '10.0.3.4' }, 443)).toBe(true);
    expect(allowed(policies, operator, { ip: '10.0.3.4' }, 6443)).toBe(true);
    expect(allowed(policies, operator, { ip: '192.0.2.1' }, 443)).toBe(false);
    const ingestor = { namespace: 'thanos', labels: { 'app.kubernetes.io/name': 'thanos-receive-ingestor' } };
    expect(allowed(policies, operator, ingestor, 10901)).toBe(false);
    const prometheus = { namespace: 'monitoring', labels: {} };
    expect(allowed(policies, prometheus, operator, 8001)).toBe(true);
  });

  it('deploy: false keeps the zoned rollout but runs no operator (one the user runs watches the namespace)', () => {
    const r = render(`${ZONED}rolloutOperator: { deploy: false }\n`);
    expect(operatorObjects(r)).toEqual([]);
    expect(find(r, 'StatefulSet', 'thanos-receive-ingestor-default-eu-west-1a').spec.updateStrategy.type).toBe(
      'OnDelete',
    );
  });

  it('takes the image from a mirror, its tag as the version label', () => {
    const r = render(`${ZONED}rolloutOperator: { image: "mirror.example.com/grafana/rollout-operator:v0.28.9" }\n`);
    const d = find(r, 'Deployment', 'thanos-rollout-operator');
    expect(d.spec.template.spec.containers[0].image).toBe('mirror.example.com/grafana/rollout-operator:v0.28.9');
    expect(d.metadata.labels['app.kubernetes.io/version']).toBe('v0.28.9');
  });

  it('runs the operator container as pinned: its flags, probes, resources and termination', () => {
    const r = renderText(
      `${MINIMAL.replace('name: test-cluster', 'name: test-cluster, domain: corp.example')}${ZONED}`,
    );
    const d = find(r, 'Deployment', 'thanos-rollout-operator');
    const pod = d.spec.template.spec;
    expect(pod.containers).toHaveLength(1);
    const [c] = pod.containers;
    expect(c.name).toBe('rollout-operator');
    expect(c.imagePullPolicy).toBe('IfNotPresent');
    // The cluster domain with its trailing dot: the operator resolves pod addresses as absolute names.
    expect(c.args).toEqual([
      '-kubernetes.namespace=thanos',
      '-server.port=8001',
      '-log.level=info',
      '-kubernetes.cluster-domain=corp.example.',
    ]);
    expect(c.ports).toEqual([{ name: 'http-metrics', containerPort: 8001, protocol: 'TCP' }]);
    expect(c.readinessProbe).toEqual({
      httpGet: { path: '/ready', port: 'http-metrics' },
      periodSeconds: 10,
      timeoutSeconds: 5,
    });
    expect(c.livenessProbe).toEqual({
      httpGet: { path: '/ready', port: 'http-metrics' },
      periodSeconds: 30,
      timeoutSeconds: 5,
      failureThreshold: 4,
    });
    expect(c.resources).toEqual({ requests: { cpu: '100m', memory: '100Mi' }, limits: { memory: '200Mi' } });
    expect(c.terminationMessagePolicy).toBe('FallbackToLogsOnError');
    expect(pod.serviceAccountName).toBe('thanos-rollout-operator');
    expect(pod.terminationGracePeriodSeconds).toBe(30);
    expect(pod.imagePullSecrets).toBeUndefined();
    expect(pod.nodeSelector).toBeUndefined();
    expect(d.spec.revisionHistoryLimit).toBe(5);
    expect(d.spec.selector.matchLabels).toEqual({
      'app.kubernetes.io/name': 'thanos-rollout-operator',
      'app.kubernetes.io/instance': 'thanos-rollout-operator',
    });
    expect(d.spec.template.metadata.labels).toMatchObject({
      'app.kubernetes.io/name': 'thanos-rollout-operator',
      'app.kubernetes.io/component': expect.any(String),
      'app.kubernetes.io/version': 'v0.28.8',
    });
  });

  it('gives its ServiceAccount no token of its own; the RoleBinding names the RBAC API group', () => {
    const r = render(ZONED);
    const account = find(r, 'ServiceAccount', 'thanos-rollout-operator');
    expect(account.automountServiceAccountToken).toBe(false);
    expect(account.metadata.namespace).toBe('thanos');
    expect(find(r, 'RoleBinding', 'thanos-rollout-operator').roleRef).toEqual({
      apiGroup: 'rbac.authorization.k8s.io',
      kind: 'Role',
      name: 'thanos-rollout-operator',
    });
    const service = find(r, 'Service', 'thanos-rollout-operator');
    expect(service.spec.ports).toEqual([
      expect.objectContaining({ name: 'http-metrics', port: 8001, targetPort: 'http-metrics' }),
    ]);
  });

  it('takes the pull secrets and the scheduling options of its section', () => {
    const r = render(
      `${ZONED}images: { pullSecrets: [regcred] }\n` +
        'rolloutOperator:\n  nodeSelector: { pool: system }\n  priorityClassName: system-critical\n' +
        '  tolerations: [{ key: dedicated, operator: Equal, value: system, effect: NoSchedule }]\n',
    );
    const pod = find(r, 'Deployment', 'thanos-rollout-operator').spec.template.spec;
    expect(pod.imagePullSecrets).toEqual([{ name: 'regcred' }]);
    expect(pod.nodeSelector).toEqual({ pool: 'system' });
    expect(pod.priorityClassName).toBe('system-critical');
    expect(pod.tolerations).toEqual([{ key: 'dedicated', operator: 'Equal', value: 'system', effect: 'NoSchedule' }]);
  });

  it('labels its objects with the tag of an image pinned by digest, not the digest', () => {
    const digest = `sha256:${'d'.repeat(64)}`;
    const r = render(`${ZONED}rolloutOperator: { image: "registry:5000/rollout-operator:v0.28.9@${digest}" }\n`);
    const d = find(r, 'Deployment', 'thanos-rollout-operator');
    expect(d.spec.template.spec.containers[0].image).toBe(`registry:5000/rollout-operator:v0.28.9@${digest}`);
    expect(d.metadata.labels['app.kubernetes.io/version']).toBe('v0.28.9');
    expect(find(r, 'Role', 'thanos-rollout-operator').metadata.labels['app.kubernetes.io/version']).toBe('v0.28.9');
  });
});
