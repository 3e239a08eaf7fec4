// Benchmark: wall time of rendering the shipped environments, in memory and through the CLI.
// Prints figures; asserts nothing. Run with `pnpm bench` (builds first).
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

const root = new URL('..', import.meta.url).pathname;
const { renderEnvironments } = await import(join(root, 'packages/cli/dist/render.js'));

const files = readdirSync(join(root, 'environments'))
  .filter((f) => f.endsWith('.yaml'))
  .sort()
  .map((f) => ({ path: `environments/${f}`, text: readFileSync(join(root, 'environments', f), 'utf8') }));

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (ms) => `${ms.toFixed(1)} ms`;

// 1. In-memory render of all environments (load, validate, render, validate objects, assemble).
renderEnvironments(files); // warm-up
const inMemory = [];
for (let i = 0; i < 20; i++) {
  const t = performance.now();
  renderEnvironments(files);
  inMemory.push(performance.now() - t);
}
const objects = renderEnvironments(files).map((r) => `${r.env}=${r.manifests.length}`);

// 2. The CLI end to end (process start included), into a fresh copy of clusters/, then a no-op rerun.
const work = mkdtempSync(join(tmpdir(), 'thanos-gitops-bench-'));
cpSync(join(root, 'environments'), join(work, 'environments'), { recursive: true });
const cli = (args) => {
  const t = performance.now();
  const r = spawnSync(process.execPath, [join(root, 'packages/cli/dist/bin.js'), ...args], { cwd: work });
  if (r.status !== 0) throw new Error(r.stderr.toString());
  return performance.now() - t;
};
const cold = [];
const noop = [];
for (let i = 0; i < 5; i++) {
  rmSync(join(work, 'clusters'), { recursive: true, force: true });
  cold.push(cli(['generate']));
  noop.push(cli(['generate']));
}
rmSync(work, { recursive: true, force: true });

console.log(`environments: ${files.length} (${objects.join(', ')} objects)`);
console.log(`render in memory, all environments: median ${fmt(median(inMemory))} of 20`);
console.log(`cli generate into an empty clusters/: median ${fmt(median(cold))} of 5`);
console.log(`cli generate with nothing to change:  median ${fmt(median(noop))} of 5`);
