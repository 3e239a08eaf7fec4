/**
 * What the writer tests share: temporary folders removed after the file, generated file contents, trees, and
 * the views of a clusters folder they compare before and after a write.
 */
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { generatedHeader } from '../../src/header.js';
import { type EnvironmentTree, readTree, writeTrees } from '../../src/writer.js';

/**
 * A maker of temporary folders named `<prefix>…`, all removed after the test file. Call it at the top of a test
 * file (it registers the cleanup there).
 */
export function tempDirs(prefix: string): () => string {
  const made: string[] = [];
  afterAll(() => {
    for (const d of made) rmSync(d, { recursive: true, force: true });
  });
  return () => {
    const d = mkdtempSync(join(tmpdir(), prefix));
    made.push(d);
    return d;
  };
}

/** The generated header the writer tests use, and a generated file holding `body`. */
export const HEADER = generatedHeader('environments/x.yaml');
export const gen = (body: string): string => `${HEADER}\n${body}\n`;

/** An environment's rendered tree, from path → content. */
export function tree(env: string, files: Record<string, string>): EnvironmentTree {
  return { env, files: new Map(Object.entries(files)) };
}

/** Every file and folder under `dir`, hidden working folders included, for before/after comparisons. */
export function listing(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).sort();
}

/** Working folders (`.<env>.next-<pid>`, `.<env>.prev-<pid>`) in `dir`, as the test sees them (not the writer). */
export function workingFolders(dir: string): string[] {
  return readdirSync(dir)
    .filter((e) => /^\..+\.(next|prev)-[0-9]+$/.test(e))
    .sort();
}

/** An error as Node's fs throws it; without `path`, as a failed write of an open file has none. */
export function sysError(code: string, syscall: string, path?: string): NodeJS.ErrnoException {
  const err: NodeJS.ErrnoException = new Error(`${code}: simulated, ${syscall}${path ? ` '${path}'` : ''}`);
  err.code = code;
  err.syscall = syscall;
  if (path !== undefined) err.path = path;
  return err;
}

/**
 * Fills `dir` (a clusters folder, made if missing) with environments `a` and `b`, each of two generated files, and
 * a hand-written `a/NOTES.md`; returns what it holds (`before`) and its listing (`list`) for later comparison.
 */
export function populate(dir: string): { dir: string; before: Map<string, string>; list: string[] } {
  writeTrees(dir, [
    tree('a', { 'kustomization.yaml': gen('a: 1'), 'query/x.yaml': gen('x: 1') }),
    tree('b', { 'kustomization.yaml': gen('b: 1'), 'store/y.yaml': gen('y: 1') }),
  ]);
  writeFileSync(join(dir, 'a', 'NOTES.md'), 'hand-written\n');
  return { dir, before: readTree(dir), list: listing(dir) };
}
