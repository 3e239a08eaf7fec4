/**
 * `check` compares a rendered tree with `clusters/<env>/` through git's index when it can: the blob id git stores
 * for each committed file is the hash of its content (sha1 of `blob <length>\0<content>`, sha256 in a sha256
 * repository), so a rendered file whose blob id is the index's is unchanged, with no file read. A blob id says
 * what was committed or staged, not what is on disk: it stands for the file only when git shows the file unchanged
 * since (`git ls-files -m`, which compares its stat with the index's, and re-reads a file whose stat cannot tell),
 * and when nothing stands between the bytes on disk and the blob (no `text`, `eol`, `filter`, `ident` or
 * encoding attribute, no `core.autocrlf`, no file git was told to stop looking at: assume-unchanged, skip-worktree).
 *
 * An environment folder where git cannot vouch for every file (a file modified, deleted, untracked or ignored, a
 * symlink, a merge conflict, any of the above) is compared by reading it (`compareTree`), as without git; so is
 * every folder when `clusters/` is not in a git repository or git is missing. The verdict is the same either way.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  compareTree,
  type EnvironmentTree,
  isGenerated,
  OWNED_INDEX,
  ownedPaths,
  type TreeChanges,
} from '@thanos-gitops/output';

/**
 * The blob id git gives `text` (hex): sha1, or sha256 when `hexLength` is 64. The text is hashed as UTF-8 by the
 * hash itself: no Buffer copy of each file (its length in bytes is counted without one).
 */
export function blobId(text: string, hexLength = 40): string {
  return createHash(hexLength === 64 ? 'sha256' : 'sha1')
    .update(`blob ${Buffer.byteLength(text, 'utf8')}\0`)
    .update(text, 'utf8')
    .digest('hex');
}

/** git's output for `args` run in `cwd` (NUL-separated records), or undefined when git failed or is missing. */
function git(cwd: string, args: readonly string[], input?: string): string | undefined {
  const r = spawnSync('git', args, { cwd, encoding: 'utf8', input, maxBuffer: 1 << 30 });
  return r.status === 0 && typeof r.stdout === 'string' ? r.stdout : undefined;
}

const records = (out: string) => out.split('\0').filter((r) => r !== '');

/** Where the record at `at` of git's NUL-separated output ends (its NUL, or the end of the output). */
function recordEnd(text: string, at: number): number {
  const nul = text.indexOf('\0', at);
  return nul === -1 ? text.length : nul;
}

/** The environment folder a path relative to `clusters/` lies in. */
const folderOf = (path: string) => path.slice(0, path.indexOf('/'));

/**
 * What git's index says of `clusters/`: its records as git printed them (`<tag> <mode> <blob> <stage>\t<path>\0`,
 * sorted by path, so each folder's records lie together), where each folder's records are, and the folders git
 * cannot vouch for. One string, not a map of every committed file: at 1000 environments that map held 106,000
 * entries through the whole run (100 MiB more at the peak than reading the files); a folder's blob ids are read
 * out of the string when it is compared.
 */
interface GitIndex {
  records: string;
  folders: Map<string, { from: number; to: number }>;
  doubtful: Set<string>;
}

/**
 * Whether git looks at the file of the record at `at` and stores its bytes as they are: tag H (h is assume-unchanged,
 * S skip-worktree, M an unmerged path) and a regular file's mode (not a symlink, not a submodule).
 */
const vouchable = (records: string, at: number) =>
  records.startsWith('H 100644 ', at) || records.startsWith('H 100755 ', at);

/** The index's records of clusters/ and the folders git cannot vouch for (anything changed, or not vouchable). */
function indexOf(clustersDir: string): GitIndex | undefined {
  const staged = git(clustersDir, ['ls-files', '-z', '-s', '-v', '--', '.']);
  const changed = git(clustersDir, ['ls-files', '-z', '-m', '-d', '-o', '--', '.']);
  if (staged === undefined || changed === undefined) return undefined;
  const doubtful = new Set(records(changed).map(folderOf));
  const folders = new Map<string, { from: number; to: number }>();
  let folder: string | undefined;
  let prefix = '';
  let from = 0;
  for (let at = 0; at < staged.length; ) {
    const end = recordEnd(staged, at);
    const tab = staged.indexOf('\t', at);
    if (folder === undefined || !staged.startsWith(prefix, tab + 1)) {
      if (folder !== undefined) folders.set(folder, { from, to: at });
      const slash = staged.indexOf('/', tab + 1);
      folder = slash === -1 || slash > end ? '' : staged.slice(tab + 1, slash);
      prefix = `${folder}/`;
      from = at;
    }
    if (!vouchable(staged, at)) doubtful.add(folder);
    at = end + 1;
  }
  if (folder !== undefined) folders.set(folder, { from, to: staged.length });
  return { records: staged, folders, doubtful };
}

/** The blob id of each file of `folder` that the index records, by path inside the folder. */
function blobsOf(index: GitIndex, folder: string): Map<string, string> | undefined {
  const range = index.folders.get(folder);
  if (range === undefined) return undefined;
  const { records: text } = index;
  const files = new Map<string, string>();
  for (let at = range.from; at < range.to; ) {
    const end = recordEnd(text, at);
    const tab = text.indexOf('\t', at);
    // `H 100644 <blob> 0\t<folder>/<path>`: every record of a folder git vouches for is of this shape.
    files.set(text.slice(tab + 2 + folder.length, end), text.slice(at + 9, tab - 2));
    at = end + 1;
  }
  return files;
}

/** The attributes by which git may convert a file's bytes between the work tree and its blob. */
const CONVERTING = new Set(['text', 'eol', 'crlf', 'filter', 'ident', 'working-tree-encoding']);

/** Folders with a file whose bytes on disk may differ from its blob by git's own conversion: attributes. */
function convertedFolders(clustersDir: string, paths: string): Set<string> | undefined {
  const autocrlf = git(clustersDir, ['config', '--get', 'core.autocrlf']);
  if (autocrlf !== undefined && autocrlf.trim() !== 'false') return undefined; // every folder may be converted
  // `--all` lists only the attributes a path has (none, usually), where naming the six would list each for every path.
  const out = git(clustersDir, ['check-attr', '-z', '--all', '--stdin'], paths);
  if (out === undefined) return undefined;
  const r = records(out);
  const converted = new Set<string>();
  // `<path> <attribute> <value>`, each attribute listed set to a value (`--all` leaves out the unspecified).
  for (let i = 0; i + 2 < r.length; i += 3)
    if (CONVERTING.has(r[i + 1] as string)) converted.add(folderOf(r[i] as string));
  return converted;
}

/** Sorts paths as a folder walk lists them (each folder's entries by name), as `compareTree` does. */
const byWalk = (a: string, b: string) => {
  const x = a.split('/');
  const y = b.split('/');
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    if (x[i] !== y[i]) return (x[i] as string) < (y[i] as string) ? -1 : 1;
  }
  return x.length - y.length;
};

/** `compareTree`'s answer for a folder whose every file git vouches for, from their blob ids. */
function compareByBlob(dir: string, tree: EnvironmentTree, blobs: ReadonlyMap<string, string>): TreeChanges {
  const changes: TreeChanges = { env: tree.env, added: [], changed: [], unchanged: [], removed: [], foreign: [] };
  const hexLength = blobs.values().next().value?.length ?? 40;
  for (const [path, text] of tree.files) {
    const blob = blobs.get(path);
    if (blob === undefined) changes.added.push(path);
    else if (blob === blobId(text, hexLength)) changes.unchanged.push(path);
    else changes.changed.push(path);
  }
  // Files the render does not produce: read to tell generated (stale) from hand-written.
  const rest = [...blobs.keys()].filter((p) => !tree.files.has(p)).sort(byWalk);
  const owned = blobs.has(OWNED_INDEX)
    ? ownedPaths(new Map([[OWNED_INDEX, readFileSync(join(dir, OWNED_INDEX), 'utf8')]]))
    : new Set<string>();
  for (const path of rest) {
    if (owned.has(path) || isGenerated(readFileSync(join(dir, path), 'utf8'))) changes.removed.push(path);
    else changes.foreign.push(path);
  }
  return changes;
}

type Known = GitIndex | undefined;

/** Each record's path (what follows its tab), NUL-terminated: the records with their fields taken out. */
const FIELDS = /(?<=^|\0)[^\t\0]*\t/g;

/** What git vouches for in `clusters/`: `indexOf`, with the folders git's conversions may touch made doubtful. */
function vouched(clustersDir: string): Known {
  const known = indexOf(clustersDir);
  if (!known) return undefined;
  const converted = convertedFolders(clustersDir, known.records.replace(FIELDS, ''));
  if (converted === undefined) return undefined;
  for (const folder of converted) known.doubtful.add(folder);
  return known;
}

/** A comparer of rendered trees with `clusters/`, and what it knows of a folder's files without walking it. */
export type Comparer = ((tree: EnvironmentTree) => TreeChanges) & {
  listing: (env: string) => readonly string[] | undefined;
};

/**
 * A comparer of rendered trees with `clusters/` for `check`: by blob id where git vouches for a folder, else by
 * reading it (`compareTree`). Its `listing` gives the files of a folder git vouches for (the volume check's list
 * of StatefulSets, without a walk). Asks git once, when first used. `read` is how a folder git cannot vouch for
 * is compared (a test passes a spy to see which folders were read).
 */
export function committedComparer(clustersDir: string, read = compareTree): Comparer {
  let known: Known | null = null;
  const git = (): Known => {
    if (known === null) known = vouched(clustersDir);
    return known;
  };
  const compare = (tree: EnvironmentTree) => {
    const k = git();
    const blobs = k && !k.doubtful.has(tree.env) ? blobsOf(k, tree.env) : undefined;
    if (!blobs) return read(clustersDir, tree);
    return compareByBlob(join(clustersDir, tree.env), tree, blobs);
  };
  const listing = (env: string) => {
    const k = git();
    return !k || k.doubtful.has(env) ? undefined : [...(blobsOf(k, env)?.keys() ?? [])];
  };
  return Object.assign(compare, { listing });
}
