/**
 * The bad-input corpus. Every `fixtures/bad/<name>.yaml` (or every file of a `fixtures/bad/<name>/` folder)
 * is wrong in the one way its name says, and `fixtures/bad/<name>.expected` holds the exact problems, one per
 * line, as `formatProblem` prints them for files loaded as `environments/<file>`.
 *
 * Each case is checked twice: through the in-memory pipeline (`renderEnvironments`: load-time rules, then the
 * rules found while rendering and the scan for credentials), and through the CLI's `generate` (run in-process),
 * which must exit 1, print exactly those problems and leave an existing `clusters/` folder untouched.
 *
 * After an intended change of wording, `UPDATE_BAD_FIXTURES=1 npx vitest run packages/cli/test/bad-inputs.test.ts`
 * rewrites the `.expected` files; review their diff like any other change.
 */
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SourceFile } from '@thanos-gitops/input';
import { formatProblem, InvalidEnvironmentError } from '@thanos-gitops/problems';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../src/main.js';
import { renderEnvironments } from '../src/render.js';
import { VALID } from './helpers.js';

const BAD = fileURLToPath(new URL('./fixtures/bad/', import.meta.url));
const UPDATE = process.env.UPDATE_BAD_FIXTURES === '1';

interface Case {
  name: string;
  /** Files as the CLI names them when run from the repository root: `environments/<file>`. */
  files: SourceFile[];
  expected: string[];
}

function corpus(): Case[] {
  const cases: Case[] = [];
  for (const entry of readdirSync(BAD, { withFileTypes: true })) {
    const yaml = /^(.*)\.ya?ml$/.exec(entry.name);
    let name: string;
    let fileNames: string[];
    let dir = BAD;
    if (entry.isDirectory()) {
      name = entry.name;
      dir = join(BAD, name);
      fileNames = readdirSync(dir).filter((f) => /\.ya?ml$/.test(f));
    } else if (yaml?.[1]) {
      name = yaml[1];
      fileNames = [entry.name];
    } else continue;
    const files = fileNames
      .sort()
      .map((f) => ({ path: `environments/${f}`, text: readFileSync(join(dir, f), 'utf8') }));
    cases.push({ name, files, expected: expectedLines(name) });
  }
  return cases.sort((a, b) => a.name.localeCompare(b.name));
}

function expectedLines(name: string): string[] {
  try {
    return readFileSync(join(BAD, `${name}.expected`), 'utf8')
      .split('\n')
      .filter(Boolean);
  } catch {
    return [];
  }
}

/** The formatted problems of loading and rendering `files`, or a failure when they render. */
function problemsOf(files: readonly SourceFile[]): string[] {
  try {
    renderEnvironments(files);
  } catch (err) {
    if (err instanceof InvalidEnvironmentError) return err.problems.map(formatProblem);
    throw err;
  }
  throw new Error('expected the files to be rejected, but they loaded');
}

interface Run {
  code: number;
  out: string;
  err: string;
}

async function cli(argv: string[]): Promise<Run> {
  const run = { code: 0, out: '', err: '' };
  run.code = await main(argv, {
    out: (t) => {
      run.out += t;
    },
    err: (t) => {
      run.err += t;
    },
    color: false,
  });
  return run;
}

/** Every file and folder under `dir` with its content and modification time. */
function snapshot(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (at: string) => {
    for (const entry of readdirSync(at, { withFileTypes: true })) {
      const full = join(at, entry.name);
      const rel = relative(dir, full);
      const mtime = statSync(full).mtimeMs;
      if (entry.isDirectory()) {
        out.set(`${rel}/`, `dir @${mtime}`);
        walk(full);
      } else out.set(rel, `${readFileSync(full, 'utf8')} @${mtime}`);
    }
  };
  walk(dir);
  return out;
}

const cases = corpus();
const root = mkdtempSync(join(tmpdir(), 'thanos-gitops-bad-inputs-'));
const clusters = join(root, 'clusters');

beforeAll(async () => {
  // A clusters/ folder as a previous run left it, plus a file written by hand, all with an old mtime. The
  // previous run used another bucket, so writing the valid environment alone would change files too.
  const envs = join(root, 'previous');
  mkdirSync(envs);
  writeFileSync(join(envs, 'valid.yaml'), VALID.replace('acme-thanos-valid', 'acme-thanos-previous'));
  const run = await cli(['generate', '--environments', envs, '--clusters', clusters]);
  expect(run.err).toBe('');
  expect(run.code).toBe(0);
  writeFileSync(join(clusters, 'valid', 'NOTES.md'), 'Written by hand.\n');
  const past = new Date('2020-01-01T00:00:00Z');
  for (const path of snapshot(clusters).keys()) utimesSync(join(clusters, path), past, past);
  utimesSync(clusters, past, past);
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('the bad-input corpus', () => {
  it('covers at least 80 kinds of mistakes, each with its expected problems', () => {
    expect(cases.length).toBeGreaterThanOrEqual(80);
    if (UPDATE) return;
    for (const c of cases) expect(c.expected, `${c.name}.expected`).not.toEqual([]);
  });

  it.each(cases)('$name: validation reports exactly the expected problems', (c) => {
    const actual = problemsOf(c.files);
    if (UPDATE) writeFileSync(join(BAD, `${c.name}.expected`), `${actual.join('\n')}\n`);
    else expect(actual).toEqual(c.expected);
  });

  it.each(cases)('$name: generate exits 1, prints the problems and writes nothing', async (c) => {
    const envs = join(root, c.name);
    mkdirSync(envs);
    writeFileSync(join(envs, 'valid.yaml'), VALID);
    for (const f of c.files) writeFileSync(join(envs, f.path.replace(/^environments\//, '')), f.text);
    const before = snapshot(clusters);

    const run = await cli(['generate', '--environments', envs, '--clusters', clusters]);

    // The CLI names files relative to the working directory.
    const shown = relative(process.cwd(), envs);
    const lines = UPDATE ? problemsOf(c.files) : c.expected;
    const expected = lines.map((line) => `error ${line.replace(/(^| )environments\//g, `$1${shown}/`)}`);
    expect(run.err.split('\n').filter(Boolean)).toEqual([
      ...expected,
      `${expected.length} problem${expected.length === 1 ? '' : 's'}; nothing was written.`,
    ]);
    expect(run.out).toBe('');
    expect(run.code).toBe(1);
    expect(snapshot(clusters)).toEqual(before);
  });

  it('reports every mistake of a file, sorted by line', () => {
    const several = cases.find((c) => c.name === 'several-errors');
    const lines = several?.expected.map((l) => Number(l.split(':')[1])) ?? [];
    expect(lines.length).toBeGreaterThanOrEqual(5);
    expect(lines).toEqual([...lines].sort((a, b) => a - b));
  });

  it('reports the problems of every bad file in one run', () => {
    const files = cases.flatMap((c) => c.files);
    const all = problemsOf(files);
    for (const c of cases) for (const line of c.expected) expect(all).toContain(line);
  });

  it('leaves the pre-existing clusters/ folder as it was, hand-written file included', () => {
    const snap = snapshot(clusters);
    expect(snap.get('valid/NOTES.md')).toMatch(/^Written by hand\.\n @/);
    expect([...snap.keys()].filter((p) => p.startsWith('valid/') && p.endsWith('.yaml')).length).toBeGreaterThan(5);
  });
});

it('holds only fixtures, their expected problems and fixture folders', () => {
  const stray = readdirSync(BAD).filter((f) => !/\.(ya?ml|expected)$/.test(f) && !statSync(join(BAD, f)).isDirectory());
  expect(stray).toEqual([]);
  const orphans = readdirSync(BAD)
    .filter((f) => f.endsWith('.expected'))
    .map((f) => f.replace(/\.expected$/, ''))
    .filter((name) => !cases.some((c) => c.name === name));
  expect(orphans).toEqual([]);
});
