import { describe, expect, it } from 'vitest';
import { adoption, claimNames, formatAdoption } from '../src/adoption.js';
import type { K8sObject } from '../src/manifests/objects.js';
import { migrationRunbook, type RunbookFacts } from '../src/runbook.js';

describe('adoption of objects known by name (the Bitnami chart)', () => {
  const old = [
    { kind: 'StatefulSet', name: 'thanos-receive' },
    { kind: 'PersistentVolumeClaim', name: 'data-thanos-receive-0', data: true },
    { kind: 'PersistentVolumeClaim', name: 'data-thanos-receive-1', data: true },
    { kind: 'PersistentVolumeClaim', name: 'data-thanos-storegateway-0', data: true },
    { kind: 'PersistentVolumeClaim', name: 'thanos-compactor' },
    { kind: 'ConfigMap', name: 'thanos-ruler', data: true },
    { kind: 'Deployment', name: 'thanos-query' },
    { kind: 'Service', name: 'thanos-query-grpc' },
  ];
  const rendered: K8sObject[] = [
    {
      kind: 'StatefulSet',
      metadata: { name: 'thanos-receive' },
      spec: { replicas: 2, volumeClaimTemplates: [{ metadata: { name: 'data' } }] },
    },
    { kind: 'Deployment', metadata: { name: 'thanos-query' } },
    { kind: 'Deployment', metadata: { name: 'thanos-receive-router' } },
  ];

  it('keeps the claims a new StatefulSet binds, recreates same-named objects, orphans unbound claims, removes the rest', () => {
    expect(claimNames(rendered[0] as K8sObject)).toEqual(['data-thanos-receive-0', 'data-thanos-receive-1']);
    const a = adoption(old, rendered, 'helm');
    const names = (status: string) => a.entries.filter((e) => e.status === status).map((e) => e.name);
    expect(names('kept')).toEqual(['data-thanos-receive-0', 'data-thanos-receive-1', 'thanos-ruler']);
    expect(names('recreated')).toEqual(['thanos-receive', 'thanos-query']);
    expect(names('orphaned')).toEqual(['data-thanos-storegateway-0']);
    expect(names('removed')).toEqual(['thanos-compactor', 'thanos-query-grpc']);
    expect(names('added')).toEqual(['thanos-receive-router']);
    expect(formatAdoption(a)).toContain('3 kept, 0 changed, 2 recreated, 1 orphaned, 2 removed, 1 added.');
    // Under manifests nothing deletes the old objects: what is not rendered is orphaned, not removed.
    expect(adoption(old, rendered, 'manifests').counts).toMatchObject({ orphaned: 3, removed: 0 });
  });
});

describe('migrationRunbook', () => {
  const facts: RunbookFacts = {
    environment: 'prod',
    namespace: 'metrics',
    old: { kind: 'manifests', how: 'an Argo CD Application' },
    delivery: 'flux',
    ingestors: [{ statefulSet: 'thanos-receive-default', replicas: 3 }],
    keptClaims: ['data-thanos-receive-default-0'],
    newRemoteWriteUrl: 'https://metrics.example.com/api/v1/receive',
    bridge: { service: 'thanos-receive', selector: { app: 'router' }, port: 19291 },
    mtls: true,
    writers: ['eu-1', 'us-1'],
  };

  it('takes plain facts: manifests, Flux, mTLS writers one by one, no bridge with mTLS, no compactor step', () => {
    const text = migrationRunbook(facts);
    expect(text).toContain('flux reconcile kustomization thanos-prod --with-source');
    expect(text).not.toContain('argocd app sync');
    expect(text).toContain('kubectl -n metrics delete statefulset thanos-receive-default');
    expect(text).toContain('- [ ] `eu-1`\n- [ ] `us-1`');
    expect(text).toContain('with its client certificate (`clusters/prod/writers/<name>/`');
    expect(text).not.toContain('kind: Service');
    expect(text).not.toContain('Stop the old compactor');
    const plain = migrationRunbook({ ...facts, mtls: false, compactor: 'Deployment/thanos-compact' });
    expect(plain).toContain('kind: Service');
    expect(plain.indexOf('Stop the old compactor')).toBeLessThan(plain.indexOf('Remove the old objects'));
  });
});
