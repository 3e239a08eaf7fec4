/**
 * `diff`: what a change does to the rendered objects. Without `--base`, the working tree's render against
 * clusters/ on disk; with `--base <ref>`, against the clusters/ of that git revision (checked out in a temporary
 * worktree; CI's `check` keeps each revision's clusters/ equal to its own render). Objects are compared after
 * `kustomize build`, so kustomization.yaml patches show by their effect. Exit codes as `git diff --exit-code`:
 * 0 no changes, 1 changes, 2 wrong command line, 3 error.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
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
import { UsageError } from './files.js';
import { BOLD, GREEN, type Io, paint, RED, YELLOW } from './io.js';
import { findKustomize, type Kustomize, kustomizeBuild, treeObjects } from './kustomize.js';
import {
  type EnvironmentReview,
  hasChanges,
  markdownReport,
  type Plain,
  reviewEnvironment,
  textReport,
} from './review.js';
import { targetTrees } from './targets.js';

export const DIFF_FORMATS = ['text', 'markdown'] as const;

function git(cwd: string, args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

/** The temporary folders of `--base` worktrees: `<tmp>/thanos-gitops-base-<pid>-<random>/base`. */
const BASE_PREFIX = 'thanos-gitops-base-';
const BASE_WORKTREE = /[/\\]thanos-gitops-base-([0-9]+)-[^/\\]+[/\\]base$/;

function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes the `--base` worktrees of runs that are gone (killed before they could clean up: SIGKILL, a power cut),
 * never one of a run still going, then lets git forget worktrees whose folder is gone.
 */
function removeStaleWorktrees(top: string): void {
  const list = git(top, ['worktree', 'list', '--porcelain']);
  for (const line of list.split('\n')) {
    if (!line.startsWith('worktree ')) continue;
    const path = line.slice('worktree '.length);
    const pid = BASE_WORKTREE.exec(path)?.[1];
    if (pid === undefined || Number(pid) === process.pid || running(Number(pid))) continue;
    try {
      git(top, ['worktree', 'remove', '--force', path]);
    } catch {
      // Its folder is gone already: prune below.
    }
    rmSync(dirname(path), { recursive: true, force: true });
  }
  git(top, ['worktree', 'prune']);
}

/** Checks out `ref` in a temporary worktree; returns its clusters/ folder and how to remove the worktree. */
function checkoutBase(ref: string, clustersDir: string): { dir: string; cleanup: () => void } {
  let top: string;
  const probe = existsSync(clustersDir) ? clustersDir : dirname(clustersDir);
  try {
    top = git(probe, ['rev-parse', '--show-toplevel']);
  } catch {
    throw new UsageError(`--base needs a git repository, and ${probe} is not in one`);
  }
  try {
    git(top, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]);
  } catch {
    throw new UsageError(`--base: unknown git revision "${ref}"`);
  }
  removeStaleWorktrees(top);
  const tmp = mkdtempSync(join(tmpdir(), `${BASE_PREFIX}${process.pid}-`));
  const worktree = join(tmp, 'base');
  git(top, ['worktree', 'add', '--detach', '--quiet', worktree, ref]);
  return {
    dir: join(worktree, relative(top, clustersDir)),
    cleanup: () => {
      try {
        git(top, ['worktree', 'remove', '--force', worktree]);
      } finally {
        rmSync(tmp, { recursive: true, force: true });
      }
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
function objectsOf(dir: string, files: ReadonlyMap<string, string>, k: Kustomize | undefined, env: string): Plain[] {
  if (files.size === 0) return [];
  const reserved: readonly string[] = RESERVED_CLUSTERS_FOLDERS;
  if (k === undefined || reserved.includes(env) || !files.has(KUSTOMIZATION_FILE)) return treeObjects(files);
  return kustomizeBuild(k, dir);
}

/** Compares every environment folder (and the Argo CD and Flux folders) before and after. */
export function reviewTrees(
  beforeDir: string,
  trees: readonly EnvironmentTree[],
  only: readonly string[],
): EnvironmentReview[] {
  return [...reviewSteps(beforeDir, trees, only)];
}

/**
 * The review, with SIGINT and SIGTERM let in between environments: a signal stops it (InterruptedError, exit
 * 130/143), and the `--base` worktree is removed either way. A run killed outright leaves its worktree to the next
 * `--base` run, which removes the worktrees of runs that are gone.
 */
async function reviewInterruptibly(
  options: CommandOptions,
  trees: readonly EnvironmentTree[],
): Promise<EnvironmentReview[]> {
  const seen: { signal?: NodeJS.Signals } = {};
  const onSignal = (signal: NodeJS.Signals) => {
    seen.signal ??= signal;
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const base = options.base === undefined ? undefined : checkoutBase(options.base, options.clustersDir);
  const letIn = async () => {
    await new Promise<void>((resolve) => setImmediate(resolve));
    if (seen.signal) throw new InterruptedError(seen.signal);
  };
  try {
    const reviews: EnvironmentReview[] = [];
    try {
      for (const review of reviewSteps(base?.dir ?? options.clustersDir, trees, options.only)) {
        reviews.push(review);
        await letIn();
      }
    } catch (err) {
      await letIn(); // a Ctrl-C also stops kustomize: say it was the signal, not kustomize's failure
      throw err;
    }
    return reviews;
  } finally {
    base?.cleanup();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

function* reviewSteps(
  beforeDir: string,
  trees: readonly EnvironmentTree[],
  only: readonly string[],
): Generator<EnvironmentReview> {
  const k = findKustomize();
  const after = new Map(trees.map((t) => [t.env, t.files]));
  const names = new Set([...after.keys()]);
  if (only.length === 0) for (const env of existingEnvironments(beforeDir)) names.add(env);
  const scratch = mkdtempSync(join(tmpdir(), 'thanos-gitops-diff-'));
  try {
    for (const env of [...names].sort()) {
      yield reviewOne(env, beforeDir, after.get(env) ?? new Map<string, string>(), k, scratch);
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

function reviewOne(
  env: string,
  beforeDir: string,
  now: ReadonlyMap<string, string>,
  k: Kustomize | undefined,
  scratch: string,
): EnvironmentReview {
  const old = readTree(join(beforeDir, env));
  if (sameFiles(old, now)) return reviewEnvironment(env, [], []);
  const newDir = join(scratch, env);
  writeTreeTo(newDir, now);
  const review = reviewEnvironment(env, objectsOf(join(beforeDir, env), old, k, env), objectsOf(newDir, now, k, env));
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
  const { trees } = targetTrees(options);
  const reviews = await reviewInterruptibly(options, trees);
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
