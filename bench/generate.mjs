// Benchmark of the `thanos-gitops` command, end to end (process start included), on synthetic environments.
// Prints figures and writes nothing in the repository; it asserts nothing (tests never assert timings).
//
//   pnpm bench                         1, 10 and 100 environments, 5 runs each
//   pnpm bench --full                  also 1000 environments (3 runs)
//   pnpm bench --sizes 1,10 --runs 3   chosen sizes and runs
//   pnpm bench --environments DIR      also your own environment files (copied; DIR is not touched)
//   pnpm bench --json FILE             the results as JSON too ('-' for stdout, then the table goes to stderr)
//
// For every size it measures, in a temporary folder: `generate` into an empty clusters/, `generate` again with
// nothing to change (no-op), `check`, `check --no-cache` (no render cache, clusters/ not in git), and the floor: a
// Node process that writes the same bytes to the same files; once the folder is committed for `diff`, `check
// --no-cache` again (a fresh clone, as in CI: clusters/ committed and clean).
// Each figure is the median of the runs with min and max: CPU time (user + sys) and wall time of the process, and
// its peak resident memory; ratios are to the floor's CPU time. Environments come from bench/synthetic.mjs.
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { syntheticEnvironments } from './synthetic.mjs';

const root = new URL('..', import.meta.url).pathname;
const BIN = join(root, 'packages/cli/dist/thanos-gitops.mjs');
const FLOOR = join(root, 'bench/floor.mjs');

const { values } = parseArgs({
  options: {
    sizes: { type: 'string' },
    full: { type: 'boolean' },
    runs: { type: 'string' },
    environments: { type: 'string' },
    json: { type: 'string' },
  },
});
const sizes = (values.sizes ?? (values.full ? '1,10,100,1000' : '1,10,100')).split(',').map(Number);
const runsFor = (n) => Number(values.runs ?? (n >= 1000 ? 3 : 5));
const log = values.json === '-' ? (s) => process.stderr.write(`${s}\n`) : (s) => process.stdout.write(`${s}\n`);

// GNU time reports a child's CPU time and peak RSS; without it, a preloaded hook reports them at exit.
const GNU_TIME = ['/usr/bin/time', '/bin/time'].find((p) => existsSync(p));
const HOOK = `data:text/javascript,${encodeURIComponent(
  "process.on('exit',()=>{const u=process.resourceUsage();require('fs').writeFileSync(process.env.BENCH_USAGE," +
    'JSON.stringify({cpu:(u.userCPUTime+u.systemCPUTime)/1e6,rss:u.maxRSS*1024}))})',
)}`;

/** Runs `node args…` in `cwd`; returns CPU seconds, wall seconds and peak RSS in bytes. */
function measure(args, cwd, expectStatus = 0) {
  const usage = join(cwd, '.usage');
  const start = process.hrtime.bigint();
  const env = { ...process.env, BENCH_FLOOR_USAGE: join(cwd, '.floor-usage') };
  const r = GNU_TIME
    ? spawnSync(GNU_TIME, ['-f', '%U %S %M', '-o', usage, process.execPath, ...args], { cwd, encoding: 'utf8', env })
    : spawnSync(process.execPath, ['--import', HOOK, ...args], {
        cwd,
        encoding: 'utf8',
        env: { ...env, BENCH_USAGE: usage },
      });
  const wall = Number(process.hrtime.bigint() - start) / 1e9;
  if (r.status !== expectStatus) {
    throw new Error(`node ${args.join(' ')} exited ${r.status} (expected ${expectStatus}):\n${r.stderr}${r.stdout}`);
  }
  const text = readFileSync(usage, 'utf8');
  rmSync(usage);
  if (!GNU_TIME) return { ...JSON.parse(text), wall };
  const [user, sys, maxKiB] = text.trim().split('\n').at(-1).split(' ').map(Number);
  return { cpu: user + sys, wall, rss: maxKiB * 1024 };
}

/**
 * The floor's CPU time: what bench/floor.mjs reports for its writes (parsing its JSON input is not counted), plus
 * Node's start-up, which every command pays too.
 */
function measureFloor(args, cwd) {
  const m = measure(args, cwd);
  const written = Number(readFileSync(join(cwd, '.floor-usage'), 'utf8'));
  rmSync(join(cwd, '.floor-usage'));
  return { ...m, cpu: written + startup.cpu.median };
}

/** Median, min and max of each measured quantity. */
function summary(samples) {
  const stat = (k) => {
    const xs = samples.map((s) => s[k]).sort((a, b) => a - b);
    return { median: xs[Math.floor((xs.length - 1) / 2)], min: xs[0], max: xs.at(-1) };
  };
  return { runs: samples.length, cpu: stat('cpu'), wall: stat('wall'), rss: stat('rss') };
}

function repeat(n, before, args, cwd, expectStatus, how = measure) {
  const samples = [];
  for (let i = 0; i < n; i++) {
    before?.();
    samples.push(how(args, cwd, expectStatus));
  }
  return summary(samples);
}

const git = (cwd, ...args) => {
  const r = spawnSync('git', ['-c', 'user.email=b@example.com', '-c', 'user.name=b', ...args], { cwd });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
};

/**
 * `diff --base HEAD --format markdown` of a one-line change in one environment, as a pull request's review runs it:
 * the environments and clusters/ committed, one environment's retention changed in the working tree.
 */
function benchDiff(work, environments, runs) {
  git(work, 'init', '--quiet');
  writeFileSync(join(work, '.gitignore'), 'node_modules/\n.usage\n.floor-usage\n');
  git(work, 'add', '-A');
  git(work, 'commit', '--quiet', '-m', 'base');
  const file = join(work, 'environments', `${environments[0].name}.yaml`);
  const text = readFileSync(file, 'utf8');
  const changed = text.replace(/^(\s+retention: )(\d+)d$/m, (_, k, d) => `${k}${Number(d) + 1}d`);
  if (changed === text) return undefined; // an environment of yours without a retention: no diff measured
  writeFileSync(file, changed);
  try {
    return repeat(runs, undefined, [BIN, 'diff', '--base', 'HEAD', '--format', 'markdown'], work, 1);
  } finally {
    writeFileSync(file, text);
  }
}

/** Every file under `dir`, relative path → content. */
function readTree(dir, rel = '', out = {}) {
  for (const e of readdirSync(join(dir, rel), { withFileTypes: true })) {
    const path = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) readTree(dir, path, out);
    else out[path] = readFileSync(join(dir, path), 'utf8');
  }
  return out;
}

/** Benchmarks one folder of environment files. */
function benchCase(label, environments, runs) {
  const loadBefore = loadavg();
  const work = mkdtempSync(join(tmpdir(), 'thanos-gitops-bench-'));
  try {
    mkdirSync(join(work, 'environments'));
    // Like a repository with its dependencies installed: node_modules/ is where the render cache lives.
    mkdirSync(join(work, 'node_modules'));
    for (const e of environments) writeFileSync(join(work, 'environments', `${e.name}.yaml`), e.text);
    const clusters = join(work, 'clusters');
    // A fresh folder: the old output is renamed away (and deleted after the case), not deleted right before the
    // run: creating many files soon after deleting many costs the kernel up to 15 times more on some disks.
    const trash = join(work, '.trash');
    mkdirSync(trash);
    let trashed = 0;
    const empty = () => {
      if (existsSync(clusters)) renameSync(clusters, join(trash, String(trashed++)));
    };
    const generate = repeat(runs, empty, [BIN, 'generate'], work);
    const noop = repeat(runs, undefined, [BIN, 'generate'], work);
    const check = repeat(runs, undefined, [BIN, 'check'], work);
    // A fresh clone (CI): nothing cached, every environment rendered and compared.
    const checkCold = repeat(runs, undefined, [BIN, 'check', '--no-cache'], work);
    // The floor: the same bytes to the same files, from one pre-built file, by a process that does nothing else.
    const tree = readTree(clusters);
    const files = Object.keys(tree).length;
    const bytes = Object.values(tree).reduce((n, t) => n + Buffer.byteLength(t), 0);
    writeFileSync(join(work, 'tree.json'), JSON.stringify(tree));
    const floor = repeat(runs, empty, [FLOOR, 'tree.json', 'clusters'], work, 0, measureFloor);
    rmSync(join(work, 'tree.json'));
    const validate = repeat(runs, undefined, [BIN, 'validate'], work);
    rmSync(trash, { recursive: true, force: true });
    const diff = benchDiff(work, environments, runs);
    // CI's fresh clone: clusters/ committed and clean, so check compares with git's blob ids (cli/src/committed.ts).
    const checkCommitted = existsSync(join(work, '.git'))
      ? repeat(runs, undefined, [BIN, 'check', '--no-cache'], work)
      : undefined;
    const after = readTree(clusters);
    if (JSON.stringify(after) !== JSON.stringify(tree)) throw new Error('the floor wrote different bytes');
    const ratio = (s) => s.cpu.median / floor.cpu.median;
    return {
      label,
      environments: environments.length,
      files,
      bytes,
      generate,
      noop,
      check,
      checkCold,
      validate,
      diff,
      checkCommitted,
      floor,
      ratios: { generate: ratio(generate), noop: ratio(noop), check: ratio(check), checkCold: ratio(checkCold) },
      // The machine's 1-, 5- and 15-minute load averages before and after the case: figures from a loaded machine
      // (other processes competing for the CPUs) are slower in wall time and noisier, CPU time much less so.
      loadAverage: { before: loadBefore, after: loadavg() },
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

function ownEnvironments(dir) {
  return readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()
    .map((f) => ({ name: f.replace(/\.ya?ml$/, ''), text: readFileSync(join(dir, f), 'utf8') }));
}

const s = (x) => `${x.toFixed(2)} s`;
const mib = (x) => `${(x / 2 ** 20).toFixed(0)} MiB`;
const cell = (m, f) => `${f(m.median)} (${f(m.min)}–${f(m.max)})`;

const startup = (() => {
  const work = mkdtempSync(join(tmpdir(), 'thanos-gitops-bench-'));
  try {
    return repeat(5, undefined, ['-e', ''], work);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
})();
log(`node ${process.version}, ${cpus().length} CPU(s) ${cpus()[0]?.model ?? ''}`);
const nodeOnly = startup;
log(`node -e '' (start-up alone): CPU ${cell(nodeOnly.cpu, s)}, peak ${mib(nodeOnly.rss.median)}`);
log("figures: median (min–max) of the runs; CPU = user + sys of the process; ×floor = CPU / the floor's CPU");

const cases = [];
const show = (c) => {
  const load = (l) => l.map((x) => x.toFixed(1)).join(' ');
  log(
    `\n${c.label}: ${c.environments} environment(s), ${c.files} files, ${(c.bytes / 2 ** 20).toFixed(1)} MiB ` +
      `(load average ${load(c.loadAverage.before)} before, ${load(c.loadAverage.after)} after)`,
  );
  for (const [name, m, ratio] of [
    ['generate, empty clusters/', c.generate, c.ratios.generate],
    ['generate, nothing to change', c.noop, c.ratios.noop],
    ['check', c.check, c.ratios.check],
    ['check --no-cache (CI)', c.checkCold, c.ratios.checkCold],
    ['validate', c.validate, c.validate.cpu.median / c.floor.cpu.median],
    ['diff --base, one env changed', c.diff, c.diff && c.diff.cpu.median / c.floor.cpu.median],
    [
      'check --no-cache, committed',
      c.checkCommitted,
      c.checkCommitted && c.checkCommitted.cpu.median / c.floor.cpu.median,
    ],
    ['floor: write the same files', c.floor, 1],
  ]) {
    if (!m) continue;
    log(
      `  ${name.padEnd(28)} CPU ${cell(m.cpu, s).padEnd(24)} wall ${cell(m.wall, s).padEnd(24)} ` +
        `peak ${mib(m.rss.max).padStart(8)}  ×floor ${ratio.toFixed(1)}`,
    );
  }
};
for (const n of sizes) {
  const c = benchCase(`${n} synthetic`, syntheticEnvironments(n), runsFor(n));
  cases.push(c);
  show(c);
}
if (values.environments) {
  const c = benchCase(values.environments, ownEnvironments(values.environments), runsFor(1));
  cases.push(c);
  show(c);
}

/** The goals of issue #25, each with the figure of this run that measures it. */
function goals() {
  const at = (n) => cases.find((c) => c.label === `${n} synthetic`);
  const lines = [];
  const goal = (what, value, limit, show = s) =>
    lines.push(
      `  ${value <= limit ? 'met ' : 'NOT '} ${what.padEnd(58)} ${show(value).padStart(9)} (goal ≤ ${show(limit)})`,
    );
  for (const [n, limit] of [
    [1, 0.6],
    [100, 1],
  ]) {
    if (at(n)?.diff) goal(`diff --base, one environment changed, ${n} env(s), CPU`, at(n).diff.cpu.median, limit);
  }
  if (at(100)) {
    const ms = (x) => `${(x * 1000).toFixed(1)} ms`;
    // What CI runs: a fresh clone, clusters/ committed (git's blob ids), no render cache.
    const cold = at(100).checkCommitted ?? at(100).checkCold;
    goal('check --no-cache per environment at 100, CPU', cold.cpu.median / 100, 0.01, ms);
  }
  if (at(1000)) goal('validate at 1000, peak memory', at(1000).validate.rss.max, 300 * 2 ** 20, mib);
  for (const c of cases) {
    const x = (v) => `${v.toFixed(2)}×`;
    goal(`generate into an empty folder / write floor, ${c.label}`, c.ratios.generate, 1.5, x);
  }
  if (at(1)) {
    goal('start-up: check with nothing to do (1 env), CPU', at(1).check.cpu.median, 0.12);
    goal('start-up: generate with nothing to do (1 env), CPU', at(1).noop.cpu.median, 0.12);
  }
  return lines;
}
log('\ngoals (issue #25), medians of this run:');
for (const line of goals()) log(line);

const result = {
  date: new Date().toISOString(),
  node: process.version,
  cpus: cpus().length,
  cpuModel: cpus()[0]?.model,
  nodeStartup: nodeOnly,
  cases,
};
if (values.json === '-') process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
else if (values.json) writeFileSync(values.json, `${JSON.stringify(result, null, 2)}\n`);
