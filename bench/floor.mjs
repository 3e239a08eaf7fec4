// The benchmark's floor: a Node process that writes the same bytes to the same files as `generate` into an empty
// clusters/, and does nothing else. Usage: node bench/floor.mjs <tree.json> <dir> (tree.json: path → content).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const [treeFile, dir] = process.argv.slice(2);
const tree = JSON.parse(readFileSync(treeFile, 'utf8'));
// Parsing the input is not part of the floor: the CPU time from here on is reported (BENCH_FLOOR_USAGE).
const start = process.cpuUsage();
const made = new Set();
for (const [path, text] of Object.entries(tree)) {
  const full = join(dir, path);
  const parent = dirname(full);
  if (!made.has(parent)) {
    mkdirSync(parent, { recursive: true });
    made.add(parent);
  }
  writeFileSync(full, text);
}
// biome-ignore lint/suspicious/noUndeclaredEnvVars: set by bench/generate.mjs for this child process only.
const usageFile = process.env.BENCH_FLOOR_USAGE;
if (usageFile) {
  const u = process.cpuUsage(start);
  writeFileSync(usageFile, `${(u.user + u.system) / 1e6}\n`);
}
