/**
 * The only step with side effects: puts rendered trees on disk, all or nothing.
 *
 * Each environment's new tree is built beside the old one (`clusters/.<env>.next-<pid>`), with the
 * hand-written files hard-linked in untouched; then the directories are swapped by rename. Interrupts are
 * deferred while swapping, and a crash mid-way restores the previous trees.
 */
import {
  copyFileSync,
  existsSync,
  linkSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { isGenerated } from './header.js';

/** A rendered environment: file path (relative to `clusters/<env>/`) to content. */
export interface EnvironmentTree {
  env: string;
  files: ReadonlyMap<string, string>;
}

export interface TreeChanges {
  env: string;
  added: string[];
  changed: string[];
  unchanged: string[];
  /** Generated files that are no longer produced. */
  removed: string[];
  /** Files without the generated header: left alone. */
  foreign: string[];
}

/**
 * Files that cannot carry the generated header (JSON documents such as IAM policies) are owned through this index:
 * a generated file listing them, one path a line, in the environment's folder.
 */
export const OWNED_INDEX = '.thanos-gitops-files';

/** The index text for the headerless files of a tree. */
export function ownedIndexText(header: string, paths: readonly string[]): string {
  return `${header}\n# Files without a header that the generator owns (kept, changed and removed by \`generate\`):\n${[
    ...paths,
  ]
    .sort()
    .map((p) => `${p}\n`)
    .join('')}`;
}

/** The headerless files a tree on disk owns, from its index (none if the index is missing or hand-written). */
export function ownedPaths(files: ReadonlyMap<string, string>): Set<string> {
  const index = files.get(OWNED_INDEX);
  if (index === undefined || !isGenerated(index)) return new Set();
  return new Set(index.split('\n').filter((l) => l !== '' && !l.startsWith('#')));
}

/** Every file under a directory, by relative path with '/' separators, sorted. */
export function readTree(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  if (!existsSync(dir)) return out;
  const walk = (rel: string) => {
    for (const entry of readdirSync(join(dir, rel), { withFileTypes: true }).sort((a, b) =>
      a.name < b.name ? -1 : 1,
    )) {
      const path = rel === '' ? entry.name : `${rel}/${entry.name}`;
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile()) out.set(path, readFileSync(join(dir, path), 'utf8'));
    }
  };
  walk('');
  return out;
}

/** What writing `tree` into `clusters/<env>/` would change. */
export function compareTree(clustersDir: string, tree: EnvironmentTree): TreeChanges {
  const current = readTree(join(clustersDir, tree.env));
  const changes: TreeChanges = { env: tree.env, added: [], changed: [], unchanged: [], removed: [], foreign: [] };
  for (const [path, text] of tree.files) {
    const old = current.get(path);
    if (old === undefined) changes.added.push(path);
    else if (old === text) changes.unchanged.push(path);
    else if (isGenerated(old)) changes.changed.push(path);
    else changes.changed.push(path); // a hand-written file at a generated path is replaced: reported as changed
  }
  const owned = ownedPaths(current);
  for (const [path, text] of current) {
    if (tree.files.has(path)) continue;
    if (isGenerated(text) || owned.has(path)) changes.removed.push(path);
    else changes.foreign.push(path);
  }
  return changes;
}

/** Environments that have a folder under `clusters/` (hidden working folders excluded). */
export function existingEnvironments(clustersDir: string): string[] {
  if (!existsSync(clustersDir)) return [];
  return readdirSync(clustersDir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && !e.name.startsWith('.'))
    .map((e) => e.name)
    .sort();
}

/** Undo what an interrupted earlier run may have left: restore swapped-out trees, drop half-built ones. */
export function recoverInterrupted(clustersDir: string): void {
  if (!existsSync(clustersDir)) return;
  for (const e of readdirSync(clustersDir)) {
    const m = /^\.(.+)\.(next|prev)-[0-9]+$/.exec(e);
    if (!m) continue;
    const [, env, kind] = m;
    const full = join(clustersDir, e);
    if (kind === 'prev' && env && !existsSync(join(clustersDir, env))) renameSync(full, join(clustersDir, env));
    else rmSync(full, { recursive: true, force: true });
  }
}

function linkOrCopy(from: string, to: string): void {
  mkdirSync(dirname(to), { recursive: true });
  try {
    linkSync(from, to);
  } catch {
    copyFileSync(from, to);
  }
}

/**
 * Writes every tree that differs from disk. Returns the changes per environment. `clusters/` is left
 * exactly as it was if anything fails before the swap, and restored if something fails during it.
 */
export function writeTrees(clustersDir: string, trees: readonly EnvironmentTree[]): TreeChanges[] {
  mkdirSync(clustersDir, { recursive: true });
  recoverInterrupted(clustersDir);
  const all = trees.map((t) => ({ tree: t, changes: compareTree(clustersDir, t) }));
  const todo = all.filter(({ changes: c }) => c.added.length + c.changed.length + c.removed.length > 0);
  const staged: { env: string; next: string; prev: string; hasCurrent: boolean; empty: boolean }[] = [];
  let interrupted: NodeJS.Signals | undefined;
  const defer = (signal: NodeJS.Signals) => {
    interrupted = signal;
  };
  process.on('SIGINT', defer);
  process.on('SIGTERM', defer);
  try {
    // 1. Build every next tree beside the current one.
    for (const { tree, changes } of todo) {
      const current = join(clustersDir, tree.env);
      const next = join(clustersDir, `.${tree.env}.next-${process.pid}`);
      // Staged before building, so that a failure half-way through still removes this half-built tree.
      staged.push({
        env: tree.env,
        next,
        prev: join(clustersDir, `.${tree.env}.prev-${process.pid}`),
        hasCurrent: existsSync(current),
        empty: tree.files.size === 0 && changes.foreign.length === 0,
      });
      rmSync(next, { recursive: true, force: true });
      mkdirSync(next, { recursive: true });
      for (const [path, text] of tree.files) {
        mkdirSync(dirname(join(next, path)), { recursive: true });
        writeFileSync(join(next, path), text);
      }
      for (const path of changes.foreign) linkOrCopy(join(current, path), join(next, path));
      if (interrupted) throw new Error(`interrupted by ${interrupted}`);
    }
    // 2. Swap them in. On failure, put back what was swapped out.
    const swapped: typeof staged = [];
    try {
      for (const s of staged) {
        const current = join(clustersDir, s.env);
        if (s.hasCurrent) renameSync(current, s.prev);
        swapped.push(s);
        if (!s.empty) renameSync(s.next, current);
      }
    } catch (err) {
      for (const s of swapped.reverse()) {
        const current = join(clustersDir, s.env);
        try {
          if (existsSync(current) && statSync(current).isDirectory()) rmSync(current, { recursive: true, force: true });
          if (s.hasCurrent) renameSync(s.prev, current);
        } catch {
          // Keep going with the others; the next run's recoverInterrupted() puts this one back from s.prev.
        }
      }
      throw err;
    }
    // 3. Drop the old trees.
    for (const s of staged) {
      rmSync(s.prev, { recursive: true, force: true });
      rmSync(s.next, { recursive: true, force: true });
    }
  } catch (err) {
    for (const s of staged) rmSync(s.next, { recursive: true, force: true });
    throw err;
  } finally {
    process.off('SIGINT', defer);
    process.off('SIGTERM', defer);
  }
  if (interrupted) process.kill(process.pid, interrupted);
  return all.map((a) => a.changes);
}
