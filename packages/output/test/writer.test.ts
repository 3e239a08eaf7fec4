/**
 * The tree writer on real temporary folders: what it writes and prunes, that hand-written files survive, that a
 * failure while building or while swapping leaves `clusters/` as it was (no working folders left behind), and
 * that an interrupted earlier run is recovered.
 */
import { existsSync, mkdirSync, readdirSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { generatedMarkdownHeader, isGenerated } from '../src/header.js';
import {
  compareTree,
  LOCK_FILE,
  readTree,
  recoverInterrupted,
  TreeWriter,
  WriteRefusedError,
  writerFs,
  writeTrees,
} from '../src/writer.js';
import { gen, workingFolders as leftovers, listing, populate, sysError, tempDirs, tree } from './support/writer.js';

const temp = tempDirs('writer-test-');
const clustersDir = () => join(temp(), 'clusters');

afterEach(() => {
  vi.restoreAllMocks();
});

const populated = () => populate(clustersDir());

describe('TreeWriter (one environment at a time)', () => {
  it('builds each staged tree beside clusters/ at once, and swaps them all in only on commit', () => {
    const { dir, before } = populated();
    symlinkSync('NOTES.md', join(dir, 'a', 'notes-link'));
    const writer = new TreeWriter(dir);
    writer.stage(tree('a', { 'kustomization.yaml': gen('a: 2') }));
    // Staged, not swapped: the old tree is still in place, the new one is on disk beside it, the lock is held.
    expect(readTree(join(dir, 'a'))).toEqual(
      new Map([...before].flatMap(([p, t]) => (p.startsWith('a/') ? [[p.slice(2), t]] : []))),
    );
    expect(leftovers(dir)).toEqual([`.a.next-${process.pid}`]);
    // Complete before the swap: the hand-written file is in it already, so clusters/a is never without it.
    expect(readTree(join(dir, `.a.next-${process.pid}`))).toEqual(
      new Map([
        ['NOTES.md', 'hand-written\n'],
        ['kustomization.yaml', gen('a: 2')],
      ]),
    );
    expect(readdirSync(dir)).toContain(LOCK_FILE);
    writer.stage(tree('b', { 'kustomization.yaml': gen('b: 1'), 'store/y.yaml': gen('y: 1') })); // unchanged
    const [a, b] = writer.commit();
    expect(a?.changed).toEqual(['kustomization.yaml']);
    expect(b?.unchanged).toHaveLength(2);
    expect(readTree(join(dir, 'a'))).toEqual(
      new Map([
        ['NOTES.md', 'hand-written\n'],
        ['kustomization.yaml', gen('a: 2')],
      ]),
    );
    expect(leftovers(dir)).toEqual([]);
    expect(readdirSync(dir)).not.toContain(LOCK_FILE);
  });

  it('keeps hand-written files added to an environment between its staging and the commit, not generated ones', () => {
    const { dir } = populated();
    const writer = new TreeWriter(dir);
    writer.stage(tree('a', { 'kustomization.yaml': gen('a: 2') }));
    writeFileSync(join(dir, 'a', 'LATE.md'), 'written while the run was rendering\n');
    mkdirSync(join(dir, 'a', 'later'));
    writeFileSync(join(dir, 'a', 'later', 'generated.yaml'), gen('stale: 1'));
    writer.commit();
    expect([...readTree(join(dir, 'a')).keys()].sort()).toEqual(['LATE.md', 'NOTES.md', 'kustomization.yaml']);
    expect(readTree(join(dir, 'a')).get('LATE.md')).toBe('written while the run was rendering\n');
  });

  it('keeps a hand-written file added meanwhile to an environment it empties: the folder stays for it', () => {
    const { dir } = populated();
    const writer = new TreeWriter(dir);
    writer.stage(tree('b', {}));
    writeFileSync(join(dir, 'b', 'LATE.md'), 'mine\n');
    writer.commit();
    expect([...readTree(join(dir, 'b'))]).toEqual([['LATE.md', 'mine\n']]);
    expect(leftovers(dir)).toEqual([]);
  });

  it('abort drops every staged tree and the lock: clusters/ is as it was', () => {
    const { dir, before, list } = populated();
    const writer = new TreeWriter(dir);
    writer.stage(tree('a', { 'kustomization.yaml': gen('a: 2') }));
    writer.stage(tree('c', { 'kustomization.yaml': gen('c: 1') }));
    writer.abort();
    writer.abort(); // twice is harmless
    expect(readTree(dir)).toEqual(before);
    expect(listing(dir)).toEqual(list);
  });

  it('leaves no clusters/ behind when it made it and then aborted', () => {
    const dir = clustersDir();
    const writer = new TreeWriter(dir);
    writer.stage(tree('a', { 'kustomization.yaml': gen('a: 1') }));
    writer.abort();
    expect(existsSync(dir)).toBe(false);
  });

  it('refuses at commit when a later tree would overwrite hand-written files, naming them, and changes nothing', () => {
    const { dir, before, list } = populated();
    writeFileSync(join(dir, 'b', 'mine.yaml'), 'hand-written: true\n');
    const writer = new TreeWriter(dir);
    writer.stage(tree('a', { 'kustomization.yaml': gen('a: 2') }));
    writer.stage(tree('b', { 'kustomization.yaml': gen('b: 2'), 'mine.yaml': gen('m: 1') }));
    expect(() => writer.commit()).toThrow(WriteRefusedError);
    expect(() => new TreeWriter(dir).commit()).not.toThrow(); // the refused writer released the lock
    expect(readTree(dir)).toEqual(new Map([...before, ['b/mine.yaml', 'hand-written: true\n']]));
    expect(listing(dir)).toEqual([...list, join('b', 'mine.yaml')].sort());
  });
});

describe('writeTrees', () => {
  it('writes new trees and reports what it did', () => {
    const dir = clustersDir();
    const files = { 'k.yaml': gen('k: 1'), 'q/r/s.yaml': gen('s: 1'), 'q/x.yaml': gen('x: 1') };
    const [c] = writeTrees(dir, [tree('a', files)]);
    expect(c).toMatchObject({ env: 'a', added: Object.keys(files), changed: [], removed: [], unchanged: [] });
    expect([...readTree(join(dir, 'a'))]).toEqual([
      ['k.yaml', gen('k: 1')],
      ['q/r/s.yaml', gen('s: 1')],
      ['q/x.yaml', gen('x: 1')],
    ]);
  });

  it('changes, keeps and prunes generated files, and leaves hand-written files alone', () => {
    const { dir } = populated();
    const notes = join(dir, 'a', 'NOTES.md');
    const past = new Date('2021-06-01T00:00:00Z');
    utimesSync(notes, past, past);
    const [a] = writeTrees(dir, [tree('a', { 'kustomization.yaml': gen('a: 2'), 'rule/z.yaml': gen('z: 1') })]);
    expect(a).toEqual({
      env: 'a',
      added: ['rule/z.yaml'],
      changed: ['kustomization.yaml'],
      unchanged: [],
      removed: ['query/x.yaml'],
      foreign: ['NOTES.md'],
    });
    expect([...readTree(join(dir, 'a')).keys()]).toEqual(['NOTES.md', 'kustomization.yaml', 'rule/z.yaml']);
    expect(statSync(notes).mtimeMs).toBe(past.getTime());
    expect(readdirSync(join(dir, 'a'))).not.toContain('query');
    expect(leftovers(dir)).toEqual([]);
  });

  it('does not touch an environment that is up to date', () => {
    const { dir } = populated();
    const past = new Date('2021-06-01T00:00:00Z');
    utimesSync(join(dir, 'b', 'store', 'y.yaml'), past, past);
    const [b] = writeTrees(dir, [tree('b', { 'kustomization.yaml': gen('b: 1'), 'store/y.yaml': gen('y: 1') })]);
    expect(b).toMatchObject({ added: [], changed: [], removed: [], unchanged: ['kustomization.yaml', 'store/y.yaml'] });
    expect(statSync(join(dir, 'b', 'store', 'y.yaml')).mtimeMs).toBe(past.getTime());
  });

  it('removes the folder of an emptied environment unless hand-written files, symlinks or folders remain', () => {
    const { dir } = populated();
    symlinkSync('kustomization.yaml', join(dir, 'b', 'link'));
    writeTrees(dir, [tree('a', {}), tree('b', {})]);
    expect(readdirSync(dir)).toEqual(['a', 'b']);
    expect([...readTree(join(dir, 'a')).keys()]).toEqual(['NOTES.md']);
    expect(readdirSync(join(dir, 'b'))).toEqual(['link']);
  });

  it('leaves clusters/ unchanged when a file cannot be written (NUL byte in its path)', () => {
    const { dir, before, list } = populated();
    expect(() =>
      writeTrees(dir, [
        tree('a', { 'kustomization.yaml': gen('a: 2') }),
        tree('b', { 'kustomization.yaml': gen('b: 2'), 'bad\0name.yaml': gen('x') }),
      ]),
    ).toThrow();
    expect(readTree(dir)).toEqual(before);
    expect(listing(dir)).toEqual(list);
    expect(leftovers(dir)).toEqual([]);
  });

  it('leaves clusters/ unchanged when a folder must be created where a file is', () => {
    const { dir, before, list } = populated();
    expect(() =>
      writeTrees(dir, [
        tree('a', { 'kustomization.yaml': gen('a: 2') }),
        tree('b', { query: gen('file'), 'query/x.yaml': gen('x') }),
      ]),
    ).toThrow(/EEXIST|ENOTDIR/);
    expect(readTree(dir)).toEqual(before);
    expect(listing(dir)).toEqual(list);
    expect(leftovers(dir)).toEqual([]);
  });

  it('puts back every swapped environment when a rename fails mid-swap, and says the swap was undone', () => {
    const { dir, before, list } = populated();
    const realRename = writerFs.renameSync;
    const targets: string[] = [];
    // Environment a is swapped first; then moving b's new tree into place fails (putting b's old tree back works).
    vi.spyOn(writerFs, 'renameSync').mockImplementation((from, to) => {
      targets.push(String(to));
      if (String(to) === join(dir, 'b') && String(from).includes('.b.next-')) {
        throw sysError('EIO', 'rename', String(from));
      }
      realRename(from, to);
    });
    expect(() =>
      writeTrees(dir, [
        tree('a', { 'kustomization.yaml': gen('a: 2') }),
        tree('b', { 'kustomization.yaml': gen('b: 2') }),
      ]),
    ).toThrow(
      new WriteRefusedError(
        `${join(dir, `.b.next-${process.pid}`)}: input/output error (the disk or file system failed) (EIO): ` +
          `the swap was undone: ${dir} holds the old trees`,
      ),
    );
    expect(targets).toContain(join(dir, 'a'));
    expect(readTree(dir)).toEqual(before);
    expect(listing(dir)).toEqual(list);
    expect(leftovers(dir)).toEqual([]);
  });

  it('keeps the environment folder through a failed swap, and leaves a swap it cannot undo for the next run', () => {
    const { dir, before } = populated();
    const realRename = writerFs.renameSync;
    vi.spyOn(writerFs, 'renameSync').mockImplementation((from, to) => {
      // Moving b's new tree into place fails, and so does putting b's old entries back; a is put back.
      if (String(to) === join(dir, 'b') || String(to).startsWith(`${join(dir, 'b')}/`)) {
        if (String(from).includes('.b.')) throw sysError('EIO', 'rename', String(from));
      }
      realRename(from, to);
    });
    expect(() =>
      writeTrees(dir, [
        tree('a', { 'kustomization.yaml': gen('a: 2') }),
        tree('b', { 'kustomization.yaml': gen('b: 2') }),
      ]),
    ).toThrow(/\(EIO\): the swap stopped half-way and could not be undone: every environment folder of .* is there/);
    vi.restoreAllMocks();
    const pid = process.pid;
    expect(readdirSync(dir).sort()).toEqual([
      `.b.next-${pid}`,
      `.b.prev-${pid}`,
      `.thanos-gitops.swap-${pid}`,
      'a',
      'b',
    ]);
    expect([...readTree(join(dir, 'a')).values()]).toContain(gen('a: 1'));
    // The next run finishes the swap: b gets its new tree; a, put back, keeps its old one.
    expect(readdirSync(join(dir, 'b'))).toEqual([]);
    recoverInterrupted(dir);
    const oldA = [...before].filter(([k]) => k.startsWith('a/')).map(([k, v]) => [k.slice(2), v] as const);
    expect(readTree(join(dir, 'a'))).toEqual(new Map(oldA));
    expect(readTree(join(dir, 'b'))).toEqual(new Map([['kustomization.yaml', gen('b: 2')]]));
    expect(leftovers(dir)).toEqual([]);
  });
});

describe('compareTree', () => {
  it('counts a hand-written file at a generated path as changed, and other hand-written files as foreign', () => {
    const { dir } = populated();
    writeFileSync(join(dir, 'b', 'store', 'y.yaml'), 'written by hand\n');
    const c = compareTree(dir, tree('b', { 'kustomization.yaml': gen('b: 1'), 'store/y.yaml': gen('y: 1') }));
    expect(c).toMatchObject({ changed: ['store/y.yaml'], unchanged: ['kustomization.yaml'], foreign: [] });
    const a = compareTree(dir, tree('a', { 'kustomization.yaml': gen('a: 1') }));
    expect(a).toMatchObject({ removed: ['query/x.yaml'], foreign: ['NOTES.md'] });
  });
});

describe('recoverInterrupted', () => {
  it('restores a swapped-out tree whose environment folder is missing', () => {
    const dir = clustersDir();
    mkdirSync(join(dir, '.a.prev-4206623', 'query'), { recursive: true });
    writeFileSync(join(dir, '.a.prev-4206623', 'query', 'x.yaml'), gen('x: 1'));
    recoverInterrupted(dir);
    expect(readdirSync(dir)).toEqual(['a']);
    expect([...readTree(join(dir, 'a'))]).toEqual([['query/x.yaml', gen('x: 1')]]);
  });

  it('drops half-built trees, and swapped-out trees whose environment folder is back', () => {
    const dir = clustersDir();
    for (const d of ['.a.next-4206649', '.b.prev-4206649', 'b']) mkdirSync(join(dir, d), { recursive: true });
    writeFileSync(join(dir, 'b', 'k.yaml'), gen('new'));
    writeFileSync(join(dir, '.b.prev-4206649', 'k.yaml'), gen('old'));
    recoverInterrupted(dir);
    expect(readdirSync(dir)).toEqual(['b']);
    expect([...readTree(join(dir, 'b'))]).toEqual([['k.yaml', gen('new')]]);
  });

  it('runs before every write', () => {
    const dir = clustersDir();
    mkdirSync(join(dir, '.a.prev-4206699'), { recursive: true });
    writeFileSync(join(dir, '.a.prev-4206699', 'k.yaml'), gen('k: 1'));
    const [a] = writeTrees(dir, [tree('a', { 'k.yaml': gen('k: 1') })]);
    expect(a?.unchanged).toEqual(['k.yaml']);
    expect(readdirSync(dir)).toEqual(['a']);
  });
});

describe('generated Markdown', () => {
  it('is recognised as generated by its HTML-comment header, so the writer may replace and prune it', () => {
    expect(isGenerated(`${generatedMarkdownHeader('environments/dev.yaml')}\n# dev\n`)).toBe(true);
    expect(isGenerated('# dev\nhand-written notes\n')).toBe(false);
  });
});
