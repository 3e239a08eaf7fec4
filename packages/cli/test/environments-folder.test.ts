/**
 * Environment-folder hygiene: an empty `environments/` is refused (never "remove every environment"), removing
 * one environment while others exist works and says so loudly, editor leftovers are skipped with a note, and an
 * environment file that is a symlink to outside the repository is refused without printing its content.
 */
import { existsSync, mkdirSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readTree } from '@thanos-gitops/output';
import { describe, expect, it } from 'vitest';
import { cliIn, generatedIn, smallWorkspace, tempDir, validNamed, type Workspace } from './helpers.js';

describe('an empty environments folder', () => {
  it('is refused by generate, exit 1, and clusters/ is left exactly as it was', async () => {
    const ws = await generatedIn(smallWorkspace());
    const before = readTree(ws.clusters);
    for (const f of readdirSync(ws.environments)) rmSync(join(ws.environments, f));
    for (const command of ['generate', 'check', 'validate', 'diff']) {
      const run = await cliIn(ws, command);
      expect(run.code, command).toBe(command === 'diff' ? 3 : 1);
      expect(run.err).toContain(`no environment files in ${ws.environments}`);
      expect(run.err).toContain('generate would remove every environment');
    }
    expect(readTree(ws.clusters)).toEqual(before);
    expect(readdirSync(ws.clusters).sort()).toEqual(['one', 'two']);
  });

  it('holding only editor leftovers is as empty, with a note for each', async () => {
    const ws = await generatedIn(smallWorkspace());
    const before = readTree(ws.clusters);
    for (const f of readdirSync(ws.environments)) rmSync(join(ws.environments, f));
    writeFileSync(join(ws.environments, 'one.yaml~'), validNamed('one'));
    const run = await cliIn(ws, 'generate');
    expect(run.code).toBe(1);
    expect(run.err).toContain('note: skipped');
    expect(run.err).toContain('one.yaml~: an editor leftover');
    expect(readTree(ws.clusters)).toEqual(before);
  });
});

describe('removing one environment while others exist', () => {
  it('removes its clusters/ folder and says so loudly', async () => {
    const ws = await generatedIn(smallWorkspace());
    const files = readTree(join(ws.clusters, 'two')).size;
    rmSync(join(ws.environments, 'two.yaml'));
    const run = await cliIn(ws, 'generate');
    expect(run.code).toBe(0);
    expect(run.err).toContain(
      `two: REMOVED: its environment file is gone, so ${files} generated file(s) of clusters/two were deleted.`,
    );
    expect(run.out).toContain(`two: 0 objects, 0 files written, 0 unchanged, ${files} removed`);
    expect(existsSync(join(ws.clusters, 'two'))).toBe(false);
    expect(existsSync(join(ws.clusters, 'one', 'kustomization.yaml'))).toBe(true);
    expect((await cliIn(ws, 'check')).code).toBe(0);
  });
});

describe('editor leftovers in environments/', () => {
  it('are skipped with a note, never read and never a crash', async () => {
    const ws = smallWorkspace();
    const envs = ws.environments;
    // Emacs lock (a dangling symlink), Emacs autosave, backups, vim swap files (binary), a folder named *.yaml.
    symlinkSync('root@host.4242:1700000000', join(envs, '.#one.yaml'));
    writeFileSync(join(envs, '#one.yaml#'), 'name: [ broken');
    writeFileSync(join(envs, 'one.yaml~'), 'name: [ broken');
    writeFileSync(join(envs, '.one.yaml.swp'), Buffer.from([0, 1, 2, 0xff, 0xfe]));
    writeFileSync(join(envs, 'two.yml.swo'), Buffer.from([0, 0xff]));
    mkdirSync(join(envs, 'three.yaml'));
    const run = await cliIn(ws, 'generate');
    expect(run.code, run.err).toBe(0);
    const notes = run.err.split('\n').filter(Boolean);
    for (const name of ['.#one.yaml', '#one.yaml#', 'one.yaml~', '.one.yaml.swp', 'two.yml.swo', 'three.yaml']) {
      expect(notes.some((n) => n.startsWith('note: skipped ') && n.includes(`/${name}: `))).toBe(true);
    }
    expect(notes.every((n) => n.startsWith('note: skipped '))).toBe(true);
    expect(readdirSync(ws.clusters).sort()).toEqual(['one', 'two']);
  });
});

describe('an environment file that is a symlink', () => {
  const SECRET = 'SECRET-CONTENT-0123456789';

  function withOutsideLink(): { ws: Workspace; link: string; target: string } {
    const ws = smallWorkspace();
    const outside = tempDir('thanos-gitops-outside-');
    const target = join(outside, 'credentials.yaml');
    // Invalid as an environment, so a loader reading it would quote it in its error.
    writeFileSync(target, `name: [ ${SECRET}\naws_secret_access_key: ${SECRET}\n`);
    const link = join(ws.environments, 'evil.yaml');
    symlinkSync(target, link);
    return { ws, link, target };
  }

  it('to outside the repository is refused, exit 1, and its content is never printed', async () => {
    const { ws, link, target } = withOutsideLink();
    for (const [command, ...extra] of [
      ['generate'],
      ['check'],
      ['validate'],
      ['diff'],
      ['generate', '--env', 'evil'],
    ]) {
      const run = await cliIn(ws, command as string, ...extra);
      expect(run.code, command).toBe(command === 'diff' ? 3 : 1);
      expect(run.err).toContain(`${link} is a symlink to ${target}, outside the repository`);
      expect(run.err + run.out).not.toContain(SECRET);
      expect(run.err + run.out).not.toContain('aws_secret_access_key');
    }
    expect(existsSync(ws.clusters)).toBe(false);
  });

  it('to nothing is refused with a message', async () => {
    const ws = smallWorkspace();
    symlinkSync(join(ws.root, 'gone.yaml'), join(ws.environments, 'gone.yaml'));
    const run = await cliIn(ws, 'generate');
    expect(run.code).toBe(1);
    expect(run.err).toContain('gone.yaml is a symlink to nothing');
    expect(existsSync(ws.clusters)).toBe(false);
  });

  it('to a file inside the repository is read', async () => {
    const ws = smallWorkspace();
    mkdirSync(join(ws.root, 'shared'));
    writeFileSync(join(ws.root, 'shared', 'three.yaml'), validNamed('three'));
    symlinkSync('../shared/three.yaml', join(ws.environments, 'three.yaml'));
    const run = await cliIn(ws, 'generate');
    expect(run.code, run.err).toBe(0);
    expect(readdirSync(ws.clusters).sort()).toEqual(['one', 'three', 'two']);
  });
});
