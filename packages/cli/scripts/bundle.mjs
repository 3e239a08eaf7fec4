// Bundles the built command (dist/bin.js and everything it imports, workspace packages and npm dependencies) into
// dist/thanos-gitops.mjs and its lazily loaded chunks, so starting the command reads a few files instead of ~500
// modules. Run by `pnpm build` after tsc. Each command's module (and the render pipeline, which only a render
// needs) stays a chunk of its own, loaded when used, as `main.ts` and `plan.ts` import them. Source maps sit
// beside the chunks; `--debug` turns them on for stack traces (bin.ts).
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
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

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
  if (/^(thanos-gitops|chunk-).*\.mjs(\.map)?$/.test(f) || f === BUILD_ID || f === 're2.wasm') rmSync(join(dist, f));
}

/**
 * input loads its precompiled environment validator (ajv standalone code, a CommonJS file beside validator.js)
 * with a runtime `require`, which a bundle cannot follow. Here it becomes an import of that file, so the validator
 * is part of the bundle. Fails the build if validator.js no longer has the expected shape.
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
      const cjs = join(dirname(args.path), 'environment-validator.cjs');
      const validator = validatorCode === undefined ? JSON.stringify(cjs) : '"thanos-gitops-precompiled-validator"';
      return {
        contents: `import __precompiledValidator from ${validator};\n${source.replace(call, '__precompiledValidator')}`,
        loader: args.path.endsWith('.ts') ? 'ts' : 'js',
        resolveDir: dirname(args.path),
      };
    });
    b.onResolve({ filter: /^thanos-gitops-precompiled-validator$/ }, () => ({ path: 'validator', namespace: 'pv' }));
    b.onLoad({ filter: /.*/, namespace: 'pv' }, () => ({
      contents: validatorCode,
      loader: 'js',
      resolveDir: join(repo, 'packages/input'),
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

const result = await build({
  absWorkingDir: root,
  entryPoints: { 'thanos-gitops-run': entry('run') },
  conditions: fromSources ? ['source'] : [],
  outdir: dist,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  outExtension: { '.js': '.mjs' },
  chunkNames: 'chunk-[hash]',
  sourcemap: 'linked',
  // Names stay as written: error messages and `--debug` stack traces read as in the sources.
  minifyWhitespace: true,
  minifySyntax: true,
  keepNames: false,
  legalComments: 'none',
  logLevel: 'warning',
  metafile: true,
  // CommonJS dependencies bundled into ESM call `require` for Node's built-ins, and re2-wasm (kubernetes-models'
  // pattern checks) finds its re2.wasm through `__dirname`: copied beside the chunks below.
  banner: {
    js: [
      "import { createRequire as __thanosGitopsCreateRequire } from 'node:module';",
      "import { dirname as __thanosGitopsDirnameOf } from 'node:path';",
      "import { fileURLToPath as __thanosGitopsFileUrlToPath } from 'node:url';",
      'const require = __thanosGitopsCreateRequire(import.meta.url);',
      'const __thanosGitopsDirname = __thanosGitopsDirnameOf(__thanosGitopsFileUrlToPath(import.meta.url));',
    ].join('\n'),
  },
  define: { __dirname: '__thanosGitopsDirname' },
  plugins: [precompiledValidator],
});

// re2-wasm's binary, where its loader looks for it (`__dirname` of the chunk).
const re2 = Object.keys(result.metafile.inputs).find((f) => /re2-wasm[/\\]build[/\\]wasm[/\\]re2\.js$/.test(f));
if (re2) copyFileSync(join(root, dirname(re2), 're2.wasm'), join(dist, 're2.wasm'));

const id = createHash('sha256');
for (const f of readdirSync(dist).sort()) {
  if (/\.mjs$|\.wasm$/.test(f)) id.update(`\0${f}\0`).update(readFileSync(join(dist, f)));
}
writeFileSync(join(dist, BUILD_ID), `${id.digest('base64url')}\n`);

const inputs = Object.keys(result.metafile.inputs).length;
const outputs = Object.entries(result.metafile.outputs).filter(([f]) => f.endsWith('.mjs'));
const bytes = outputs.reduce((n, [, o]) => n + o.bytes, 0);
process.stderr.write(
  `bundle: ${inputs} modules into ${outputs.length} files (${(bytes / 1048576).toFixed(1)} MiB), dist/thanos-gitops.mjs\n`,
);
