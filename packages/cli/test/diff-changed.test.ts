/**
 * `diff --base` loads and renders only the environment files that changed (diff-changed.ts) when the Argo CD and
 * Flux folders stay as the base has them: what it compares must be what the whole path (every file loaded, the
 * Argo CD and Flux folders rendered) compares, for a change to several environments; an added or removed
 * environment, or a change to what the Argo CD objects say, takes the whole path.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import type { CommandOptions } from '../src/args.js';
import { openBase } from '../src/base.js';
import { changedOnly } from '../src/diff-changed.js';
import { changedTrees } from '../src/targets.js';
import { cliIn, validNamed, type Workspace, workspace } from './helpers.js';

const git = (ws: Workspace, ...args: string[]) =>
  execFileSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', ...args], {
    cwd: ws.root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });

const REPO = 'https://github.com/acme/observability-gitops';

/** The fixture environments, delivered by Argo CD (prod, staging) and Flux (dev), rendered and committed. */
async function repository(): Promise<Workspace> {
  const ws = workspace();
  edit(ws, 'dev', [[['delivery'], { tool: 'flux', repoURL: REPO }]]);
  for (const env of ['prod', 'staging']) edit(ws, env, [[['delivery'], { tool: 'argocd', repoURL: REPO }]]);
  const generated = await cliIn(ws, 'generate');
  expect(generated.code, generated.err).toBe(0);
  git(ws, 'init', '--quiet', '--initial-branch=main');
  git(ws, 'add', '-A');
  git(ws, 'commit', '--quiet', '-m', 'base');
  return ws;
}

function edit(ws: Workspace, env: string, set: [path: (string | number)[], value: unknown][]): void {
  const file = join(ws.environments, `${env}.yaml`);
  const doc = parseDocument(readFileSync(file, 'utf8'));
  for (const [path, value] of set) doc.setIn(path, value);
  writeFileSync(file, doc.toString());
}

const optionsOf = (ws: Workspace): CommandOptions => ({
  environmentsDir: ws.environments,
  clustersDir: ws.clusters,
  only: [],
  cache: false,
});

/** Both paths of `diff --base main` on the workspace as it is. */
function bothPaths(ws: Workspace) {
  const base = openBase('main', ws.clusters);
  const changed = base.changed(ws.environments);
  const fast = changedOnly(optionsOf(ws), base, changed);
  const whole = changedTrees(optionsOf(ws), (env) => changed.has(env), base.folders());
  return { base, changed, fast, whole };
}

describe('diff --base with some environment files changed', { timeout: 180_000 }, () => {
  it('renders only those, and compares what the whole path compares', async () => {
    const ws = await repository();
    edit(ws, 'dev', [[['receive', 'retention'], '3d']]);
    edit(ws, 'prod', [[['storeGateway', 'shards'], 3]]);
    const { base, changed, fast, whole } = bothPaths(ws);
    expect([...changed].sort()).toEqual(['dev', 'prod']);
    if (fast === undefined) throw new Error('the whole path was taken');
    const byEnv = (trees: typeof whole.trees) => new Map(trees.map((t) => [t.env, t.files]));
    const [mine, all] = [byEnv(fast.trees), byEnv(whole.trees)];
    expect([...mine.keys()].sort()).toEqual(['dev', 'prod']);
    for (const env of ['dev', 'prod']) expect(mine.get(env)).toEqual(all.get(env));
    // The Argo CD and Flux folders, left as the base has them, are what the whole path renders.
    const kept = base.folders().filter((f) => f === 'argocd' || f === 'flux');
    expect(kept.sort()).toEqual(['argocd', 'flux']);
    for (const folder of kept) expect(all.get(folder) ?? new Map()).toEqual(base.files(folder));
    expect(new Set(fast.names)).toEqual(new Set([...whole.names, ...kept]));

    const r = await cliIn(ws, 'diff', '--base', 'main');
    expect(r.code, r.err).toBe(1);
    expect(r.out).toMatch(/^dev: 0 added, [1-9]\d* changed, 0 removed$/m);
    expect(r.out).toMatch(/^prod: [1-9]\d* added, [1-9]\d* changed, 0 removed$/m);
    for (const folder of ['argocd', 'flux', 'staging']) expect(r.out).toContain(`\n${folder}: no changes\n`);
  });

  it('takes the whole path for an added or removed environment, or a change to the Argo CD objects', async () => {
    const ws = await repository();
    edit(ws, 'staging', [[['cluster', 'name'], 'staging-eu-west-2']]);
    expect(bothPaths(ws).fast).toBeUndefined();
    const r = await cliIn(ws, 'diff', '--base', 'main');
    expect(r.code, r.err).toBe(1);
    expect(r.out).toMatch(/^argocd: 0 added, 1 changed, 0 removed$/m);
    git(ws, 'checkout', '--quiet', '--', '.');
    expect(bothPaths(ws).fast).toBeDefined();

    writeFileSync(join(ws.environments, 'extra.yaml'), validNamed('extra'));
    expect(bothPaths(ws).fast).toBeUndefined();
    rmSync(join(ws.environments, 'extra.yaml'));
    rmSync(join(ws.environments, 'dev.yaml'));
    expect(bothPaths(ws).fast).toBeUndefined();
  });
});
