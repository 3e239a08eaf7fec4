/** The trees `generate`, `check` and `diff` compare clusters/ with. */
import {
  type EnvironmentTree,
  environmentName,
  existingEnvironments,
  RESERVED_CLUSTERS_FOLDERS,
} from '@thanos-gitops/output';
import type { CommandOptions } from './args.js';
import { environmentSelection } from './files.js';
import { countObjects } from './plan.js';
import { renderDelivery, renderEnvironments, renderSelected, scopeOf } from './render.js';
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

/**
 * `diff`'s trees: every environment is loaded and checked, but only those `render` selects are rendered (the
 * others are known to render what the base holds), one at a time; plus empty trees for folders of `existing`
 * whose environment file is gone, and the Argo CD and Flux trees. Returns the names of every environment too.
 */
export function changedTrees(
  { environmentsDir, clustersDir, only, note }: CommandOptions,
  render: (env: string) => boolean,
  existing: readonly string[],
): { trees: EnvironmentTree[]; names: string[] } {
  const { all, selected } = environmentSelection(environmentsDir, only, note);
  const names = selected.map((f) => environmentName(f.path));
  const trees: EnvironmentTree[] = [];
  const whole = only.length === 0;
  const steps = renderSelected(
    all,
    (f) => render(environmentName(f.path)),
    whole,
    committedVolumes(clustersDir),
    scopeOf(selected),
  );
  for (let r = steps.next(); ; r = steps.next()) {
    if (r.done) {
      trees.push(...r.value.filter((t) => t.files.size > 0 || existing.includes(t.env)));
      break;
    }
    trees.push(r.value.tree);
  }
  if (whole) {
    const reserved: readonly string[] = RESERVED_CLUSTERS_FOLDERS;
    for (const env of existing) {
      if (!names.includes(env) && !reserved.includes(env)) trees.push({ env, files: new Map() });
    }
  }
  return { trees, names };
}
