/** The trees `generate`, `check` and `diff` compare clusters/ with. */
import { type EnvironmentTree, existingEnvironments } from '@thanos-gitops/core-model';
import type { CommandOptions } from './args.js';
import { environmentFiles } from './files.js';
import { renderEnvironments } from './render.js';

/** Trees to write: the rendered ones, plus empty ones for environments whose file is gone (prunes them). */
export function targetTrees({ environmentsDir, clustersDir, only }: CommandOptions) {
  const rendered = renderEnvironments(environmentFiles(environmentsDir, only));
  const trees: EnvironmentTree[] = rendered.map((r) => r.tree);
  if (only.length === 0) {
    const names = new Set(trees.map((t) => t.env));
    for (const env of existingEnvironments(clustersDir)) {
      if (!names.has(env)) trees.push({ env, files: new Map() });
    }
  }
  const objects = new Map(rendered.map((r) => [r.env, r.manifests.length]));
  return { trees, objects };
}
