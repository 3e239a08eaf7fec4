/**
 * `diff --base <ref>` in a temporary git repository: the summary per environment (counts, restarts, recreations,
 * destruction), exit codes like `git diff --exit-code`, markdown that fits one GitHub comment, and kustomization
 * patches shown by their effect.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { GITHUB_COMMENT_LIMIT } from '../src/review.js';
import { asChecklistSays, checklist } from './doc-blocks.js';
import {
  cliIn,
  committedRepository,
  editEnvironment,
  findKustomize,
  gitIn,
  KUSTOMIZE_REQUIRED,
  REPO_ROOT,
  type Workspace,
  workspace,
} from './helpers.js';

const CHECKLIST = checklist(readFileSync(join(REPO_ROOT, 'docs/add-an-environment.md'), 'utf8'));

/** A git repository with the fixture environments rendered and committed. */
function repository(): Promise<Workspace> {
  return committedRepository(workspace());
}

/** The summary line of `env` in the text output. */
const summaryOf = (out: string, env: string) => out.split('\n').find((l) => l.startsWith(`${env}: `));

const k = findKustomize();
const needsKustomize = !k && !KUSTOMIZE_REQUIRED;

describe.skipIf(needsKustomize)('diff --base', { timeout: 180_000 }, () => {
  it('exits 0 and says so when nothing changed', async () => {
    const ws = await repository();
    const r = await cliIn(ws, 'diff', '--base', 'main');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^dev: no changes$/m);
    expect(r.out).toMatch(/^prod: no changes$/m);
  });

  it('raises store shards: objects added, workloads restarted, exit 1', async () => {
    const ws = await repository();
    editEnvironment(ws, 'prod', [[['storeGateway', 'shards'], 3]]);
    const r = await cliIn(ws, 'diff', '--base', 'main');
    expect(r.code, r.err).toBe(1);
    expect(summaryOf(r.out, 'prod')).toMatch(/^prod: [1-9]\d* added, [1-9]\d* changed, 0 removed$/);
    expect(r.out).toMatch(/^ {2}\+ StatefulSet\/thanos\/thanos-store-p0-2$/m);
    expect(r.out).toMatch(
      /^ {2}RESTARTS {3}StatefulSet\/thanos\/thanos-store-p0-0 \(pod template changed\): one pod at a time$/m,
    );
    expect(r.out).not.toMatch(/DESTROYED|RECREATED/);
    expect(r.out).toMatch(/^staging: no changes$/m);
  });

  it('adds and removes environments: counts, and a removed StatefulSet with volumes is destroyed', async () => {
    const ws = await repository();
    writeFileSync(
      join(ws.environments, 'qa.yaml'),
      // Its own bucket, hostname, writers and workspace, as the checklist says: a copy that keeps them is refused.
      asChecklistSays(readFileSync(join(ws.environments, 'staging.yaml'), 'utf8'), CHECKLIST, 'qa'),
    );
    rmSync(join(ws.environments, 'dev.yaml'));
    const r = await cliIn(ws, 'diff', '--base', 'main');
    expect(r.code, r.err).toBe(1);
    const qa = summaryOf(r.out, 'qa') ?? '';
    const [, added] = /^qa: (\d+) added, 0 changed, 0 removed$/.exec(qa) ?? [];
    expect(Number(added)).toBeGreaterThan(20);
    expect(summaryOf(r.out, 'dev')).toMatch(/^dev: 0 added, 0 changed, [1-9]\d* removed$/);
    expect(r.out).toMatch(
      /^ {2}DESTROYED {2}Namespace\/-\/thanos: deleting a Namespace deletes every object and volume/m,
    );
    expect(r.out).toMatch(
      /^ {2}DESTROYED {2}StatefulSet\/thanos\/thanos-receive-ingestor-default: a StatefulSet with volumes/m,
    );
  });

  it('renames a namespace: the old Namespace destroyed, every object removed and added', async () => {
    const ws = await repository();
    editEnvironment(ws, 'staging', [[['namespace'], 'thanos-next']]);
    const r = await cliIn(ws, 'diff', '--base', 'main', '--env', 'staging');
    expect(r.code, r.err).toBe(1);
    const [, added, changed, removed] = /^staging: (\d+) added, (\d+) changed, (\d+) removed$/m.exec(r.out) ?? [];
    expect(Number(changed)).toBe(0);
    expect(Number(added)).toBe(Number(removed));
    expect(Number(added)).toBeGreaterThan(20);
    expect(r.out).toMatch(/^ {2}DESTROYED {2}Namespace\/-\/thanos: /m);
    expect(r.out).toMatch(/^ {2}\+ Namespace\/-\/thanos-next$/m);
  });

  it('changes a StatefulSet volume class: must be recreated', async () => {
    const ws = await repository();
    editEnvironment(ws, 'staging', [[['storeGateway', 'storageClass'], 'io2']]);
    const r = await cliIn(ws, 'diff', '--base', 'main', '--format', 'markdown');
    expect(r.code, r.err).toBe(1);
    expect(r.out).toContain('> [!WARNING]');
    expect(r.out).toMatch(/> - `StatefulSet\/thanos\/thanos-store-0`: `spec\.volumeClaimTemplates`/);
    expect(r.out).not.toContain('[!CAUTION]');
    expect(r.out).not.toContain('Volumes grow');
    expect(r.out).toMatch(/^\| `staging` \| 0 \| \d+ \| 0 \| \d+ \| \*\*\d+\*\* \| 0 \|$/m);
  });

  it('grows a StatefulSet volume: the README procedure, not a recreation; a smaller one is refused', async () => {
    const ws = await repository();
    editEnvironment(ws, 'staging', [[['storeGateway', 'storage'], '40Gi']]);
    const md = await cliIn(ws, 'diff', '--base', 'main', '--format', 'markdown');
    expect(md.code, md.err).toBe(1);
    const link = 'follow the resize procedure in clusters/staging/README.md#growing-volumes';
    expect(md.out).toContain('> [!IMPORTANT]');
    for (const shard of [0, 1]) {
      expect(md.out).toContain(
        `> - \`StatefulSet/thanos/thanos-store-${shard}\`: volume grows from 20Gi to 40Gi: ${link}`,
      );
    }
    expect(md.out).not.toContain('[!WARNING]');
    expect(md.out).toMatch(/^\| `staging` \| 0 \| \d+ \| 0 \| \d+ \| 0 \| 0 \|$/m);
    const text = await cliIn(ws, 'diff', '--base', 'main');
    expect(text.out).toMatch(
      /^ {2}RESIZE {5}StatefulSet\/thanos\/thanos-store-0: volume grows from 20Gi to 40Gi: follow the resize/m,
    );
    expect(text.out).not.toMatch(/RECREATED/);
    editEnvironment(ws, 'staging', [[['storeGateway', 'storage'], '10Gi']]);
    const shrink = await cliIn(ws, 'diff', '--base', 'main');
    expect(shrink.code).toBe(3);
    expect(shrink.err).toMatch(
      /storeGateway\.storage: cannot shrink the volumes of the store gateways from 20Gi to 10Gi/,
    );
  });

  it('shows a kustomization patch by its effect on the built object', async () => {
    const ws = await repository();
    editEnvironment(ws, 'staging', [
      [
        ['patches'],
        [
          {
            target: { kind: 'Deployment', name: 'thanos-query' },
            patch:
              'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: thanos-query\n  annotations:\n    team: obs\n',
          },
        ],
      ],
    ]);
    const r = await cliIn(ws, 'diff', '--base', 'main', '--env', 'staging');
    expect(r.code, r.err).toBe(1);
    expect(r.out).toMatch(/^staging: 0 added, 1 changed, 0 removed$/m);
    expect(r.out).toMatch(/^ {2}~ Deployment\/thanos\/thanos-query$/m);
    expect(r.out).toMatch(/^\+ {4}team: obs$/m);
    expect(r.out).not.toMatch(/Kustomization/);
  });

  it('exits 2 for an unknown revision or format, 3 for an invalid environment', async () => {
    const ws = await repository();
    expect((await cliIn(ws, 'diff', '--base', 'no-such-ref')).code).toBe(2);
    expect((await cliIn(ws, 'diff', '--format', 'html')).code).toBe(2);
    editEnvironment(ws, 'prod', [[['storeGateway', 'shards'], 'two']]);
    const r = await cliIn(ws, 'diff', '--base', 'main');
    expect(r.code).toBe(3);
    expect(r.err).toMatch(/prod\.yaml:\d+:\d+ storeGateway\.shards/);
    expect(r.out).toBe('');
  });

  it('keeps a huge change in one GitHub comment, with the whole summary', async () => {
    const ws = await repository();
    for (const env of ['dev', 'staging', 'prod'])
      editEnvironment(ws, env, [[['labels'], { 'cost-center': 'observability-42' }]]);
    for (const name of ['qa', 'perf']) {
      writeFileSync(
        join(ws.environments, `${name}.yaml`),
        asChecklistSays(readFileSync(join(ws.environments, 'prod.yaml'), 'utf8'), CHECKLIST, name),
      );
    }
    const text = await cliIn(ws, 'diff', '--base', 'main');
    const r = await cliIn(ws, 'diff', '--base', 'main', '--format', 'markdown');
    expect(r.code, r.err).toBe(1);
    expect(text.out.length).toBeGreaterThan(2 * GITHUB_COMMENT_LIMIT);
    expect(r.out.length).toBeLessThanOrEqual(GITHUB_COMMENT_LIMIT);
    for (const env of ['dev', 'perf', 'prod', 'qa', 'staging'])
      expect(r.out).toMatch(new RegExp(`^\\| \`${env}\` \\|`, 'm'));
    expect(r.out).toMatch(/The diffs were cut to fit one GitHub comment/);
    // every object of the summary is named, even though most diffs were cut
    expect(r.out).toContain('`+` `StatefulSet/thanos/thanos-store-p1-1`');
  });

  it('removes the worktrees of --base runs that are gone, never one of a run still going', async () => {
    const ws = await repository();
    const worktrees = () =>
      gitIn(ws, 'worktree', 'list', '--porcelain')
        .split('\n')
        .filter((l) => l.startsWith('worktree '))
        .map((l) => l.slice('worktree '.length));
    const gone = join(mkdtempSync(join(tmpdir(), `thanos-gitops-base-${2 ** 22 + 12345}-`)), 'base');
    const live = join(mkdtempSync(join(tmpdir(), `thanos-gitops-base-${process.ppid}-`)), 'base');
    for (const w of [gone, live]) gitIn(ws, 'worktree', 'add', '--detach', '--quiet', w, 'main');
    const r = await cliIn(ws, 'diff', '--base', 'main');
    expect(r.code, r.err).toBe(0);
    expect(worktrees().map((w) => realpathSync(w))).toEqual([realpathSync(ws.root), realpathSync(live)]);
    expect(existsSync(dirname(gone))).toBe(false);
    gitIn(ws, 'worktree', 'remove', '--force', live);
  });

  it('stops on SIGINT with 130, and removes its scratch folder', async () => {
    const ws = await repository();
    editEnvironment(ws, 'prod', [[['storeGateway', 'shards'], 3]]);
    const bin = fileURLToPath(new URL('../dist/thanos-gitops.mjs', import.meta.url));
    const args = ['diff', '--base', 'main', '--environments', ws.environments, '--clusters', ws.clusters];
    const child = spawn(process.execPath, [bin, ...args], { cwd: ws.root, stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d) => {
      err += String(d);
    });
    const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    // Once its scratch folder is there, the render and the review (kustomize builds) take seconds: interrupt then.
    const listed = () => readdirSync(tmpdir()).some((d) => d.startsWith(`thanos-gitops-diff-${child.pid}-`));
    for (let i = 0; i < 400 && !listed(); i++) await new Promise((resolve) => setTimeout(resolve, 25));
    expect(listed()).toBe(true);
    child.kill('SIGINT');
    expect(await exit).toBe(130);
    expect(err).toBe('thanos-gitops: interrupted by SIGINT: nothing was changed\n');
    expect(listed()).toBe(false);
    expect(gitIn(ws, 'worktree', 'list', '--porcelain')).not.toContain(`thanos-gitops-base-`);
  });
});
