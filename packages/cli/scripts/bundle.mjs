// Bundles the built command (dist/bin.js and everything it imports, workspace packages and npm dependencies) into
// dist/thanos-gitops.mjs and its lazily loaded chunks, so starting the command reads a few files instead of ~500
// modules. Run by `pnpm build` after tsc. Each command's module (and the render pipeline, which only a render
// needs) stays a chunk of its own, loaded when used, as `main.ts` and `plan.ts` import them. Source maps sit
// beside the chunks; `--debug` turns them on for stack traces (bin.ts).
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Script } from 'node:vm';
import { build } from 'esbuild';
import { parse } from 'yaml';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = join(root, 'dist');
const repo = join(root, '..', '..');
/**
 * `--from-sources`: bundles straight from every package's TypeScript sources (the `source` export condition), with
 * no tsc run first: what `pnpm generate`, `check`, `diff`, `validate` use, so a fresh clone renders in seconds
 * (`pnpm build` still runs tsc everywhere, and `pnpm test` type-checks). With `--if-stale`, does nothing when the
 * bundle is newer than every source, package.json, the lockfile and this script.
 */
const fromSources = process.argv.includes('--from-sources');

/** The newest modification time among the inputs of a bundle from the sources. */
function newestInput() {
  let newest = statSync(fileURLToPath(import.meta.url)).mtimeMs;
  const visit = (path) => {
    const st = statSync(path, { throwIfNoEntry: false });
    if (!st) return;
    newest = Math.max(newest, st.mtimeMs);
    if (st.isDirectory()) for (const name of readdirSync(path)) visit(join(path, name));
  };
  visit(join(repo, 'pnpm-lock.yaml'));
  for (const pkg of readdirSync(join(repo, 'packages'))) {
    visit(join(repo, 'packages', pkg, 'package.json'));
    visit(join(repo, 'packages', pkg, 'src'));
  }
  return newest;
}

if (fromSources && process.argv.includes('--if-stale')) {
  const bundle = statSync(join(dist, 'thanos-gitops.mjs'), { throwIfNoEntry: false });
  if (bundle && existsSync(join(dist, 'thanos-gitops.build-id')) && bundle.mtimeMs > newestInput()) process.exit(0);
}
/** A hash of the bundle's files: the render cache's fingerprint of the generator (cache.ts), read at every start. */
const BUILD_ID = 'thanos-gitops.build-id';
/** The environment validator and its V8 code cache (see `writeValidator`). */
const VALIDATOR = 'environment-validator.cjs';
const CODE_CACHE = 'environment-validator.v8cache';
/** The command's path as one CommonJS file, and its V8 code cache (see `writeRunCache`). */
const RUN = 'thanos-gitops-run.cjs';
const RUN_CACHE = 'thanos-gitops-run.v8cache';

/**
 * From the sources, the precompiled validator is made here as input's build makes it (scripts/build-validator.mjs):
 * its module bundled on its own, then asked for the validator's standalone code.
 */
async function validatorFromSources() {
  // Inside input's node_modules/: the validator module requires ajv at run time, resolved from there.
  const tmp = mkdtempSync(join(repo, 'packages/input/node_modules/.thanos-gitops-bundle-'));
  try {
    await build({
      absWorkingDir: root,
      entryPoints: [join(repo, 'packages/input/src/validator.ts')],
      outfile: join(tmp, 'validator.mjs'),
      bundle: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      conditions: ['source'],
      logLevel: 'warning',
      banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
    });
    const { validatorSource } = await import(join(tmp, 'validator.mjs'));
    return validatorSource();
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
const validatorCode = fromSources ? await validatorFromSources() : undefined;

// The chunks of the previous bundle: their names carry a content hash, so old ones would pile up.
mkdirSync(dist, { recursive: true });
for (const f of readdirSync(dist)) {
  const old = /^(thanos-gitops|chunk-).*\.[mc]js(\.map)?$/.test(f);
  if (old || [BUILD_ID, 're2.wasm', VALIDATOR, CODE_CACHE, RUN_CACHE].includes(f)) {
    rmSync(join(dist, f));
  }
}

/**
 * The environment validator (ajv standalone code, ~1 MiB) is not in the chunks: it is bundled alone into
 * dist/environment-validator.cjs, and loaded with a V8 code cache of it made here after a validation
 * (dist/environment-validator.v8cache), so a run neither compiles it nor, at its first validation, the functions
 * V8 compiles lazily (~80 ms of every command that loads an environment). A cache V8 does not accept (another
 * Node.js, other V8 flags) is ignored: the validator is compiled as before.
 */
/** The CommonJS wrapper the validator runs in: the same text here and at run time, which the cache is made for. */
const WRAP = ['(function (exports, require, module, __filename, __dirname) {', '\n})'];

/** What `require(PRECOMPILED)` becomes in the bundle (chunks are in dist/, where `__dirname` points). */
const LOADER = `import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Script } from 'node:vm';
export function loadValidator() {
  const file = join(__dirname, ${JSON.stringify(VALIDATOR)});
  let cachedData;
  try {
    cachedData = readFileSync(join(__dirname, ${JSON.stringify(CODE_CACHE)}));
  } catch {
    // No cache: compiled.
  }
  // ASCII (the build checks it): read as latin1, cheaper than Node's UTF-8 decoding.
  const code = ${JSON.stringify(WRAP[0])} + readFileSync(file, 'latin1') + ${JSON.stringify(WRAP[1])};
  const module = { exports: {} };
  new Script(code, { filename: file, cachedData }).runInThisContext()(module.exports, createRequire(file), module, file, __dirname);
  return module.exports;
}
`;

/**
 * input loads its precompiled environment validator (ajv standalone code, a CommonJS file beside validator.js)
 * with a runtime `require`, which a bundle cannot follow. Here it becomes a call of LOADER, which loads
 * dist/environment-validator.cjs. Fails the build if validator.js no longer has the expected shape.
 */
const precompiledValidator = {
  name: 'precompiled-validator',
  setup(b) {
    b.onLoad({ filter: /[/\\]input[/\\](dist[/\\]validator\.js|src[/\\]validator\.ts)$/ }, (args) => {
      const source = readFileSync(args.path, 'utf8');
      const call = 'require(PRECOMPILED)';
      if (!source.includes(call)) {
        throw new Error(`${args.path} no longer loads its precompiled validator with ${call}: update bundle.mjs`);
      }
      return {
        contents: `import { loadValidator as __loadValidator } from "thanos-gitops-validator-loader";\n${source.replace(call, '__loadValidator()')}`,
        loader: args.path.endsWith('.ts') ? 'ts' : 'js',
        resolveDir: dirname(args.path),
      };
    });
    b.onResolve({ filter: /^thanos-gitops-validator-loader$/ }, () => ({ path: 'loader', namespace: 'pv' }));
    b.onLoad({ filter: /.*/, namespace: 'pv' }, () => ({ contents: LOADER, loader: 'js', resolveDir: root }));
  },
};

/**
 * dist/environment-validator.cjs, the validator with the ajv runtime it requires, and its code cache, made after
 * validating the benchmark's production-like environment (bench/fixtures/prod-like.yaml), so that the functions a
 * validation compiles are in it.
 */
async function writeValidator() {
  const file = join(dist, VALIDATOR);
  const input = join(repo, 'packages/input');
  await build({
    absWorkingDir: root,
    ...(validatorCode === undefined
      ? { entryPoints: [join(input, 'dist', VALIDATOR)] }
      : { stdin: { contents: validatorCode, resolveDir: input, loader: 'js' } }),
    outfile: file,
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    minifyWhitespace: true,
    minifySyntax: true,
    legalComments: 'none',
    logLevel: 'warning',
  });
  const script = new Script(WRAP[0] + readFileSync(file, 'utf8') + WRAP[1], { filename: file });
  const module = { exports: {} };
  script.runInThisContext()(module.exports, createRequire(file), module, file, dist);
  const sample = join(repo, 'bench/fixtures/prod-like.yaml');
  if (existsSync(sample)) module.exports(parse(readFileSync(sample, 'utf8')));
  writeFileSync(join(dist, CODE_CACHE), script.createCachedData());
}

/**
 * dist/thanos-gitops-run.mjs, what bin.ts imports: compiles dist/thanos-gitops-run.cjs in the CommonJS wrapper
 * (WRAP) with its code cache, which V8 ignores when it does not fit (another Node.js, other V8 flags such as
 * `--cpu-prof`). With source maps on (`--debug`), `require` loads it, and maps its stack traces.
 */
const RUN_LOADER = `import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Script } from 'node:vm';
const file = fileURLToPath(new URL(${JSON.stringify(`./${RUN}`)}, import.meta.url));
function load() {
  const require = createRequire(file);
  if (process.sourceMapsEnabled) return require(file);
  let cachedData;
  try {
    cachedData = readFileSync(fileURLToPath(new URL(${JSON.stringify(`./${RUN_CACHE}`)}, import.meta.url)));
  } catch {
    // No cache: compiled.
  }
  // ASCII (the build checks it): read as latin1, several times cheaper than Node's UTF-8 decoding of 4 MiB.
  const code = ${JSON.stringify(WRAP[0])} + readFileSync(file, 'latin1') + ${JSON.stringify(WRAP[1])};
  const module = { exports: {} };
  new Script(code, { filename: file, cachedData }).runInThisContext()(module.exports, require, module, file, dirname(file));
  return module.exports;
}
export const { run } = load();
`;

/**
 * The code cache of dist/thanos-gitops-run.cjs, made by a child process that compiles it as RUN_LOADER does and
 * runs `generate`, `check`, `validate` and (with git) `diff --base` on the benchmark's production-like environment
 * in a temporary folder, so the functions those commands call are compiled in it. The file is named after the
 * environment's `name`, as the loader requires (else every command stops at that problem and renders nothing).
 * If the warm-up fails, or one of its commands does not exit as expected, there is no cache and every run compiles
 * the bundle, as before.
 */
async function writeRunCache() {
  const sample = join(repo, 'bench/fixtures/prod-like.yaml');
  if (!existsSync(sample)) return;
  const work = mkdtempSync(join(tmpdir(), 'thanos-gitops-warm-'));
  try {
    mkdirSync(join(work, 'environments'));
    const file = join('environments', `${parse(readFileSync(sample, 'utf8')).name}.yaml`);
    copyFileSync(sample, join(work, file));
    const r = spawnSync(
      process.execPath,
      ['--input-type=module', '-e', WARM_UP, join(dist, RUN), join(dist, RUN_CACHE), file],
      {
        cwd: work,
        encoding: 'utf8',
      },
    );
    if (r.status !== 0) process.stderr.write(`bundle: no code cache (the warm-up failed):\n${r.stderr}\n`);
    else if (r.stdout !== '') process.stderr.write(`bundle: no code cache (the warm-up's ${r.stdout})\n`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** The warm-up of `writeRunCache`, in the child, in the temporary folder. */
const WARM_UP = `import { readFileSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { Script } from 'node:vm';
const [file, cacheFile, env] = process.argv.slice(1);
const code = ${JSON.stringify(WRAP[0])} + readFileSync(file, 'latin1') + ${JSON.stringify(WRAP[1])};
const script = new Script(code, { filename: file });
const module = { exports: {} };
script.runInThisContext()(module.exports, createRequire(file), module, file, dirname(file));
const write = process.stdout.write.bind(process.stdout);
const quiet = { write: () => true };
process.stdout.write = quiet.write;
process.stderr.write = quiet.write;
const { run } = module.exports;
const git = (...args) => spawnSync('git', ['-c', 'user.email=w@example.com', '-c', 'user.name=w', ...args]).status === 0;
// The commands that did not exit as expected: then there is no cache (run-cache.test.ts fails), rather than one
// missing the path they did not take.
const failed = [];
const expect = async (argv, code) => {
  const got = await run(argv);
  if (got !== code) failed.push(argv[0] + ' exited ' + got);
};
await expect(['generate'], 0);
await expect(['check', '--no-cache'], 0);
await expect(['validate'], 0);
if (git('init', '--quiet') && git('add', '-A') && git('commit', '--quiet', '-m', 'base')) {
  writeFileSync(env, readFileSync(env, 'utf8').replace(/^(\\s+retention: )(\\d+)d$/m, (_, k, d) => k + (Number(d) + 1) + 'd'));
  await expect(['diff', '--base', 'HEAD', '--format', 'markdown'], 1);
}
// V8 takes a cache only under the flags it was made with: those a run starts with (the renders raised V8's
// optimization budget, cli/src/tier-up.ts).
module.exports.defaultTiering();
if (failed.length === 0) writeFileSync(cacheFile, script.createCachedData());
write(failed.join(', '));
process.exitCode = 0;
`;

/**
 * re2-wasm compiles and instantiates its WebAssembly (~0.9 MB) when its module is evaluated: ~40-60 ms of every
 * run, though most runs never match an RE2 pattern. kubernetes-models makes one RE2 pattern when its schemas load
 * (a field this generator does not write), and cli matches patch target names with RE2. Here `re2-wasm` resolves
 * to LAZY_RE2, which loads the real module at the first `new RE2(…)`; for kubernetes-models' patterns, at their
 * first `test` (the only method its validators call).
 */
const LAZY_RE2 = (eager) => `let real;
const load = () => (real ??= require('re2-wasm').RE2);
${
  eager
    ? `export class RE2 {
  constructor(source, flags) {
    return new (load())(source, flags);
  }
}`
    : `export class RE2 {
  #source;
  #flags;
  #compiled;
  constructor(source, flags) {
    this.#source = source;
    this.#flags = flags;
  }
  test(text) {
    this.#compiled ??= new (load())(this.#source, this.#flags);
    return this.#compiled.test(text);
  }
}`
}
`;
const lazyRe2 = {
  name: 'lazy-re2',
  setup(b) {
    b.onResolve({ filter: /^re2-wasm$/ }, (args) => {
      if (args.namespace === 'lazy-re2') return undefined;
      const validators = /[/\\]@kubernetes-models[/\\]/.test(args.importer);
      return { path: validators ? 'patterns' : 'eager', namespace: 'lazy-re2' };
    });
    b.onLoad({ filter: /.*/, namespace: 'lazy-re2' }, (args) => ({
      contents: LAZY_RE2(args.path === 'eager'),
      loader: 'js',
      resolveDir: root,
    }));
  },
};

/** The entry file's name for a module of src/: `bin` from the sources or from tsc's output. */
const entry = (name) => (fromSources ? join(root, `src/${name}.ts`) : join(dist, `${name}.js`));

// The entry file, dist/thanos-gitops.mjs: bin.ts and the quick answer of `check` and `generate` with nothing to do
// (quick.ts, cache.ts), one file of its own, with no chunk to load; everything else is in thanos-gitops-run.mjs and
// its chunks, which it imports only when the quick answer does not settle the run.
await build({
  absWorkingDir: root,
  entryPoints: { 'thanos-gitops': entry('bin') },
  conditions: fromSources ? ['source'] : [],
  outdir: dist,
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  outExtension: { '.js': '.mjs' },
  sourcemap: 'linked',
  minifyWhitespace: true,
  minifySyntax: true,
  legalComments: 'none',
  logLevel: 'warning',
  plugins: [
    {
      name: 'run-apart',
      setup(b) {
        b.onResolve({ filter: /^\.\/run\.js$/ }, () => ({ path: './thanos-gitops-run.mjs', external: true }));
      },
    },
  ],
});

await writeValidator();

/**
 * The command's whole path (run.ts and everything it imports) is one CommonJS file, dist/thanos-gitops-run.cjs,
 * which dist/thanos-gitops-run.mjs (RUN_LOADER) compiles with a V8 code cache made here after a warm-up run
 * (dist/thanos-gitops-run.v8cache, see `writeRunCache`): a run then neither compiles the 4 MiB bundle nor, mostly,
 * the functions V8 compiles lazily at their first call. Node 20 has no compile cache for ES modules; CommonJS run
 * through `node:vm` takes one. Modules that run.ts loads with `import()` stay lazy: esbuild evaluates them on
 * their first import. With `--debug` (source maps on) the file is loaded with `require`, which maps stack traces.
 */
const result = await build({
  absWorkingDir: root,
  entryPoints: { 'thanos-gitops-run': entry('run') },
  conditions: fromSources ? ['source'] : [],
  outdir: dist,
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  outExtension: { '.js': '.cjs' },
  sourcemap: 'linked',
  // Names stay as written: error messages and `--debug` stack traces read as in the sources.
  minifyWhitespace: true,
  minifySyntax: true,
  keepNames: false,
  legalComments: 'none',
  logLevel: 'warning',
  metafile: true,
  // `import.meta.url` of every module is the URL of dist/thanos-gitops-run.mjs, the ES module that loads this file
  // (its modules look for files beside dist/ or the package, and cache.ts fingerprints the bundle by it);
  // re2-wasm finds its re2.wasm through `__dirname`, dist/, where it is copied below.
  banner: {
    js: "var __thanosGitopsUrl = require('node:url').pathToFileURL(require('node:path').join(__dirname, 'thanos-gitops-run.mjs')).href;",
  },
  define: { 'import.meta.url': '__thanosGitopsUrl' },
  plugins: [precompiledValidator, lazyRe2],
});
// The loaders read these files as latin1, which only ASCII survives unchanged; Node's UTF-8 decoding of the 4 MiB
// costs ~15-45 ms more at every start. esbuild escapes strings, not regular expressions: escape those in the source.
for (const name of [RUN, VALIDATOR]) {
  const nonAscii = /[^\0-\x7f]/.exec(readFileSync(join(dist, name), 'latin1'));
  if (nonAscii)
    throw new Error(`${name} holds a character outside ASCII at ${nonAscii.index}: escape it in the source`);
}
writeFileSync(join(dist, 'thanos-gitops-run.mjs'), RUN_LOADER);
await writeRunCache();

// re2-wasm's binary, where its loader looks for it (`__dirname` of the chunk).
const re2 = Object.keys(result.metafile.inputs).find((f) => /re2-wasm[/\\]build[/\\]wasm[/\\]re2\.js$/.test(f));
if (re2) copyFileSync(join(root, dirname(re2), 're2.wasm'), join(dist, 're2.wasm'));

const id = createHash('sha256');
for (const f of readdirSync(dist).sort()) {
  if (/\.mjs$|\.cjs$|\.wasm$/.test(f)) id.update(`\0${f}\0`).update(readFileSync(join(dist, f)));
}
writeFileSync(join(dist, BUILD_ID), `${id.digest('base64url')}\n`);

const inputs = Object.keys(result.metafile.inputs).length;
const outputs = Object.entries(result.metafile.outputs).filter(([f]) => /\.[mc]js$/.test(f));
const bytes = outputs.reduce((n, [, o]) => n + o.bytes, 0);
process.stderr.write(
  `bundle: ${inputs} modules into ${outputs.length} files (${(bytes / 1048576).toFixed(1)} MiB), dist/thanos-gitops.mjs\n`,
);
