// StrykerJS: mutation testing, run by `pnpm mutate` (not in CI: minutes per file). See README "Mutation testing".
// Run one file at a time:  pnpm mutate --mutate packages/thanos-components/src/hashrings.ts

import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';

/** The file(s) given with `--mutate`/`-m`, as a name for this target's incremental file and report. */
const at = process.argv.findIndex((a) => a === '--mutate' || a === '-m');
const target = at >= 0 ? (process.argv[at + 1] ?? 'all') : 'all';
const long = target.replace(/^packages\//, '').replace(/[^A-Za-z0-9]+/g, '-');
/** A list of files gives a name too long for the file system: keep its start and a hash of the whole. */
const slug =
  long.length > 100 ? `${long.slice(0, 60)}-${createHash('sha256').update(long).digest('hex').slice(0, 12)}` : long;
/**
 * The tests that pin each target: a mutant runs only these (the test processes inherit the variables, read by
 * vitest.stryker.config.ts). Every other test that merely passes through the target (most of them load an
 * environment, which runs every rule and default) would make each surviving mutant cost seconds more.
 * A component file `thanos-components/src/<name>.ts` is pinned by `test/<name>*.test.ts`: its own tests and its
 * `<name>.intent.test.ts`, the behaviours that make it work, asserted by name (see testsFor).
 */
const COMPONENT_TESTS = 'packages/thanos-components/test';
const TESTS = {
  'input/src/rules/': ['packages/input/test/rules.test.ts', 'packages/input/test/receive-rules.test.ts'],
  'model/src/defaults.ts': ['packages/input/test/defaults.test.ts', 'packages/input/test/load.test.ts'],
  'output/src/writer.ts': ['packages/output/test/writer*.test.ts'],
  // The scanner's own cases (ms a run); the CLI tests, which render whole environments, check where hits land.
  'input/src/credentials.ts': [
    'packages/input/test/credentials.test.ts',
    'packages/input/test/credentials-needs.test.ts',
  ],
  'thanos-components/src/hashrings.ts': [
    `${COMPONENT_TESTS}/hashrings.test.ts`,
    `${COMPONENT_TESTS}/receive.test.ts`,
    `${COMPONENT_TESTS}/*.intent.test.ts`,
  ],
  // Its own tests only: no intent test looks at a NetworkPolicy, and each costs ~6 s per surviving mutant here.
  'thanos-components/src/network-policies.ts': [`${COMPONENT_TESTS}/network-polic*.test.ts`],
  // The readers' entry point: its own tests (no intent test turns readers on).
  'thanos-components/src/query-readers.ts': [`${COMPONENT_TESTS}/query-readers.test.ts`],
  // The cache files are read by the store gateway and the query frontend: their tests and the caches' own (every
  // intent test would render all components for each mutant, and only these two read a cache file).
  'thanos-components/src/caches.ts': [
    `${COMPONENT_TESTS}/caches*.test.ts`,
    `${COMPONENT_TESTS}/memcached*.test.ts`,
    `${COMPONENT_TESTS}/query-frontend*.test.ts`,
    `${COMPONENT_TESTS}/store-gateway.intent.test.ts`,
  ],
  // memcached's own objects are tested with the caches that use them.
  'thanos-components/src/memcached.ts': [`${COMPONENT_TESTS}/memcached*.test.ts`, `${COMPONENT_TESTS}/caches.test.ts`],
  // The pod plumbing and objects every component shares: their own tests call the helpers and render small
  // environments; every intent test would run against each mutant (all of them render pods), 10-20 s a mutant.
  'thanos-components/src/pod.ts': [`${COMPONENT_TESTS}/pod.test.ts`],
  'thanos-components/src/pod-options.ts': [
    `${COMPONENT_TESTS}/pod-options.test.ts`,
    `${COMPONENT_TESTS}/escape-hatches.intent.test.ts`,
  ],
  'thanos-components/src/objects.ts': [`${COMPONENT_TESTS}/objects.test.ts`],
  'thanos-components/src/workloads.ts': [`${COMPONENT_TESTS}/workloads.test.ts`],
  // Its script runs in real shells in the cli test; no component test renders TLS.
  'thanos-components/src/ca-bundle-check.ts': [
    `${COMPONENT_TESTS}/ca-bundle-check.test.ts`,
    'packages/cli/test/ca-bundle-check.test.ts',
  ],
  'thanos-components/src/autoscaling.ts': [
    `${COMPONENT_TESTS}/autoscaling.test.ts`,
    `${COMPONENT_TESTS}/query.test.ts`,
  ],
  // The flag checker is pure: its own tests (the data files and their scripts are tested in flag-data.test.ts).
  'thanos-components/src/flags.ts': [`${COMPONENT_TESTS}/flags.test.ts`],
  // Every render reads the images and the ingestion flags: their own tests, not every intent test.
  'thanos-components/src/images.ts': [`${COMPONENT_TESTS}/images.test.ts`],
  'thanos-components/src/ingestion.ts': [`${COMPONENT_TESTS}/ingestion.test.ts`],
  // Its own and its intent tests; the escape-hatch test renders no rollout-operator (no zones, no extraArgs).
  'thanos-components/src/rollout-operator.ts': [`${COMPONENT_TESTS}/rollout-operator*.test.ts`],
  // The component list and the escape-hatch pass: any render shows them; this one renders every section's pods.
  'thanos-components/src/index.ts': [`${COMPONENT_TESTS}/escape-hatches.intent.test.ts`],
  'thanos-components/src/request-limits.ts': [`${COMPONENT_TESTS}/request-limits.test.ts`],
  'thanos-components/src/endpoints.ts': [`${COMPONENT_TESTS}/query.test.ts`, `${COMPONENT_TESTS}/query.intent.test.ts`],
  // The IAM files and the README's text: stated file by file in documents.test.ts (the other irsa tests only
  // pass through documents(), and each adds seconds per mutant); before 'irsa/src/', which would match first.
  'irsa/src/documents.ts': ['packages/irsa/test/documents.test.ts'],
  // Not encode.test.ts (bash runs of the README's commands, 14 s a run): documents.test.ts states the commands.
  'irsa/src/': [
    'packages/irsa/test/irsa.test.ts',
    'packages/irsa/test/aws.test.ts',
    'packages/irsa/test/clouds.test.ts',
    'packages/irsa/test/documents.test.ts',
  ],
  'mtls/src/': ['packages/mtls/test/*.test.ts'],
  // delivery.test.ts renders through the CLI (seconds a test): its objects are asserted unrendered here.
  'delivery/src/': ['packages/cli/test/delivery-units.test.ts'],
  'cli/src/cache.ts': ['packages/cli/test/cache.test.ts'],
  'cli/src/committed.ts': ['packages/cli/test/committed.test.ts'],
  'cli/src/tier-up.ts': ['packages/cli/test/tier-up.test.ts'],
  // What each alert evaluates and says, on loaded environments (no render: ms a test), and what every alert carries.
  // alerts.test.ts renders whole environments in each test (~25 s a mutant): not pinned; the promtool tests neither.
  'thanos-components/src/alerts.ts': [
    `${COMPONENT_TESTS}/alerts.expressions.test.ts`,
    `${COMPONENT_TESTS}/alerts.intent.test.ts`,
  ],
  // Their own tests: no intent test reads the recording rules or a tracing config.
  'thanos-components/src/recording-rules.ts': [`${COMPONENT_TESTS}/recording-rules.test.ts`],
  'thanos-components/src/tracing.ts': [`${COMPONENT_TESTS}/tracing.test.ts`],
};
/**
 * The tests for one target file: its entry in TESTS; for a component with its own intent test, its own tests and
 * the escape-hatch test (each section checked at its own path); for the files every component uses (pod.ts,
 * objects.ts, …), their own tests and every intent test.
 */
function testsFor(file) {
  const listed = Object.entries(TESTS).find(([prefix]) => file.startsWith(`packages/${prefix}`))?.[1];
  if (listed) return listed;
  const component = /^packages\/thanos-components\/src\/([a-z-]+)\.ts$/.exec(file)?.[1];
  if (!component) return undefined;
  const own = `${COMPONENT_TESTS}/${component}*.test.ts`;
  return existsSync(`${COMPONENT_TESTS}/${component}.intent.test.ts`)
    ? [own, `${COMPONENT_TESTS}/escape-hatches.intent.test.ts`]
    : [own, `${COMPONENT_TESTS}/*.intent.test.ts`];
}
/** `--mutate file:10-20,file:30-40` (line ranges) pins the tests of `file`. */
const tests = testsFor(target.split(',')[0].replace(/:\d+-\d+$/, ''));
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
    'packages/thanos-components/src/*.ts',
    'packages/irsa/src/*.ts',
    'packages/mtls/src/*.ts',
    'packages/delivery/src/*.ts',
    'packages/input/src/credentials.ts',
    'packages/cli/src/cache.ts',
    'packages/output/src/writer.ts',
    'packages/model/src/defaults.ts',
    'packages/input/src/rules/*.ts',
    '!packages/input/src/rules/index.ts',
  ],
  // A 2-core machine shared by several people: one test process; `pnpm mutate` also runs under `nice -n 10`.
  // Run one file at a time (`--mutate <file>`): every file of the list above takes hours.
  concurrency: 1,
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
  // The first run of the target's tests, unmutated: minutes when the machine is busy (the default is 5).
  dryRunTimeoutMinutes: 30,
  thresholds: { high: 90, low: 80, break: null },
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
};
