// The fuzz gate of issue 20: environment files drawn from the JSON Schema (bench/fuzz/arbitrary.mjs), valid and
// invalid, through the built pipeline in this process. Prints figures; exits 1 when any case crashed (exit 3 in the
// CLI) or was refused without a location. Times are printed, never asserted by tests.
//
//   node bench/fuzz/run.mjs                   10,000 cases, seed 20
//   node bench/fuzz/run.mjs --runs 500 --seed 7
//
// Needs `pnpm build` first (it imports packages/cli/dist/render.js).
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import fc from 'fast-check';
import { environmentArbitrary } from './arbitrary.mjs';
import { runCase } from './check.mjs';

const root = new URL('../../', import.meta.url);
const { values } = parseArgs({ options: { runs: { type: 'string' }, seed: { type: 'string' } } });
const runs = Number(values.runs ?? 10000);
const seed = Number(values.seed ?? 20);

const { renderEnvironments } = await import(new URL('packages/cli/dist/render.js', root).href);
const { InvalidEnvironmentError } = await import(new URL('packages/problems/dist/index.js', root).href);
const schema = JSON.parse(readFileSync(new URL('schema/environment.schema.json', root), 'utf8'));

const cases = fc.sample(environmentArbitrary(schema), { numRuns: runs, seed });
const counts = { rendered: 0, refused: 0, crashed: 0, unlocated: 0 };
const times = [];
const failures = [];
let mutated = 0;
for (const { doc, mutated: m } of cases) {
  if (m) mutated++;
  const r = runCase(doc, { render: renderEnvironments, isInvalid: (e) => e instanceof InvalidEnvironmentError });
  counts[r.outcome]++;
  times.push({ ms: r.ms, text: r.text });
  if (r.outcome === 'crashed' || r.outcome === 'unlocated') failures.push(r);
}
times.sort((a, b) => a.ms - b.ms);
const q = (p) => times[Math.min(times.length - 1, Math.floor(p * times.length))].ms.toFixed(1);
console.log(`fuzz: ${runs} environment files from the schema (seed ${seed}), ${mutated} of them mutated`);
console.log(
  `  rendered ${counts.rendered}, refused with located problems ${counts.refused}, ` +
    `crashed ${counts.crashed}, refused without a location ${counts.unlocated}`,
);
console.log(
  `  time per file (ms): median ${q(0.5)}, p99 ${q(0.99)}, max ${q(1)}; over 2 s: ${times.filter((t) => t.ms > 2000).length}`,
);
for (const f of failures.slice(0, 5)) {
  console.log(`\n--- ${f.outcome}: ${f.detail.split('\n').slice(0, 6).join('\n')}\n${f.text.slice(0, 1500)}`);
}
process.exitCode = failures.length > 0 ? 1 : 0;
