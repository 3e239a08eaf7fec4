/**
 * What the writer says and leaves behind when the file system refuses a step (injected through `writerFs`, as
 * tests run as root) or someone changes `clusters/` while it writes, in-process: the one-line message for each
 * phase (building, swapping, cleaning up after), what the next run recovers, how hand-written things are carried
 * over, the paths it refuses to write, and signals between staging and the swap.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  acquireLock,
  compareTree,
  InterruptedError,
  LOCK_FILE,
  lockHolder,
  OWNED_INDEX,
  ownedIndexText,
  readTree,
  recoverInterrupted,
  TreeWriter,
  WriteRefusedError,
  writerFs,
  writeTrees,
  writeTreesAsync,
} from '../src/writer.js';
import { gen, HEADER, listing, populate, sysError, tempDirs, tree, workingFolders } from './support/writer.js';

const temp = tempDirs('writer-failures-');
const populated = () => populate(join(temp(), 'clusters'));
const pid = process.pid;

afterEach(() => {
  vi.restoreAllMocks();
});

/** The error `fn` throws (the test fails if it throws none). */
function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a failure');
}

describe('a file-system failure, by where the write stopped', () => {
  it('while building: names the file, says nothing was changed, and leaves nothing behind', () => {
    const { dir, before, list } = populated();
    const write = writerFs.writeFileSync;
    const enospc = sysError('ENOSPC', 'write'); // a failed write of an open file carries no path
    let n = 0;
    vi.spyOn(writerFs, 'writeFileSync').mockImplementation((file, data) => {
      if (++n === 3) throw enospc;
      write(file, data);
    });
    const err = thrown(() =>
      writeTrees(dir, [
        tree('a', { 'kustomization.yaml': gen('a: 2') }),
        tree('b', { 'kustomization.yaml': gen('b: 2'), 'store/y.yaml': gen('y: 2') }),
      ]),
    );
    expect(err).toEqual(
      new WriteRefusedError(
        `${join(dir, `.b.next-${pid}`, 'store', 'y.yaml')}: no space left on the device (ENOSPC): nothing was ` +
          `changed in ${dir} (each new tree is built beside the old one, in .<env>.next-<pid>)`,
      ),
    );
    expect(err.cause).toBe(enospc);
    expect(err.name).toBe('WriteRefusedError');
    expect(readTree(dir)).toEqual(before);
    expect(listing(dir)).toEqual(list);
  });

  it('anything but a file-system problem passes through as it is, and is rolled back all the same', () => {
    const { dir, before, list } = populated();
    const bug = new TypeError('a bug');
    vi.spyOn(writerFs, 'writeFileSync').mockImplementation(() => {
      throw bug;
    });
    expect(thrown(() => writeTrees(dir, [tree('a', { 'kustomization.yaml': gen('a: 2') })]))).toBe(bug);
    expect(bug).not.toHaveProperty('path');
    vi.restoreAllMocks();
    expect(listing(dir)).toEqual(list);
    expect(readTree(dir)).toEqual(before);
  });

  it('while swapping: a folder made by hand where a new environment goes is kept, and the swap undone', () => {
    const { dir, before } = populated();
    const writer = new TreeWriter(dir);
    writer.stage(tree('a', { 'kustomization.yaml': gen('a: 2') }));
    writer.stage(tree('c', { 'kustomization.yaml': gen('c: 1') }));
    // Between staging and commit, someone starts clusters/c by hand: the new tree cannot be renamed onto it.
    mkdirSync(join(dir, 'c'));
    writeFileSync(join(dir, 'c', 'notes.md'), 'mine\n');
    expect(() => writer.commit()).toThrow(
      new WriteRefusedError(
        `${join(dir, `.c.next-${pid}`)}: is a folder that is not empty (ENOTEMPTY): the swap was undone: ${dir} ` +
          'holds the old trees',
      ),
    );
    expect(readTree(dir)).toEqual(new Map([...before, ['c/notes.md', 'mine\n']]));
    expect(workingFolders(dir)).toEqual([]);
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
  });

  it('after the swap: the new trees stay, the message names the old ones left, and the next run cleans up', () => {
    const { dir } = populated();
    const rm = writerFs.rmSync;
    vi.spyOn(writerFs, 'rmSync').mockImplementation((path, options) => {
      if (String(path).includes('.a.prev-')) throw sysError('EROFS', 'rmdir', String(path));
      rm(path, options);
    });
    const next = [tree('a', { 'kustomization.yaml': gen('a: 2') }), tree('b', { 'kustomization.yaml': gen('b: 2') })];
    const aPrev = join(dir, `.a.prev-${pid}`);
    expect(() => writeTrees(dir, next)).toThrow(
      new WriteRefusedError(
        `${aPrev}: is on a read-only file system (EROFS): the new trees are in place, but ${aPrev}, ` +
          `${join(dir, `.b.prev-${pid}`)} could not be cleaned up: fix what the file system refused and run ` +
          'generate again (it cleans up first); check fails until then',
      ),
    );
    expect(readTree(join(dir, 'a')).get('kustomization.yaml')).toBe(gen('a: 2'));
    expect(readTree(join(dir, 'b')).get('kustomization.yaml')).toBe(gen('b: 2'));
    expect(workingFolders(dir)).toEqual([`.a.prev-${pid}`, `.b.prev-${pid}`]);
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);

    vi.restoreAllMocks();
    writeTrees(dir, next);
    expect(workingFolders(dir)).toEqual([]);
    expect([...readTree(join(dir, 'a')).keys()]).toEqual(['NOTES.md', 'kustomization.yaml']);
  });

  it('after the swap, with no old tree left to name: "a working folder"', () => {
    const { dir } = populated();
    const rm = writerFs.rmSync;
    vi.spyOn(writerFs, 'rmSync').mockImplementation((path, options) => {
      // b is emptied (its folder goes): its old tree is removed, its empty new one cannot be.
      if (String(path).includes('.b.next-') && existsSync(String(path))) throw sysError('EBUSY', 'rmdir', String(path));
      rm(path, options);
    });
    expect(() => writeTrees(dir, [tree('b', {})])).toThrow(
      /\(EBUSY\): the new trees are in place, but a working folder could not be cleaned up: fix what/,
    );
    // The journal stays with it: the next run finishes the removal of b, and never puts b back.
    expect(readdirSync(dir).sort()).toEqual([`.b.next-${pid}`, `.thanos-gitops.swap-${pid}`, 'a']);
    vi.restoreAllMocks();
    writeTrees(dir, []);
    expect(readdirSync(dir).sort()).toEqual(['a']);
  });
});

describe('recovering what an earlier run left', () => {
  it('says which working folder it cannot remove, and why, before anything is written', () => {
    const dir = join(temp(), 'clusters');
    mkdirSync(join(dir, '.a.next-4206649'), { recursive: true });
    const refusal = sysError('EROFS', 'rmdir', join(dir, '.a.next-4206649'));
    const rm = vi.spyOn(writerFs, 'rmSync').mockImplementation(() => {
      throw refusal;
    });
    const err = thrown(() => recoverInterrupted(dir));
    expect(err).toEqual(
      new WriteRefusedError(
        `cannot clean up ${join(dir, '.a.next-4206649')}, left by an earlier run (EROFS: ${join(dir, '.a.next-4206649')}: is on a ` +
          'read-only file system (EROFS)): fix its permissions (or remove it by hand, after checking clusters/a is ' +
          'complete), then run generate again',
      ),
    );
    expect(err.cause).toBe(refusal);
    rm.mockImplementation(() => {
      throw new Error('not a file-system error');
    });
    expect(() => recoverInterrupted(dir)).toThrow(`left by an earlier run (error): fix its permissions`);
    rm.mockImplementation(() => {
      throw sysError('ESTALE', 'rename');
    });
    expect(() => recoverInterrupted(dir)).toThrow(`left by an earlier run (ESTALE): fix its permissions`);
  });

  it('moves hand-written files from an old tree whose environment is back into it, not generated or owned ones', () => {
    const dir = join(temp(), 'clusters');
    const prev = join(dir, '.a.prev-4206649');
    mkdirSync(join(prev, 'notes'), { recursive: true });
    mkdirSync(join(dir, 'a'), { recursive: true });
    writeFileSync(join(dir, 'a', 'k.yaml'), gen('new'));
    writeFileSync(join(prev, 'k.yaml'), gen('old'));
    writeFileSync(join(prev, 'old.yaml'), gen('gone'));
    writeFileSync(join(prev, OWNED_INDEX), ownedIndexText(HEADER, ['p.json']));
    writeFileSync(join(prev, 'p.json'), '{}\n');
    writeFileSync(join(prev, 'notes', 'mine.md'), 'mine\n');
    recoverInterrupted(dir);
    expect(readdirSync(dir)).toEqual(['a']);
    expect([...readTree(join(dir, 'a'))]).toEqual([
      ['k.yaml', gen('new')],
      ['notes/mine.md', 'mine\n'],
    ]);
  });
});

describe('hand-written things in the new tree', () => {
  it('are the same files (hard links), copied where the file system refuses links, never over something', () => {
    const { dir } = populated();
    const notes = join(dir, 'a', 'NOTES.md');
    const inode = statSync(notes).ino;
    writeTrees(dir, [tree('a', { 'kustomization.yaml': gen('a: 2') })]);
    expect(statSync(notes).ino).toBe(inode);

    vi.spyOn(writerFs, 'linkSync').mockImplementation((_from, to) => {
      throw sysError('EPERM', 'link', String(to));
    });
    writeTrees(dir, [tree('a', { 'kustomization.yaml': gen('a: 3') })]);
    expect(readFileSync(notes, 'utf8')).toBe('hand-written\n');
    expect(statSync(notes).ino).not.toBe(inode);

    const before = readTree(dir);
    vi.spyOn(writerFs, 'linkSync').mockImplementation((_from, to) => {
      writeFileSync(String(to), 'there first\n');
      throw sysError('EEXIST', 'link', String(to));
    });
    expect(() => writeTrees(dir, [tree('a', { 'kustomization.yaml': gen('a: 4') })])).toThrow(
      `${join(dir, `.a.next-${pid}`, 'NOTES.md')}: already exists (EEXIST): nothing was changed`,
    );
    expect(readTree(dir)).toEqual(before);
  });

  it('keeps symlinks and empty folders in folders the new tree does not have', () => {
    const { dir } = populated();
    mkdirSync(join(dir, 'a', 'mine', 'empty'), { recursive: true });
    symlinkSync('../NOTES.md', join(dir, 'a', 'mine', 'link'));
    mkdirSync(join(dir, 'a', 'other', 'deeper'), { recursive: true });
    const [c] = writeTrees(dir, [tree('a', { 'kustomization.yaml': gen('a: 2') })]);
    expect(c?.foreign).toEqual(['mine/link', 'mine/empty/', 'other/deeper/', 'NOTES.md']);
    expect(readFileSync(join(dir, 'a', 'mine', 'link'), 'utf8')).toBe('hand-written\n');
    expect(readdirSync(join(dir, 'a', 'mine', 'empty'))).toEqual([]);
    expect(readdirSync(join(dir, 'a', 'other', 'deeper'))).toEqual([]);
  });
});

describe('hand-written things in the way of generated paths', () => {
  it('are refused at commit, each named, and nothing changes', () => {
    const { dir, list } = populated();
    const a = join(dir, 'a');
    mkdirSync(join(a, 'kustomization.yaml.d'));
    writeFileSync(join(a, 'kustomization.yaml.d', 'x'), 'mine\n');
    writeFileSync(join(a, 'rule'), 'a file where a folder goes\n');
    mkdirSync(join(a, 'nested', 'mine'), { recursive: true });
    writeFileSync(join(a, 'nested', 'mine', 'x.txt'), 'mine\n');
    writeFileSync(join(a, 'nested', 'file'), 'mine\n');
    symlinkSync('NOTES.md', join(a, 'link.yaml'));
    mkdirSync(join(a, 'empty', 'inner'), { recursive: true }); // an empty folder where a folder goes is fine
    mkdirSync(join(a, 'vacant'));
    const next = tree('a', {
      'kustomization.yaml': gen('a: 2'),
      'kustomization.yaml.d': gen('d'),
      'rule/z.yaml': gen('z'),
      'link.yaml': gen('l'),
      'empty/inner/file.yaml': gen('f'),
      vacant: gen('v'),
      'nested/mine': gen('n'),
      'nested/file/z.yaml': gen('z'),
    });
    expect(compareTree(dir, next).blocked).toEqual([
      'kustomization.yaml.d/ is a folder of hand-written files where a file goes',
      'link.yaml is hand-written (a symlink or a folder) where a file goes',
      'nested/file is a hand-written file where a folder goes',
      'nested/mine/ is a folder of hand-written files where a file goes',
      'rule is a hand-written file where a folder goes',
      'vacant is hand-written (a symlink or a folder) where a file goes',
    ]);
    const listed = listing(dir);
    expect(() => writeTrees(dir, [next])).toThrow(
      new WriteRefusedError(
        `refusing to write: ${a}/kustomization.yaml.d/ is a folder of hand-written files where a file goes; ` +
          `${a}/link.yaml is hand-written (a symlink or a folder) where a file goes; ${a}/nested/file is a ` +
          `hand-written file where a folder goes; ${a}/nested/mine/ is a folder of hand-written files where a file ` +
          `goes; ${a}/rule is a hand-written ` +
          `file where a folder goes; ${a}/vacant is hand-written (a symlink or a folder) where a file goes. Move ` +
          'them; nothing was changed',
      ),
    );
    expect(listing(dir)).toEqual(listed);
    expect(list.length).toBeLessThan(listed.length);
  });
});

describe('clusters/<env> that is a symlink', () => {
  it('is refused, named with its target, and nothing is staged', () => {
    const { dir } = populated();
    const elsewhere = join(dir, '..', 'elsewhere');
    mkdirSync(elsewhere);
    symlinkSync(elsewhere, join(dir, 'c'));
    const writer = new TreeWriter(dir);
    writer.stage(tree('a', { 'kustomization.yaml': gen('a: 2') }));
    expect(() => writer.stage(tree('c', { 'k.yaml': gen('k') }))).toThrow(
      new WriteRefusedError(
        `${join(dir, 'c')} is a symlink (to ${elsewhere}): generate swaps whole folders and will not replace a ` +
          'symlink; make it a real folder or remove it',
      ),
    );
    expect(workingFolders(dir)).toEqual([]);
    expect(readdirSync(elsewhere)).toEqual([]);
  });
});

describe('a TreeWriter', () => {
  it('after a refusal, only compares the trees that follow (builds none), to name every refused file', () => {
    const { dir, before } = populated();
    writeFileSync(join(dir, 'a', 'kustomization.yaml'), 'mine\n');
    const writer = new TreeWriter(dir);
    writer.stage(tree('a', { 'kustomization.yaml': gen('a: 2') }));
    const b = writer.stage(tree('b', { 'kustomization.yaml': gen('b: 2'), 'store/y.yaml': gen('y: 1') }));
    expect(b).toMatchObject({ changed: ['kustomization.yaml'], unchanged: ['store/y.yaml'] });
    expect(workingFolders(dir)).toEqual([]);
    expect(() => writer.commit()).toThrow(/^refusing to overwrite hand-written files/);
    expect(readTree(dir)).toEqual(new Map([...before, ['a/kustomization.yaml', 'mine\n']]));
  });

  it('is used once: after its commit it refuses, and an abort leaves a clusters/ someone else wrote into', () => {
    const { dir } = populated();
    const writer = new TreeWriter(dir);
    writer.commit();
    expect(() => writer.stage(tree('a', {}))).toThrow('this TreeWriter has already committed or aborted');
    const aborted = new TreeWriter(dir);
    aborted.abort();
    expect(() => aborted.commit()).toThrow('this TreeWriter has already committed or aborted');

    // A clusters/ it made for nothing stays after its commit, even if aborted then.
    const made = join(temp(), 'clusters');
    const empty = new TreeWriter(made);
    expect(empty.commit()).toEqual([]);
    empty.abort();
    expect(readdirSync(made)).toEqual([]);

    // An empty clusters/ it did not make stays after an abort, staged or not.
    const existing = join(temp(), 'clusters');
    mkdirSync(existing);
    new TreeWriter(existing).abort();
    const staged = new TreeWriter(existing);
    staged.stage(tree('a', { 'k.yaml': gen('k') }));
    staged.abort();
    expect(readdirSync(existing)).toEqual([]);

    const fresh = join(temp(), 'clusters');
    const other = new TreeWriter(fresh);
    other.stage(tree('a', { 'k.yaml': gen('k') }));
    writeFileSync(join(fresh, 'README.md'), 'mine\n');
    other.abort();
    expect(readdirSync(fresh)).toEqual(['README.md']);
  });

  it('releases the lock on abort even when a staged tree cannot be removed; the next run removes it', () => {
    const { dir, before } = populated();
    const writer = new TreeWriter(dir);
    writer.stage(tree('a', { 'kustomization.yaml': gen('a: 2') }));
    vi.spyOn(writerFs, 'rmSync').mockImplementation((path) => {
      throw sysError('EBUSY', 'rmdir', String(path));
    });
    writer.abort();
    expect(workingFolders(dir)).toEqual([`.a.next-${pid}`]);
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
    vi.restoreAllMocks();
    writeTrees(dir, []);
    expect(readTree(dir)).toEqual(before);
    expect(workingFolders(dir)).toEqual([]);
  });

  it('defers no signal when synchronous (writeTrees): an interrupt stops it, and the next run recovers', () => {
    const { dir } = populated();
    const counts = () => [process.listenerCount('SIGINT'), process.listenerCount('SIGTERM')];
    const before = counts();
    const seen: number[][] = [];
    const write = writerFs.writeFileSync;
    vi.spyOn(writerFs, 'writeFileSync').mockImplementation((file, data) => {
      seen.push(counts());
      write(file, data);
    });
    writeTrees(dir, [tree('a', { 'kustomization.yaml': gen('a: 2') })]);
    // The new file, then the swap's journal.
    expect(seen).toEqual([before, before]);
  });

  it('after a signal between staging and commit, rolls back and rejects; once swapping, finishes and says so', async () => {
    const { dir, before } = populated();
    // Delivers a signal to the handler the writer added (the last one), as the kernel would, without killing us.
    const deliver = (signal: NodeJS.Signals) =>
      (process.listeners(signal).at(-1) as (s: NodeJS.Signals) => void)(signal);
    const first = new TreeWriter(dir, { signals: true });
    await first.stageAsync(tree('a', { 'kustomization.yaml': gen('a: 2') }));
    deliver('SIGTERM');
    const stopped = await first.commitAsync().catch((e: unknown) => e as InterruptedError);
    expect(stopped).toBeInstanceOf(InterruptedError);
    expect(stopped).toMatchObject({ name: 'InterruptedError', signal: 'SIGTERM' });
    expect(readTree(dir)).toEqual(before);
    expect(workingFolders(dir)).toEqual([]);

    const rename = writerFs.renameSync;
    vi.spyOn(writerFs, 'renameSync').mockImplementation((from, to) => {
      deliver('SIGINT');
      deliver('SIGTERM'); // the first signal is the one reported
      rename(from, to);
    });
    const result = await writeTreesAsync(dir, [tree('a', { 'kustomization.yaml': gen('a: 2') })]);
    expect(result).toMatchObject({ changes: [{ changed: ['kustomization.yaml'] }], interrupted: 'SIGINT' });
    expect(readTree(join(dir, 'a')).get('kustomization.yaml')).toBe(gen('a: 2'));
    expect(workingFolders(dir)).toEqual([]);
  });
});

describe('the lock holder', () => {
  it('is no one without a lock, this process while it holds it, and a gone or remote process otherwise', () => {
    const dir = temp();
    expect(lockHolder(dir)).toBeUndefined();
    const release = acquireLock(dir, 0);
    expect(lockHolder(dir)).toMatchObject({ pid, host: hostname(), running: true });
    release();
    const gone = 2 ** 22 + 12345;
    writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ pid: gone, host: hostname(), started: 'then' }));
    expect(lockHolder(dir)).toEqual({ pid: gone, host: hostname(), started: 'then', running: false });
    writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ pid: gone, host: 'elsewhere', started: 'then' }));
    expect(lockHolder(dir)).toEqual({ pid: gone, host: 'elsewhere', started: 'then', running: true });
    writeFileSync(join(dir, LOCK_FILE), 'half-written');
    expect(lockHolder(dir)).toBeUndefined();
  });
});
