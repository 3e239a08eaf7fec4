// StrykerJS: mutation testing, run by `pnpm mutate` (not in CI: minutes per file). See README "Mutation testing".
// Run one file at a time:  pnpm mutate --mutate packages/thanos-components/src/hashrings.ts

/** The file(s) given with `--mutate`/`-m`, as a name for this target's incremental file and report. */
const at = process.argv.findIndex((a) => a === '--mutate' || a === '-m');
const target = at >= 0 ? (process.argv[at + 1] ?? 'all') : 'all';
const slug = target.replace(/^packages\//, '').replace(/[^A-Za-z0-9]+/g, '-');
/**
 * The tests that pin each target: a mutant runs only these (the test processes inherit the variables, read by
 * vitest.stryker.config.ts). Every other test that merely passes through the target (most of them load an
 * environment, which runs every rule and default) would make each surviving mutant cost seconds more.
 */
const TESTS = {
  'input/src/rules/': ['packages/input/test/rules.test.ts', 'packages/input/test/receive-rules.test.ts'],
  'model/src/defaults.ts': ['packages/input/test/defaults.test.ts', 'packages/input/test/load.test.ts'],
  'output/src/writer.ts': ['packages/output/test/writer*.test.ts'],
  'thanos-components/src/receive.ts': ['packages/thanos-components/test/receive*.test.ts'],
  'thanos-components/src/hashrings.ts': [
    'packages/thanos-components/test/hashrings.test.ts',
    'packages/thanos-components/test/receive.test.ts',
  ],
};
const tests = Object.entries(TESTS).find(([prefix]) => target.startsWith(`packages/${prefix}`))?.[1];
if (tests) process.env.STRYKER_TESTS = tests.join(',');

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  // Under pnpm the runner is not found by Stryker's own plugin search: name it.
  plugins: ['@stryker-mutator/vitest-runner'],
  testRunner: 'vitest',
  // The tests of the target (TESTS above), or of the packages below the components and of thanos-components for other files.
  vitest: { configFile: 'vitest.stryker.config.ts' },
  coverageAnalysis: 'perTest',
  // The files whose mistakes cost users most; `--mutate <file>` narrows a run to one of them.
  mutate: [
    'packages/thanos-components/src/hashrings.ts',
    'packages/thanos-components/src/receive.ts',
    'packages/output/src/writer.ts',
    'packages/model/src/defaults.ts',
    'packages/input/src/rules/*.ts',
    '!packages/input/src/rules/index.ts',
  ],
  // A 2-core machine: two test processes at most; `pnpm mutate` also runs under `nice -n 10`.
  concurrency: 2,
  // Reuses the results of unchanged mutants and tests from the last run (reports/ is not committed).
  incremental: true,
  // One file per target, so running another target does not drop this one's results.
  incrementalFile: `reports/stryker-incremental/${slug}.json`,
  // dist/ stays: the writer's fault-injection tests run the built writer in child processes.
  ignorePatterns: ['/clusters', '/environments', '/coverage', '/reports', '/bench', '.turbo'],
  reporters: ['clear-text', 'progress', 'html'],
  htmlReporter: { fileName: `reports/mutation/${slug}.html` },
  // Generous: a loaded machine must not turn a slow run into a "timeout" (counted as killed).
  timeoutMS: 30_000,
  thresholds: { high: 90, low: 80, break: null },
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
};
