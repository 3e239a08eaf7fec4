/**
 * `diff --base <ref>`: the base revision's clusters/, read from git's objects (no worktree, nothing checked out),
 * and which folders a change can touch. Only the folders of changed environments are read, one at a time, so
 * memory does not grow with the number of environments.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, realpathSync, rmSync } from 'node:fs';
import { dirname, relative, sep } from 'node:path';
import { environmentName } from '@thanos-gitops/output';
import { UsageError } from './files.js';

function git(cwd: string, args: string[], input?: string): Buffer {
  return execFileSync('git', args, {
    cwd,
    input,
    maxBuffer: 1 << 30,
    stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
  });
}

const text = (cwd: string, args: string[]) => git(cwd, args).toString('utf8').trim();

/** A path relative to the top of the repository, with '/' separators ('' for the top itself). */
function inRepo(top: string, path: string): string {
  const real = existsSync(path) ? realpathSync(path) : path;
  return relative(top, real).split(sep).join('/');
}

/** The base revision of a `diff --base`: its clusters/ folders, read from git's objects. */
export interface BaseTree {
  /** The folders of the base's clusters/ (environments, argocd, flux). */
  folders(): string[];
  /** Every file of `clusters/<folder>/` in the base, by relative path. */
  files(folder: string): Map<string, string>;
  /**
   * The environments and folders whose environment file or clusters/ folder differs between the base and the
   * working tree (untracked files included): the only ones whose render can differ from the base's clusters/.
   */
  changed(environmentsDir: string): Set<string>;
  /** The text of a file (a path on disk, in the working tree) in the base, or undefined when it has none. */
  text(path: string): string | undefined;
}

/** The top of the repository holding `probe` and the commit `ref` names: one git call, two to say what is wrong. */
function resolveRef(probe: string, ref: string): { top: string; commit: string } {
  try {
    const [top = '', commit = ''] = text(probe, [
      'rev-parse',
      '--show-toplevel',
      '--verify',
      '--quiet',
      `${ref}^{commit}`,
    ])
      .split('\n')
      .map((l) => l.trim());
    if (top !== '' && commit !== '') return { top: realpathSync(top), commit };
  } catch {
    // Told apart below.
  }
  try {
    text(probe, ['rev-parse', '--show-toplevel']);
  } catch {
    throw new UsageError(`--base needs a git repository, and ${probe} is not in one`);
  }
  throw new UsageError(`--base: unknown git revision "${ref}"`);
}

/** Opens `ref` of the repository holding `clustersDir`; a wrong ref or no repository is a usage error. */
export function openBase(ref: string, clustersDir: string): BaseTree {
  const probe = existsSync(clustersDir) ? clustersDir : dirname(clustersDir);
  const { top, commit } = resolveRef(probe, ref);
  removeStaleWorktrees(top);
  const clusters = inRepo(top, clustersDir);
  const prefix = clusters === '' ? '' : `${clusters}/`;
  return {
    folders: () =>
      splitZ(git(top, ['ls-tree', '-z', '--full-tree', `${commit}:${clusters}`]).toString('utf8'))
        .map((line) => /^\d+ tree [0-9a-f]+\t(.*)$/s.exec(line)?.[1])
        .filter((name): name is string => name !== undefined && !name.startsWith('.'))
        .sort(),
    files: (folder) => readFolder(top, commit, `${prefix}${folder}/`),
    changed: (environmentsDir) => changedFolders(top, commit, inRepo(top, environmentsDir), clusters),
    text: (path) => {
      try {
        return git(top, ['cat-file', 'blob', `${commit}:${inRepo(top, path)}`]).toString('utf8');
      } catch {
        return undefined;
      }
    },
  };
}

/** The folders of the `--base` worktrees older versions checked out: `<tmp>/thanos-gitops-base-<pid>-<random>/base`. */
const BASE_WORKTREE = /[/\\]thanos-gitops-base-([0-9]+)-[^/\\]+[/\\]base$/;

function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes the worktrees that `diff --base` of earlier versions checked out and could not clean up (killed
 * outright), never one of a run still going, then lets git forget worktrees whose folder is gone (when there is one).
 */
function removeStaleWorktrees(top: string): void {
  let prune = false;
  for (const line of text(top, ['worktree', 'list', '--porcelain']).split('\n')) {
    if (line.startsWith('prunable')) prune = true;
    if (!line.startsWith('worktree ')) continue;
    const path = line.slice('worktree '.length);
    const pid = BASE_WORKTREE.exec(path)?.[1];
    if (pid === undefined || Number(pid) === process.pid || running(Number(pid))) continue;
    try {
      git(top, ['worktree', 'remove', '--force', path]);
    } catch {
      // Its folder is gone already: prune below.
    }
    rmSync(dirname(path), { recursive: true, force: true });
    prune = true;
  }
  if (prune) git(top, ['worktree', 'prune']);
}

const splitZ = (s: string) => s.split('\0').filter((l) => l !== '');

/** The files under `dir` (ending in '/') in `commit`: one ls-tree, one cat-file for all their blobs. */
function readFolder(top: string, commit: string, dir: string): Map<string, string> {
  const blobs: [path: string, sha: string][] = [];
  for (const line of splitZ(git(top, ['ls-tree', '-r', '-z', '--full-tree', commit, '--', dir]).toString('utf8'))) {
    const [, mode, sha = '', path = ''] = /^(\d+) blob ([0-9a-f]+)\t(.*)$/s.exec(line) ?? [];
    // Files only: a symlink (120000) or a submodule is nothing the generator writes.
    if (mode !== undefined && mode !== '120000' && path.startsWith(dir)) blobs.push([path.slice(dir.length), sha]);
  }
  const out = new Map<string, string>();
  if (blobs.length === 0) return out;
  const batch = git(top, ['cat-file', '--batch'], `${blobs.map(([, sha]) => sha).join('\n')}\n`);
  let at = 0;
  for (const [path] of blobs) {
    const eol = batch.indexOf(10, at);
    const size = Number(batch.subarray(at, eol).toString('latin1').split(' ')[2]);
    out.set(path, batch.subarray(eol + 1, eol + 1 + size).toString('utf8'));
    at = eol + 1 + size + 1;
  }
  return new Map([...out].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** The folder names a changed path stands for: `environments/x.yaml` → x, `clusters/x/…` → x. */
function changedFolders(top: string, commit: string, environments: string, clusters: string): Set<string> {
  const paths = [environments, clusters].map((p) => (p === '' ? '.' : p));
  const changed = [
    ...splitZ(git(top, ['diff', '--name-only', '--no-renames', '-z', commit, '--', ...paths]).toString('utf8')),
    ...splitZ(git(top, ['ls-files', '-z', '--others', '--exclude-standard', '--', ...paths]).toString('utf8')),
  ];
  const out = new Set<string>();
  const under = (p: string, dir: string) => (dir === '' ? p : p.startsWith(`${dir}/`) ? p.slice(dir.length + 1) : '');
  for (const p of changed) {
    const inClusters = under(p, clusters);
    if (inClusters.includes('/')) out.add(inClusters.slice(0, inClusters.indexOf('/')));
    const inEnvironments = under(p, environments);
    if (inEnvironments !== '' && !inEnvironments.includes('/')) out.add(environmentName(inEnvironments));
  }
  return out;
}
