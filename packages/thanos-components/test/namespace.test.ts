/** The namespace (Pod Security "restricted", the NLB readiness gate) and the object-storage Secret. */
import { describe, expect, it } from 'vitest';
import { find, render } from './support/render.js';

describe('namespace', () => {
  it('enforces, audits and warns on the restricted Pod Security profile, labelled as the namespace', () => {
    const ns = find(render(), 'Namespace', 'thanos');
    expect(ns.metadata.labels).toMatchObject({
      'pod-security.kubernetes.io/enforce': 'restricted',
      'pod-security.kubernetes.io/enforce-version': 'latest',
      'pod-security.kubernetes.io/audit': 'restricted',
      'pod-security.kubernetes.io/warn': 'restricted',
      'app.kubernetes.io/name': 'thanos',
      'app.kubernetes.io/instance': 'thanos-test',
      'app.kubernetes.io/component': 'namespace',
    });
    expect(ns.metadata.labels['app.kubernetes.io/version']).toBe(render().env.thanos.version);
    expect(ns.metadata.labels['elbv2.k8s.aws/pod-readiness-gate-inject']).toBeUndefined();
  });

  it('turns on the NLB readiness gate when remote-write is exposed through the NLB', () => {
    const r = render(`networkPolicies: { remoteWriteCIDRs: [203.0.113.0/24] }
remoteWrite:
  hostname: rw.example.com
  exposure: { type: loadBalancer, loadBalancer: { healthCheckCIDRs: [10.0.0.0/16] } }
  mtls: { enabled: true, issuer: { kind: bootstrap } }
  writers: [{ name: alpha, tenant: default-tenant, cluster: alpha-eu }]
`);
    expect(find(r, 'Namespace', 'thanos').metadata.labels['elbv2.k8s.aws/pod-readiness-gate-inject']).toBe('enabled');
  });

  it('writes the object-storage configuration of the identity into the thanos-objstore Secret, no credentials', () => {
    const r = render();
    const secret = find(r, 'Secret', 'thanos-objstore');
    expect(secret.type).toBe('Opaque');
    expect(secret.metadata.namespace).toBe('thanos');
    expect(secret.metadata.labels['app.kubernetes.io/component']).toBe('object-storage');
    expect(secret.stringData).toEqual({ 'objstore.yml': 'type: S3\nconfig: {bucket: test-bucket}\n' });
    const manifests = r.manifests.filter((m) => m.component === 'namespace');
    expect(manifests.map((m) => m.object.kind)).toEqual(['Namespace', 'Secret']);
  });
});
