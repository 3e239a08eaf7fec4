// Times of hostile patterns: tenant globs and patch target names crafted to make a backtracking engine take
// minutes, and long strings against the regular expressions that see users' strings (the schema's patterns, the
// emitter's go-yaml number expression). Prints figures and asserts nothing (tests assert the answers, never times).
//
//   pnpm build && node bench/hostile-patterns.mjs
//
// Each figure is the slowest of 3 runs, in milliseconds (for the sweep of schema patterns, the fastest of 3 per string); the end-to-end figures run the built command (process start
// included) on an environment file holding every hostile glob and patch name at once.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const core = await import(join(root, 'packages/input/dist/rules/tenant-glob.js'));
const { COMPAT_NON_STRING_SCALARS } = await import(join(root, 'packages/manifests/dist/emit.js'));
const { kustomizeNameMatcher } = await import(join(root, 'packages/cli/dist/kustomize-name.js'));
const BIN = join(root, 'packages/cli/dist/thanos-gitops.mjs');

const LONG = 'a'.repeat(65_536);
const slowest = (f) => {
  let max = 0;
  for (let i = 0; i < 3; i++) {
    const t = performance.now();
    f();
    max = Math.max(max, performance.now() - t);
  }
  return max;
};
const rows = [];
const row = (what, ms) => rows.push([what, ms]);

const GLOBS = [
  [`${'a*'.repeat(64)}b`, LONG],
  [`${'a*'.repeat(64)}a`, LONG],
  [`${'*'.repeat(10_000)}b`, LONG],
  [`${'*a'.repeat(60)}*`, LONG],
  [`${'?*'.repeat(60)}b`, LONG],
  [`${'[a-z]*'.repeat(40)}[0-9]`, LONG],
  [`*${'a'.repeat(120)}b*`, LONG],
  [`a*${'a'.repeat(100)}*b`, `${LONG}/b`],
];
for (const [pattern, tenant] of GLOBS) {
  const glob = core.tenantGlob(pattern);
  row(
    `glob ${pattern.slice(0, 24)}… vs ${tenant.length} chars`,
    slowest(() => glob.test(tenant)),
  );
}

const NAMES = ['(a+)+b', '(a|a)*b', '(a*)*', `${'(a*)*'.repeat(100)}b`, '(.*a){20}', `(${'(t*)*'.repeat(200)})x`];
for (const name of NAMES) {
  row(
    `patch name ${name.slice(0, 22)}… vs ${LONG.length} chars`,
    slowest(() => kustomizeNameMatcher(name).test(LONG)),
  );
}

const number = COMPAT_NON_STRING_SCALARS[COMPAT_NON_STRING_SCALARS.length - 1];
for (const s of [`.${'1'.repeat(65_536)}x`, `1e${'1'.repeat(65_536)}x`, `.${'1_'.repeat(32_768)}x`]) {
  row(
    `emitter number expression, ${JSON.stringify(s.slice(0, 4))}… (${s.length} chars)`,
    slowest(() => number.test(s)),
  );
}

// Every pattern of the environment schema against pumped strings of 64 KiB (the longest string the loader takes).
const schema = JSON.parse(readFileSync(join(root, 'schema/environment.schema.json'), 'utf8'));
const patterns = new Set();
const walk = (o) => {
  if (Array.isArray(o)) return o.forEach(walk);
  if (!o || typeof o !== 'object') return;
  for (const [k, v] of Object.entries(o)) {
    if (k === 'pattern' && typeof v === 'string') patterns.add(v);
    else if (k === 'patternProperties') for (const p of Object.keys(v)) patterns.add(p);
    walk(v);
  }
};
walk(schema);
const PUMPS = ['a', 'a.', '-', 'a-', '0', '_a', 'a:', 'a/', '..', '0h', '1y', 'a.-', 'Aa-', 'ff:', '1.'];
const PREFIXES = ['', 'https://', 'dnssrv+_a.', 'arn:aws:iam::123456789012:role/', 'a.b/', '--a'];
const SUFFIXES = ['!', '\n', '-', '.', '@', ' ', ':'];
let worst = [0, ''];
for (const p of patterns) {
  const re = new RegExp(p, 'u');
  for (const pre of PREFIXES) {
    for (const pump of PUMPS) {
      for (const suf of SUFFIXES) {
        const s = pre + pump.repeat(Math.floor(65_536 / pump.length)) + suf;
        // The fastest of 3 here: a pause of the garbage collector is not the pattern's (quadratic time shows in all 3).
        let ms = Number.POSITIVE_INFINITY;
        for (let i = 0; i < 3; i++) {
          const t = performance.now();
          re.test(s);
          ms = Math.min(ms, performance.now() - t);
        }
        if (ms > worst[0]) worst = [ms, `${p.slice(0, 40)}… on ${JSON.stringify(pre + pump)}…`];
      }
    }
  }
}
row(
  `slowest of ${patterns.size} schema patterns × ${PREFIXES.length * PUMPS.length * SUFFIXES.length} strings: ${worst[1]}`,
  worst[0],
);

// End to end: validate, generate and diff of an environment holding every hostile glob and patch name.
const dir = mkdtempSync(join(tmpdir(), 'thanos-gitops-hostile-'));
try {
  mkdirSync(join(dir, 'environments'));
  const globs = GLOBS.map(([p]) => p).filter((p) => p.length <= 128);
  const patches = NAMES.map(
    (n) =>
      `  - target:\n      kind: Deployment\n      name: ${JSON.stringify(`${n}|thanos-query`)}\n    patch: |\n      - op: add\n        path: /metadata/labels/hostile\n        value: "yes"\n`,
  );
  writeFileSync(
    join(dir, 'environments/hostile.yaml'),
    `name: hostile\ncluster:\n  name: test\nobjectStorage:\n  provider: s3\n  bucket: acme-thanos-hostile\n  region: eu-west-1\n` +
      `receive:\n  defaultTenant: ${'a'.repeat(4096)}\n  hashrings:\n    - name: globbed\n      tenantMatcher: glob\n` +
      `      tenants: ${JSON.stringify(globs)}\n    - name: default\npatches:\n${patches.join('')}`,
  );
  for (const command of ['validate', 'generate', 'diff']) {
    const t = performance.now();
    const args = command === 'generate' ? [command, '--no-cache'] : [command];
    const r = spawnSync(process.execPath, [BIN, ...args], { cwd: dir, encoding: 'utf8' });
    const ms = performance.now() - t;
    row(`thanos-gitops ${command} (exit ${r.status}), whole process`, ms);
    if (r.status !== 0 && !(command === 'diff' && r.status === 1)) process.stderr.write(r.stderr);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

const width = Math.max(...rows.map(([w]) => w.length));
for (const [what, ms] of rows) console.log(`${what.padEnd(width)}  ${ms.toFixed(1).padStart(8)} ms`);
const patternRows = rows.filter(([w]) => !w.startsWith('thanos-gitops'));
const max = patternRows.reduce((a, b) => (b[1] > a[1] ? b : a));
console.log(`\nlargest time of one hostile pattern: ${max[1].toFixed(1)} ms (${max[0]})`);
