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
import { UsageError } from './files.js';
import { BOLD, GREEN, type Io, paint, RED, YELLOW } from './io.js';
import { findKustomize, type Kustomize, kustomizeBuild, treeObjects } from './kustomize.js';
import { type EnvironmentReview, hasChanges, markdownReport, reviewEnvironment, textReport } from './review.js';
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

/** The objects of a folder: built by kustomize when it has a kustomization.yaml and kustomize is found. */
function objectsOf(dir: () => string, files: ReadonlyMap<string, string>, k: Kustomize | undefined, env: string) {
  if (files.size === 0) return [];
  const reserved: readonly string[] = RESERVED_CLUSTERS_FOLDERS;
  if (k === undefined || reserved.includes(env) || !files.has(KUSTOMIZATION_FILE)) return treeObjects(files);
  return kustomizeBuild(k, dir());
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
function prepare(options: CommandOptions, scratch: string) {
  if (options.base === undefined) {
    const before = beforeOnDisk(options.clustersDir);
    return { before, ...changedTrees(options, () => true, before.folders()) };
  }
  const base = openBase(options.base, options.clustersDir);
  const changed = base.changed(options.environmentsDir);
  const before = beforeInGit(base, scratch);
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
    const { before, trees, names } = prepare(options, scratch);
    const reviews: EnvironmentReview[] = [];
    try {
      for (const review of reviewSteps(before, trees, names, options.only, scratch)) {
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
      else yield reviewOne(env, before, now ?? new Map<string, string>(), k, scratch);
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
): EnvironmentReview {
  const old = before.files(env);
  if (sameFiles(old, now)) return reviewEnvironment(env, [], []);
  const newDir = join(scratch, 'after', env);
  writeTreeTo(newDir, now);
  const review = reviewEnvironment(
    env,
    objectsOf(() => before.dir(env, old), old, k, env),
    objectsOf(() => newDir, now, k, env),
  );
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
