/**
 * The tests StrykerJS runs against mutants (stryker.config.mjs): the test files it names for the target in
 * `STRYKER_TESTS` (comma-separated, from the repository root), else every test of the packages that hold
 * the targets (output, model, input, thanos-components). `pnpm test` still runs everything.
 */
import { defineConfig } from 'vitest/config';
import { testLimits, testRules, workspaceAliases } from './vitest.shared.js';

// biome-ignore lint/suspicious/noUndeclaredEnvVars: set by stryker.config.mjs for vitest under Stryker, never by a turbo task
const only = process.env.STRYKER_TESTS;

export default defineConfig({
  resolve: { alias: workspaceAliases },
  test: {
    ...testLimits,
    ...testRules,
    // Every test renders for itself (packages/cli/test/helpers.ts shares nothing then): per-test coverage.
    env: { THANOS_GITOPS_TEST_SHARE: '0' },
    // One module graph for the target's test files in a run: half the time of a mutant (query.ts 161 → 85 s, same result).
    isolate: false,
    include: only
      ? only.split(',')
      : [
          'packages/{output,model,input,manifests,schema}/test/**/*.test.ts',
          'packages/thanos-components/test/**/*.test.ts',
        ],
  },
});
