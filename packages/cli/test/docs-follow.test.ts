/**
 * The first day, verbatim: the README and the task pages are followed as a new user would, in a scratch clone of
 * this repository. Every command block marked `<!-- doc-test: NAME -->` is read from the docs themselves and run as
 * written with bash in the clone; what each should produce is checked. A doc edit that breaks a path fails here.
 *
 * Shortcuts, so the test takes seconds, not minutes (each is the documented command's effect, not another path):
 * - the clone holds this checkout's working tree (committed and not), with `node_modules` of the root and of each
 *   package linked to this checkout's, instead of `npm i -g pnpm@12.4.2 && pnpm install --frozen-lockfile` (the
 *   test checks that the quick start still says exactly that, and that `pnpm --version` is 12.4.2); the git hook is
 *   installed by `node scripts/install-git-hooks.mjs`, which is what `pnpm install` runs as `prepare`;
 * - turbo's build cache is this checkout's (`TURBO_CACHE_DIR`), so `pnpm generate` restores the built packages;
 * - `environments/` of the clone holds the test environments (`test/fixtures/environments`), never the shipped
 *   examples: staging pinned at v0.41.0 (the upgrade page starts there) and staging and prod delivered by Argo CD
 *   (so a new environment changes `clusters/argocd/`, which the pre-commit hook checks);
 * - `pnpm test` of the quick start is not run (it is this suite).
 */
import { type SpawnSyncReturns, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { asChecklistSays, checklist, markedBlocks, markedYaml } from './doc-blocks.js';
import { ENVIRONMENTS_DIR, findKustomize, KUSTOMIZE_REQUIRED, REPO_ROOT, tempDir } from './helpers.js';

const DOCS = [
  'README.md',
  ...readdirSync(join(REPO_ROOT, 'docs'), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];
const text = (doc: string) => readFileSync(join(REPO_ROOT, doc), 'utf8');
const BLOCKS = new Map(DOCS.flatMap((d) => [...markedBlocks(text(d))]));
const SETUP = 'npm i -g pnpm@12.4.2 && pnpm install --frozen-lockfile && ';
const REPO = 'https://github.com/acme/observability-gitops';

const sh = (cwd: string, command: string, env: NodeJS.ProcessEnv = {}): SpawnSyncReturns<string> =>
  spawnSync('bash', ['-c', command], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, CI: '', FORCE_COLOR: '0', NO_COLOR: '1', ...env },
    maxBuffer: 1 << 28,
  });

/** The commands of a marked block; fails when the docs lost it. */
function block(name: string): string[] {
  const lines = BLOCKS.get(name);
  expect(lines, `the docs have no block marked <!-- doc-test: ${name} -->`).toBeDefined();
  return lines ?? [];
}

/** Where this checkout's turbo keeps its cache (a linked worktree shares the main checkout's). */
function turboCache(): string {
  const common = sh(REPO_ROOT, 'git rev-parse --path-format=absolute --git-common-dir').stdout.trim();
  const own = join(REPO_ROOT, '.turbo', 'cache');
  return existsSync(own) ? own : join(dirname(common), '.turbo', 'cache');
}

/** A scratch clone of this checkout with its working tree, the test environments, node_modules linked. */
function scratchClone(): string {
  const clone = join(tempDir('thanos-gitops-docs-'), 'repo');
  expect(sh(REPO_ROOT, `git clone -q "${REPO_ROOT}" "${clone}"`).status).toBe(0);
  const changed = sh(REPO_ROOT, 'git ls-files -m -o --exclude-standard -z').stdout.split('\0').filter(Boolean);
  for (const f of changed) {
    const from = join(REPO_ROOT, f);
    if (existsSync(from)) cpSync(from, join(clone, f), { recursive: true });
    else rmSync(join(clone, f), { force: true });
  }
  symlinkSync(join(REPO_ROOT, 'node_modules'), join(clone, 'node_modules'));
  for (const p of readdirSync(join(REPO_ROOT, 'packages'))) {
    const modules = join(REPO_ROOT, 'packages', p, 'node_modules');
    if (existsSync(modules)) symlinkSync(modules, join(clone, 'packages', p, 'node_modules'));
  }
  const environments = join(clone, 'environments');
  rmSync(environments, { recursive: true });
  rmSync(join(clone, 'clusters'), { recursive: true });
  mkdirSync(environments);
  for (const f of readdirSync(ENVIRONMENTS_DIR)) {
    const doc = parseDocument(readFileSync(join(ENVIRONMENTS_DIR, f), 'utf8'));
    if (f === 'staging.yaml') doc.setIn(['thanos', 'version'], 'v0.41.0');
    if (f !== 'dev.yaml') doc.set('delivery', { tool: 'argocd', repoURL: REPO });
    writeFileSync(join(environments, f), doc.toString());
  }
  const git = 'git config user.email you@example.com && git config user.name You && git config commit.gpgsign false';
  expect(sh(clone, `${git} && node scripts/install-git-hooks.mjs`).status).toBe(0);
  expect(readFileSync(join(clone, '.git', 'hooks', 'pre-commit'), 'utf8')).toContain('pnpm check');
  return clone;
}

const timings: string[] = [];
/** Runs a path of the docs, recording its time for the report. */
async function path<T>(name: string, steps: () => T): Promise<T> {
  const start = performance.now();
  const result = steps();
  timings.push(`${name}: ${((performance.now() - start) / 1000).toFixed(1)} s`);
  return result;
}

describe.skipIf(!findKustomize() && !KUSTOMIZE_REQUIRED)(
  'the docs, followed in a scratch clone',
  { timeout: 600_000 },
  () => {
    let clone: string;
    let env: NodeJS.ProcessEnv;
    const run = (command: string) => sh(clone, command, env);
    const last = () => run('git log -1 --format=%s').stdout.trim();

    beforeAll(() => {
      clone = scratchClone();
      env = { TURBO_CACHE_DIR: turboCache() };
    });
    afterAll(() => {
      console.log(`docs paths followed:\n  ${timings.join('\n  ')}`);
      if (clone) rmSync(dirname(clone), { recursive: true, force: true });
    });

    it('the quick start: set up, generate, and pnpm verify before a pull request', async () => {
      await path('README quick start + before your PR', () => {
        const [setup] = block('quick-start');
        expect(setup?.startsWith(SETUP), setup).toBe(true);
        expect(sh(clone, 'pnpm --version').stdout.trim()).toBe('12.4.2');
        const generate = run(setup?.slice(SETUP.length) ?? '');
        expect(generate.status, generate.stderr).toBe(0);
        expect(generate.stdout).toMatch(/^staging: \d+ objects, \d+ files written/m);
        expect(existsSync(join(clone, 'clusters', 'argocd', 'applicationset-thanos.yaml'))).toBe(true);
        const verify = run(block('before-your-pr').join('\n'));
        expect(verify.status, verify.stderr).toBe(0);
        expect(verify.stdout).toMatch(/clusters\/staging: kustomize build: \d+ objects/);
        expect(verify.stdout).toContain('verify: every environment validated, rendered, up to date');
      });
      // The state the other pages start from: this is `main`; the pages work on a branch.
      expect(
        run('git add -A && git commit -q --no-verify -m main && git checkout -q -B work && git branch -f main work')
          .status,
      ).toBe(0);
    });

    it('adding an environment: copy, change what the checklist says, generate, commit through the hook', async () => {
      await path('docs/add-an-environment.md', () => {
        expect(run(block('add-copy').join('\n')).status).toBe(0);
        const qa = join(clone, 'environments', 'qa.yaml');
        const rows = checklist(text('docs/add-an-environment.md'));
        writeFileSync(qa, asChecklistSays(readFileSync(qa, 'utf8'), rows, 'qa'));
        const commit = run(`set -e\n${block('add-generate').join('\n')}`);
        expect(commit.status, `${commit.stdout}\n${commit.stderr}`).toBe(0);
        expect(last()).toBe('Add the qa environment');
        expect(readFileSync(join(clone, 'clusters', 'argocd', 'applicationset-thanos.yaml'), 'utf8')).toContain('qa');
        expect(run('git status --porcelain').stdout).toBe('');
      });
    });

    it('onboarding a writer: the example writer, generate, its files, commit through the hook', async () => {
      await path('docs/onboard-a-writer.md', () => {
        const example = parseDocument(markedYaml(text('docs/onboard-a-writer.md'), 'writer-edit') ?? '').toJS();
        const [writer] = example.remoteWrite.writers;
        const file = join(clone, 'environments', 'staging.yaml');
        const doc = parseDocument(readFileSync(file, 'utf8'));
        doc.addIn(['remoteWrite', 'writers'], writer);
        writeFileSync(file, doc.toString());
        const r = run(`set -e\n${block('writer-generate').join('\n')}`);
        expect(r.status, `${r.stdout}\n${r.stderr}`).toBe(0);
        expect(r.stdout).toContain('prometheus-remote-write.yaml');
        expect(r.stdout).toContain('prometheus.yml');
        expect(readFileSync(join(clone, 'clusters/staging/writers', writer.name, 'prometheus.yml'), 'utf8')).toContain(
          'remote_write',
        );
        expect(last()).toMatch(/billing-eu/);
      });
    });

    it('upgrading Thanos: staging from v0.41.0 to v0.42.4, generate, the diff names both', async () => {
      await path('docs/upgrade-thanos.md', () => {
        const file = join(clone, 'environments', 'staging.yaml');
        const doc = parseDocument(readFileSync(file, 'utf8'));
        expect(doc.getIn(['thanos', 'version'])).toBe('v0.41.0');
        doc.setIn(['thanos', 'version'], 'v0.42.4');
        writeFileSync(file, doc.toString());
        const generate = run(block('upgrade-generate').join('\n'));
        expect(generate.status, generate.stderr).toBe(0);
        expect(generate.stdout).toMatch(/^staging: \d+ objects, [1-9]\d* files written/m);
        const diff = run(block('upgrade-diff').join('\n'));
        expect(diff.status, diff.stderr).toBe(1);
        expect(diff.stdout.split('\n')[0]).toBe('Images and flags of the changed workloads:');
        expect(diff.stdout).toContain('v0.41.0');
        expect(diff.stdout).toContain('v0.42.4');
      });
    });

    it('reviewing a change: commit it, pnpm diff and the pull-request comment', async () => {
      await path('docs/review-a-change.md + README direct diff', () => {
        const commit = run('git add -A && git commit -q -m "Upgrade staging to v0.42.4"');
        expect(commit.status, commit.stderr).toBe(0);
        const [plain, markdown] = block('review');
        const text = run(plain ?? '');
        expect(text.status).toBe(1);
        expect(text.stdout).toMatch(/^staging: \d+ added, \d+ changed, \d+ removed/m);
        // The README's direct command for scripts and CI is the page's second line: run once when they agree.
        for (const command of new Set([markdown, ...block('diff-direct')])) {
          rmSync(join(clone, 'diff.md'), { force: true });
          const r = run(command ?? '');
          expect(r.status, r.stderr).toBe(1);
          expect(r.stderr).not.toContain('ELIFECYCLE');
          const comment = readFileSync(join(clone, 'diff.md'), 'utf8');
          expect(comment).toContain('`staging`');
          expect(comment).toContain('v0.42.4');
        }
      });
    });
  },
);
