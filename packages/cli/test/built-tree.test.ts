/**
 * `diff` builds the generated folders in memory (built-tree.ts) instead of running kustomize, and only what can
 * differ: the in-memory build must give exactly what the real `kustomize build` prints (the same objects, keys in
 * its order, so the diffs read the same), for every fixture environment and variant (patches included), and a
 * review of the changed objects with their rollout context must say what a review of every built object says,
 * for changed, added and removed environments alike.
 */
import type { SourceFile } from '@thanos-gitops/input';
import { describe, expect, it } from 'vitest';
import { buildInMemory, changedBuilds, plainKustomization } from '../src/built-tree.js';
import { type RenderedEnvironment, type RenderedTree, renderEnvironments, renderSelected } from '../src/render.js';
import { type EnvironmentReview, markdownReport, objectKey, reviewEnvironment } from '../src/review.js';
import {
  builtEnvironment,
  derivedSource,
  findKustomize,
  KUSTOMIZE_REQUIRED,
  kustomizeBuild,
  type Plain,
  shippedSources,
  tempDir,
  variantSources,
  writeTree,
} from './helpers.js';

const kustomize = findKustomize();
const envs = [...shippedSources(), ...variantSources()].map((s) => s.path.replace(/^environments\/|\.ya?ml$/g, ''));
const sources = [...shippedSources(), ...variantSources()];
const byKey = (list: readonly Plain[]) => [...list].sort((a, b) => (objectKey(a) < objectKey(b) ? -1 : 1));

describe.skipIf(!kustomize && !KUSTOMIZE_REQUIRED)('the in-memory build equals `kustomize build`', () => {
  it.each(envs)('%s: the same objects, each with its keys in the same order', (env) => {
    if (!kustomize) throw new Error('kustomize not found');
    const { r, objects } = builtEnvironment(kustomize, env);
    const k = plainKustomization(r.tree.files);
    expect(k, 'a generated kustomization is one the in-memory build handles').toBeDefined();
    const mine = buildInMemory(r.tree.files, k as NonNullable<typeof k>);
    expect(mine.length).toBe(objects.length);
    // JSON text, not toEqual: key order matters, it is the order of the diff's lines.
    expect(JSON.stringify(byKey(mine))).toBe(JSON.stringify(byKey(objects)));
  });
});

describe('kustomizations the in-memory build leaves to kustomize', () => {
  const files = (k: string) =>
    new Map([
      ['kustomization.yaml', `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n${k}`],
      ['a.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n'],
    ]);
  it('takes the generator’s shape: resources that are files of the folder, inline patches', () => {
    const patch =
      'patches:\n  - target: {kind: ConfigMap, name: a}\n    patch: "[{op: add, path: /data, value: {}}]"\n';
    expect(plainKustomization(files(`resources: [a.yaml]\n${patch}`))).toEqual({
      resources: ['a.yaml'],
      patches: [{ target: { kind: 'ConfigMap', name: 'a' }, patch: '[{op: add, path: /data, value: {}}]' }],
    });
  });
  it.each([
    ['a folder or a missing file', 'resources: [a.yaml, base]\n'],
    ['a path outside the folder', 'resources: [../a.yaml]\n'],
    ['a transformer', 'resources: [a.yaml]\nnamePrefix: x-\n'],
    ['a patch from a file', 'resources: [a.yaml]\npatches:\n  - path: p.yaml\n'],
    ['a patch target by label', 'resources: [a.yaml]\npatches:\n  - target: {labelSelector: a=b}\n    patch: "[]"\n'],
  ])('refuses %s', (_, k) => {
    expect(plainKustomization(files(k))).toBeUndefined();
  });
});

/** Every object of both sides, built by the real kustomize (an empty side has none). */
function fullReview(env: string, before: Map<string, string>, after: Map<string, string>): EnvironmentReview {
  if (!kustomize) throw new Error('kustomize not found');
  const build = (files: Map<string, string>) =>
    files.size === 0 ? [] : kustomizeBuild(kustomize, writeTree(tempDir(), { env, files }));
  return reviewEnvironment(env, build(before), build(after));
}

function prunedReview(env: string, before: Map<string, string>, after: Map<string, string>): EnvironmentReview {
  const built = changedBuilds(before, after);
  if (!built) throw new Error('not built in memory');
  return reviewEnvironment(env, built.before, built.after, built.context);
}

describe.skipIf(!kustomize && !KUSTOMIZE_REQUIRED)('a review of the changed objects only', () => {
  it('says what a review of every built object says: changed, added and removed environments', () => {
    const [base, changed, added] = [
      derivedSource('prod', 'prod', []),
      // A retention, a hashring's size, store shards: restarts and a hashring plan,
      // objects added and changed.
      derivedSource('prod', 'prod', [
        [['receive', 'retention'], '16d'],
        [['receive', 'hashrings', 0, 'replicas'], 6],
        [['storeGateway', 'shards'], 3],
      ]),
      derivedSource('staging', 'added', []),
    ].map((source) => (renderEnvironments([source])[0] as RenderedEnvironment).tree.files);
    const none = new Map<string, string>();
    const cases: [string, Map<string, string>, Map<string, string>][] = [
      ['prod', base as Map<string, string>, changed as Map<string, string>],
      ['added', none, added as Map<string, string>],
      ['removed', added as Map<string, string>, none],
    ];
    const full = cases.map(([env, b, a]) => fullReview(env, b, a));
    const pruned = cases.map(([env, b, a]) => prunedReview(env, b, a));
    expect(full[0]?.changed.length).toBeGreaterThan(0);
    expect(full[0]?.added.length).toBeGreaterThan(0);
    expect(full[0]?.rollouts.length).toBeGreaterThan(0);
    expect(full[1]?.added.length).toBeGreaterThan(0);
    expect(full[2]?.removed.length).toBeGreaterThan(0);
    expect(pruned).toEqual(full);
    expect(markdownReport(pruned, { base: 'main' })).toBe(markdownReport(full, { base: 'main' }));
    // Most of the folder is the same on both sides and was not built at all.
    const built = changedBuilds(base as Map<string, string>, changed as Map<string, string>);
    expect(built?.before.length).toBeLessThan(
      kustomizeBuild(kustomize!, writeTree(tempDir(), { env: 'prod', files: base as Map<string, string> })).length / 2,
    );
  });
});

/** The one environment of `source`, rendered alone by the streaming pipeline `diff` uses. */
function renderedAlone(source: SourceFile): RenderedTree {
  const r = renderSelected([source], () => true, false).next();
  if (r.done) throw new Error(`${source.path} was not rendered`);
  return r.value;
}

describe("the render's own objects, which diff reads instead of parsing the files it just wrote", () => {
  it.each(sources.map((s) => [s.path, s] as const))('%s: the same as parsing each resource file', (_, source) => {
    const { tree, resources } = renderedAlone(source);
    const k = plainKustomization(tree.files);
    expect(k, 'a generated kustomization').toBeDefined();
    // Every resource file of the folder has its object, and only those.
    expect([...resources.keys()].sort()).toEqual([...(k?.resources ?? [])].sort());
    const none = new Map<string, string>();
    const parsed = changedBuilds(none, tree.files);
    const read = changedBuilds(none, tree.files, resources);
    // JSON text (key order) and strict equality (no undefined, plain objects): what the review compares.
    expect(JSON.stringify(read)).toBe(JSON.stringify(parsed));
    expect(read).toStrictEqual(parsed);
  });

  it('a file of the base with the same text as a rendered one gives the same objects, parsed or read', () => {
    const base = renderedAlone(derivedSource('prod', 'prod', []));
    const changed = renderedAlone(derivedSource('prod', 'prod', [[['receive', 'retention'], '16d']]));
    const parsed = changedBuilds(base.tree.files, changed.tree.files);
    const read = changedBuilds(base.tree.files, changed.tree.files, changed.resources);
    expect(parsed?.after.length).toBeGreaterThan(0);
    expect(parsed?.context?.before.length).toBeGreaterThan(1);
    expect(read).toStrictEqual(parsed);
    expect(
      markdownReport([reviewEnvironment('prod', read?.before ?? [], read?.after ?? [], read?.context)], {
        base: 'main',
      }),
    ).toBe(
      markdownReport([reviewEnvironment('prod', parsed?.before ?? [], parsed?.after ?? [], parsed?.context)], {
        base: 'main',
      }),
    );
  });

  it('reads the given object, not the file, for a resource file whose object it is given', () => {
    const files = new Map([
      ['kustomization.yaml', 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [a.yaml]\n'],
      ['a.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n'],
    ]);
    const given = { metadata: { name: 'a' }, kind: 'ConfigMap', apiVersion: 'v1', data: { x: 'y' }, gone: undefined };
    expect(changedBuilds(new Map(), files, new Map([['a.yaml', given]]))?.after).toStrictEqual([
      { apiVersion: 'v1', data: { x: 'y' }, kind: 'ConfigMap', metadata: { name: 'a' } },
    ]);
    // Given for a file that is not a resource of the folder: the files are what count.
    expect(changedBuilds(new Map(), files, new Map([['b.yaml', given]]))?.after).toStrictEqual([
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a' } },
    ]);
  });
});
