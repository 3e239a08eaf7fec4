#!/usr/bin/env node
// Regenerates packages/thanos-components/src/data/thanos-metrics.json: every metric name the pinned Thanos
// release (and the libraries whose metrics it exposes), the pinned memcached exporter or rollout-operator can expose, read from
// their Go source, plus the keys of Thanos' OTLP tracing config as its documentation lists them.
//
// Usage: node scripts/thanos-metrics.mjs [--check] [mirrorDir]
//
//   mirrorDir  a directory holding bare clones `<owner>+<name>/repo` of the repositories in SOURCES (the
//              default, /work/.mirror, is where the project's `fetch` tool puts them). Each is read at the
//              tag or commit given below with `git`, never from a work tree.
//   --check    do not write; exit 1 when the file on disk differs from a fresh generation.
//
// What counts as a metric:
//   - every `prometheus.{Counter,Gauge,Histogram,Summary}Opts{…}` literal (also inside promauto and the *VecOpts
//     wrappers): its `Name`, joined to `Namespace` and `Subsystem` when they are set (string literals or string
//     constants of the same Go package);
//   - every `NewDesc("name", …)`, `NewDesc(prefix + "name", …)` and `NewDesc(BuildFQName(ns, sub, "name"), …)`;
//   - client_golang's `memstatNamespace("x")` (`go_memstats_x`), and the series Prometheus' scrape loop adds to
//     every target (`up`, `scrape_duration_seconds`, …: `name: []byte("up" + …)` in scrape/scrape.go);
//   - histograms add `_bucket`, `_sum` and `_count`; summaries add `_sum` and `_count`.
// Thanos registers many metrics through `extprom.WrapRegistererWithPrefix("<prefix>", reg)`. Which registerer a
// metric ends up on is not visible syntactically, so a Thanos metric whose name does not already start with a
// known namespace is also recorded with every prefix that occurs in the Thanos source: an over-approximation
// (names that are never exposed may be listed), never an omission.
// Test files (`_test.go`) and vendored directories are skipped.

import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const OUT = resolve(ROOT, 'packages/thanos-components/src/data/thanos-metrics.json');

/** The pinned versions: Thanos v0.42.4 and the module versions its go.mod at that tag requires. */
const SOURCES = [
  { repo: 'thanos-io/thanos', ref: 'v0.42.4', paths: ['cmd', 'pkg', 'internal'], prefixed: true },
  // go.mod: github.com/thanos-io/objstore v0.0.0-20250804093838-71d60dfee488
  { repo: 'thanos-io/objstore', ref: '71d60dfee488', paths: ['.'], prefixed: true },
  // go.mod: github.com/prometheus/prometheus v0.309.1 (rules, remote write, TSDB, notifier, engine)
  {
    repo: 'prometheus/prometheus',
    ref: 'v0.309.1',
    paths: ['rules', 'storage', 'tsdb', 'notifier', 'promql', 'scrape', 'discovery'],
  },
  // go.mod: github.com/prometheus/client_golang v1.23.2 (go_* and process_* collectors)
  { repo: 'prometheus/client_golang', ref: 'v1.23.2', paths: ['prometheus'] },
  // go.mod: github.com/grpc-ecosystem/go-grpc-middleware/providers/prometheus v1.0.1 (grpc_server_*, grpc_client_*)
  { repo: 'grpc-ecosystem/go-grpc-middleware', ref: 'providers/prometheus/v1.0.1', paths: ['providers/prometheus'] },
  // The exporter image memcached.ts runs (MEMCACHED_EXPORTER_IMAGE).
  { repo: 'prometheus/memcached_exporter', ref: 'v0.15.3', paths: ['.'] },
  // The rollout-operator image the zoned ingestors' rollouts run under (schema ROLLOUT_OPERATOR_IMAGE).
  { repo: 'grafana/rollout-operator', ref: 'v0.28.8', paths: ['cmd', 'pkg'] },
];

/** Names already in one of these namespaces are not prefixed again. */
const NAMESPACED =
  /^(thanos_|prometheus_|cortex_|go_|process_|grpc_|http_|memcached_|net_conntrack_|gate_|blocks_meta_|loser_tree_)/;

function git(dir, args, input, encoding = 'utf8') {
  return execFileSync('git', ['-C', dir, ...args], {
    ...(encoding === 'buffer' ? {} : { encoding }),
    input,
    maxBuffer: 1 << 30,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
}

/** Every non-test Go file under `paths` at `ref`, as [path, text]. */
function goFiles(dir, ref, paths) {
  const listed = git(dir, ['ls-tree', '-r', '--name-only', ref, '--', ...paths])
    .split('\n')
    .filter((p) => p.endsWith('.go') && !p.endsWith('_test.go') && !/(^|\/)(vendor|testutil|e2e)\//.test(p));
  const out = git(dir, ['cat-file', '--batch'], listed.map((p) => `${ref}:${p}\n`).join(''), 'buffer');
  const files = [];
  let at = 0;
  for (const path of listed) {
    const nl = out.indexOf(10, at);
    const size = Number(out.subarray(at, nl).toString('utf8').split(' ')[2]);
    files.push([path, out.subarray(nl + 1, nl + 1 + size).toString('utf8')]);
    at = nl + 1 + size + 1;
  }
  return files;
}

/** String constants of a file: `Name = "value"` in const blocks or `const Name = "value"`. */
function constants(text) {
  const out = new Map();
  for (const m of text.matchAll(/(?:^|\n)\s*(?:const\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*(?:string\s*)?=\s*"([^"]*)"/g)) {
    out.set(m[1], m[2]);
  }
  return out;
}

/** The text of the brace block starting at `open` (the index of `{`). */
function block(text, open) {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === '{') depth++;
    else if (text[i] === '}' && --depth === 0) return text.slice(open + 1, i);
  }
  return text.slice(open + 1);
}

/** The value of a string field (`Name: "x"` or `Name: someConst`) at the top level of an Opts block. */
function field(body, key, consts) {
  const m = new RegExp(`(?:^|[\\s,{])${key}:\\s*(?:"([^"]*)"|([A-Za-z_][A-Za-z0-9_.]*))`).exec(body);
  if (!m) return '';
  if (m[1] !== undefined) return m[1];
  return consts.get(m[2].split('.').pop()) ?? null;
}

function fq(ns, sub, name) {
  return [ns, sub, name].filter((p) => p).join('_');
}

const SUFFIXES = { Histogram: ['_bucket', '_sum', '_count'], Summary: ['_sum', '_count'] };
const VALID = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;

function metricsOf(text, packageConsts) {
  const consts = new Map([...packageConsts, ...constants(text)]);
  const found = [];
  const add = (name, kind) => {
    if (!name || !VALID.test(name)) return;
    found.push(name);
    for (const s of SUFFIXES[kind] ?? []) found.push(name + s);
  };
  for (const m of text.matchAll(/\b(Counter|Gauge|Histogram|Summary|)Opts\{/g)) {
    // `GaugeVecOpts{GaugeOpts: …}` wraps a plain Opts literal, which this loop also visits.
    if (text.slice(m.index - 3, m.index) === 'Vec') continue;
    const body = block(text, m.index + m[0].length - 1).replace(/\{[^{}]*\}/g, '{}');
    const name = field(body, 'Name', consts);
    const ns = field(body, 'Namespace', consts);
    const sub = field(body, 'Subsystem', consts);
    if (name && ns !== null && sub !== null) add(fq(ns, sub, name), m[1]);
  }
  for (const m of text.matchAll(/NewDesc\(\s*(?:[A-Za-z_.]+\s*\+\s*)?"([^"]+)"/g)) add(m[1]);
  // client_golang's Go collector: NewDesc(memstatNamespace("alloc_bytes"), …) is go_memstats_alloc_bytes.
  for (const m of text.matchAll(/memstatNamespace\(\s*"([^"]+)"\s*\)/g)) add(`go_memstats_${m[1]}`);
  // Prometheus' scrape loop: the series it adds to every target (`up`, `scrape_duration_seconds`, …).
  for (const m of text.matchAll(/name:\s*\[\]byte\("([a-zA-Z_:][a-zA-Z0-9_:]*)"\s*\+/g)) add(m[1]);
  for (const m of text.matchAll(
    /BuildFQName\(\s*("[^"]*"|[A-Za-z_.]+)\s*,\s*("[^"]*"|[A-Za-z_.]+)\s*,\s*("[^"]*"|[A-Za-z_.]+)\s*\)/g,
  )) {
    const v = (s) => (s.startsWith('"') ? s.slice(1, -1) : (consts.get(s.split('.').pop()) ?? null));
    const [ns, sub, name] = [v(m[1]), v(m[2]), v(m[3])];
    if (ns !== null && sub !== null && name) add(fq(ns, sub, name));
  }
  return found;
}

/** Keys of the OTLP tracing config, from the block docs/tracing.md shows for `type: OTLP`. */
function otlpKeys(dir, ref) {
  const doc = git(dir, ['show', `${ref}:docs/tracing.md`]);
  const m = /```yaml[^\n]*otlp\.Config"\n([\s\S]*?)```/.exec(doc);
  if (!m) throw new Error('docs/tracing.md: no OTLP config block');
  const keys = [];
  const stack = [];
  for (const line of m[1].split('\n')) {
    const k = /^(\s*)([a-z_]+):/.exec(line);
    if (!k) continue;
    const depth = k[1].length / 2;
    stack.length = depth;
    stack[depth] = k[2];
    keys.push(stack.join('.'));
  }
  return keys;
}

function generate(mirror) {
  const metrics = new Map();
  const prefixes = new Set();
  const sources = [];
  for (const s of SOURCES) {
    const dir = resolve(mirror, `${s.repo.replace('/', '+')}/repo`);
    const commit = git(dir, ['rev-parse', `${s.ref}^{commit}`]).trim();
    let count = 0;
    const files = goFiles(dir, s.ref, s.paths);
    // Constants are package-wide in Go: a package's files share them (`namespace` in storage.go, used elsewhere).
    const packageConsts = new Map();
    for (const [path, text] of files) {
      const pkg = dirname(path);
      packageConsts.set(pkg, new Map([...(packageConsts.get(pkg) ?? []), ...constants(text)]));
    }
    for (const [path, text] of files) {
      if (s.prefixed) {
        for (const p of text.matchAll(/WrapRegistererWithPrefix\(\s*"([a-z_]+)"/g)) prefixes.add(p[1]);
      }
      for (const name of metricsOf(text, packageConsts.get(dirname(path)))) {
        count++;
        const entry = metrics.get(name) ?? { prefixed: false, sources: new Set() };
        entry.sources.add(s.repo);
        if (s.prefixed) entry.prefixed = true;
        metrics.set(name, entry);
      }
    }
    sources.push({ repo: s.repo, ref: s.ref, commit, paths: s.paths, definitions: count });
  }
  const names = new Set();
  for (const [name, e] of metrics) {
    names.add(name);
    if (e.prefixed && !NAMESPACED.test(name)) for (const p of prefixes) names.add(p + name);
  }
  const thanos = SOURCES[0];
  const otlp = otlpKeys(resolve(mirror, `${thanos.repo.replace('/', '+')}/repo`), thanos.ref);
  return `${JSON.stringify(
    {
      generatedBy: 'scripts/thanos-metrics.mjs',
      sources,
      wrapPrefixes: [...prefixes].sort(),
      tracingOtlpKeys: otlp,
      metrics: [...names].sort(),
    },
    null,
    1,
  )}\n`;
}

const args = process.argv.slice(2);
const check = args.includes('--check');
const mirror = resolve(args.find((a) => !a.startsWith('--')) ?? '/work/.mirror');
const text = generate(mirror);
if (check) {
  const old = readFileSync(OUT, 'utf8');
  if (old !== text) {
    console.error(`${OUT} is out of date: run node scripts/thanos-metrics.mjs`);
    process.exit(1);
  }
} else {
  writeFileSync(OUT, text);
  const data = JSON.parse(text);
  console.error(`wrote ${data.metrics.length} metric names from ${data.sources.length} sources to ${OUT}`);
}
