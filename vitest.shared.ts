/** Test-time resolution of workspace packages to their TypeScript sources, so tests never need a build. */
import { fileURLToPath } from 'node:url';

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
