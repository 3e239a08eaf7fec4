/**
 * `diff --base` when only some environment files changed: only those are loaded and rendered, so a change to one
 * environment costs the same with 1 or 1000 of them. The Argo CD and Flux folders are made from every environment
 * at once; they are left as the base has them when each changed environment gives them the same objects alone
 * before and after (the same Argo CD and Flux files rendered from that environment by itself), and no environment
 * is added or removed. Otherwise, or when a changed file does not load, `diff` takes the whole path (every file
 * loaded, the Argo CD and Flux folders rendered, every problem reported).
 *
 * The checks that span environments (one name, bucket or hostname per environment, copied files, delivery settings
 * that must agree) are `check`'s and `validate`'s here, which CI runs: this path checks each changed file alone.
 */

import { basename, join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { setFlagsFromString } from 'node:v8';
import { loadEach, type SourceFile } from '@thanos-gitops/input';
import { type EnvironmentTree, environmentName, RESERVED_CLUSTERS_FOLDERS } from '@thanos-gitops/output';
import { InvalidEnvironmentError } from '@thanos-gitops/problems';
import type { CommandOptions } from './args.js';
import type { BaseTree } from './base.js';
import { environmentSelection } from './files.js';
import { renderDelivery, renderSelected } from './render.js';
import { committedVolumes } from './volumes.js';

/** The most changed folders whose base files are read at once (beyond, one at a time, when compared). */
const PREFETCH_FOLDERS = 16;

/** V8's flags, set through this object: the seam tests watch (a flag set in a test would stay for the worker). */
export const v8Flags = { setFlagsFromString };

/**
 * Turns V8's optimizing compiler (TurboFan) off for the rest of the run. This path renders only the changed
 * environments, a short run in which TurboFan's compiling (on another thread) costs more CPU than its code saves:
 * ~0.1 s of ~0.63 s for one changed environment (docs/performance.md, session 9); `check --no-cache` of 100
 * environments is no slower without it either. V8 takes a code cache only under the flags it was made with, so
 * this comes after the run bundle and the environment validator were loaded with theirs. (`--no-turbofan` is the
 * flag's name from Node.js 20 on; V8 prints an error for a name it does not know.)
 */
function withoutOptimizingCompiler(): void {
  v8Flags.setFlagsFromString('--no-turbofan');
}

/** The Argo CD and Flux files one environment file makes by itself; undefined when it does not load. */
function deliveryAlone(file: SourceFile): EnvironmentTree[] | undefined {
  const { loaded, problems } = loadEach([file]);
  const [l] = loaded;
  if (l === undefined || problems.length > 0) return undefined;
  return renderDelivery([{ environment: l.env, file: l.file }]);
}

/** The Argo CD and Flux files each changed file made alone in the base, by path; undefined when one cannot tell. */
function deliveryBefore(
  changed: readonly SourceFile[],
  environmentsDir: string,
  base: BaseTree,
): Map<string, EnvironmentTree[]> | undefined {
  const out = new Map<string, EnvironmentTree[]>();
  for (const f of changed) {
    const was = base.text(join(environmentsDir, basename(f.path)));
    const trees = was === undefined ? undefined : deliveryAlone({ path: f.path, text: was });
    if (trees === undefined) return undefined;
    out.set(f.path, trees);
  }
  return out;
}

/** The trees of the changed environments, and the object of each of their resource files (`RenderedTree.resources`). */
export interface ChangedTrees {
  trees: EnvironmentTree[];
  resources: Map<string, ReadonlyMap<string, object>>;
}

/**
 * The changed files rendered, when each makes the same Argo CD and Flux files alone as in the base; undefined
 * when one does not, or does not load (the whole path then reports every problem).
 */
function renderedKeepingDelivery(
  files: readonly SourceFile[],
  before: ReadonlyMap<string, EnvironmentTree[]>,
  clustersDir: string,
): ChangedTrees | undefined {
  const trees: EnvironmentTree[] = [];
  const resources = new Map<string, ReadonlyMap<string, object>>();
  try {
    const steps = renderSelected(files, () => true, false, committedVolumes(clustersDir));
    for (let r = steps.next(); !r.done; r = steps.next()) {
      const { environment, file, tree } = r.value;
      if (!isDeepStrictEqual(renderDelivery([{ environment, file }]), before.get(file))) return undefined;
      trees.push(tree);
      resources.set(tree.env, r.value.resources);
    }
  } catch (err) {
    if (err instanceof InvalidEnvironmentError) return undefined;
    throw err;
  }
  return { trees, resources };
}

/**
 * The trees of the changed environments and the names of every environment and folder known unchanged, when
 * only environment files changed and the Argo CD and Flux folders stay as they are; undefined otherwise.
 */
export function changedOnly(
  { environmentsDir, clustersDir, only, note }: CommandOptions,
  base: BaseTree,
  changed: ReadonlySet<string>,
): (ChangedTrees & { names: string[] }) | undefined {
  if (only.length > 0) return undefined;
  const reserved: readonly string[] = RESERVED_CLUSTERS_FOLDERS;
  if (reserved.some((folder) => changed.has(folder))) return undefined;
  const { all } = environmentSelection(environmentsDir, [], note);
  const names = all.map((f) => environmentName(f.path));
  // A folder without an environment file (removed) or a file new since the base: the whole path.
  if ([...changed].some((env) => !names.includes(env))) return undefined;
  const files = all.filter((f) => changed.has(environmentName(f.path)));
  // What the base is asked for below and in the review, read in two git calls; for a few folders only, as they
  // are held until compared.
  if (changed.size <= PREFETCH_FOLDERS) {
    base.prefetch(
      [...changed],
      files.map((f) => join(environmentsDir, basename(f.path))),
    );
  }
  const before = deliveryBefore(files, environmentsDir, base);
  if (before === undefined) return undefined;
  // Each changed file's base text was loaded above: the validator is loaded (and its code cache taken).
  if (files.length > 0) withoutOptimizingCompiler();
  const rendered = renderedKeepingDelivery(files, before, clustersDir);
  if (rendered === undefined) return undefined;
  const kept = base.folders().filter((folder) => reserved.includes(folder));
  return { ...rendered, names: [...names, ...kept] };
}
