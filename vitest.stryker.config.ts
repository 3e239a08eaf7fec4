/**
 * The tests StrykerJS runs against each mutant (stryker.config.mjs): those of the package that holds the target
 * file (`STRYKER_TEST_PACKAGE`, set by stryker.config.mjs from `--mutate`), else those of core-model and
 * thanos-components, which hold every target. A package's own tests are the ones meant to pin its behaviour;
 * the other packages render whole environments outside their tests, which makes every mutant they reach run
 * all of them (minutes per mutant). `pnpm test` still runs everything.
 */
import { defineConfig } from 'vitest/config';

// biome-ignore lint/suspicious/noUndeclaredEnvVars: read by vitest under Stryker, never by a turbo task
const only = process.env.STRYKER_TEST_PACKAGE;

export default defineConfig({
  test: {
    projects: only ? [`packages/${only}`] : ['packages/core-model', 'packages/thanos-components'],
  },
});
