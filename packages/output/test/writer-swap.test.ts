/**
 * The swap itself: the environment folder never disappears (its entries move out, `kustomization.yaml` last, and
 * the new tree is renamed over the emptied folder), everything is flushed before a rename publishes it, a journal
 * lets the next run finish a swap that a kill cut short, EXDEV is an ordinary refusal, only this run's working
 * folders (or those of a run that is gone) are removed, and a signal during the swap is reported. The kill tests run
 * the built writer in child processes (fixtures/swap-child.mjs), killed through the writer's file-system seam.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { generatedHeader } from '../src/header.js';
import {
  leftovers,
  readTree,
  recoverInterrupted,
  TreeWriter,
  WriteRefusedError,
  writerFs,
  writeTrees,
} from '../src/writer.js';
import { gen, populate, sysError, tempDirs, tree } from './support/writer.js';

const CHILD = fileURLToPath(new URL('./fixtures/swap-child.mjs', import.meta.url));
const DIST = fileURLToPath(new URL('../dist/index.js', import.meta.url));
const temp = tempDirs('writer-swap-');
const clustersDir = () => join(temp(), 'clusters');
const pid = process.pid;
/** A process id above the kernel's largest (2^22): never a running process. */
const GONE = 2 ** 22 + 12345;

afterEach(() => {
  vi.restoreAllMocks();
});

describe('the swap', () => {
  it('keeps every environment folder in place, with its kustomization.yaml until the folder is empty', () => {
    const { dir } = populate(clustersDir());
    const rename = writerFs.renameSync;
    const seen: string[] = [];
    vi.spyOn(writerFs, 'renameSync').mockImplementation((from, to) => {
      for (const env of ['a', 'b']) {
        const folder = join(dir, env);
        const entries = existsSync(folder) && lstatSync(folder).isDirectory() ? readdirSync(folder) : undefined;
        if (entries === undefined) seen.push(`${env} missing`);
        else if (entries.length > 0 && !entries.includes('kustomization.yaml'))
          seen.push(`${env} without kustomization`);
      }
      seen.push(`${String(from).slice(dir.length + 1)} -> ${String(to).slice(dir.length + 1)}`);
      rename(from, to);
    });
    writeTrees(dir, [
      tree('a', { 'kustomization.yaml': gen('a: 2'), 'query/x.yaml': gen('x: 2') }),
      tree('b', { 'kustomization.yaml': gen('b: 2') }),
    ]);
    expect(seen).toEqual([
      `a/NOTES.md -> .a.prev-${pid}/NOTES.md`,
      `a/query -> .a.prev-${pid}/query`,
      `a/kustomization.yaml -> .a.prev-${pid}/kustomization.yaml`,
      `.a.next-${pid} -> a`,
      `b/store -> .b.prev-${pid}/store`,
      `b/kustomization.yaml -> .b.prev-${pid}/kustomization.yaml`,
      `.b.next-${pid} -> b`,
    ]);
    expect(readTree(dir)).toEqual(
      new Map([
        ['a/NOTES.md', 'hand-written\n'],
        ['a/kustomization.yaml', gen('a: 2')],
        ['a/query/x.yaml', gen('x: 2')],
        ['b/kustomization.yaml', gen('b: 2')],
      ]),
    );
    expect(readdirSync(dir).sort()).toEqual(['a', 'b']);
  });

  /** The flushes and renames of a second write of `a`, with `sync -f` working or not. */
  function flushLog(fileSystem: boolean): { dir: string; log: string[] } {
    const dir = clustersDir();
    writeTrees(dir, [tree('a', { 'kustomization.yaml': gen('a: 1') })]);
    const log: string[] = [];
    const sync = writerFs.syncPath;
    const syncFs = writerFs.syncFileSystem;
    const rename = writerFs.renameSync;
    vi.spyOn(writerFs, 'syncFileSystem').mockImplementation((path) => {
      log.push(`sync -f ${path.slice(dir.length)}`);
      return fileSystem && syncFs(path);
    });
    vi.spyOn(writerFs, 'syncPath').mockImplementation((path) => {
      log.push(`sync ${path.slice(dir.length)}`);
      sync(path);
    });
    vi.spyOn(writerFs, 'renameSync').mockImplementation((from, to) => {
      log.push(`rename ${String(from).slice(dir.length)}`);
      rename(from, to);
    });
    writeTrees(dir, [tree('a', { 'kustomization.yaml': gen('a: 2'), 'q/x.yaml': gen('x: 1') })]);
    expect(readTree(dir).get('a/q/x.yaml')).toBe(gen('x: 1'));
    return { dir, log };
  }

  const swapLog = [
    `sync /.thanos-gitops.swap-${pid}`,
    'sync ',
    'rename /a/kustomization.yaml',
    `rename /.a.next-${pid}`,
    'sync ',
  ];

  it('flushes the file system before the journal and the first rename, the journal before the swap, clusters/ after', () => {
    expect(writerFs.syncFileSystem(temp())).toBe(true); // GNU coreutils' sync, on Linux
    expect(writerFs.syncFileSystem(clustersDir())).toBe(false); // not there
    expect(writerFs.syncFileSystem(temp(), 'darwin')).toBe(false); // BSD sync ignores -f: each file is flushed
    expect(flushLog(true).log).toEqual(['sync -f ', ...swapLog]);
  });

  it('without `sync -f`, flushes every new file and folder (deepest first) before the journal', () => {
    const next = `/.a.next-${pid}`;
    expect(flushLog(false).log).toEqual([
      'sync -f ',
      `sync ${next}/kustomization.yaml`,
      `sync ${next}/q/x.yaml`,
      `sync ${next}/q`,
      `sync ${next}`,
      ...swapLog,
    ]);
  });

  it('flushes no file system when nothing changed', () => {
    const dir = clustersDir();
    const a = tree('a', { 'kustomization.yaml': gen('a: 1') });
    writeTrees(dir, [a]);
    const syncFs = vi.spyOn(writerFs, 'syncFileSystem');
    writeTrees(dir, [a]);
    expect(syncFs).not.toHaveBeenCalled();
  });

  it('names the file whose flush failed, and leaves clusters/ as it was', () => {
    const dir = clustersDir();
    writeTrees(dir, [tree('a', { 'kustomization.yaml': gen('a: 1') })]);
    const before = readTree(dir);
    vi.spyOn(writerFs, 'syncFileSystem').mockReturnValue(false);
    vi.spyOn(writerFs, 'syncPath').mockImplementation((path) => {
      if (path.endsWith('x.yaml')) throw sysError('EIO', 'fsync', path);
    });
    expect(() => writeTrees(dir, [tree('a', { 'kustomization.yaml': gen('a: 2'), 'q/x.yaml': gen('x: 1') })])).toThrow(
      `.a.next-${pid}/q/x.yaml`,
    );
    expect(readTree(dir)).toEqual(before);
    expect(readdirSync(dir)).toEqual(['a']);
  });

  it('refuses EXDEV in one line (a mount point inside clusters/), and undoes the swap', () => {
    const { dir, before } = populate(clustersDir());
    const rename = writerFs.renameSync;
    vi.spyOn(writerFs, 'renameSync').mockImplementation((from, to) => {
      if (String(from).includes('.b.next-')) throw sysError('EXDEV', 'rename', String(from));
      rename(from, to);
    });
    const thrown = (() => {
      try {
        writeTrees(dir, [
          tree('a', { 'kustomization.yaml': gen('a: 2') }),
          tree('b', { 'kustomization.yaml': gen('b: 2') }),
        ]);
      } catch (err) {
        return err as Error;
      }
      throw new Error('expected a refusal');
    })();
    expect(thrown).toBeInstanceOf(WriteRefusedError);
    expect(thrown.message).toBe(
      `${join(dir, `.b.next-${pid}`)}: cannot be moved to another file system: generate renames within clusters/, ` +
        'so clusters/ and its folders must be on one file system (no mount point inside it) (EXDEV): the swap was ' +
        `undone: ${dir} holds the old trees`,
    );
    expect(thrown.message).not.toContain('\n');
    expect(readTree(dir)).toEqual(before);
    expect(leftovers(dir)).toEqual([]);
  });

  it('never removes a working folder it did not make', () => {
    const dir = clustersDir();
    writeTrees(dir, [tree('a', { 'kustomization.yaml': gen('a: 1') })]);
    const mkdir = writerFs.mkdirSync;
    const theirs = join(dir, `.a.next-${pid}`);
    vi.spyOn(writerFs, 'mkdirSync').mockImplementation((path, options) => {
      // Someone makes the folder this run is about to make, with their file in it.
      if (String(path) === theirs) {
        mkdir(theirs);
        writeFileSync(join(theirs, 'theirs.txt'), 'theirs\n');
      }
      return mkdir(path, options);
    });
    expect(() => writeTrees(dir, [tree('a', { 'kustomization.yaml': gen('a: 2') })])).toThrow(/\(EEXIST\)/);
    expect(readTree(theirs)).toEqual(new Map([['theirs.txt', 'theirs\n']]));
  });

  it('recovers only the folders of runs that are gone: never a live process’s, never a symlink or a file', () => {
    const dir = clustersDir();
    writeTrees(dir, [tree('a', { 'kustomization.yaml': gen('a: 1') })]);
    const live = join(dir, `.a.next-${process.ppid}`);
    mkdirSync(live);
    writeFileSync(join(dir, `.a.prev-${GONE}`), 'a file, not a folder\n');
    const target = join(temp(), 'elsewhere');
    mkdirSync(target);
    writeFileSync(join(target, 'keep.txt'), 'keep\n');
    symlinkSync(target, join(dir, `.b.next-${GONE}`));
    mkdirSync(join(dir, `.c.next-${GONE}`));
    recoverInterrupted(dir);
    expect(readdirSync(dir).sort()).toEqual([`.a.next-${process.ppid}`, `.a.prev-${GONE}`, `.b.next-${GONE}`, 'a']);
    expect(readTree(target)).toEqual(new Map([['keep.txt', 'keep\n']]));
  });
});

describe('a swap cut short', () => {
  /** clusters/ as a run left it when killed mid-swap: `a` half emptied into prev, b not started. */
  function killedMidSwap(journal: string): string {
    const dir = clustersDir();
    writeTrees(dir, [
      tree('a', { 'kustomization.yaml': gen('a: 1'), 'q/x.yaml': gen('x: 1') }),
      tree('b', { 'kustomization.yaml': gen('b: 1') }),
    ]);
    writeFileSync(join(dir, 'a', 'NOTES.md'), 'hand-written\n');
    for (const [env, files] of [
      ['a', { 'kustomization.yaml': gen('a: 2'), 'r/y.yaml': gen('y: 2'), 'NOTES.md': 'hand-written\n' }],
      ['b', { 'kustomization.yaml': gen('b: 2') }],
    ] as const) {
      for (const [path, text] of Object.entries(files)) {
        mkdirSync(join(dir, `.${env}.next-${GONE}`, path, '..'), { recursive: true });
        writeFileSync(join(dir, `.${env}.next-${GONE}`, path), text);
      }
    }
    mkdirSync(join(dir, `.a.prev-${GONE}`));
    writerFs.renameSync(join(dir, 'a', 'q'), join(dir, `.a.prev-${GONE}`, 'q'));
    writeFileSync(join(dir, `.thanos-gitops.swap-${GONE}`), journal);
    return dir;
  }

  it('is finished by the next run when its journal is complete: every environment gets its new tree', () => {
    const entries = [
      { env: 'a', hasCurrent: true, empty: false },
      { env: 'b', hasCurrent: true, empty: false },
    ];
    const dir = killedMidSwap(JSON.stringify(entries));
    // Meanwhile someone saved a file into a: kept.
    writeFileSync(join(dir, 'a', 'mine.md'), 'mine\n');
    expect(leftovers(dir)).toEqual([
      `.a.next-${GONE}`,
      `.a.prev-${GONE}`,
      `.b.next-${GONE}`,
      `.thanos-gitops.swap-${GONE}`,
    ]);
    writeTrees(dir, []);
    expect(readTree(dir)).toEqual(
      new Map([
        ['a/NOTES.md', 'hand-written\n'],
        ['a/kustomization.yaml', gen('a: 2')],
        ['a/mine.md', 'mine\n'],
        ['a/r/y.yaml', gen('y: 2')],
        ['b/kustomization.yaml', gen('b: 2')],
      ]),
    );
    expect(readdirSync(dir).sort()).toEqual(['a', 'b']);
  });

  it('removes an environment the journal says is emptied, and never puts it back', () => {
    const dir = clustersDir();
    writeTrees(dir, [
      tree('a', { 'kustomization.yaml': gen('a: 1') }),
      tree('b', { 'kustomization.yaml': gen('b: 1') }),
    ]);
    mkdirSync(join(dir, `.b.next-${GONE}`));
    writeFileSync(
      join(dir, `.thanos-gitops.swap-${GONE}`),
      JSON.stringify([{ env: 'b', hasCurrent: true, empty: true }]),
    );
    recoverInterrupted(dir);
    expect(readdirSync(dir).sort()).toEqual(['a']);
    // Moved out already when the run was killed: gone too.
    writeTrees(dir, [tree('b', { 'kustomization.yaml': gen('b: 1') })]);
    writerFs.renameSync(join(dir, 'b'), join(dir, `.b.prev-${GONE}`));
    writeFileSync(
      join(dir, `.thanos-gitops.swap-${GONE}`),
      JSON.stringify([{ env: 'b', hasCurrent: true, empty: true }]),
    );
    recoverInterrupted(dir);
    expect(readdirSync(dir).sort()).toEqual(['a']);
  });

  it('is undone when its journal was cut short: no rename had begun', () => {
    const dir = killedMidSwap('[{"env":"a","hasCu');
    // Without a complete journal no rename happens; put back what the fixture moved, as the real run never did.
    writerFs.renameSync(join(dir, `.a.prev-${GONE}`, 'q'), join(dir, 'a', 'q'));
    recoverInterrupted(dir);
    expect(readTree(dir)).toEqual(
      new Map([
        ['a/NOTES.md', 'hand-written\n'],
        ['a/kustomization.yaml', gen('a: 1')],
        ['a/q/x.yaml', gen('x: 1')],
        ['b/kustomization.yaml', gen('b: 1')],
      ]),
    );
    expect(leftovers(dir)).toEqual([]);
  });
});

describe('a real process at the swap', { timeout: 300_000 }, () => {
  beforeAll(() => {
    if (!existsSync(DIST)) throw new Error(`${DIST} is missing: build output first (pnpm build)`);
  });

  const trees = (label: string) =>
    ['e1', 'e2'].map((env) =>
      tree(env, {
        'kustomization.yaml': `${generatedHeader(`environments/${env}.yaml`)}\nlabel: ${label}\n`,
        ...Object.fromEntries(
          Array.from({ length: 6 }, (_, i) => [
            `c${i % 3}/f${i}.yaml`,
            `${generatedHeader(`environments/${env}.yaml`)}\nlabel: ${label}\nindex: ${i}\n`,
          ]),
        ),
      }),
    );
  const run = (dir: string, at: number, signal: string) =>
    spawnSync(process.execPath, [CHILD, dir, 'new', String(at), signal], { encoding: 'utf8' });

  // Each environment: 4 entries move out, then its new tree moves in: 10 renames in all.
  it.each([1, 3, 4, 5, 6, 9, 10])('SIGKILLed before rename %i: every folder is there, the next run finishes', (at) => {
    const dir = clustersDir();
    writeTrees(dir, trees('old'));
    const r = run(dir, at, 'SIGKILL');
    expect(r.signal).toBe('SIGKILL');
    for (const env of ['e1', 'e2']) expect(lstatSync(join(dir, env)).isDirectory()).toBe(true);
    expect(leftovers(dir)).toContain(`.thanos-gitops.swap-${r.pid}`);
    new TreeWriter(dir).commit(); // what the next run does first: take the lock, recover
    const want = new Map(
      trees('new').flatMap((t) => [...t.files].map(([p, text]) => [`${t.env}/${p}`, text] as const)),
    );
    expect(readTree(dir)).toEqual(want);
    expect(leftovers(dir)).toEqual([]);
  });

  it('SIGINT during the swap lets it finish and is reported', () => {
    const dir = clustersDir();
    writeTrees(dir, trees('old'));
    const r = run(dir, 2, 'SIGINT');
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('done after SIGINT (10 renames)\n');
    expect(readTree(join(dir, 'e2')).get('kustomization.yaml')).toContain('label: new');
    expect(leftovers(dir)).toEqual([]);
  });
});

describe('a file saved while the folder is emptied', () => {
  it('moves out too and comes back: the rename over the folder is tried again, at most three times', () => {
    const { dir } = populate(clustersDir());
    const rename = writerFs.renameSync;
    let saved = 0;
    const attempts: string[] = [];
    vi.spyOn(writerFs, 'renameSync').mockImplementation((from, to) => {
      if (String(from).includes('.a.next-')) attempts.push('rename over a');
      // While a's entries are moved out, someone saves a file into it, twice: each round of moves brings one more.
      if (
        String(from).startsWith(`${join(dir, 'a')}/`) &&
        String(from).endsWith(saved === 0 ? '.yaml' : '.md') &&
        saved < 2
      ) {
        writeFileSync(join(dir, 'a', `saved-${++saved}.md`), `saved ${saved}\n`);
      }
      rename(from, to);
    });
    writeTrees(dir, [tree('a', { 'kustomization.yaml': gen('a: 2') })]);
    expect(attempts).toEqual(['rename over a', 'rename over a', 'rename over a']);
    expect(readTree(join(dir, 'a'))).toEqual(
      new Map([
        ['NOTES.md', 'hand-written\n'],
        ['kustomization.yaml', gen('a: 2')],
        ['saved-1.md', 'saved 1\n'],
        ['saved-2.md', 'saved 2\n'],
      ]),
    );
  });

  it('gives up after three tries, and undoes the swap', () => {
    const { dir, before } = populate(clustersDir());
    const rename = writerFs.renameSync;
    vi.spyOn(writerFs, 'renameSync').mockImplementation((from, to) => {
      if (String(from).includes('.a.next-')) throw sysError('ENOTEMPTY', 'rename', String(from));
      rename(from, to);
    });
    expect(() => writeTrees(dir, [tree('a', { 'kustomization.yaml': gen('a: 2') })])).toThrow(
      /\(ENOTEMPTY\): the swap was undone/,
    );
    expect(vi.mocked(writerFs.renameSync).mock.calls.filter(([f]) => String(f).includes('.a.next-'))).toHaveLength(3);
    expect(readTree(dir)).toEqual(before);
    expect(leftovers(dir)).toEqual([]);
  });
});
