/**
 * What `generate` and `check` work on, one entry per folder of `clusters/`: every environment (rendered, or shown
 * up to date by the render cache), environments whose file is gone (an empty tree prunes them), and the Argo CD and
 * Flux folders. `diff` always renders everything (`targets.ts`).
 *
 * Only what is needed is loaded: when the cache shows everything up to date, the render pipeline (schema,
 * validators, Kubernetes models, components) is never imported, so the command costs little more than starting
 * Node. When anything must be rendered, every selected environment is loaded and validated again (checks that span
 * environments, and the Argo CD and Flux folders, need all of them), and only the changed ones are rendered.
 */
import type { SourceFile } from '@thanos-gitops/input';
import {
  type EnvironmentTree,
  environmentName,
  existingEnvironments,
  KUSTOMIZATION_FILE,
  RESERVED_CLUSTERS_FOLDERS,
  type TreeChanges,
} from '@thanos-gitops/output';
import type { Problem } from '@thanos-gitops/problems';
import type { CommandOptions } from './args.js';
import { RenderCache } from './cache.js';
import { environmentSelection } from './files.js';

/** A folder of `clusters/` the cache shows up to date: what it holds. */
export interface UpToDate {
  unchanged: string[];
  foreign: string[];
}

export interface PlanEntry {
  env: string;
  /** The environment's located warnings (also when the cache skipped its render). */
  warnings: readonly Problem[];
  /** Objects in the folder's files. */
  objects: number;
  /** What the command's handler found comparing the folder's new tree with disk; absent when it is up to date. */
  changes?: TreeChanges;
  /** The folder's new tree is empty (its environment file is gone): its generated files are removed. */
  gone?: boolean;
  upToDate?: UpToDate;
}

export interface Plan {
  /** The environment files the run covers (`--env`, or all). */
  files: string[];
  /** In order: the environments (by file), those whose file is gone, the Argo CD and Flux folders. */
  entries: PlanEntry[];
  /** Saves the cache, with what was rendered; call once the run succeeded. */
  remember(): void;
}

/** The entry of a folder the cache shows up to date. */
type Hit = UpToDate & { objects: number; warnings: Problem[] };
const cached = (env: string, hit: Hit): PlanEntry => ({
  env,
  warnings: hit.warnings,
  objects: hit.objects,
  upToDate: { unchanged: hit.unchanged, foreign: hit.foreign },
});

const envName = environmentName;
/** The objects of a tree: every file but the Kustomize files. */
export const countObjects = (t: EnvironmentTree) =>
  [...t.files.keys()].filter((f) => !f.endsWith(KUSTOMIZATION_FILE)).length;

/**
 * Each environment's input hash, and the environments whose folder in clusters/ still holds what that input
 * renders (nothing without a cache; never for two files of one name, which the loader reports).
 */
function cacheLookup(
  files: readonly SourceFile[],
  cache: RenderCache | undefined,
  clustersDir: string,
  clash: ReadonlySet<string>,
): { inputs: Map<string, string>; upToDate: Map<string, Hit> } {
  const inputs = new Map<string, string>();
  const upToDate = new Map<string, Hit>();
  for (const f of files) {
    const name = envName(f.path);
    if (!cache || clash.has(name)) continue;
    const input = cache.inputHash(f.path, f.text);
    inputs.set(name, input);
    const hit = cache.verify(clustersDir, name, input);
    if (hit) upToDate.set(name, hit);
  }
  return { inputs, upToDate };
}

/** The shared folders' input: every environment's input hash (`known` holds those already computed), in order. */
function sharedInput(
  cache: RenderCache,
  all: readonly SourceFile[],
  known: ReadonlyMap<string, string> | undefined,
): string {
  return cache.sharedHash(all.map((f) => known?.get(envName(f.path)) ?? cache.inputHash(f.path, f.text)));
}

/**
 * Renders every environment not up to date (the render code is loaded only then), handing each tree rendered
 * without a problem to `take`; returns the Argo CD and Flux trees, rendered from every environment.
 */
async function renderStale(
  { all, selected }: { all: readonly SourceFile[]; selected: readonly SourceFile[] },
  upToDate: ReadonlyMap<string, Hit>,
  { clustersDir, listing }: { clustersDir: string; listing: Handler['listing'] },
  take: (tree: EnvironmentTree, objects: number, warnings: readonly Problem[]) => Promise<void>,
): Promise<EnvironmentTree[]> {
  const [{ renderSelected, scopeOf }, { committedVolumes }] = await Promise.all([
    import('./render.js'),
    import('./volumes.js'),
  ]);
  const rendered = (file: SourceFile) => !upToDate.has(envName(file.path));
  const steps = renderSelected(all, rendered, true, committedVolumes(clustersDir, listing), scopeOf(selected));
  for (let r = steps.next(); ; r = steps.next()) {
    if (r.done) return r.value;
    const { tree, objects, warnings, clean } = r.value;
    if (clean) await take(tree, objects, warnings);
  }
}

/**
 * What the command does with each rendered tree (compare it, or stage it); `listing`, when it knows the files of a
 * folder of clusters/ without walking it, is what the volume check reads committed StatefulSets from.
 */
export type Handler = ((tree: EnvironmentTree) => TreeChanges | Promise<TreeChanges>) & {
  listing?: ((env: string) => readonly string[] | undefined) | undefined;
};

/**
 * Plans the run and hands every tree that must be compared or written to `handle` as soon as it is rendered
 * (`check` compares it, `generate` stages it beside clusters/), so memory holds one environment at a time. A tree
 * rendered after a problem was found is not handed over: the run fails with every problem once all are tried.
 */
export async function plan(options: CommandOptions, handle: Handler): Promise<Plan> {
  const { environmentsDir, clustersDir, only } = options;
  const selection = environmentSelection(environmentsDir, only, options.note);
  const files = selection.selected;
  const cache = options.cache ? RenderCache.open(clustersDir) : undefined;
  const whole = only.length === 0;
  const names = files.map((f) => envName(f.path));
  const clash = new Set(names.filter((n, i) => names.indexOf(n) !== i)); // x.yaml and x.yml: the loader reports it
  const { inputs, upToDate } = cacheLookup(files, cache, clustersDir, clash);
  const existing = existingEnvironments(clustersDir);
  const reserved: readonly string[] = RESERVED_CLUSTERS_FOLDERS;
  const shared = cache ? sharedInput(cache, selection.all, whole ? inputs : undefined) : undefined;
  const sharedHits = new Map(
    reserved.map((folder) => [folder, shared ? cache?.verify(clustersDir, folder, shared, 'shared') : undefined]),
  );

  const entries: PlanEntry[] = [];
  const results = new Map<string, PlanEntry>();
  /** Hands a tree to the command (compared or staged, then dropped) and records its hashes in the cache. */
  const take = async (tree: EnvironmentTree, objects: number, warnings: readonly Problem[], input?: string) => {
    const entry: PlanEntry = { env: tree.env, warnings, objects, changes: await handle(tree) };
    if (tree.files.size === 0) entry.gone = true;
    if (cache && input) {
      cache.record(tree.env, input, objects, tree.files, warnings, reserved.includes(tree.env) ? 'shared' : 'envs');
    }
    return entry;
  };
  // The Argo CD and Flux folders depend on the set of environments: kept current with `--env` too, so that a
  // `generate --env new` leaves clusters/ as `check` wants it.
  const everythingUpToDate = upToDate.size === files.length && reserved.every((folder) => sharedHits.get(folder));
  const sharedTrees = everythingUpToDate
    ? []
    : await renderStale(
        selection,
        upToDate,
        { clustersDir, listing: handle.listing },
        async (tree, objects, warnings) => {
          results.set(tree.env, await take(tree, objects, warnings, inputs.get(tree.env)));
        },
      );
  for (const name of new Set(names)) entries.push(results.get(name) ?? cached(name, upToDate.get(name) as Hit));
  if (whole) {
    const known = new Set(names);
    for (const env of existing) {
      if (!known.has(env) && !reserved.includes(env)) entries.push(await take({ env, files: new Map() }, 0, []));
    }
  }
  // An empty Argo CD or Flux tree only matters when its folder exists (it removes the generated files there).
  for (const folder of reserved) {
    const tree = sharedTrees.find((t) => t.env === folder);
    const hit = sharedHits.get(folder);
    if (tree) {
      if (tree.files.size > 0 || existing.includes(folder))
        entries.push(await take(tree, countObjects(tree), [], shared));
      else if (cache && shared) cache.record(folder, shared, 0, tree.files, [], 'shared');
    } else if (hit && (hit.files > 0 || existing.includes(folder))) entries.push(cached(folder, hit));
  }
  return {
    files: files.map((f) => f.path),
    entries,
    remember() {
      if (!cache) return;
      if (whole) cache.keepOnly(new Set(names));
      cache.save();
    },
  };
}
