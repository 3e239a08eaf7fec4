/** Test-time resolution of workspace packages to their TypeScript sources, so tests never need a build. */
import { fileURLToPath } from 'node:url';
import { configDefaults } from 'vitest/config';

const packages = [
  'problems',
  'catalog',
  'output',
  'schema',
  'model',
  'input',
  'manifests',
  'thanos-components',
  'irsa',
  'mtls',
  'overlays',
  'delivery',
  'operability',
  'importer',
  'cli',
];

/** Subpath entry points, listed before the packages: an alias also matches what starts with it and a '/'. */
const subpaths: Record<string, string> = {};

export const workspaceAliases = Object.fromEntries([
  ...Object.entries(subpaths).map(([name, path]) => [name, fileURLToPath(new URL(path, import.meta.url))]),
  ...packages.map((p) => [
    `@thanos-gitops/${p}`,
    fileURLToPath(new URL(`./packages/${p}/src/index.ts`, import.meta.url)),
  ]),
]);

/**
 * Time limits far above what any test needs alone (the slowest, which spawn node or kustomize, take a few
 * seconds on a loaded 2-core machine): a limit is there to end a hung test, never to fail a slow machine.
 */
export const testLimits = { testTimeout: 60_000, hookTimeout: 120_000 };

/**
 * Rules every project's tests follow (spread into each `vitest.config.ts`, which cli/test/test-rules.test.ts checks): a
 * test that makes no assertion fails (`expect.requireAssertions`), so a test cannot pass by asserting nothing.
 */
export const testRules = { expect: { requireAssertions: true } };

/**
 * The long runs (property runs and fuzzing with many draws, soaks): files named `*.soak.test.ts`, in any package's
 * `test/`. They run in the `soak` project (root vitest.config.ts, `pnpm test:soak`), which CI runs after `pnpm test`.
 */
export const SOAK_FILES = '**/*.soak.test.ts';

/**
 * How the projects of `pnpm test` run (spread into every package's vitest.config.ts but e2e's): a worker runs file
 * after file without re-importing the module graph (`isolate: false`), so imports are paid once per worker and the
 * memoized renders and kustomize builds of `packages/cli/test/helpers.ts` are shared by every file of that worker.
 * Environment stubs are undone before each test (`unstubEnvs`), as no file may leave state for the next; the soaks
 * are left to their own project.
 */
export const sharedWorkers = {
  isolate: false,
  unstubEnvs: true,
  exclude: [...configDefaults.exclude, SOAK_FILES],
};
