/**
 * `diff --base <ref>`: the base revision's clusters/, read from git's objects (no worktree, nothing checked out),
 * and which folders a change can touch. Only the folders of changed environments are read, one at a time, so
 * memory does not grow with the number of environments.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, realpathSync, rmSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
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
  /**
   * Reads at once, in two git calls, what `files` of these folders, `text` of these paths and `folders` will be
   * asked for (each would be two calls, one or one): each is then answered once from what was read.
   */
  prefetch(folders: readonly string[], paths: readonly string[]): void;
}

/**
 * The top of the repository holding `probe`, its common git folder (where linked worktrees are recorded) and the
 * commit `ref` names: one git call, two to say what is wrong.
 */
function resolveRef(probe: string, ref: string): { top: string; gitDir: string; commit: string } {
  try {
    const [top = '', gitDir = '', commit = ''] = text(probe, [
      'rev-parse',
      '--show-toplevel',
      '--git-common-dir',
      '--verify',
      '--quiet',
      `${ref}^{commit}`,
    ])
      .split('\n')
      .map((l) => l.trim());
    if (top !== '' && gitDir !== '' && commit !== '') {
      return { top: realpathSync(top), gitDir: resolve(probe, gitDir), commit };
    }
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
  const { top, gitDir, commit } = resolveRef(probe, ref);
  // Linked worktrees are recorded under <git dir>/worktrees: without it there is none to remove or prune.
  if (existsSync(join(gitDir, 'worktrees'))) removeStaleWorktrees(top);
  const clusters = inRepo(top, clustersDir);
  const prefix = clusters === '' ? '' : `${clusters}/`;
  const read: Prefetched = { files: new Map(), texts: new Map() };
  return {
    folders: () => {
      read.folders ??= splitZ(git(top, ['ls-tree', '-z', '--full-tree', `${commit}:${clusters}`]).toString('utf8'))
        .map((line) => /^\d+ tree [0-9a-f]+\t(.*)$/s.exec(line)?.[1])
        .filter((name): name is string => name !== undefined && !name.startsWith('.'))
        .sort();
      return [...read.folders];
    },
    files: (folder) => {
      const files = read.files.get(folder);
      read.files.delete(folder);
      return files ?? readFolder(top, commit, `${prefix}${folder}/`);
    },
    changed: (environmentsDir) => changedFolders(top, commit, inRepo(top, environmentsDir), clusters),
    text: (path) => {
      const at = inRepo(top, path);
      if (read.texts.has(at)) return read.texts.get(at);
      try {
        return git(top, ['cat-file', 'blob', `${commit}:${at}`]).toString('utf8');
      } catch {
        return undefined;
      }
    },
    prefetch: (folders, paths) => {
      const wanted = paths.map((p) => inRepo(top, p));
      Object.assign(read, prefetched(top, commit, clusters, folders, wanted));
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

/** A blob of an `ls-tree -r -z` line that the generator could have written: a file, not a symlink or submodule. */
function fileEntry(line: string): { path: string; sha: string } | undefined {
  const [, mode, sha = '', path = ''] = /^(\d+) blob ([0-9a-f]+)\t(.*)$/s.exec(line) ?? [];
  return mode !== undefined && mode !== '120000' ? { path, sha } : undefined;
}

/** What `git cat-file --batch` prints for each of `names` (an object name a line): its content, or undefined. */
function batch(top: string, names: readonly string[]): (Buffer | undefined)[] {
  if (names.length === 0) return [];
  const out = git(top, ['cat-file', '--batch'], `${names.join('\n')}\n`);
  let at = 0;
  return names.map(() => {
    const eol = out.indexOf(10, at);
    const [, type, size] = out.subarray(at, eol).toString('latin1').split(' ');
    if (type === undefined || size === undefined) {
      at = eol + 1; // `<name> missing` (or ambiguous)
      return undefined;
    }
    const content = out.subarray(eol + 1, eol + 1 + Number(size));
    at = eol + 1 + Number(size) + 1;
    return content;
  });
}

const byPath = (files: Map<string, string>) => new Map([...files].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));

/** The files under `dir` (ending in '/') in `commit`: one ls-tree, one cat-file for all their blobs. */
function readFolder(top: string, commit: string, dir: string): Map<string, string> {
  const blobs: { path: string; sha: string }[] = [];
  for (const line of splitZ(git(top, ['ls-tree', '-r', '-z', '--full-tree', commit, '--', dir]).toString('utf8'))) {
    const e = fileEntry(line);
    if (e?.path.startsWith(dir)) blobs.push({ path: e.path.slice(dir.length), sha: e.sha });
  }
  const texts = batch(
    top,
    blobs.map((b) => b.sha),
  );
  return byPath(new Map(blobs.map((b, i) => [b.path, texts[i]?.toString('utf8') ?? ''])));
}

/** What `prefetch` read: the base's folders of clusters/, the files of some, the text of some paths. */
interface Prefetched {
  folders?: string[];
  files: Map<string, Map<string, string>>;
  texts: Map<string, string | undefined>;
}

/** The names of the folders in a raw tree object (`<mode> <name>\0<hash>` entries), hidden ones left out. */
function treeFolders(tree: Buffer, hashBytes: number): string[] {
  const names: string[] = [];
  for (let at = 0; at < tree.length; ) {
    const space = tree.indexOf(32, at);
    const nul = tree.indexOf(0, space);
    const name = tree.subarray(space + 1, nul).toString('utf8');
    if (tree.subarray(at, space).toString('latin1') === '40000' && !name.startsWith('.')) names.push(name);
    at = nul + 1 + hashBytes;
  }
  return names.sort();
}

/**
 * `folders` of clusters/ (`clusters`, '' for the top), every file of `folders` and the text of `paths` (relative
 * to the top) in `commit`: one `ls-tree -r` for the files' blobs, one `cat-file --batch` for them and the tree of
 * clusters/. A path the base does not have as a file has no text, as `text` says.
 */
function prefetched(
  top: string,
  commit: string,
  clusters: string,
  folders: readonly string[],
  paths: readonly string[],
): Prefetched {
  const dirs = folders.map((f) => `${clusters === '' ? '' : `${clusters}/`}${f}/`);
  const listed = git(top, ['ls-tree', '-r', '-z', '--full-tree', commit, '--', ...dirs, ...paths]).toString('utf8');
  const texts: { path: string; sha: string }[] = [];
  const files: { folder: string; path: string; sha: string }[] = [];
  for (const line of splitZ(listed)) {
    const [, mode, sha = '', path = ''] = /^(\d+) blob ([0-9a-f]+)\t(.*)$/s.exec(line) ?? [];
    if (mode === undefined) continue;
    // A wanted path is read as `cat-file blob <commit>:<path>` reads it (a symlink's target included).
    if (paths.includes(path)) texts.push({ path, sha });
    const j = dirs.findIndex((d) => path.startsWith(d));
    const folder = folders[j];
    if (folder !== undefined && mode !== '120000') files.push({ folder, path: path.slice(dirs[j]?.length), sha });
  }
  const read = batch(top, [...texts.map((e) => e.sha), ...files.map((e) => e.sha), `${commit}:${clusters}`]);
  const out: Prefetched = { files: new Map(folders.map((f) => [f, new Map()])), texts: new Map() };
  for (const p of paths) out.texts.set(p, undefined);
  for (const [i, e] of texts.entries()) out.texts.set(e.path, read[i]?.toString('utf8'));
  for (const [i, e] of files.entries()) {
    out.files.get(e.folder)?.set(e.path, read[texts.length + i]?.toString('utf8') ?? '');
  }
  for (const [f, m] of out.files) out.files.set(f, byPath(m));
  const tree = read.at(-1);
  if (tree !== undefined) out.folders = treeFolders(tree, commit.length / 2);
  return out;
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
