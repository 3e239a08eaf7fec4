import { describe, expect, it } from 'vitest';
import { adoption, formatAdoption, oldObjectsOf } from '../src/adoption.js';
import type { K8sObject } from '../src/manifests/objects.js';

const sts = (name: string, selector: Record<string, string>, claim = 'data', replicas = 1): K8sObject => ({
  apiVersion: 'apps/v1',
  kind: 'StatefulSet',
  metadata: { name, namespace: 'thanos' },
  spec: {
    replicas,
    serviceName: name,
    selector: { matchLabels: selector },
    volumeClaimTemplates: [{ metadata: { name: claim }, spec: { resources: { requests: { storage: '10Gi' } } } }],
  },
});
const service = (name: string, spec: Record<string, unknown>, namespace: string | null = 'thanos'): K8sObject => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name, ...(namespace ? { namespace } : {}) },
  spec,
});

describe('adoption of objects with their bodies', () => {
  it('sorts old objects into kept, changed, recreated and orphaned, and counts the new ones', () => {
    const before = [
      sts('kept', { app: 'a' }),
      sts('scaled', { app: 'b' }),
      sts('reselected', { app: 'c' }),
      sts('reclaimed', { app: 'd' }, 'storage'),
      service('headless-now', { ports: [{ port: 80 }] }),
      service('gone', { ports: [{ port: 80 }] }),
      service('helm-template', { ports: [{ port: 80 }] }, null),
    ];
    const after = [
      sts('kept', { app: 'a' }),
      sts('scaled', { app: 'b' }, 'data', 3),
      sts('reselected', { app: 'c', tier: 'x' }),
      sts('reclaimed', { app: 'd' }),
      service('headless-now', { clusterIP: 'None', ports: [{ port: 80 }] }),
      service('helm-template', { ports: [{ port: 80 }] }),
      service('new', { ports: [{ port: 80 }] }),
    ];
    const diff = adoption(oldObjectsOf(before), after, 'manifests');
    const status = Object.fromEntries(diff.entries.map((e) => [e.id, [e.status, ...e.fields]]));
    expect(status).toEqual({
      'StatefulSet/thanos/kept': ['kept'],
      'StatefulSet/thanos/scaled': ['changed', 'spec'],
      'StatefulSet/thanos/reselected': ['recreated', 'spec.selector'],
      'StatefulSet/thanos/reclaimed': ['recreated', 'spec.volumeClaimTemplates'],
      'Service/thanos/headless-now': ['recreated', 'spec.clusterIP'],
      'Service/thanos/gone': ['orphaned'],
      'Service/helm-template': ['kept'],
      'Service/thanos/new': ['added'],
    });
    expect(diff.counts).toEqual({ kept: 2, changed: 1, recreated: 3, orphaned: 1, removed: 0, added: 1 });
    expect(formatAdoption(diff)).toMatch(/Adoption: 2 kept, 1 changed, 3 recreated, 1 orphaned, 0 removed, 1 added\./);
  });

  it('keeps a Service whose allocated clusterIP the new object leaves to the server', () => {
    const diff = adoption(
      oldObjectsOf([service('s', { clusterIP: '10.0.0.7', ports: [] })]),
      [service('s', { ports: [] })],
      'manifests',
    );
    expect(diff.entries[0]?.status).toBe('kept');
  });
});
