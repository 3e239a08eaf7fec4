import { execFileSync } from 'node:child_process';
import { mkdirSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { CommandOptions } from '../src/args.js';
import { openBase } from '../src/base.js';
import { changedOnly, v8Flags } from '../src/diff-changed.js';
import { changedTrees } from '../src/targets.js';
import {
  cliIn,
  committedRepository,
  editEnvironment,
  gitIn,
  tempDir,
  validNamed,
  type Workspace,
  workspace,
} from './helpers.js';

const REPO = 'https://github.com/acme/observability-gitops';

/** The fixture environments, delivered by Argo CD (prod, staging) and Flux (dev), rendered and committed. */
async function repository(): Promise<Workspace> {
  const ws = workspace();
  editEnvironment(ws, 'dev', [[['delivery'], { tool: 'flux', repoURL: REPO }]]);
  for (const env of ['prod', 'staging']) editEnvironment(ws, env, [[['delivery'], { tool: 'argocd', repoURL: REPO }]]);
  return committedRepository(ws);
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
  // The flags this path sets, recorded (per-file.ts keeps them from being set in tests).
  beforeEach(() => {
    vi.spyOn(v8Flags, 'setFlagsFromString');
  });
  afterEach(() => {
    vi.restoreAllMocks();
  });
  const flagsSet = () => vi.mocked(v8Flags.setFlagsFromString).mock.calls.map(([f]) => f);

  it('renders only those, and compares what the whole path compares', async () => {
    const ws = await repository();
    editEnvironment(ws, 'dev', [[['receive', 'retention'], '3d']]);
    editEnvironment(ws, 'prod', [[['storeGateway', 'shards'], 3]]);
    const { base, changed, fast, whole } = bothPaths(ws);
    // A short run: V8's optimizing compiler is turned off once the changed files' base texts are loaded.
    expect(flagsSet()).toEqual(['--no-turbofan']);
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
    editEnvironment(ws, 'staging', [[['cluster', 'name'], 'staging-eu-west-2']]);
    expect(bothPaths(ws).fast).toBeUndefined();
    const r = await cliIn(ws, 'diff', '--base', 'main');
    expect(r.code, r.err).toBe(1);
    expect(r.out).toMatch(/^argocd: 0 added, 1 changed, 0 removed$/m);
    gitIn(ws, 'checkout', '--quiet', '--', '.');
    expect(bothPaths(ws).fast).toBeDefined();

    vi.mocked(v8Flags.setFlagsFromString).mockClear();
    writeFileSync(join(ws.environments, 'extra.yaml'), validNamed('extra'));
    expect(bothPaths(ws).fast).toBeUndefined();
    // Known at once to render every environment: no short run, the optimizing compiler stays on.
    expect(flagsSet()).toEqual([]);
    rmSync(join(ws.environments, 'extra.yaml'));
    rmSync(join(ws.environments, 'dev.yaml'));
    expect(bothPaths(ws).fast).toBeUndefined();
  });
});

describe("the base's files read at once (prefetch)", () => {
  /** A repository whose main holds folders, a nested file, symlinks and a hidden folder under clusters/. */
  function repo(): string {
    const root = tempDir();
    const put = (path: string, text: string) => {
      mkdirSync(join(root, path, '..'), { recursive: true });
      writeFileSync(join(root, path), text);
    };
    put('clusters/a/kustomization.yaml', 'resources: [x.yaml]\n');
    put('clusters/a/sub/y.yaml', 'y: 1\n');
    put('clusters/ab/z.yaml', 'z: 1\n');
    put('clusters/.hidden/h.yaml', 'h: 1\n');
    put('environments/a.yaml', 'name: a\n');
    symlinkSync('kustomization.yaml', join(root, 'clusters/a/link.yaml'));
    symlinkSync('a.yaml', join(root, 'environments/l.yaml'));
    const git = (...args: string[]) =>
      execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', ...args], { cwd: root });
    git('init', '--quiet', '--initial-branch=main');
    git('add', '-A');
    git('commit', '--quiet', '-m', 'base');
    return root;
  }

  it('answers as the calls one at a time do, from what it read (git is not asked again)', () => {
    const root = repo();
    const clusters = join(root, 'clusters');
    const paths = ['a.yaml', 'l.yaml', 'gone.yaml'].map((f) => join(root, 'environments', f));
    const folders = ['a', 'ab', 'gone'];
    const one = openBase('main', clusters);
    const expected = { folders: one.folders(), files: folders.map((f) => one.files(f)), texts: paths.map(one.text) };
    expect(expected.folders).toEqual(['a', 'ab']);
    expect([...(expected.files[0] ?? [])]).toEqual([
      ['kustomization.yaml', 'resources: [x.yaml]\n'],
      ['sub/y.yaml', 'y: 1\n'],
    ]);
    // A symlink on disk stands for the file it points to.
    expect(expected.texts).toEqual(['name: a\n', 'name: a\n', undefined]);

    const base = openBase('main', clusters);
    base.prefetch(folders, paths);
    renameSync(join(root, '.git'), join(root, 'git-gone'));
    expect(base.folders()).toEqual(expected.folders);
    expect(folders.map((f) => base.files(f))).toEqual(expected.files);
    expect(paths.map(base.text)).toEqual(expected.texts);
    // A folder's files are handed out once (not held): asked again, they are read from git, gone here.
    expect(() => base.files('a')).toThrow();
  });
});
