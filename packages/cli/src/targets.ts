/** The trees `generate`, `check` and `diff` compare clusters/ with. */
import { type EnvironmentTree, existingEnvironments, RESERVED_CLUSTERS_FOLDERS } from '@thanos-gitops/output';
import type { CommandOptions } from './args.js';
import { environmentSelection } from './files.js';
import { countObjects } from './plan.js';
import { renderDelivery, renderEnvironments, scopeOf } from './render.js';
import { committedVolumes } from './volumes.js';

/**
 * Trees to write: the rendered ones, plus empty ones for environments whose file is gone (prunes them), plus the
 * Argo CD and Flux folders. With `--env`, only those environments: the Argo CD and Flux folders, which depend on
 * every environment, are left as they are.
 */
export function targetTrees({ environmentsDir, clustersDir, only, note }: CommandOptions) {
  const { all, selected } = environmentSelection(environmentsDir, only, note);
  const rendered = renderEnvironments(all, committedVolumes(clustersDir), scopeOf(selected));
  const warnings = rendered.map((r) => ({ warnings: r.warnings }));
  const trees: EnvironmentTree[] = rendered.map((r) => r.tree);
  if (only.length === 0) {
    const names = new Set(trees.map((t) => t.env));
    const reserved: readonly string[] = RESERVED_CLUSTERS_FOLDERS;
    for (const env of existingEnvironments(clustersDir)) {
      if (!names.has(env) && !reserved.includes(env)) trees.push({ env, files: new Map() });
    }
    // An empty delivery tree only matters when its folder exists (it removes the generated files there).
    const existing = new Set(existingEnvironments(clustersDir));
    trees.push(...renderDelivery(rendered).filter((t) => t.files.size > 0 || existing.has(t.env)));
  }
  const objects = new Map(rendered.map((r) => [r.env, r.manifests.length]));
  for (const t of trees) {
    if (!objects.has(t.env)) objects.set(t.env, countObjects(t));
  }
  return { trees, objects, warnings };
}
