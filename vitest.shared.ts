/** Test-time resolution of workspace packages to their TypeScript sources, so tests never need a build. */
import { fileURLToPath } from 'node:url';

const packages = ['core-model', 'thanos-components', 'irsa', 'mtls', 'overlays', 'delivery', 'cli'];

export const workspaceAliases = Object.fromEntries(
  packages.map((p) => [`@thanos-gitops/${p}`, fileURLToPath(new URL(`./packages/${p}/src/index.ts`, import.meta.url))]),
);
