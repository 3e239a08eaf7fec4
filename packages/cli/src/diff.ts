/**
 * `diff`: what a change does to the rendered objects. Without `--base`, the working tree's render against
 * clusters/ on disk; with `--base <ref>`, against the clusters/ of that git revision (read from git's objects, only
 * for the environments whose file or folder changed; CI's `check` keeps each revision's clusters/ equal to its own
 * render). Objects are compared after
 * `kustomize build`, so kustomization.yaml patches show by their effect. Exit codes as `git diff --exit-code`:
 * 0 no changes, 1 changes, 2 wrong command line, 3 error.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { README, topologyChange } from '@thanos-gitops/operability';
import {
  type EnvironmentTree,
  existingEnvironments,
  InterruptedError,
  KUSTOMIZATION_FILE,
  RESERVED_CLUSTERS_FOLDERS,
  readTree,
} from '@thanos-gitops/output';
import type { CommandOptions } from './args.js';
import { type BaseTree, openBase } from './base.js';
import { changedBuilds } from './built-tree.js';
import { type ChangedTrees, changedOnly } from './diff-changed.js';
import { UsageError } from './files.js';
import { BOLD, GREEN, type Io, paint, RED, YELLOW } from './io.js';
import { findKustomize, type Kustomize, kustomizeBuild, treeObjects } from './kustomize.js';
import {
  type EnvironmentReview,
  hasChanges,
  markdownReport,
  type Plain,
  type RolloutContext,
  reviewEnvironment,
  textReport,
} from './review.js';
import { changedTrees } from './targets.js';

export const DIFF_FORMATS = ['text', 'markdown'] as const;

/** The clusters/ a run compares with: the base revision's (from git's objects) or the folder on disk. */
interface Before {
  folders(): string[];
  files(folder: string): Map<string, string>;
  /** A folder on disk holding `files` (kustomize builds it). */
  dir(folder: string, files: ReadonlyMap<string, string>): string;
}

function beforeOnDisk(clustersDir: string): Before {
  return {
    folders: () => existingEnvironments(clustersDir),
    files: (folder) => readTree(join(clustersDir, folder)),
    dir: (folder) => join(clustersDir, folder),
  };
}

function beforeInGit(base: BaseTree, scratch: string): Before {
  return {
    folders: () => base.folders(),
    files: (folder) => base.files(folder),
    dir: (folder, files) => {
      const dir = join(scratch, 'before', folder);
      writeTreeTo(dir, files);
      return dir;
    },
  };
}

function writeTreeTo(dir: string, files: ReadonlyMap<string, string>): void {
  for (const [path, text] of files) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
}

const sameFiles = (a: ReadonlyMap<string, string>, b: ReadonlyMap<string, string>) =>
  a.size === b.size && [...a].every(([k, v]) => b.get(k) === v);

/** The files of `a` whose text `b` holds too, at the same path. */
function sameTextIn(a: ReadonlyMap<string, string>, b: ReadonlyMap<string, string>): Set<string> {
  return new Set([...a].filter(([path, text]) => b.get(path) === text).map(([path]) => path));
}

const without = (files: ReadonlyMap<string, string>, skip: ReadonlySet<string>) =>
  new Map([...files].filter(([path]) => !skip.has(path)));

/**
 * The objects of both sides of a folder that can differ (the review finds the others unchanged). A folder with a
 * kustomization.yaml is built in memory (built-tree.ts) when it is one the generator writes, else by the real
 * kustomize when there is one; a folder without a kustomization is its YAML files, and so are the Argo CD and
 * Flux folders, those with the same text on both sides left out.
 */
function changedObjects(
  env: string,
  old: ReadonlyMap<string, string>,
  now: ReadonlyMap<string, string>,
  k: Kustomize | undefined,
  dirs: { before: () => string; after: () => string },
  rendered: ReadonlyMap<string, object> | undefined,
): { before: Plain[]; after: Plain[]; context?: RolloutContext } {
  const reserved: readonly string[] = RESERVED_CLUSTERS_FOLDERS;
  const kustomized = [old, now].some((files) => files.has(KUSTOMIZATION_FILE));
  if (!reserved.includes(env) && kustomized) {
    const built = changedBuilds(old, now, rendered);
    if (built) return built;
    if (k !== undefined) {
      const build = (files: ReadonlyMap<string, string>, dir: () => string) =>
        files.size === 0 ? [] : files.has(KUSTOMIZATION_FILE) ? kustomizeBuild(k, dir()) : treeObjects(files);
      return { before: build(old, dirs.before), after: build(now, dirs.after) };
    }
  }
  if (!reserved.includes(env)) return { before: treeObjects(old), after: treeObjects(now) };
  // The Argo CD and Flux folders have no workloads (no rollout context): only the files that differ matter.
  const same = sameTextIn(old, now);
  return { before: treeObjects(without(old, same)), after: treeObjects(without(now, same)) };
}

/** Compares every environment folder (and the Argo CD and Flux folders) before and after. */
export function reviewTrees(
  beforeDir: string,
  trees: readonly EnvironmentTree[],
  only: readonly string[],
): EnvironmentReview[] {
  return [
    ...reviewSteps(
      beforeOnDisk(beforeDir),
      trees,
      trees.map((t) => t.env),
      only,
    ),
  ];
}

/**
 * What the run renders and compares with. With `--base`, only the environments whose file or clusters/ folder
 * differs from the base are rendered: for the others the base's clusters/ is what they render (CI's `check` keeps
 * each revision's clusters/ equal to its own render), so they show no change without being rendered.
 */
function prepare(
  options: CommandOptions,
  scratch: string,
): { before: Before; trees: EnvironmentTree[]; names: string[]; resources?: ChangedTrees['resources'] } {
  if (options.base === undefined) {
    const before = beforeOnDisk(options.clustersDir);
    return { before, ...changedTrees(options, () => true, before.folders()) };
  }
  const base = openBase(options.base, options.clustersDir);
  const changed = base.changed(options.environmentsDir);
  const before = beforeInGit(base, scratch);
  const fast = changedOnly(options, base, changed);
  if (fast) return { before, ...fast };
  return { before, ...changedTrees(options, (env) => changed.has(env), before.folders()) };
}

/**
 * The review, with SIGINT and SIGTERM let in between environments: a signal stops it (InterruptedError, exit
 * 130/143). Nothing is checked out: the base is read from git's objects.
 */
async function reviewInterruptibly(options: CommandOptions): Promise<EnvironmentReview[]> {
  const seen: { signal?: NodeJS.Signals } = {};
  const onSignal = (signal: NodeJS.Signals) => {
    seen.signal ??= signal;
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const letIn = async () => {
    await new Promise<void>((resolve) => setImmediate(resolve));
    if (seen.signal) throw new InterruptedError(seen.signal);
  };
  const scratch = mkdtempSync(join(tmpdir(), `thanos-gitops-diff-${process.pid}-`));
  try {
    const { before, trees, names, resources } = prepare(options, scratch);
    const reviews: EnvironmentReview[] = [];
    try {
      for (const review of reviewSteps(before, trees, names, options.only, scratch, resources)) {
        reviews.push(review);
        await letIn();
      }
    } catch (err) {
      await letIn(); // a Ctrl-C also stops kustomize: say it was the signal, not kustomize's failure
      throw err;
    }
    return reviews;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/** Each folder's review, in name order; a folder without a tree was not rendered: unchanged. */
function* reviewSteps(
  before: Before,
  trees: readonly EnvironmentTree[],
  envs: readonly string[],
  only: readonly string[],
  scratchDir?: string,
  /** The object of each resource file of a rendered tree, by environment (`ChangedTrees.resources`). */
  resources?: ReadonlyMap<string, ReadonlyMap<string, object>>,
): Generator<EnvironmentReview> {
  const k = findKustomize();
  const after = new Map(trees.map((t) => [t.env, t.files]));
  const names = new Set([...envs, ...after.keys()]);
  if (only.length === 0) for (const env of before.folders()) names.add(env);
  const scratch = scratchDir ?? mkdtempSync(join(tmpdir(), 'thanos-gitops-diff-'));
  try {
    for (const env of [...names].sort()) {
      const now = after.get(env);
      if (now === undefined && envs.includes(env)) yield reviewEnvironment(env, [], []);
      else yield reviewOne(env, before, now ?? new Map<string, string>(), k, scratch, resources?.get(env));
    }
  } finally {
    if (scratchDir === undefined) rmSync(scratch, { recursive: true, force: true });
  }
}

function reviewOne(
  env: string,
  before: Before,
  now: ReadonlyMap<string, string>,
  k: Kustomize | undefined,
  scratch: string,
  rendered?: ReadonlyMap<string, object>,
): EnvironmentReview {
  const old = before.files(env);
  if (sameFiles(old, now)) return reviewEnvironment(env, [], []);
  const objects = changedObjects(
    env,
    old,
    now,
    k,
    {
      before: () => before.dir(env, old),
      after: () => {
        const newDir = join(scratch, 'after', env);
        writeTreeTo(newDir, now);
        return newDir;
      },
    },
    rendered,
  );
  const review = reviewEnvironment(env, objects.before, objects.after, objects.context);
  // The README's topology diagram, when it changed: a reviewer sees the new shape, not only its YAML.
  const topology = topologyChange(old.get(README), now.get(README));
  return topology ? { ...review, topology } : review;
}

/** Where the full diff is when the markdown one is cut: the artifact of this workflow run on GitHub Actions. */
function fullDiffHint(options: CommandOptions): string {
  const local = `run \`pnpm diff${options.base === undefined ? '' : ` --base ${options.base}`}\``;
  const { GITHUB_SERVER_URL: server, GITHUB_REPOSITORY: repo, GITHUB_RUN_ID: run } = process.env;
  if (server && repo && run) {
    return `see the \`thanos-gitops-diff\` artifact of [this workflow run](${server}/${repo}/actions/runs/${run}), or ${local}`;
  }
  return local;
}

export async function diff(io: Io, options: CommandOptions): Promise<number> {
  const format = options.format ?? 'text';
  if (!(DIFF_FORMATS as readonly string[]).includes(format)) {
    throw new UsageError(`--format must be one of ${DIFF_FORMATS.join(', ')} (found "${format}")`);
  }
  const reviews = await reviewInterruptibly(options);
  if (format === 'markdown') {
    io.out(markdownReport(reviews, { base: options.base ?? 'clusters/ on disk', fullDiffHint: fullDiffHint(options) }));
  } else {
    io.out(
      textReport(reviews, {
        red: paint(io, RED),
        green: paint(io, GREEN),
        yellow: paint(io, YELLOW),
        bold: paint(io, BOLD),
      }),
    );
  }
  return reviews.some(hasChanges) ? 1 : 0;
}
