/**
 * Fault injection on the writer, with real processes: random SIGKILLs while writing (each environment is
 * all-old or all-new after recovery), two runs at once (the lock serialises them, never a mixed tree), SIGINT and
 * SIGTERM during a write (rolled back with 130/143, or finished with 0), and the ownership and lock rules.
 * Rounds are bounded so the file stays a few seconds even on a loaded 2-core machine.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { generatedHeader, isGenerated } from '../src/header.js';
import {
  acquireLock,
  compareTree,
  type EnvironmentTree,
  LOCK_FILE,
  leftovers,
  readTree,
  recoverInterrupted,
  WriteRefusedError,
  writeTrees,
} from '../src/writer.js';
import { tempDirs } from './support/writer.js';

const CHILD = fileURLToPath(new URL('./fixtures/write-child.mjs', import.meta.url));
const DIST = fileURLToPath(new URL('../dist/index.js', import.meta.url));
const FILES = 80;
/** SIGKILL rounds: 10 in the suite; `FAULT_ROUNDS=200 npx vitest run …writer-faults` for a long soak. */
const KILL_ROUNDS = Number(process.env.FAULT_ROUNDS ?? 10);

const temp = tempDirs('writer-faults-');
const clustersDir = () => join(temp(), 'clusters');

/** The trees write-child.mjs writes for `label`. */
function trees(label: string): EnvironmentTree[] {
  return ['e1', 'e2'].map((env) => ({
    env,
    files: new Map(
      Array.from({ length: FILES }, (_, i): [string, string] => [
        `c${i % 7}/f${i}.yaml`,
        `${generatedHeader(`environments/${env}.yaml`)}\nlabel: ${label}\nindex: ${i}\n`,
      ]),
    ),
  }));
}

/** Which complete tree an environment folder holds: the label, or 'mixed' when it is neither. */
function stateOf(dir: string, env: string, labels: string[]): string {
  const on = readTree(join(dir, env));
  for (const label of labels) {
    const want = trees(label).find((t) => t.env === env)?.files ?? new Map();
    if (on.size === want.size && [...want].every(([p, t]) => on.get(p) === t)) return label;
  }
  return `mixed (${on.size} files)`;
}

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  out: string;
  err: string;
}

function child(dir: string, label: string): { proc: ChildProcess; started: Promise<void>; exit: Promise<Exit> } {
  const proc = spawn(process.execPath, [CHILD, dir, label, String(FILES)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  let onStart: () => void = () => {};
  const started = new Promise<void>((resolve) => {
    onStart = resolve;
  });
  proc.stdout?.on('data', (d) => {
    out += String(d);
    if (out.includes('writing')) onStart();
  });
  proc.stderr?.on('data', (d) => {
    err += String(d);
  });
  const exit = new Promise<Exit>((resolve) =>
    proc.on('exit', (code, signal) => {
      onStart();
      resolve({ code, signal, out, err });
    }),
  );
  return { proc, started, exit };
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** What the next `generate` does first: take the lock (a dead owner's lock is stale) and recover. */
function recover(dir: string): void {
  const release = acquireLock(dir, 10_000);
  try {
    recoverInterrupted(dir);
  } finally {
    release();
  }
}

beforeAll(() => {
  if (!existsSync(DIST)) throw new Error(`${DIST} is missing: build output first (pnpm build)`);
});

// Every round starts node processes: allow minutes on a loaded machine (each test takes seconds alone).
describe('fault injection', { timeout: 600_000 }, () => {
  // A soak's limit grows with its rounds (each round starts a node process; a loaded 2-core machine needs seconds).
  const limit = Math.max(600_000, KILL_ROUNDS * 20_000);
  it(`leaves each environment all-old or all-new after ${KILL_ROUNDS} random SIGKILLs during writes`, {
    timeout: limit,
  }, async () => {
    const dir = clustersDir();
    writeTrees(dir, trees('v0'));
    const seen = { killedMidWrite: 0, failures: [] as string[] };
    for (let round = 1; round <= KILL_ROUNDS; round++) {
      const before = `v${round - 1}`;
      const c = child(dir, `v${round}`);
      await c.started;
      await pause(Math.floor(Math.random() * 40));
      c.proc.kill('SIGKILL');
      const exit = await c.exit;
      if (exit.signal === 'SIGKILL') seen.killedMidWrite++;
      recover(dir);
      for (const env of ['e1', 'e2']) {
        const state = stateOf(dir, env, [before, `v${round}`]);
        if (state.startsWith('mixed')) seen.failures.push(`round ${round}, ${env}: ${state}`);
      }
      if (leftovers(dir).length > 0) seen.failures.push(`round ${round}: left over ${leftovers(dir).join(', ')}`);
      // The next round starts from whatever this one left, relabelled, so "before" is always one label.
      writeTrees(dir, trees(`v${round}`));
    }
    // The figures of the run, for soaks (`FAULT_ROUNDS=200`): rounds, kills that landed mid-write, failures.
    console.info(
      `fault injection: ${KILL_ROUNDS} rounds, ${seen.killedMidWrite} killed mid-write, ${seen.failures.length} failures`,
    );
    expect(seen.failures).toEqual([]);
    expect(seen.killedMidWrite).toBeGreaterThan(0);
  });

  it('serialises two generate runs on one clusters folder: each tree is complete, never mixed', async () => {
    for (let round = 0; round < 2; round++) {
      const dir = clustersDir();
      writeTrees(dir, trees('old'));
      const [a, b] = [child(dir, 'A'), child(dir, 'B')];
      const [ea, eb] = await Promise.all([a.exit, b.exit]);
      expect(
        [ea.code, eb.code].every((c) => c === 0 || c === 4),
        `${ea.err}${eb.err}`,
      ).toBe(true);
      for (const env of ['e1', 'e2']) expect(['A', 'B']).toContain(stateOf(dir, env, ['A', 'B']));
      expect(stateOf(dir, 'e1', ['A', 'B'])).toBe(stateOf(dir, 'e2', ['A', 'B']));
      expect(leftovers(dir)).toEqual([]);
      expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
    }
  });

  it.each([
    ['SIGTERM', 143],
    ['SIGINT', 130],
  ] as const)('%s during a write rolls back with %i, or lets a swap that began finish with 0', async (signal, code) => {
    for (let round = 0; round < 2; round++) {
      const dir = clustersDir();
      writeTrees(dir, trees('old'));
      const c = child(dir, 'new');
      await c.started;
      await pause(round * 5);
      c.proc.kill(signal);
      const exit = await c.exit;
      expect([code, 0], exit.err).toContain(exit.code);
      const expected = exit.code === 0 ? 'new' : 'old';
      for (const env of ['e1', 'e2']) expect(stateOf(dir, env, ['old', 'new'])).toBe(expected);
      expect(leftovers(dir)).toEqual([]);
      expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
    }
  });
});

describe('the lock', () => {
  it('holds pid and host, and refuses a second writer while its owner lives', () => {
    const dir = clustersDir();
    mkdirSync(dir, { recursive: true });
    const release = acquireLock(dir);
    const owner = JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8'));
    expect(owner).toMatchObject({ pid: process.pid, host: hostname() });
    expect(() => acquireLock(dir, 100)).toThrow(WriteRefusedError);
    expect(() => acquireLock(dir, 100)).toThrow(/held by process [0-9]+ on /);
    release();
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
  });

  it("refuses while a live run holds it, and never touches that run's staging folders", () => {
    const dir = clustersDir();
    writeTrees(dir, trees('a'));
    // A live run (this process) holds the lock and is building e1's next tree.
    const release = acquireLock(dir);
    const staging = join(dir, `.e1.next-${process.pid}`);
    mkdirSync(staging);
    writeFileSync(join(staging, 'half.yaml'), 'being written\n');
    try {
      expect(() => writeTrees(dir, trees('b'), { lockWaitMs: 100 })).toThrow(
        /held by process [0-9]+ on .*another generate/,
      );
      expect(readTree(staging)).toEqual(new Map([['half.yaml', 'being written\n']]));
      expect(stateOf(dir, 'e1', ['a'])).toBe('a');
    } finally {
      release();
    }
    // Once that run is gone, the next one recovers (drops the half-built tree) and writes.
    writeTrees(dir, trees('b'));
    expect(existsSync(staging)).toBe(false);
    expect(stateOf(dir, 'e1', ['b'])).toBe('b');
  });

  it('takes over a lock whose process is gone, but never one held from another host', () => {
    const dir = clustersDir();
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ pid: 2 ** 22 + 12345, host: hostname(), started: 'x' }));
    writeTrees(dir, trees('a'));
    expect(stateOf(dir, 'e1', ['a'])).toBe('a');
    writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ pid: 2 ** 22 + 12345, host: 'elsewhere', started: 'x' }));
    expect(() => acquireLock(dir, 100)).toThrow(/elsewhere/);
  });
});

describe('ownership', () => {
  const header = generatedHeader('environments/e1.yaml');

  it('owns a file only when its first line is exactly the generated header', () => {
    expect(isGenerated(`${header}\nx: 1\n`)).toBe(true);
    expect(isGenerated('# Generated by thanos-gitops-legacy from somewhere. Do not edit.\nx: 1\n')).toBe(false);
    expect(isGenerated(`${header} (edited)\nx: 1\n`)).toBe(false);
    expect(isGenerated(`x: 1\n${header}\n`)).toBe(false);
  });

  it('never removes a file with a look-alike header, and lists it', () => {
    const dir = clustersDir();
    writeTrees(dir, trees('a'));
    const legacy = '# Generated by thanos-gitops-legacy v1\nkind: ConfigMap\n';
    writeFileSync(join(dir, 'e1', 'legacy.yaml'), legacy);
    const [c] = writeTrees(dir, trees('b'));
    expect(readFileSync(join(dir, 'e1', 'legacy.yaml'), 'utf8')).toBe(legacy);
    expect(c?.foreign).toEqual(['legacy.yaml']);
  });

  it('refuses to overwrite a hand-written file at a generated path, naming it, and changes nothing', () => {
    const dir = clustersDir();
    writeTrees(dir, trees('a'));
    writeFileSync(join(dir, 'e1', 'c0', 'f0.yaml'), 'written by hand\n');
    const before = readTree(join(dir, 'e1'));
    expect(() => writeTrees(dir, trees('b'))).toThrow(WriteRefusedError);
    expect(() => writeTrees(dir, trees('b'))).toThrow(/e1\/c0\/f0\.yaml \(hand-written/);
    expect(readTree(join(dir, 'e1'))).toEqual(before);
    expect(stateOf(dir, 'e2', ['a'])).toBe('a');
  });

  it('keeps hand-written symlinks and empty folders, and lists them', () => {
    const dir = clustersDir();
    writeTrees(dir, trees('a'));
    symlinkSync('../README.md', join(dir, 'e1', 'readme-link'));
    mkdirSync(join(dir, 'e1', 'notes', 'empty'), { recursive: true });
    const [c] = writeTrees(dir, trees('b'));
    expect(readdirSync(join(dir, 'e1'))).toEqual(expect.arrayContaining(['readme-link', 'notes']));
    expect(existsSync(join(dir, 'e1', 'notes', 'empty'))).toBe(true);
    expect(c?.foreign).toEqual(expect.arrayContaining(['readme-link', 'notes/empty/']));
    expect(compareTree(dir, trees('b')[0] as EnvironmentTree).foreign).toContain('readme-link');
  });

  it('refuses clusters/<env> that is a symlink instead of replacing it with a folder', () => {
    const dir = clustersDir();
    writeTrees(dir, trees('a'));
    const elsewhere = join(dir, '..', 'elsewhere');
    mkdirSync(elsewhere);
    rmSync(join(dir, 'e2'), { recursive: true });
    symlinkSync(elsewhere, join(dir, 'e2'));
    expect(() => writeTrees(dir, trees('b'))).toThrow(/e2 is a symlink/);
    expect(stateOf(dir, 'e1', ['a'])).toBe('a');
  });
});
