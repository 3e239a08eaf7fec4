/**
 * The writer's smaller promises, on real temporary folders, in-process: the index of headerless files it owns,
 * what it reads and lists, the lock's messages, and the async writer's handling of SIGINT/SIGTERM (the handlers
 * it installs are called directly, so no signal reaches the test process).
 */

import { once } from 'node:events';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { describe, expect, it, vi } from 'vitest';
import {
  acquireLock,
  compareTree,
  existingEnvironments,
  handWrittenExtras,
  InterruptedError,
  LOCK_FILE,
  leftovers,
  OWNED_INDEX,
  ownedIndexText,
  ownedPaths,
  readTree,
  WriteRefusedError,
  writeTrees,
  writeTreesAsync,
} from '../src/writer.js';
import { gen, HEADER, tempDirs, tree } from './support/writer.js';

const tmp = tempDirs('writer-details-');

describe('the index of headerless files', () => {
  it('lists them sorted, one a line, under the header and a comment', () => {
    expect(ownedIndexText(HEADER, ['iam/b.json', 'iam/a.json'])).toBe(
      `${HEADER}\n# Files without a header that the generator owns (kept, changed and removed by \`generate\`):\n` +
        'iam/a.json\niam/b.json\n',
    );
    expect(ownedIndexText(HEADER, [])).toBe(
      `${HEADER}\n# Files without a header that the generator owns (kept, changed and removed by \`generate\`):\n`,
    );
  });

  it('is read back without its comment lines, and ignored when missing or hand-written', () => {
    const index = ownedIndexText(HEADER, ['iam/a.json', 'iam/b.json']);
    expect([...ownedPaths(new Map([[OWNED_INDEX, index]]))]).toEqual(['iam/a.json', 'iam/b.json']);
    expect(ownedPaths(new Map()).size).toBe(0);
    expect(ownedPaths(new Map([[OWNED_INDEX, 'iam/a.json\n']])).size).toBe(0);
  });

  it('lets the writer change and remove the headerless files it owns, and only those', () => {
    const dir = join(tmp(), 'clusters');
    const owned = (paths: string[]) => ({ [OWNED_INDEX]: ownedIndexText(HEADER, paths) });
    writeTrees(dir, [tree('a', { ...owned(['p.json', 'q.json']), 'p.json': '{"v":1}\n', 'q.json': '{}\n' })]);
    writeFileSync(join(dir, 'a', 'mine.json'), '{"hand":true}\n');
    const [c] = writeTrees(dir, [tree('a', { ...owned(['p.json']), 'p.json': '{"v":2}\n' })]);
    expect(c).toMatchObject({ changed: [OWNED_INDEX, 'p.json'], removed: ['q.json'], foreign: ['mine.json'] });
    expect(c?.collisions).toBeUndefined();
    expect(readTree(join(dir, 'a'))).toEqual(
      new Map([
        [OWNED_INDEX, ownedIndexText(HEADER, ['p.json'])],
        ['mine.json', '{"hand":true}\n'],
        ['p.json', '{"v":2}\n'],
      ]),
    );
  });
});

describe('reading a tree', () => {
  it('gives every file by its relative path, sorted, and nothing for a missing folder', () => {
    const d = tmp();
    mkdirSync(join(d, 'b', 'c'), { recursive: true });
    writeFileSync(join(d, 'z.yaml'), 'z');
    writeFileSync(join(d, 'b', 'c', 'x.yaml'), 'x');
    writeFileSync(join(d, 'b', 'a.yaml'), 'a');
    symlinkSync('z.yaml', join(d, 'link'));
    expect([...readTree(d)]).toEqual([
      ['b/a.yaml', 'a'],
      ['b/c/x.yaml', 'x'],
      ['z.yaml', 'z'],
    ]);
    expect(readTree(join(d, 'missing')).size).toBe(0);
  });

  // readdir's order is the platform's (libuv sorts by UTF-8 bytes, putting U+FF21 before U+1F600); every list the
  // writer gives is in JavaScript string order, as the generated trees are, so that it is the same everywhere.
  it('lists files, symlinks, empty folders, environments and working folders in string order, not readdir order', () => {
    const d = tmp();
    const clusters = join(tmp(), 'clusters');
    const [emoji, wide] = ['\u{1F600}', '\uFF21'];
    for (const name of [wide, emoji]) {
      writeFileSync(join(d, `${name}.yaml`), name);
      symlinkSync('x', join(d, `${name}.link`));
      mkdirSync(join(d, `${name}.empty`));
      mkdirSync(join(clusters, name), { recursive: true });
      mkdirSync(join(clusters, `.${name}.next-1`));
    }
    expect(readdirSync(d).indexOf(`${wide}.yaml`)).toBeLessThan(readdirSync(d).indexOf(`${emoji}.yaml`));
    expect([...readTree(d).keys()]).toEqual([`${emoji}.yaml`, `${wide}.yaml`]);
    expect(handWrittenExtras(d)).toEqual({
      symlinks: [
        [`${emoji}.link`, 'x'],
        [`${wide}.link`, 'x'],
      ],
      emptyDirs: [`${emoji}.empty`, `${wide}.empty`],
    });
    expect(existingEnvironments(clusters)).toEqual([emoji, wide]);
    expect(leftovers(clusters)).toEqual([`.${emoji}.next-1`, `.${wide}.next-1`]);
  });

  it('finds symlinks and empty folders, at any depth, but not the root itself', () => {
    const d = tmp();
    expect(handWrittenExtras(d)).toEqual({ symlinks: [], emptyDirs: [] });
    mkdirSync(join(d, 'n', 'deep'), { recursive: true });
    mkdirSync(join(d, 'e'));
    symlinkSync('../x', join(d, 'n', 'l2'));
    symlinkSync('x', join(d, 'l1'));
    expect(handWrittenExtras(d)).toEqual({
      symlinks: [
        ['l1', 'x'],
        ['n/l2', '../x'],
      ],
      emptyDirs: ['e', 'n/deep'],
    });
    expect(handWrittenExtras(join(d, 'missing'))).toEqual({ symlinks: [], emptyDirs: [] });
  });
});

describe('the clusters folder', () => {
  it('lists environment folders sorted, without files or hidden working folders', () => {
    const dir = join(tmp(), 'clusters');
    expect(existingEnvironments(dir)).toEqual([]);
    for (const d of ['prod', 'dev', '.dev.next-1', 'argocd']) mkdirSync(join(dir, d), { recursive: true });
    writeFileSync(join(dir, 'README.md'), 'x');
    expect(existingEnvironments(dir)).toEqual(['argocd', 'dev', 'prod']);
  });

  it('lists the working folders an interrupted run left, sorted', () => {
    const dir = join(tmp(), 'clusters');
    expect(leftovers(dir)).toEqual([]);
    for (const d of ['b', '.b.prev-12', '.a.next-3', '.a.next-x', 'a.next-3', '.a.next-3.bak', 'mine.a.next-3']) {
      mkdirSync(join(dir, d), { recursive: true });
    }
    expect(leftovers(dir)).toEqual(['.a.next-3', '.b.prev-12']);
  });

  it('reports a tree that is up to date as unchanged, and writes nothing', () => {
    const dir = join(tmp(), 'clusters');
    writeTrees(dir, [tree('a', { 'k.yaml': gen('k: 1') })]);
    const before = readFileSync(join(dir, 'a', 'k.yaml'));
    const [c] = writeTrees(dir, [tree('a', { 'k.yaml': gen('k: 1') })]);
    expect(c).toEqual({ env: 'a', added: [], changed: [], unchanged: ['k.yaml'], removed: [], foreign: [] });
    expect(readFileSync(join(dir, 'a', 'k.yaml'))).toEqual(before);
    expect(compareTree(dir, tree('new', { 'k.yaml': gen('k') }))).toEqual({
      env: 'new',
      added: ['k.yaml'],
      changed: [],
      unchanged: [],
      removed: [],
      foreign: [],
    });
  });

  it('removes an emptied environment folder, but keeps it while hand-written files are in it', () => {
    const dir = join(tmp(), 'clusters');
    writeTrees(dir, [tree('a', { 'k.yaml': gen('k') }), tree('b', { 'k.yaml': gen('k') })]);
    writeFileSync(join(dir, 'b', 'notes.md'), 'mine\n');
    writeTrees(dir, [tree('a', {}), tree('b', {})]);
    expect(readdirSync(dir).sort()).toEqual(['b']);
    expect([...readTree(join(dir, 'b'))]).toEqual([['notes.md', 'mine\n']]);
  });

  it('names every hand-written file it refuses to overwrite, with its environment', () => {
    const dir = join(tmp(), 'clusters');
    writeTrees(dir, [tree('a', { 'x.yaml': gen('x'), 'y.yaml': gen('y') })]);
    writeFileSync(join(dir, 'a', 'x.yaml'), 'mine\n');
    writeFileSync(join(dir, 'a', 'y.yaml'), 'mine too\n');
    const attempt = () => writeTrees(dir, [tree('a', { 'x.yaml': gen('x2'), 'y.yaml': gen('y2') })]);
    expect(attempt).toThrow(
      new WriteRefusedError(
        `refusing to overwrite hand-written files at paths the generator writes: ${join(dir, 'a', 'x.yaml')} ` +
          `(hand-written; the generator renders it from a), ${join(dir, 'a', 'y.yaml')} (hand-written; the ` +
          'generator renders it from a). Move or rename them (files the generator owns start with its header line)',
      ),
    );
    expect(compareTree(dir, tree('a', { 'x.yaml': gen('x2'), 'y.yaml': gen('y2') })).collisions).toEqual([
      'x.yaml',
      'y.yaml',
    ]);
  });
});

describe('the lock', () => {
  it('says who holds it, and frees it on release', () => {
    const dir = tmp();
    const release = acquireLock(dir, 0);
    const owner = JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8'));
    expect(Object.keys(owner)).toEqual(['pid', 'host', 'started']);
    expect(new Date(owner.started).toISOString()).toBe(owner.started);
    expect(() => acquireLock(dir, 0)).toThrow(
      `${join(dir, LOCK_FILE)} is held by process ${process.pid} on ${hostname()}, since ${owner.started}: another ` +
        'generate is writing this clusters folder. Wait for it, or remove the lock file if you are sure that ' +
        'process is gone',
    );
    release();
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
    const again = acquireLock(dir, 0);
    rmSync(join(dir, LOCK_FILE)); // removed by hand, as the refusal suggests: releasing is still fine
    again();
  });

  it('waits for a lock it cannot read, then names no one', () => {
    const dir = tmp();
    writeFileSync(join(dir, LOCK_FILE), 'not json');
    expect(() => acquireLock(dir, 120)).toThrow(/ is held by another process: another generate/);
    expect(readFileSync(join(dir, LOCK_FILE), 'utf8')).toBe('not json');
  });

  it('waits while its holder runs, and takes it once released', async () => {
    const dir = tmp();
    const path = join(dir, LOCK_FILE);
    // Another thread of this process holds it, and releases it a moment after this thread starts waiting.
    const holder = new Worker(
      `const { parentPort, workerData } = require('node:worker_threads');
      const { rmSync, writeFileSync } = require('node:fs');
      writeFileSync(workerData.path, workerData.owner);
      parentPort.postMessage('held');
      setTimeout(() => rmSync(workerData.path), 200);`,
      { eval: true, workerData: { path, owner: JSON.stringify({ pid: process.pid, host: hostname(), started: 'x' }) } },
    );
    await once(holder, 'message');
    const release = acquireLock(dir, 60_000);
    expect(JSON.parse(readFileSync(path, 'utf8'))).toMatchObject({ pid: process.pid, host: hostname() });
    expect(JSON.parse(readFileSync(path, 'utf8')).started).not.toBe('x');
    release();
    await once(holder, 'exit');
  });

  it("counts a process it may not signal (EPERM: another user's) as running, and one that is gone as not", () => {
    const dir = tmp();
    const path = join(dir, LOCK_FILE);
    writeFileSync(path, JSON.stringify({ pid: 4242, host: hostname(), started: 'x' }));
    const kill = vi.spyOn(process, 'kill').mockImplementation(() => {
      throw Object.assign(new Error('kill EPERM'), { code: 'EPERM' });
    });
    try {
      expect(() => acquireLock(dir, 0)).toThrow(`${path} is held by process 4242 on ${hostname()}, since x:`);
      kill.mockImplementation(() => {
        throw Object.assign(new Error('kill ESRCH'), { code: 'ESRCH' });
      });
      acquireLock(dir, 0)();
    } finally {
      kill.mockRestore();
    }
    expect(existsSync(path)).toBe(false);
  });

  it('fails with the file system error when the folder cannot hold it', () => {
    expect(() => acquireLock(join(tmp(), 'missing'), 0)).toThrow(/ENOENT/);
  });
});

describe('writeTreesAsync', () => {
  const listeners = () => [...process.listeners('SIGINT'), ...process.listeners('SIGTERM')];

  it('writes like writeTrees, and removes its signal handlers', async () => {
    const dir = join(tmp(), 'clusters');
    const before = listeners();
    const result = await writeTreesAsync(dir, [tree('a', { 'k.yaml': gen('k'), 'l.yaml': gen('l') })]);
    expect(result).toEqual({
      changes: [{ env: 'a', added: ['k.yaml', 'l.yaml'], changed: [], unchanged: [], removed: [], foreign: [] }],
    });
    expect(listeners()).toEqual(before);
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
  });

  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    it(`rolls everything back on ${signal} before the swap`, async () => {
      const dir = join(tmp(), 'clusters');
      writeTrees(dir, [tree('a', { 'k.yaml': gen('old') })]);
      const before = new Set(process.listeners(signal));
      const files = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`f${i}.yaml`, gen(`new ${i}`)]));
      const writing = writeTreesAsync(dir, [tree('a', files)]);
      const handlers = process.listeners(signal).filter((l) => !before.has(l));
      expect(handlers).toHaveLength(1);
      (handlers[0] as (s: NodeJS.Signals) => void)(signal);
      const error = await writing.catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InterruptedError);
      expect((error as InterruptedError).signal).toBe(signal);
      expect((error as Error).message).toBe(`interrupted by ${signal}: nothing was changed`);
      expect(readdirSync(dir)).toEqual(['a']);
      expect([...readTree(join(dir, 'a'))]).toEqual([['k.yaml', gen('old')]]);
      expect(process.listeners(signal).filter((l) => !before.has(l))).toEqual([]);
    });
  }
});
