import { loadEnvironments } from '@thanos-gitops/input';
import type { Manifest } from '@thanos-gitops/manifests';
import { isGenerated } from '@thanos-gitops/output';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { assembleTree, KUSTOMIZATION } from '../src/index.js';

const env = (extra = '') =>
  loadEnvironments([
    {
      path: 'environments/t.yaml',
      text: `name: t\ncluster: { name: c }\nobjectStorage: { provider: s3, bucket: acme-b, region: eu-west-1 }\n${extra}`,
    },
  ])[0]!.env;

const cm = (component: string, name: string): Manifest => ({
  component,
  object: new ConfigMap({ metadata: { name, namespace: 'thanos' }, data: { a: 'b' } }),
});

describe('assembleTree', () => {
  it('writes one generated file per object in its component folder, listed sorted in kustomization.yaml', () => {
    const tree = assembleTree(env(), 'environments/t.yaml', [cm('query', 'z'), cm('alpha', 'a')]);
    expect([...tree.files.keys()]).toEqual(['alpha/config-map-a.yaml', KUSTOMIZATION, 'query/config-map-z.yaml']);
    for (const text of tree.files.values()) expect(isGenerated(text)).toBe(true);
    const k = parse(tree.files.get(KUSTOMIZATION)!);
    expect(k.resources).toEqual(['alpha/config-map-a.yaml', 'query/config-map-z.yaml']);
    expect(k.patches).toBeUndefined();
    const obj = parse(tree.files.get('query/config-map-z.yaml')!);
    expect(Object.keys(obj).slice(0, 3)).toEqual(['apiVersion', 'kind', 'metadata']);
  });

  it('carries the environment patches into kustomization.yaml', () => {
    const e = env(
      'patches:\n  - target: { kind: Deployment, name: thanos-query }\n    patch: |\n      - op: add\n        path: /metadata/annotations\n        value: {a: b}\n',
    );
    const k = parse(assembleTree(e, 'environments/t.yaml', [cm('q', 'x')]).files.get(KUSTOMIZATION)!);
    expect(k.patches).toEqual([
      {
        target: { kind: 'Deployment', name: 'thanos-query' },
        patch: '- op: add\n  path: /metadata/annotations\n  value: {a: b}\n',
      },
    ]);
  });

  it('refuses two objects that would share a file', () => {
    expect(() => assembleTree(env(), 'environments/t.yaml', [cm('q', 'x'), cm('q', 'x')])).toThrow(/two objects/);
  });
});
