/**
 * Ordinary file-system problems and the writer after failures, through the command: each problem is one line
 * naming the path, exit 4, a stack trace only with --debug, and `clusters/` as it was (or, after the swap, a
 * next run that recovers and a `check` that fails meanwhile). Tests run as root, where permissions do not refuse
 * anything, so EACCES, ENOSPC and EROFS are injected through the writer's file-system seam (`writerFs`);
 * a folder where a file must go and a missing folder are real.
 */
import { existsSync, mkdirSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { acquireLock, readTree, writerFs } from '@thanos-gitops/output';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cliIn, generatedIn, smallWorkspace, VALID, type Workspace } from './helpers.js';

/** Every file, symlink and folder under clusters/, working folders included. */
const listing = (dir: string) => readdirSync(dir, { recursive: true, encoding: 'utf8' }).sort();
const workingFolders = (dir: string) => readdirSync(dir).filter((e) => /^\..*\.(next|prev)-[0-9]+$/.test(e));

/** An error as Node's fs throws it; `path` absent as for a failed write of an open file. */
function sysError(code: string, syscall: string, path?: string): NodeJS.ErrnoException {
  const err: NodeJS.ErrnoException = new Error(`${code}: simulated, ${syscall}${path ? ` '${path}'` : ''}`);
  err.code = code;
  err.syscall = syscall;
  if (path !== undefined) err.path = path;
  return err;
}

/** Changes the environment `one` so that the next generate writes. */
function editOne(ws: Workspace, n: number): void {
  writeFileSync(
    join(ws.environments, 'one.yaml'),
    `${VALID.replace('name: valid', 'name: one').replace('acme-thanos-valid', 'acme-thanos-one')}query:\n  replicas: ${n}\n`,
  );
}

/** A one-line failure: the path, the words, the code; no stack frames. */
function expectOneLine(err: string, ...parts: string[]): void {
  const lines = err.split('\n').filter(Boolean);
  expect(lines, err).toHaveLength(1);
  expect(lines[0]?.startsWith('thanos-gitops: ')).toBe(true);
  for (const p of parts) expect(lines[0]).toContain(p);
  expect(err).not.toMatch(/^\s+at /m);
  expect(err).not.toContain('internal error');
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('an ordinary file-system problem is one line naming the path, exit 4, clusters/ unchanged', () => {
  it('EACCES while writing a file (injected), and its stack trace only with --debug', async () => {
    const ws = await generatedIn(smallWorkspace());
    editOne(ws, 3);
    const before = listing(ws.clusters);
    const tree = readTree(ws.clusters);
    vi.spyOn(writerFs, 'writeFileSync').mockImplementation((path) => {
      throw sysError('EACCES', 'open', String(path));
    });
    const run = await cliIn(ws, 'generate');
    expect(run.code).toBe(4);
    expectOneLine(
      run.err,
      `${ws.clusters}/.one.next-${process.pid}/`,
      'permission denied (EACCES)',
      'nothing was changed',
    );
    expect(listing(ws.clusters)).toEqual(before);
    expect(readTree(ws.clusters)).toEqual(tree);

    const debug = await cliIn(ws, 'generate', '--debug');
    expect(debug.code).toBe(4);
    expect(debug.err.split('\n')[0]).toContain('permission denied (EACCES)');
    expect(debug.err).toMatch(/^\s+at /m);
  });

  it('ENOSPC while writing (injected, without a path, as a failed write of an open file has none)', async () => {
    const ws = await generatedIn(smallWorkspace());
    editOne(ws, 3);
    const tree = readTree(ws.clusters);
    let calls = 0;
    vi.spyOn(writerFs, 'writeFileSync').mockImplementation(() => {
      calls++;
      throw sysError('ENOSPC', 'write');
    });
    const run = await cliIn(ws, 'generate');
    expect(calls).toBe(1);
    expect(run.code).toBe(4);
    expectOneLine(run.err, `${ws.clusters}/.one.next-${process.pid}/`, 'no space left on the device (ENOSPC)');
    expect(readTree(ws.clusters)).toEqual(tree);
    expect(workingFolders(ws.clusters)).toEqual([]);
  });

  it('EISDIR: a folder of hand-written files where generate writes a file (real)', async () => {
    const ws = await generatedIn(smallWorkspace());
    const folder = join(ws.clusters, 'one', 'kustomization.yaml');
    const kustomization = readTree(join(ws.clusters, 'one')).get('kustomization.yaml');
    expect(kustomization).toBeDefined();
    writerFs.rmSync(folder);
    mkdirSync(folder);
    writeFileSync(join(folder, 'notes.txt'), 'mine\n');
    const before = listing(ws.clusters);
    const run = await cliIn(ws, 'generate');
    expect(run.code).toBe(4);
    expectOneLine(run.err, `${folder}/ is a folder of hand-written files where a file goes`, 'nothing was changed');
    expect(listing(ws.clusters)).toEqual(before);
  });

  it('EISDIR and ENOTDIR raised by the file system itself (injected) name the path', async () => {
    const ws = await generatedIn(smallWorkspace());
    editOne(ws, 2);
    vi.spyOn(writerFs, 'writeFileSync').mockImplementation((path) => {
      throw sysError('EISDIR', 'open', String(path));
    });
    const run = await cliIn(ws, 'generate');
    expect(run.code).toBe(4);
    expectOneLine(run.err, `${ws.clusters}/.one.next-`, 'is a folder where a file must go (EISDIR)');
    vi.restoreAllMocks();
    // A real one: --clusters inside a file.
    const file = join(ws.root, 'a-file');
    writeFileSync(file, 'x\n');
    const inside = await cliIn(ws, 'generate', '--clusters', join(file, 'clusters'));
    expect(inside.code).toBe(4);
    expectOneLine(inside.err, file, '(ENOTDIR)');
  });

  it('a hand-written file where generate needs a folder (real)', async () => {
    const ws = await generatedIn(smallWorkspace());
    writerFs.rmSync(join(ws.clusters, 'one', 'query'), { recursive: true });
    writeFileSync(join(ws.clusters, 'one', 'query'), 'mine\n');
    const before = listing(ws.clusters);
    const run = await cliIn(ws, 'generate');
    expect(run.code).toBe(4);
    expectOneLine(run.err, `${join(ws.clusters, 'one', 'query')} is a hand-written file where a folder goes`);
    expect(listing(ws.clusters)).toEqual(before);
  });

  it('a missing environments folder (real)', async () => {
    const ws = smallWorkspace();
    for (const command of ['generate', 'check', 'validate', 'diff']) {
      const run = await cliIn({ ...ws, environments: join(ws.root, 'nowhere') }, command);
      expect(run.code, command).toBe(4);
      expectOneLine(run.err, `${join(ws.root, 'nowhere')}: no such folder (ENOENT)`);
    }
    expect(existsSync(ws.clusters)).toBe(false);
  });
});

describe('the writer after failures', () => {
  it('a failure after the swap (the old tree cannot be removed) leaves generate usable, and check fails meanwhile', async () => {
    const ws = await generatedIn(smallWorkspace());
    editOne(ws, 3);
    const rm = writerFs.rmSync;
    const refuse = vi.spyOn(writerFs, 'rmSync').mockImplementation((path, options) => {
      if (String(path).includes('.one.prev-')) throw sysError('EROFS', 'rmdir', String(path));
      rm(path, options);
    });
    const failed = await cliIn(ws, 'generate');
    expect(failed.code).toBe(4);
    expectOneLine(
      failed.err,
      'is on a read-only file system (EROFS)',
      'the new trees are in place',
      'run generate again',
    );
    const prev = `.one.prev-${process.pid}`;
    expect(workingFolders(ws.clusters)).toEqual([prev]);

    // check never says "up to date" while a working folder is left over.
    const check = await cliIn(ws, 'check');
    expect(check.code).toBe(1);
    expect(check.out).not.toContain('up to date');
    expect(check.err).toContain(`${prev} (left over from an interrupted generate)`);

    // While the file system still refuses, the next run explains what to fix and changes nothing.
    const again = await cliIn(ws, 'generate');
    expect(again.code).toBe(4);
    expectOneLine(again.err, `cannot clean up ${join(ws.clusters, prev)}`, 'fix its permissions');

    refuse.mockRestore();
    const fixed = await cliIn(ws, 'generate');
    expect(fixed.err).toBe('');
    expect(fixed.code).toBe(0);
    expect(workingFolders(ws.clusters)).toEqual([]);
    expect(await cliIn(ws, 'check')).toMatchObject({ code: 0, out: 'clusters/ is up to date (2 folders).\n' });
  });

  it('check, while a generate is writing, fails and says a run is under way rather than "up to date"', async () => {
    const ws = await generatedIn(smallWorkspace());
    const release = acquireLock(ws.clusters);
    const staging = join(ws.clusters, `.one.next-${process.pid}`);
    mkdirSync(staging);
    try {
      const check = await cliIn(ws, 'check');
      expect(check.code).toBe(1);
      expect(check.out).not.toContain('up to date');
      expect(check.err).toContain(
        `.one.next-${process.pid} (being written by a generate running now: process ${process.pid}`,
      );
    } finally {
      release();
    }
    expect(existsSync(staging)).toBe(true);
    const run = await cliIn(ws, 'generate');
    expect(run.code).toBe(0);
    expect(existsSync(staging)).toBe(false);
    expect((await cliIn(ws, 'check')).code).toBe(0);
  });

  it('a hand-written file added to clusters/<env>/ while generate runs (between render and swap) is kept', async () => {
    const ws = await generatedIn(smallWorkspace());
    editOne(ws, 3);
    const rename = writerFs.renameSync;
    const added = join(ws.clusters, 'one', 'added-meanwhile.md');
    vi.spyOn(writerFs, 'renameSync').mockImplementation((from, to) => {
      // The new trees are built; while the old one is being moved out, someone saves a file into its folder.
      if (String(from).startsWith(join(ws.clusters, 'one', '/')) && !existsSync(added)) writeFileSync(added, 'notes\n');
      rename(from, to);
    });
    const run = await cliIn(ws, 'generate');
    expect(run.code).toBe(0);
    expect(readTree(join(ws.clusters, 'one')).get('added-meanwhile.md')).toBe('notes\n');
    expect(readTree(join(ws.clusters, 'one')).get('query/deployment-thanos-query.yaml')).toContain('replicas: 3');
    expect(workingFolders(ws.clusters)).toEqual([]);
  });

  it('hand-written symlinks and empty folders under clusters/<env> survive a rewrite and are listed', async () => {
    const ws = await generatedIn(smallWorkspace());
    symlinkSync('../two/kustomization.yaml', join(ws.clusters, 'one', 'link-to-two'));
    mkdirSync(join(ws.clusters, 'one', 'later', 'empty'), { recursive: true });
    editOne(ws, 3);
    const run = await cliIn(ws, 'generate');
    expect(run.code).toBe(0);
    expect(run.out).toContain('one: not generated, left alone: link-to-two, later/empty/');
    expect(readdirSync(join(ws.clusters, 'one'))).toEqual(expect.arrayContaining(['link-to-two', 'later']));
    expect(existsSync(join(ws.clusters, 'one', 'later', 'empty'))).toBe(true);
  });

  it('clusters/<env> that is a symlink is refused with a message, not replaced by a folder', async () => {
    const ws = await generatedIn(smallWorkspace());
    const elsewhere = join(ws.root, 'elsewhere');
    mkdirSync(elsewhere);
    writerFs.rmSync(join(ws.clusters, 'two'), { recursive: true });
    symlinkSync(elsewhere, join(ws.clusters, 'two'));
    const run = await cliIn(ws, 'generate');
    expect(run.code).toBe(4);
    expectOneLine(run.err, `${join(ws.clusters, 'two')} is a symlink (to ${elsewhere})`, 'will not replace a symlink');
    expect(readdirSync(elsewhere)).toEqual([]);
  });
});

describe('a signal during the write, through the command', () => {
  /** Delivers `signal` to the handler the writer installed (the last one), as the kernel would, without killing us. */
  const deliver = (signal: NodeJS.Signals) => {
    const handler = process.listeners(signal).at(-1);
    expect(handler).toBeDefined();
    (handler as (s: NodeJS.Signals) => void)(signal);
  };

  for (const [signal, code] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const) {
    it(`${signal} while the new trees are built rolls back and exits ${code}`, async () => {
      const ws = await generatedIn(smallWorkspace());
      editOne(ws, 3);
      const before = listing(ws.clusters);
      const tree = readTree(ws.clusters);
      const listeners = process.listenerCount(signal);
      const write = writerFs.writeFileSync;
      let n = 0;
      vi.spyOn(writerFs, 'writeFileSync').mockImplementation((path, data) => {
        if (++n === 2) deliver(signal);
        write(path, data);
      });
      const run = await cliIn(ws, 'generate');
      expect(run.code).toBe(code);
      expect(run.err).toBe(`thanos-gitops: interrupted by ${signal}: nothing was changed\n`);
      expect(listing(ws.clusters)).toEqual(before);
      expect(readTree(ws.clusters)).toEqual(tree);
      expect(process.listenerCount(signal)).toBe(listeners);
    });
  }

  it('a signal once the swap began lets the write finish, exit 0, and says so', async () => {
    const ws = await generatedIn(smallWorkspace());
    editOne(ws, 3);
    const rename = writerFs.renameSync;
    let n = 0;
    vi.spyOn(writerFs, 'renameSync').mockImplementation((from, to) => {
      if (++n === 1) deliver('SIGTERM');
      rename(from, to);
    });
    const run = await cliIn(ws, 'generate');
    expect(run.code).toBe(0);
    expect(run.err).toContain('SIGTERM arrived while swapping in the new trees: the write finished.');
    expect(readTree(join(ws.clusters, 'one')).get('query/deployment-thanos-query.yaml')).toContain('replicas: 3');
    expect(workingFolders(ws.clusters)).toEqual([]);
  });
});
