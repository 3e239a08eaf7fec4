import { configDefaults, defineConfig } from 'vitest/config';
import { SOAK_FILES, testLimits, testRules, workspaceAliases } from './vitest.shared.js';

export default defineConfig({
  test: {
    // Three suites, each a script that CI (.ci/run) runs: `pnpm test` every project but `soak` and `e2e` (minutes),
    // `pnpm test:soak` the long property and fuzz runs (`*.soak.test.ts` of any package), `pnpm test:real` the
    // rendered deployment on real Thanos binaries (packages/e2e). test/suites.test.ts holds the scripts to that.
    projects: [
      'packages/*',
      'test',
      {
        resolve: { alias: workspaceAliases },
        test: {
          ...testLimits,
          // A soak runs long by design (one property of 100 renders takes a minute on a busy 2-core machine):
          // the limit only ends a hung test.
          testTimeout: 600_000,
          ...testRules,
          name: 'soak',
          include: [`packages/*/test/${SOAK_FILES}`],
          exclude: configDefaults.exclude,
        },
      },
    ],
    // Both cores (vitest's default leaves one free): most files spend their time in child processes (kustomize,
    // node, promtool), so two workers overlap one file's waiting with another's work.
    maxWorkers: 2,
    // `pnpm test` runs with --coverage (v8: no instrumentation step, a few percent slower). The figures are
    // in the README; the floor sits well below them, so it catches a suite that stopped running, never noise.
    coverage: {
      provider: 'v8',
      include: ['packages/*/src/**/*.ts'],
      exclude: ['packages/*/src/data/**'],
      reporter: ['text-summary', ['json-summary', { file: 'coverage-summary.json' }]],
      reportsDirectory: 'coverage',
      thresholds: { statements: 80, branches: 70, functions: 85, lines: 80 },
    },
  },
});
