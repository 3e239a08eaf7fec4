/**
 * The command's path is one CommonJS file, dist/thanos-gitops-run.cjs, which dist/thanos-gitops-run.mjs compiles
 * with the V8 code cache scripts/bundle.mjs made of it after a warm-up run (dist/thanos-gitops-run.v8cache). In a
 * fresh Node.js process, as the command runs: V8 takes the cache; with source maps on (`--debug`) the file is
 * loaded with `require` instead, which maps stack traces; and re2-wasm's WebAssembly is made only when a pattern
 * is matched (a patch's target name), not when the command loads.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, tempDir, VALID } from './helpers.js';

const DIST = join(REPO_ROOT, 'packages/cli/dist');

/** Whether V8 takes the cache when the file is compiled as the loader compiles it. */
const CACHE_PROBE = `
const { readFileSync } = require('node:fs');
const { join } = require('node:path');
const { Script } = require('node:vm');
const dist = process.argv[1];
const file = join(dist, 'thanos-gitops-run.cjs');
const code = '(function (exports, require, module, __filename, __dirname) {' + readFileSync(file, 'utf8') + '\\n})';
const script = new Script(code, { filename: file, cachedData: readFileSync(join(dist, 'thanos-gitops-run.v8cache')) });
process.stdout.write(JSON.stringify({ rejected: script.cachedDataRejected }));
`;

/**
 * Loads the command as bin.ts does and runs `validate` in the working directory; reports whether the file went
 * through `require` and how many WebAssembly modules were made.
 */
const RUN_PROBE = `
const loader = process.argv[1];
const file = process.argv[2];
let modules = 0;
const Module = WebAssembly.Module;
WebAssembly.Module = function (...args) { modules++; return new Module(...args); };
const instantiate = WebAssembly.instantiate;
WebAssembly.instantiate = (...args) => { modules++; return instantiate(...args); };
const { run } = await import(loader);
process.stdout.write = () => true;
const code = await run(['validate']);
const { createRequire } = await import('node:module');
const required = createRequire(file).cache[file] !== undefined;
process.stderr.write(JSON.stringify({ code, required, modules, run: typeof run }));
`;

function probeRun(cwd: string, sourceMaps: boolean) {
  const args = [
    ...(sourceMaps ? ['--enable-source-maps'] : []),
    '--input-type=module',
    '-e',
    RUN_PROBE,
    pathToFileURL(join(DIST, 'thanos-gitops-run.mjs')).href,
    join(DIST, 'thanos-gitops-run.cjs'),
  ];
  const r = spawnSync(process.execPath, args, { cwd, encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stderr) as { code: number; required: boolean; modules: number; run: string };
}

/** A repository with one environment, `extra` appended to it. */
function repo(extra = ''): string {
  const root = tempDir('run-cache-');
  mkdirSync(join(root, 'environments'));
  writeFileSync(join(root, 'environments', 'valid.yaml'), VALID + extra);
  return root;
}

describe("the command's path in the bundle", { timeout: 120_000 }, () => {
  it('is compiled with its code cache, which V8 takes', () => {
    const r = spawnSync(process.execPath, ['-e', CACHE_PROBE, DIST], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ rejected: false });
  });

  it('runs through node:vm, and through require with source maps on', () => {
    const root = repo();
    expect(probeRun(root, false)).toMatchObject({ code: 0, required: false, run: 'function' });
    expect(probeRun(root, true)).toMatchObject({ code: 0, required: true, run: 'function' });
  });

  it("makes re2-wasm's WebAssembly only when a pattern is matched", () => {
    expect(probeRun(repo(), false).modules).toBe(0);
    const patch =
      'patches:\n  - target: {kind: ConfigMap, name: "thanos-dashboard-.*"}\n    patch: |\n' +
      '      - op: add\n        path: /metadata/annotations\n        value: {note: x}\n';
    const withPattern = probeRun(repo(patch), false);
    expect(withPattern.code).toBe(0);
    expect(withPattern.modules).toBeGreaterThan(0);
  });
});
