/**
 * Delivery: the Argo CD and Flux objects under clusters/argocd/ and clusters/flux/<cluster>/ validate against their
 * models, point at each environment's folder and cluster, build with kustomize; the environment's objects carry
 * sync waves in the right order; bad delivery settings are errors at their field; reserved names are refused.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SYNC_WAVE } from '@thanos-gitops/delivery';
import type { SourceFile } from '@thanos-gitops/input';
import { InvalidEnvironmentError } from '@thanos-gitops/problems';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { renderDelivery, renderEnvironments } from '../src/render.js';
import {
  cliIn,
  derivedSource,
  findKustomize,
  KUSTOMIZE_REQUIRED,
  kustomizeBuild,
  type Plain,
  plainObjectProblems,
  plainObjects,
  podSpecs,
  tempDir,
  workspace,
  writeTree,
} from './helpers.js';

const REPO = 'https://github.com/acme/gitops';

function argo(from: string, name: string, extra: Record<string, unknown> = {}): SourceFile {
  return derivedSource(from, name, [[['delivery'], { tool: 'argocd', repoURL: REPO, ...extra }]]);
}
function flux(from: string, name: string, cluster: string, extra: Record<string, unknown> = {}): SourceFile {
  return derivedSource(from, name, [
    [['cluster', 'name'], cluster],
    [['delivery'], { tool: 'flux', repoURL: REPO, ...extra }],
  ]);
}

function objectsOf(tree: { files: ReadonlyMap<string, string> }): Map<string, Plain> {
  const out = new Map<string, Plain>();
  for (const [path, text] of tree.files) {
    if (path.endsWith('kustomization.yaml')) continue;
    const docs = parseAllDocuments(text).map((d) => d.toJS() as Plain);
    expect(docs).toHaveLength(1);
    out.set(path, docs[0] as Plain);
  }
  return out;
}

function problemsOf(sources: SourceFile[]): string[] {
  try {
    renderEnvironments(sources);
  } catch (err) {
    if (err instanceof InvalidEnvironmentError) return err.message.split('\n');
    throw err;
  }
  return [];
}

describe('Argo CD', () => {
  const rendered = renderEnvironments([
    argo('prod', 'prod'),
    argo('staging', 'staging'),
    argo('dev', 'qa', { argocd: { mode: 'application', project: 'observability', cluster: 'in-cluster' } }),
    derivedSource('dev', 'dev', []),
  ]);
  const [argoTree, fluxTree] = renderDelivery(rendered);
  const objects = objectsOf(argoTree ?? { files: new Map() });

  it('is an ApplicationSet for the applicationset environments and an Application for the others', () => {
    expect(argoTree?.env).toBe('argocd');
    expect([...(argoTree?.files.keys() ?? [])]).toEqual([
      'application-thanos-qa.yaml',
      'applicationset-thanos.yaml',
      'kustomization.yaml',
    ]);
    expect(fluxTree?.files.size).toBe(0);
    for (const o of objects.values()) expect(plainObjectProblems(o)).toEqual([]);
  });

  it('generates, per environment, its folder and its own cluster', () => {
    const set = objects.get('applicationset-thanos.yaml') as Plain;
    expect(set.spec.goTemplate).toBe(true);
    const generators = set.spec.generators.map((g: Plain) => g.git);
    expect(generators.map((g: Plain) => [g.directories, g.values, g.repoURL, g.revision])).toEqual([
      [[{ path: 'clusters/prod' }], { cluster: 'prod-eu-west-1', namespace: 'thanos' }, REPO, 'main'],
      [[{ path: 'clusters/staging' }], { cluster: 'staging-eu-west-1', namespace: 'thanos' }, REPO, 'main'],
    ]);
    const t = set.spec.template;
    expect(t.metadata.name).toBe('thanos-{{ .path.basename }}');
    expect(t.spec.source.path).toBe('{{ .path.path }}');
    expect(t.spec.destination).toEqual({ name: '{{ .values.cluster }}', namespace: '{{ .values.namespace }}' });
    expect(t.spec.syncPolicy.syncOptions).toContain('ServerSideApply=true');
    expect(set.spec.syncPolicy.preserveResourcesOnDeletion).toBe(true);
  });

  it('points an Application at its folder, project and Argo CD cluster', () => {
    const app = objects.get('application-thanos-qa.yaml') as Plain;
    expect(app.metadata).toMatchObject({ name: 'thanos-qa', namespace: 'argocd' });
    expect(app.spec.project).toBe('observability');
    expect(app.spec.source).toEqual({ repoURL: REPO, targetRevision: 'main', path: 'clusters/qa' });
    expect(app.spec.destination).toEqual({ name: 'in-cluster', namespace: 'thanos' });
    expect(app.spec.syncPolicy.automated).toEqual({ prune: true, selfHeal: true });
    expect(app.spec.syncPolicy.syncOptions).toContain('ServerSideApply=true');
  });

  it('orders the sync: Namespace, then the objects of other operators\u2019 CRDs, then the workloads', () => {
    const prod = rendered.find((r) => r.env === 'prod') as (typeof rendered)[number];
    const wave = (o: Plain) => Number(o.metadata?.annotations?.[SYNC_WAVE]);
    const all = plainObjects(prod);
    for (const o of all) expect(Number.isInteger(wave(o)), `${o.kind} ${o.metadata.name}`).toBe(true);
    const ns = all.filter((o) => o.kind === 'Namespace');
    const crd = all.filter((o) => /^(monitoring\.coreos\.com|cert-manager\.io)\//.test(o.apiVersion));
    const workloads = podSpecs(all).map((p) => p.owner);
    expect(ns).toHaveLength(1);
    expect(crd.length).toBeGreaterThan(3);
    expect(workloads.length).toBeGreaterThan(3);
    const maxNs = Math.max(...ns.map(wave));
    expect(Math.min(...crd.map(wave))).toBeGreaterThan(maxNs);
    expect(Math.min(...workloads.map(wave))).toBeGreaterThan(Math.max(...crd.map(wave)));
    expect(ns[0]?.metadata.annotations['argocd.argoproj.io/sync-options']).toBe('Prune=false,Delete=false');
  });

  it('adds no Argo CD annotation to an environment without delivery', () => {
    const dev = rendered.find((r) => r.env === 'dev') as (typeof rendered)[number];
    for (const o of plainObjects(dev)) expect(Object.keys(o.metadata?.annotations ?? {})).not.toContain(SYNC_WAVE);
  });
});

describe('Flux', () => {
  const rendered = renderEnvironments([
    flux('dev', 'dev', 'shared-1', { flux: { dependsOn: ['cert-manager', 'kube-prometheus-stack'] } }),
    flux('staging', 'staging', 'shared-1'),
    flux('prod', 'prod', 'prod-1', { flux: { timeout: '20m' } }),
  ]);
  const [argoTree, fluxTree] = renderDelivery(rendered);
  const objects = objectsOf(fluxTree ?? { files: new Map() });

  it('is a GitRepository and a Kustomization per environment, in a folder per cluster', () => {
    expect(argoTree?.files.size).toBe(0);
    expect([...(fluxTree?.files.keys() ?? [])]).toEqual([
      'prod-1/flux-kustomization-thanos-prod.yaml',
      'prod-1/git-repository-thanos-gitops.yaml',
      'prod-1/kustomization.yaml',
      'shared-1/flux-kustomization-thanos-dev.yaml',
      'shared-1/flux-kustomization-thanos-staging.yaml',
      'shared-1/git-repository-thanos-gitops.yaml',
      'shared-1/kustomization.yaml',
    ]);
    for (const o of objects.values()) expect(plainObjectProblems(o)).toEqual([]);
    const git = objects.get('shared-1/git-repository-thanos-gitops.yaml') as Plain;
    expect(git.spec).toMatchObject({ url: REPO, ref: { branch: 'main' } });
  });

  it('points each Kustomization at its folder, prunes, waits, and depends on the CRD providers', () => {
    const dev = objects.get('shared-1/flux-kustomization-thanos-dev.yaml') as Plain;
    expect(dev.spec).toMatchObject({
      path: './clusters/dev',
      prune: true,
      wait: true,
      timeout: '10m',
      sourceRef: { kind: 'GitRepository', name: 'thanos-gitops' },
      dependsOn: [{ name: 'cert-manager' }, { name: 'kube-prometheus-stack' }],
    });
    const prod = objects.get('prod-1/flux-kustomization-thanos-prod.yaml') as Plain;
    expect(prod.spec.timeout).toBe('20m');
    expect(prod.spec.dependsOn).toBeUndefined();
  });

  it('keeps Flux from pruning the Namespace', () => {
    const dev = rendered.find((r) => r.env === 'dev') as (typeof rendered)[number];
    const ns = plainObjects(dev).find((o) => o.kind === 'Namespace') as Plain;
    expect(ns.metadata.annotations['kustomize.toolkit.fluxcd.io/prune']).toBe('disabled');
    expect(plainObjects(dev).some((o) => o.metadata?.annotations?.[SYNC_WAVE] !== undefined)).toBe(false);
  });
});

describe('kustomize builds the delivery folders', () => {
  const k = findKustomize();
  it.skipIf(!k && !KUSTOMIZE_REQUIRED)('clusters/argocd and clusters/flux/<cluster>', () => {
    if (!k) throw new Error('kustomize is required in CI');
    const rendered = renderEnvironments([argo('prod', 'prod'), flux('dev', 'dev', 'c1')]);
    const dir = tempDir();
    for (const t of renderDelivery(rendered)) writeTree(join(dir, t.env), t);
    const argoObjects = kustomizeBuild(k, join(dir, 'argocd'));
    expect(argoObjects.map((o) => o.kind)).toEqual(['ApplicationSet']);
    const fluxObjects = kustomizeBuild(k, join(dir, 'flux', 'c1'));
    expect(fluxObjects.map((o) => o.kind).sort()).toEqual(['GitRepository', 'Kustomization']);
  });
});

describe('bad delivery settings', () => {
  it('needs a repoURL for a tool', () => {
    const src = derivedSource('dev', 'dev', [[['delivery'], { tool: 'argocd' }]]);
    expect(problemsOf([src])).toEqual([
      expect.stringMatching(/^environments\/dev\.yaml:\d+:\d+ delivery\.tool: argocd needs delivery\.repoURL/),
    ]);
  });

  it('refuses environments named like a reserved folder of clusters/', () => {
    for (const name of ['argocd', 'flux']) {
      const problems = problemsOf([derivedSource('dev', name, [])]);
      expect(problems).toEqual([
        expect.stringMatching(new RegExp(`^environments/${name}\\.yaml:3:7 name: "${name}" is reserved`)),
      ]);
    }
  });

  it('makes the environments of the one ApplicationSet agree on the repository', () => {
    const problems = problemsOf([argo('prod', 'prod'), argo('staging', 'staging', { revision: 'release' })]);
    expect(problems).toEqual([
      expect.stringMatching(
        /^environments\/staging\.yaml:\d+:\d+ delivery\.revision: must equal "main" as in environments\/prod\.yaml/,
      ),
    ]);
  });

  it('makes the Flux environments of one cluster agree on the GitRepository', () => {
    const problems = problemsOf([flux('dev', 'dev', 'c'), flux('staging', 'staging', 'c', { repoURL: `${REPO}2` })]);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/staging\.yaml:\d+:\d+ delivery\.repoURL: must equal/);
  });
});

describe('generate', () => {
  it('writes clusters/argocd/, keeps it out of the environments, and removes it when no environment uses it', async () => {
    const ws = workspace();
    const prod = join(ws.environments, 'prod.yaml');
    const original = readFileSync(prod, 'utf8');
    writeFileSync(prod, `${original}\ndelivery:\n  tool: argocd\n  repoURL: ${REPO}\n`);
    const first = await cliIn(ws, 'generate');
    expect(first.code, first.err).toBe(0);
    expect(existsSync(join(ws.clusters, 'argocd', 'applicationset-thanos.yaml'))).toBe(true);
    expect(existsSync(join(ws.clusters, 'flux'))).toBe(false);
    expect((await cliIn(ws, 'check')).code).toBe(0);
    writeFileSync(prod, original);
    const second = await cliIn(ws, 'generate');
    expect(second.code, second.err).toBe(0);
    expect(existsSync(join(ws.clusters, 'argocd', 'applicationset-thanos.yaml'))).toBe(false);
    expect(existsSync(join(ws.clusters, 'prod', 'kustomization.yaml'))).toBe(true);
  });
});

/** A copy of staging for a new environment `qa`, with what must differ changed, delivered by Argo CD. */
const qaCopy = () =>
  derivedSource('staging', 'qa', [
    [['cluster', 'name'], 'qa-eu-west-1'],
    [['remoteWrite', 'hostname'], 'remote-write.qa.example.com'],
    [['delivery'], { tool: 'argocd', repoURL: REPO }],
  ]);

describe('generate --env', () => {
  it('keeps the Argo CD and Flux folders current, so a new environment passes check at once', async () => {
    const ws = workspace();
    const prod = join(ws.environments, 'prod.yaml');
    writeFileSync(prod, `${readFileSync(prod, 'utf8')}\ndelivery:\n  tool: argocd\n  repoURL: ${REPO}\n`);
    expect((await cliIn(ws, 'generate')).code).toBe(0);
    writeFileSync(join(ws.environments, 'qa.yaml'), qaCopy().text);
    const partial = await cliIn(ws, 'generate', '--env', 'qa');
    expect(partial.code, partial.err).toBe(0);
    expect(partial.out).toMatch(/^argocd: /m);
    const set = readFileSync(join(ws.clusters, 'argocd', 'applicationset-thanos.yaml'), 'utf8');
    expect(set).toContain('clusters/qa');
    const whole = await cliIn(ws, 'check');
    expect(whole.code, whole.err).toBe(0);
  });

  it('leaves them alone when another environment file does not load', async () => {
    const ws = workspace();
    expect((await cliIn(ws, 'generate')).code).toBe(0);
    writeFileSync(join(ws.environments, 'qa.yaml'), qaCopy().text);
    writeFileSync(join(ws.environments, 'broken.yaml'), 'name: broken\nsize: [\n');
    const partial = await cliIn(ws, 'generate', '--env', 'qa');
    expect(partial.code, partial.err).toBe(0);
    expect(existsSync(join(ws.clusters, 'argocd'))).toBe(false);
  });
});
