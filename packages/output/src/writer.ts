/**
 * The only step with side effects: puts rendered trees on disk, all or nothing.
 *
 * Each environment's new tree is built beside the old one (`clusters/.<env>.next-<pid>`), with the
 * hand-written files hard-linked in untouched, and flushed to the disk; then a journal is written and the trees are
 * swapped in by rename, each environment folder emptied into `.<env>.prev-<pid>` and the new tree renamed over it,
 * so the folder never disappears. Interrupts are deferred while swapping; a failure mid-way puts the old trees back,
 * and a run killed mid-way has its swap finished by the next run (the journal says the new trees were complete).
 */

import { spawnSync } from 'node:child_process';
import {
  closeSync,
  copyFileSync,
  type Dirent,
  existsSync,
  fsyncSync,
  linkSync,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  renameSync,
  rmdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { hostname } from 'node:os';
import { dirname, join, posix } from 'node:path';
import { isSystemError, systemErrorLine } from './fs-errors.js';
import { isGenerated } from './header.js';
import { KUSTOMIZATION_FILE } from './layout.js';

/**
 * The file-system calls that change `clusters/`, in one object: the only seam tests use to make one of them fail
 * (EACCES, ENOSPC, EROFS: as root, permissions cannot produce them) or to act between two steps of a write.
 */
export const writerFs = {
  copyFileSync,
  linkSync,
  mkdirSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
  /**
   * Flushes the whole file system that holds `path` to the disk (`sync -f`, Linux's syncfs), in one call instead of
   * one `fsync` per file: ~3 s of CPU and tens of seconds of waiting at 100 environments. False when it cannot
   * (no `sync` of GNU coreutils or BusyBox), and on other systems than Linux, whose `sync` ignores `-f` and may
   * return before the data is written: the caller then flushes each file and folder (`syncPath`).
   */
  syncFileSystem(path: string, platform: string = process.platform): boolean {
    return platform === 'linux' && spawnSync('sync', ['-f', path]).status === 0;
  },
  /** Flushes a file or a folder (its entries) to the disk: what a rename publishes must be there after a crash. */
  syncPath(path: string): void {
    const fd = openSync(path, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  },
};

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
  /** Files without the generated header, hand-written symlinks and empty folders (`dir/`): left alone. */
  foreign: string[];
  /** Hand-written files at paths the generator wants to write: `writeTrees` refuses to overwrite them. */
  collisions?: string[];
  /**
   * Hand-written things in the way of a generated path: a folder (holding hand-written files, symlinks or empty
   * folders) where a file goes, or a hand-written file or symlink where a folder or a file goes. `writeTrees` refuses.
   */
  blocked?: string[];
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

/** A file's text. */
const readText = (path: string): string => readFileSync(path, 'utf8');

/**
 * The entries of a folder in JavaScript string order, on every platform (readdir's own order is the platform's: libuv
 * sorts by bytes, which differs from string order for names with characters beyond U+FFFF).
 */
function entriesOf(dir: string): Dirent[] {
  return readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1));
}

/** What a tree on disk holds: its files (by relative path, sorted), and hand-written symlinks and empty folders. */
interface ScannedTree {
  files: Map<string, string>;
  symlinks: [string, string][];
  emptyDirs: string[];
}

/** Reads a tree on disk in one walk: every file (its text unless `read` is false), symlink and empty folder. */
function scanTree(dir: string, read = true): ScannedTree {
  const out: ScannedTree = { files: new Map(), symlinks: [], emptyDirs: [] };
  if (!existsSync(dir)) return out;
  const walk = (rel: string) => {
    const entries = entriesOf(join(dir, rel));
    if (entries.length === 0 && rel !== '') out.emptyDirs.push(rel);
    for (const entry of entries) {
      const path = rel === '' ? entry.name : `${rel}/${entry.name}`;
      if (entry.isSymbolicLink()) out.symlinks.push([path, readlinkSync(join(dir, path))]);
      else if (entry.isDirectory()) walk(path);
      else if (read && entry.isFile()) out.files.set(path, readText(join(dir, path)));
    }
  };
  walk('');
  return out;
}

/** Every file under a directory, by relative path with '/' separators, sorted. */
export function readTree(dir: string): Map<string, string> {
  return scanTree(dir).files;
}

/** The relative paths of every file under a directory ('/' separators), without reading them. */
function listTree(dir: string, rel = '', out: string[] = []): string[] {
  for (const entry of readdirSync(join(dir, rel), { withFileTypes: true })) {
    const path = rel === '' ? entry.name : `${rel}/${entry.name}`;
    if (entry.isDirectory()) listTree(dir, path, out);
    else if (entry.isFile()) out.push(path);
  }
  return out;
}

/** What writing `tree` into `clusters/<env>/` would change. */
export function compareTree(clustersDir: string, tree: EnvironmentTree): TreeChanges {
  // One walk: the files, and the hand-written symlinks and empty folders beside them.
  const { files: current, ...extras } = scanTree(join(clustersDir, tree.env));
  const changes: TreeChanges = { env: tree.env, added: [], changed: [], unchanged: [], removed: [], foreign: [] };
  const owned = ownedPaths(current);
  // A hand-written file where the generator wants to write: never overwritten (writeTrees refuses).
  const collisions: string[] = [];
  for (const [path, text] of tree.files) {
    const old = current.get(path);
    if (old === undefined) changes.added.push(path);
    else if (old === text) changes.unchanged.push(path);
    else {
      changes.changed.push(path);
      if (!isGenerated(old) && !owned.has(path)) collisions.push(path);
    }
  }
  if (collisions.length > 0) changes.collisions = collisions;
  changes.foreign.push(...extras.symlinks.map(([path]) => path), ...extras.emptyDirs.map((d) => `${d}/`));
  for (const [path, text] of current) {
    if (tree.files.has(path)) continue;
    if (isGenerated(text) || owned.has(path)) changes.removed.push(path);
    else changes.foreign.push(path);
  }
  const blocked = blockedPaths(tree, changes.foreign);
  if (blocked.length > 0) changes.blocked = blocked;
  return changes;
}

/**
 * What stands in the way of generated paths: the new tree keeps every hand-written thing, so a folder holding one
 * cannot become a file (`kustomization.yaml/notes.txt`), and a hand-written file or symlink cannot become a folder
 * or a generated file.
 */
function blockedPaths(tree: EnvironmentTree, foreign: readonly string[]): string[] {
  // Stryker disable next-line ConditionalExpression,BlockStatement: equivalent, skips the walk (the usual case)
  if (foreign.length === 0) return [];
  const things = new Set(foreign.map((f) => f.replace(/\/$/, '')));
  const holders = new Set<string>(); // folders holding something hand-written
  for (const f of things) for (const dir of foldersOf(f)) holders.add(dir);
  const out = new Set<string>();
  for (const path of tree.files.keys()) {
    if (holders.has(path)) out.add(`${path}/ is a folder of hand-written files where a file goes`);
    else if (things.has(path)) out.add(`${path} is hand-written (a symlink or a folder) where a file goes`);
    for (const dir of foldersOf(path)) {
      if (things.has(dir) && !foreign.includes(`${dir}/`)) out.add(`${dir} is a hand-written file where a folder goes`);
    }
  }
  return [...out].sort();
}

/** The folders a relative path lies in, innermost first: `a/b/c` → `a/b`, `a`. */
function* foldersOf(path: string): Generator<string> {
  for (let dir = posix.dirname(path); dir !== '.'; dir = posix.dirname(dir)) yield dir;
}

/** Environments that have a folder under `clusters/` (hidden working folders excluded). */
export function existingEnvironments(clustersDir: string): string[] {
  if (!existsSync(clustersDir)) return [];
  return readdirSync(clustersDir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && !e.name.startsWith('.'))
    .map((e) => e.name)
    .sort();
}

/** Hand-written symlinks (path and target) and empty folders of a tree on disk: `readTree` sees neither. */
export function handWrittenExtras(dir: string): { symlinks: [string, string][]; emptyDirs: string[] } {
  const { symlinks, emptyDirs } = scanTree(dir, false);
  return { symlinks, emptyDirs };
}

/** Why `generate` did not write: an ordinary state of the file system, told in one line (exit code 4). */
export class WriteRefusedError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'WriteRefusedError';
  }
}

/** A signal arrived before the new trees were swapped in; everything was rolled back. */
export class InterruptedError extends Error {
  constructor(readonly signal: NodeJS.Signals) {
    super(`interrupted by ${signal}: nothing was changed`);
    this.name = 'InterruptedError';
  }
}

/** The lock of a clusters folder: one `generate` at a time. */
export const LOCK_FILE = '.thanos-gitops.lock';

export interface LockOwner {
  pid: number;
  host: string;
  started: string;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * Takes the lock of `clustersDir` (a file holding pid and host), waiting up to `waitMs` for another run to
 * finish. A lock whose process is gone (same host, pid not running) is stale and taken over; a lock held by
 * another host is never broken. Returns the release function.
 */
export function acquireLock(clustersDir: string, waitMs = 5_000): () => void {
  const path = join(clustersDir, LOCK_FILE);
  const me: LockOwner = { pid: process.pid, host: hostname(), started: new Date().toISOString() };
  const deadline = Date.now() + waitMs;
  for (;;) {
    try {
      writeFileSync(path, `${JSON.stringify(me)}\n`, { flag: 'wx' });
      return () => rmSync(path, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw withPath(err, path);
    }
    let owner: LockOwner | undefined;
    try {
      owner = JSON.parse(readText(path)) as LockOwner;
    } catch {
      // Being written right now, or garbage: look again shortly.
    }
    if (owner && owner.host === me.host && !alive(owner.pid)) {
      rmSync(path, { force: true }); // stale: its process is gone
      continue;
    }
    if (Date.now() >= deadline) {
      const who = owner ? `process ${owner.pid} on ${owner.host}, since ${owner.started}` : 'another process';
      throw new WriteRefusedError(
        `${path} is held by ${who}: another generate is writing this clusters folder. Wait for it, or remove the ` +
          'lock file if you are sure that process is gone',
      );
    }
    sleep(50);
  }
}

/** Who holds the lock of `clustersDir`, if anyone, and whether that process is running (on this host). */
export function lockHolder(clustersDir: string): (LockOwner & { running: boolean }) | undefined {
  let owner: LockOwner;
  try {
    owner = JSON.parse(readText(join(clustersDir, LOCK_FILE))) as LockOwner;
  } catch {
    return undefined;
  }
  return { ...owner, running: owner.host !== hostname() || alive(owner.pid) };
}

/** A failed write of an open file (ENOSPC) carries no path: the file-system error, naming `path`. */
function withPath(err: unknown, path: string): unknown {
  if (isSystemError(err)) err.path ??= path;
  return err;
}

const WORKING = /^\.(.+)\.(next|prev)-([0-9]+)$/;

/**
 * The swap's journal, `clusters/.thanos-gitops.swap-<pid>`: written (and flushed) once every new tree is complete,
 * before the first rename, and removed when the swap is done or undone. A run that finds one left by a run that is
 * gone finishes that swap instead of undoing it: the new trees were complete.
 */
export const SWAP_JOURNAL = '.thanos-gitops.swap-';
const JOURNAL = /^\.thanos-gitops\.swap-([0-9]+)$/;

/** One environment of a swap, as its journal records it. */
interface JournalEntry {
  env: string;
  /** The environment folder existed before the swap (its old tree goes to `.<env>.prev-<pid>`). */
  hasCurrent: boolean;
  /** The environment is removed: its old tree goes, nothing comes in. */
  empty: boolean;
}

/**
 * Working folders and swap journals an interrupted or failed run left in `clusters/` (`.<env>.next-<pid>`,
 * `.<env>.prev-<pid>`, `.thanos-gitops.swap-<pid>`).
 */
export function leftovers(clustersDir: string): string[] {
  if (!existsSync(clustersDir)) return [];
  return readdirSync(clustersDir)
    .filter((name) => WORKING.test(name) || JOURNAL.test(name))
    .sort();
}

/** Whether a working folder or journal of process `pid` may be touched: this run's, or one of a run that is gone. */
const ours = (pid: string): boolean => Number(pid) === process.pid || !alive(Number(pid));

/**
 * The working folders in `clustersDir` that are real folders (never a symlink or a file of the same name), sorted
 * by name, with the environment, the kind and the process each one is for.
 */
function workingFolders(clustersDir: string): { name: string; env: string; kind: string; pid: string }[] {
  if (!existsSync(clustersDir)) return [];
  return readdirSync(clustersDir, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort()
    .flatMap((name) => {
      const m = WORKING.exec(name);
      return m ? [{ name, env: m[1] as string, kind: m[2] as string, pid: m[3] as string }] : [];
    });
}

/**
 * Undo what an interrupted earlier run may have left: finish the swaps whose journal says every new tree was
 * complete, restore swapped-out trees, drop half-built ones. Called with the lock held, so no other run is writing;
 * only the folders of a run that is gone are touched (a working folder of a live process is left alone).
 */
export function recoverInterrupted(clustersDir: string): void {
  const journals = existsSync(clustersDir)
    ? readdirSync(clustersDir)
        .filter((n) => JOURNAL.test(n))
        .sort()
    : [];
  for (const name of journals) {
    const pid = (JOURNAL.exec(name) as RegExpExecArray)[1] as string;
    if (!ours(pid)) continue;
    const path = join(clustersDir, name);
    recovering(clustersDir, name, 'every environment folder', () => {
      // Cut short while being written: no rename had begun, the half-built trees are dropped below.
      for (const entry of journalEntries(readText(path))) finishSwap(clustersDir, entry, pid);
      writerFs.rmSync(path, { force: true });
    });
  }
  for (const { name, env, kind, pid } of workingFolders(clustersDir)) {
    if (!ours(pid)) continue;
    const full = join(clustersDir, name);
    const current = join(clustersDir, env);
    recovering(clustersDir, name, `clusters/${env}`, () => {
      if (kind === 'prev') {
        // An old tree with nothing in its place (a run of an earlier version stopped in its swap): put it back.
        if (!existsSync(current)) {
          writerFs.renameSync(full, current);
          return;
        }
        // Of a run that stopped after its swap: hand-written files added meanwhile move to the new tree.
        keepHandWritten(full, current);
      }
      writerFs.rmSync(full, { recursive: true });
    });
  }
}

/** The entries of a journal, or none when it was cut short while being written. */
function journalEntries(text: string): JournalEntry[] {
  try {
    return JSON.parse(text) as JournalEntry[];
  } catch {
    return [];
  }
}

/** Runs one step of the recovery; a file-system failure says what to fix. */
function recovering(clustersDir: string, name: string, complete: string, step: () => void): void {
  try {
    step();
  } catch (err) {
    const full = join(clustersDir, name);
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    throw new WriteRefusedError(
      `cannot clean up ${full}, left by an earlier run (${code}${isSystemError(err) ? `: ${systemErrorLine(err)}` : ''}): ` +
        `fix its permissions (or remove it by hand, after checking ${complete} is complete), then run generate again`,
      { cause: err },
    );
  }
}

/** Finishes the swap of one environment that a run gone in the middle of it left (its journal entry says how). */
function finishSwap(clustersDir: string, entry: JournalEntry, pid: string): void {
  const current = join(clustersDir, entry.env);
  const next = join(clustersDir, `.${entry.env}.next-${pid}`);
  const prev = join(clustersDir, `.${entry.env}.prev-${pid}`);
  if (entry.empty) {
    if (existsSync(current) && !existsSync(prev)) writerFs.renameSync(current, prev);
    if (existsSync(prev)) {
      keepHandWritten(prev, current);
      writerFs.rmSync(prev, { recursive: true });
    }
    return;
  }
  // Not yet in place: empty the environment folder into prev (it stays a folder), then rename the new tree over it.
  if (existsSync(next)) {
    if (existsSync(current)) {
      writerFs.mkdirSync(prev, { recursive: true });
      moveEntries(current, prev);
    }
    writerFs.renameSync(next, current);
  }
}

/**
 * Moves every entry of `from` into `to`, `kustomization.yaml` last: while it moves, the folder a delivery tool reads
 * still exists, and holds a kustomization until it is empty (a build that fails then is an error to Argo CD or
 * Flux, never an empty folder whose objects they would prune).
 */
function moveEntries(from: string, to: string): void {
  const names = readdirSync(from).sort((a, b) => Number(a === KUSTOMIZATION_FILE) - Number(b === KUSTOMIZATION_FILE));
  for (const name of names) writerFs.renameSync(join(from, name), join(to, name));
}

function linkOrCopy(from: string, to: string): void {
  writerFs.mkdirSync(dirname(to), { recursive: true });
  try {
    writerFs.linkSync(from, to);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw err;
    writerFs.copyFileSync(from, to);
  }
}

/** Hand-written files of an old tree (`prev`) that the new one (`current`) lacks: added while a run was writing. */
function keepHandWritten(prev: string, current: string): void {
  // Only the files the new tree lacks are read (usually none).
  const missing = listTree(prev).filter((path) => !existsSync(join(current, path)));
  // Stryker disable next-line ConditionalExpression,BlockStatement: equivalent, it only spares reading the index
  if (missing.length === 0) return;
  const index = join(prev, OWNED_INDEX);
  const owned = ownedPaths(new Map(existsSync(index) ? [[OWNED_INDEX, readText(index)]] : []));
  for (const path of missing) {
    if (!isGenerated(readText(join(prev, path))) && !owned.has(path)) {
      linkOrCopy(join(prev, path), join(current, path));
    }
  }
}

/** Where a write stopped, for its message. */
type Phase = 'build' | 'swap' | 'undo' | 'after';

/** What a failure of the file system means for `clusters/`, by where the write stopped. */
function consequence(phase: Phase, staged: readonly { prev: string }[], clustersDir: string): string {
  switch (phase) {
    case 'build':
      return `nothing was changed in ${clustersDir} (each new tree is built beside the old one, in .<env>.next-<pid>)`;
    case 'swap':
      return `the swap was undone: ${clustersDir} holds the old trees`;
    case 'undo':
      return (
        `the swap stopped half-way and could not be undone: every environment folder of ${clustersDir} is there, ` +
        'some with part of their old tree; fix what the file system refused and run generate again (it finishes ' +
        'the swap first); check fails until then'
      );
    case 'after': {
      const left = staged.map((s) => s.prev).filter((p) => existsSync(p));
      return (
        `the new trees are in place, but ${left.join(', ') || 'a working folder'} could not be cleaned up: fix what ` +
        'the file system refused and run generate again (it cleans up first); check fails until then'
      );
    }
  }
}

/**
 * Swaps one environment in. Its folder never disappears: its entries move into `prev` (`kustomization.yaml` last),
 * then the new tree is renamed over the folder, empty by then, in one step. A removed environment's folder goes.
 */
function swapOne(clustersDir: string, s: Staged): void {
  const current = join(clustersDir, s.env);
  if (s.empty) {
    writerFs.renameSync(current, s.prev);
    return;
  }
  if (!s.hasCurrent) {
    writerFs.renameSync(s.next, current);
    return;
  }
  writerFs.mkdirSync(s.prev);
  // A file saved into the folder while it was being emptied makes the rename fail (not empty): it moves out too,
  // and comes back with the hand-written files after the swap.
  for (let attempt = 1; ; attempt++) {
    moveEntries(current, s.prev);
    try {
      writerFs.renameSync(s.next, current);
      return;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (attempt === 3 || (code !== 'ENOTEMPTY' && code !== 'EEXIST')) throw err;
    }
  }
}

/** Puts one environment's old tree back (false when it could not: the next run's recovery finishes the swap). */
function undoOne(clustersDir: string, s: Staged, placed: boolean): boolean {
  const current = join(clustersDir, s.env);
  try {
    if (s.empty) {
      if (placed) writerFs.renameSync(s.prev, current);
    } else if (placed) {
      // Only what this run moved in: a folder made meanwhile where a new environment goes is someone's.
      writerFs.rmSync(current, { recursive: true });
      if (s.hasCurrent) writerFs.renameSync(s.prev, current);
    } else if (s.hasCurrent && existsSync(s.prev)) {
      moveEntries(s.prev, current);
      writerFs.rmSync(s.prev, { recursive: true });
    }
    return true;
  } catch {
    return false; // keep going with the others
  }
}

function rmQuietly(path: string): void {
  try {
    writerFs.rmSync(path, { force: true });
  } catch {
    // Left: the next run reads it.
  }
}

/** A tree built beside the current one, waiting for the swap. */
interface Staged extends JournalEntry {
  next: string;
  prev: string;
  /** The files and then the folders written in `next`, deepest first: flushed before the swap. */
  written: string[];
  /** This run made `next` (a folder of that name made by anyone else is never removed). */
  made: boolean;
}

/**
 * Writes trees to `clusters/` one environment at a time, all or nothing, so the caller holds one rendered tree in
 * memory, not all of them. `stage(tree)` compares a tree with disk and, when it differs, builds it beside the current
 * one (`clusters/.<env>.next-<pid>`, hand-written files, symlinks and empty folders carried over); `commit()` swaps
 * every staged tree in by rename (putting back what was swapped out if that fails half-way), keeps hand-written files
 * added meanwhile and drops the old trees; `abort()` removes what was staged, leaving `clusters/` as it was.
 *
 * The first `stage` (or `commit`) takes the lock and recovers what an interrupted earlier run left; nothing is
 * touched before. With `signals`, SIGINT and SIGTERM are deferred from then on: the async methods look at them
 * between files, and one seen before the swap aborts and throws InterruptedError; once swapping, the write finishes
 * and `interrupted` says which signal arrived. A hand-written file at a path the generator writes is never
 * overwritten: `commit` refuses (WriteRefusedError, naming every such file) and nothing changes. Any failure aborts.
 */
export class TreeWriter {
  private readonly staged: Staged[] = [];
  private readonly changes: TreeChanges[] = [];
  private readonly collisions: string[] = [];
  /** Hand-written things in the way of generated paths (a folder where a file goes, …): refused at commit. */
  private readonly blocked: string[] = [];
  /** Where the write is, for what a file-system failure means: building, swapping, or cleaning up after. */
  private phase: Phase = 'build';
  private readonly state: { interrupted?: NodeJS.Signals } = {};
  private release: (() => void) | undefined;
  private started = false;
  private finished = false;
  /** Whether this writer made `clusters/` itself (an abort then removes it again, when empty). */
  private madeClusters = false;
  private readonly onSignal = (signal: NodeJS.Signals) => {
    this.state.interrupted ??= signal;
  };

  constructor(
    private readonly clustersDir: string,
    private readonly options: { signals?: boolean; lockWaitMs?: number | undefined } = {},
  ) {}

  /** The signal that arrived while writing, if any (set after a commit that finished anyway). */
  get interrupted(): NodeJS.Signals | undefined {
    return this.state.interrupted;
  }

  /** Compares `tree` with disk and, when it differs, builds it beside the current one. */
  stage(tree: EnvironmentTree): TreeChanges {
    return this.run(this.stageSteps(tree));
  }

  /** `stage`, letting signal handlers run between files. */
  stageAsync(tree: EnvironmentTree): Promise<TreeChanges> {
    return this.runAsync(this.stageSteps(tree));
  }

  /** Swaps every staged tree in; returns the changes of every tree staged, in order. */
  commit(): TreeChanges[] {
    return this.run(this.commitSteps());
  }

  /** `commit`, letting signal handlers run before the swap. */
  commitAsync(): Promise<TreeChanges[]> {
    return this.runAsync(this.commitSteps());
  }

  /** Removes every staged tree and releases the lock: `clusters/` is as it was. Safe to call more than once. */
  abort(): void {
    if (this.finished) return;
    this.finished = true;
    for (const s of this.staged) {
      try {
        // Kept when the swap could not be undone: the next run finishes it with them.
        if (s.made && this.phase !== 'undo') writerFs.rmSync(s.next, { recursive: true });
      } catch {
        // Missing (its building failed first), or left for the next run's recovery (check names it meanwhile).
      }
    }
    this.end();
    if (this.madeClusters) {
      try {
        rmdirSync(this.clustersDir); // only when empty again
      } catch {
        // Something else is in there now: leave it.
      }
    }
  }

  private run<T>(steps: Generator<void, T>): T {
    try {
      for (;;) {
        const r = steps.next();
        if (r.done) return r.value;
      }
    } catch (err) {
      this.abort();
      throw this.explained(err);
    }
  }

  /**
   * An ordinary file-system failure (EACCES, ENOSPC, …) as a WriteRefusedError: one line naming the path and what
   * the failure left in `clusters/`. Anything else as it is.
   */
  private explained(err: unknown): unknown {
    if (!isSystemError(err)) return err; // a WriteRefusedError has no code: as it is
    return new WriteRefusedError(`${systemErrorLine(err)}: ${consequence(this.phase, this.staged, this.clustersDir)}`, {
      cause: err,
    });
  }

  private async runAsync<T>(steps: Generator<void, T>): Promise<T> {
    try {
      for (;;) {
        const r = steps.next();
        if (r.done) return r.value;
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
    } catch (err) {
      this.abort();
      throw this.explained(err);
    }
  }

  /** On first use: make `clusters/`, take its lock, listen for signals, undo an interrupted earlier run. */
  private start(): void {
    if (this.finished) throw new Error('this TreeWriter has already committed or aborted');
    if (this.started) return;
    this.started = true;
    this.madeClusters = !existsSync(this.clustersDir);
    mkdirSync(this.clustersDir, { recursive: true });
    this.release = acquireLock(this.clustersDir, this.options.lockWaitMs);
    if (this.options.signals) {
      process.on('SIGINT', this.onSignal);
      process.on('SIGTERM', this.onSignal);
    }
    recoverInterrupted(this.clustersDir);
  }

  /** Releases the lock and stops listening for signals. */
  private end(): void {
    this.release?.();
    this.release = undefined;
    process.off('SIGINT', this.onSignal); // nothing to remove without `signals`
    process.off('SIGTERM', this.onSignal);
  }

  private checkInterrupted(): void {
    if (this.state.interrupted) throw new InterruptedError(this.state.interrupted);
  }

  private *stageSteps(tree: EnvironmentTree): Generator<void, TreeChanges> {
    this.start();
    this.checkInterrupted();
    const { clustersDir } = this;
    const current = join(clustersDir, tree.env);
    if (existsSync(current) && lstatSync(current).isSymbolicLink()) {
      throw new WriteRefusedError(
        `${current} is a symlink (to ${readlinkSync(current)}): generate swaps whole folders and will not replace ` +
          'a symlink; make it a real folder or remove it',
      );
    }
    const changes = compareTree(clustersDir, tree);
    this.changes.push(changes);
    for (const p of changes.collisions ?? []) {
      this.collisions.push(
        `${join(clustersDir, tree.env, p)} (hand-written; the generator renders it from ${tree.env})`,
      );
    }
    for (const b of changes.blocked ?? []) this.blocked.push(`${join(clustersDir, tree.env)}/${b}`);
    // After a collision the write is refused at commit: the remaining trees are only compared, to name every one.
    if (this.collisions.length > 0 || this.blocked.length > 0) return changes;
    if (changes.added.length + changes.changed.length + changes.removed.length === 0) return changes;
    const next = join(clustersDir, `.${tree.env}.next-${process.pid}`);
    const extras = handWrittenExtras(current);
    // Staged before building, so that a failure half-way through still removes this half-built tree.
    const staged: Staged = {
      env: tree.env,
      next,
      prev: join(clustersDir, `.${tree.env}.prev-${process.pid}`),
      hasCurrent: existsSync(current),
      empty: tree.files.size === 0 && changes.foreign.length === 0,
      made: false,
      written: [],
    };
    this.staged.push(staged);
    // Not there: the recovery at start removed every working folder of this process, and a tree is staged once.
    writerFs.mkdirSync(next);
    staged.made = true;
    // Stryker disable next-line ArrayDeclaration: equivalent, mkdir -p of a folder that exists changes nothing
    const made = new Set<string>([next]);
    for (const [path, text] of tree.files) {
      const file = join(next, path);
      const dir = dirname(file);
      if (!made.has(dir)) {
        writerFs.mkdirSync(dir, { recursive: true });
        made.add(dir);
      }
      try {
        writerFs.writeFileSync(file, text);
        staged.written.push(file);
      } catch (err) {
        throw withPath(err, file);
      }
      yield;
      this.checkInterrupted();
    }
    for (const path of changes.foreign) {
      if (path.endsWith('/') || extras.symlinks.some(([p]) => p === path)) continue;
      linkOrCopy(join(current, path), join(next, path));
    }
    for (const [path, target] of extras.symlinks) {
      writerFs.mkdirSync(dirname(join(next, path)), { recursive: true });
      writerFs.symlinkSync(target, join(next, path));
    }
    for (const dir of extras.emptyDirs) writerFs.mkdirSync(join(next, dir), { recursive: true });
    // The folders' entries too: flushed before a rename publishes them (`flushStaged`).
    staged.written.push(...[...made].reverse());
    return changes;
  }

  /**
   * Every staged file and folder on the disk before the journal and the first rename: the file system flushed at
   * once, or else each of them.
   */
  private flushStaged(): void {
    if (writerFs.syncFileSystem(this.clustersDir)) return;
    for (const s of this.staged) {
      for (const path of s.written) {
        try {
          writerFs.syncPath(path);
        } catch (err) {
          throw withPath(err, path);
        }
      }
    }
  }

  /** Writes and flushes the swap's journal: from here on, a run that finds it finishes this swap. */
  private writeJournal(): string {
    const path = join(this.clustersDir, `${SWAP_JOURNAL}${process.pid}`);
    const entries: JournalEntry[] = this.staged.map(({ env, hasCurrent, empty }) => ({ env, hasCurrent, empty }));
    writerFs.writeFileSync(path, `${JSON.stringify(entries)}\n`);
    writerFs.syncPath(path);
    writerFs.syncPath(this.clustersDir);
    return path;
  }

  private *commitSteps(): Generator<void, TreeChanges[]> {
    this.start();
    const { clustersDir, staged } = this;
    if (this.collisions.length > 0) {
      throw new WriteRefusedError(
        `refusing to overwrite hand-written files at paths the generator writes: ${this.collisions.join(', ')}. ` +
          'Move or rename them (files the generator owns start with its header line)',
      );
    }
    if (this.blocked.length > 0) {
      throw new WriteRefusedError(`refusing to write: ${this.blocked.join('; ')}. Move them; nothing was changed`);
    }
    yield;
    this.checkInterrupted();
    if (staged.length > 0) this.flushStaged();
    // Swap them in. On failure, put back what was swapped out. Signals no longer stop the write.
    this.phase = 'swap';
    const journal = staged.length > 0 ? this.writeJournal() : undefined;
    const swapped: Staged[] = []; // old tree being moved out (or none to move)
    const placed = new Set<Staged>(); // new tree moved in
    try {
      for (const s of staged) {
        swapped.push(s);
        swapOne(clustersDir, s);
        placed.add(s);
      }
      writerFs.syncPath(clustersDir);
    } catch (err) {
      // Undone: the journal goes, so that the next run does not finish the swap. Not undone: it stays, with the new
      // trees, and the next run finishes the swap.
      const undone = swapped.map((s) => undoOne(clustersDir, s, placed.has(s))).every(Boolean);
      if (undone && journal) rmQuietly(journal);
      if (!undone) this.phase = 'undo';
      throw err;
    }
    // A signal that arrived during the (synchronous) swap is delivered here, while this writer still listens for it,
    // so that the command can say the write finished despite it.
    yield;
    // Keep hand-written files added to the old trees while this run was building, then drop the old trees.
    this.phase = 'after';
    // An emptied environment too: its folder comes back for a file added meanwhile.
    for (const s of staged) if (s.hasCurrent) keepHandWritten(s.prev, join(clustersDir, s.env));
    for (const s of staged) {
      // Only this run's folders: prev when it moved an old tree there, next when it was never moved in.
      if (s.hasCurrent) writerFs.rmSync(s.prev, { recursive: true, force: true });
      if (s.empty) writerFs.rmSync(s.next, { recursive: true, force: true });
    }
    if (journal) writerFs.rmSync(journal, { force: true });
    this.finished = true;
    this.end();
    return this.changes;
  }
}

export interface WriteOptions {
  /** How long to wait for another run's lock before refusing (default 5 s). */
  lockWaitMs?: number;
}

/**
 * Writes every tree that differs from disk, holding the lock of `clustersDir`. Returns the changes per
 * environment. `clusters/` is left exactly as it was if anything fails before the swap, and restored if
 * something fails during it. Synchronous: signals are only seen by `writeTreesAsync`.
 */
export function writeTrees(
  clustersDir: string,
  trees: readonly EnvironmentTree[],
  { lockWaitMs }: WriteOptions = {},
): TreeChanges[] {
  const writer = new TreeWriter(clustersDir, { lockWaitMs });
  for (const t of trees) writer.stage(t); // a failing stage aborts
  return writer.commit();
}

/**
 * `writeTrees` that lets SIGINT and SIGTERM in between files: a signal before the swap rolls everything back and
 * rejects with InterruptedError; a signal during or after the swap lets the write finish, and `interrupted` says so.
 */
export async function writeTreesAsync(
  clustersDir: string,
  trees: readonly EnvironmentTree[],
  { lockWaitMs }: WriteOptions = {},
): Promise<{ changes: TreeChanges[]; interrupted?: NodeJS.Signals }> {
  const writer = new TreeWriter(clustersDir, { signals: true, lockWaitMs });
  for (const t of trees) await writer.stageAsync(t);
  const changes = await writer.commitAsync();
  return { changes, ...(writer.interrupted ? { interrupted: writer.interrupted } : {}) };
}
