/**
 * End-to-end tests of `generate`, `check` and `diff` on a temporary copy of the shipped environments:
 * determinism, idempotence, out-of-date detection, pruning, hand-written files, and the diff output.
 */
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  unlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { generatedHeader, readTree } from '@thanos-gitops/output';
import { describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { renderEnvironments } from '../src/render.js';
import { cliIn, generatedIn, objectFiles, type Workspace, workspace } from './helpers.js';

/** Every file of every environment under a clusters folder, by `<env>/<path>`. */
function snapshot(clusters: string): Map<string, string> {
  // Leaves out the writer's hidden working folders (`.<env>.next-<pid>`), not the generated ownership index.
  return new Map([...readTree(clusters)].filter(([path]) => !/^\.[^/]*\.(next|prev)-[0-9]+\//.test(path)));
}

/** Edits environments/<env>.yaml of a workspace, keeping its comments and layout. */
function editEnvironment(ws: Workspace, env: string, edits: [path: (string | number)[], value: unknown][]): void {
  const file = join(ws.environments, `${env}.yaml`);
  const doc = parseDocument(readFileSync(file, 'utf8'));
  for (const [path, value] of edits) doc.setIn(path, value);
  writeFileSync(file, doc.toString());
}

/** The generated file paths of one environment of a workspace, rendered in memory (no disk involved). */
function expectedFiles(ws: Workspace, env: string): string[] {
  const file = join(ws.environments, `${env}.yaml`);
  const [r] = renderEnvironments([{ path: file, text: readFileSync(file, 'utf8') }]);
  return [...(r?.tree.files.keys() ?? [])];
}

describe('generate', () => {
  it('writes identical bytes on two runs into two folders', async () => {
    const ws = await generatedIn(workspace());
    const other = join(ws.root, 'clusters-again');
    expect((await cliIn(ws, 'generate', '--clusters', other)).code).toBe(0);
    const first = snapshot(ws.clusters);
    expect(first.size).toBeGreaterThan(0);
    expect(snapshot(other)).toEqual(first);
    expect(readdirSync(ws.clusters).sort()).toEqual(['dev', 'prod', 'staging']);
  });

  it('writes nothing on a second run into the same folder', async () => {
    const ws = await generatedIn(workspace());
    const before = snapshot(ws.clusters);
    const again = await cliIn(ws, 'generate');
    expect(again.code).toBe(0);
    const lines = again.out.trim().split('\n');
    expect(lines).toHaveLength(3);
    for (const line of lines)
      expect(line).toMatch(/^[a-z]+: [0-9]+ objects, 0 files written, [0-9]+ unchanged, 0 removed$/);
    expect(snapshot(ws.clusters)).toEqual(before);
  });

  it('writes nothing when an environment rendered after others proves invalid (their staged trees are dropped)', async () => {
    const ws = await generatedIn(workspace());
    // dev and prod change (staged one at a time, in file order); staging, rendered last, targets a kind never
    // generated, which only its render finds.
    editEnvironment(ws, 'dev', [[['storeGateway', 'replicasPerShard'], 2]]);
    editEnvironment(ws, 'prod', [[['storeGateway', 'replicasPerShard'], 3]]);
    editEnvironment(ws, 'staging', [
      [['patches'], [{ target: { kind: 'CronJob' }, patch: '- op: remove\n  path: /x\n' }]],
    ]);
    const clusters = readdirSync(ws.clusters).sort();
    const before = readTree(ws.clusters);
    const run = await cliIn(ws, 'generate');
    expect(run.code).toBe(1);
    expect(run.err).toContain('patches[0].target.kind');
    expect(run.err).toContain('1 problem;'); // dev and prod are valid: they were rendered and staged
    expect(readTree(ws.clusters)).toEqual(before);
    expect(readdirSync(ws.clusters).sort()).toEqual(clusters); // no working folders, no lock left
  });

  it('reports the objects and files per environment', async () => {
    const ws = workspace();
    const run = await cliIn(ws, 'generate');
    for (const env of ['dev', 'prod', 'staging']) {
      const files = expectedFiles(ws, env);
      const objects = objectFiles({ env, files: new Map(files.map((f) => [f, ''])) }).length;
      expect(run.out).toContain(`${env}: ${objects} objects, ${files.length} files written, 0 unchanged, 0 removed\n`);
    }
  });
});

describe('check', () => {
  it('passes right after generate', async () => {
    const ws = await generatedIn(workspace());
    const run = await cliIn(ws, 'check');
    expect(run).toMatchObject({ code: 0, err: '' });
    expect(run.out).toContain('up to date');
  });

  it('fails on an edited generated file and names it', async () => {
    const ws = await generatedIn(workspace());
    const file = join(ws.clusters, 'dev', 'query', 'deployment-thanos-query.yaml');
    writeFileSync(file, `${readFileSync(file, 'utf8')}# tweaked by hand\n`);
    const run = await cliIn(ws, 'check');
    expect(run.code).toBe(1);
    expect(run.err).toContain('dev/query/deployment-thanos-query.yaml (changed)');
    expect(run.err.trim().split('\n')).toHaveLength(2);
  });

  it('fails on a deleted generated file and names it', async () => {
    const ws = await generatedIn(workspace());
    unlinkSync(join(ws.clusters, 'staging', 'kustomization.yaml'));
    const run = await cliIn(ws, 'check');
    expect(run.code).toBe(1);
    expect(run.err).toContain('staging/kustomization.yaml (missing)');
  });

  it('fails on a stale generated file and names it; generate then removes it', async () => {
    const ws = await generatedIn(workspace());
    const stale = join(ws.clusters, 'prod', 'query', 'config-map-left-over.yaml');
    writeFileSync(stale, `${generatedHeader('environments/prod.yaml')}\napiVersion: v1\nkind: ConfigMap\n`);
    const run = await cliIn(ws, 'check');
    expect(run.code).toBe(1);
    expect(run.err).toContain('prod/query/config-map-left-over.yaml (stale)');
    const regenerate = await cliIn(ws, 'generate');
    expect(regenerate.out).toMatch(/prod: [0-9]+ objects, 0 files written, [0-9]+ unchanged, 1 removed/);
    expect(existsSync(stale)).toBe(false);
    expect((await cliIn(ws, 'check')).code).toBe(0);
  });

  it('does not write anything', async () => {
    const ws = await generatedIn(workspace());
    unlinkSync(join(ws.clusters, 'dev', 'kustomization.yaml'));
    const before = snapshot(ws.clusters);
    await cliIn(ws, 'check');
    expect(snapshot(ws.clusters)).toEqual(before);
  });
});

describe('pruning', () => {
  it('removes the files of components that are switched off or shrunk', async () => {
    const ws = await generatedIn(workspace());
    const before = new Set(readTree(join(ws.clusters, 'prod')).keys());
    expect(before.has('store-gateway/stateful-set-thanos-store-p0-1.yaml')).toBe(true);
    editEnvironment(ws, 'prod', [
      [['ruler', 'enabled'], false],
      [['bucketWeb', 'enabled'], false],
      [['storeGateway', 'shards'], 1],
    ]);
    const expected = expectedFiles(ws, 'prod');
    const run = await cliIn(ws, 'generate');
    expect(run.code).toBe(0);
    const after = [...readTree(join(ws.clusters, 'prod')).keys()];
    expect([...after].sort()).toEqual([...expected].sort());
    const gone = [...before].filter((f) => !after.includes(f));
    expect(gone).toEqual(expect.arrayContaining(['store-gateway/stateful-set-thanos-store-p0-1.yaml']));
    expect(after.filter((f) => /store-p[0-9]+-1/.test(f))).toEqual([]);
    expect(after.filter((f) => f.startsWith('ruler/') || f.startsWith('bucket-web/'))).toEqual([]);
    expect(run.out).toContain(
      `prod: ${objectFiles({ env: 'prod', files: new Map(expected.map((f) => [f, ''])) }).length} objects, `,
    );
    expect(run.out).toMatch(new RegExp(`prod: .* ${gone.length} removed`));
    // The emptied component folders are gone too, not left behind empty.
    for (const folder of ['ruler', 'bucket-web']) expect(existsSync(join(ws.clusters, 'prod', folder))).toBe(false);
    expect((await cliIn(ws, 'check')).code).toBe(0);
  });

  it('removes the folder of an environment whose file was deleted, on a full generate only', async () => {
    const ws = await generatedIn(workspace());
    const staging = snapshot(join(ws.clusters, 'staging'));
    rmSync(join(ws.environments, 'staging.yaml'));
    const partial = await cliIn(ws, 'generate', '--env', 'dev');
    expect(partial.code).toBe(0);
    expect(partial.out).not.toContain('staging');
    expect(snapshot(join(ws.clusters, 'staging'))).toEqual(staging);
    expect((await cliIn(ws, 'check', '--env', 'dev')).code).toBe(0);

    const stale = await cliIn(ws, 'check');
    expect(stale.code).toBe(1);
    expect(stale.err).toContain('staging/kustomization.yaml (stale)');

    const full = await cliIn(ws, 'generate');
    expect(full.out).toContain(`staging: 0 objects, 0 files written, 0 unchanged, ${staging.size} removed\n`);
    expect(existsSync(join(ws.clusters, 'staging'))).toBe(false);
    expect(readdirSync(ws.clusters).sort()).toEqual(['dev', 'prod']);
  });

  it('keeps the folder of a deleted environment when hand-written files remain in it', async () => {
    const ws = await generatedIn(workspace());
    const notes = join(ws.clusters, 'staging', 'NOTES.md');
    writeFileSync(notes, 'Staging is being retired.\n');
    rmSync(join(ws.environments, 'staging.yaml'));
    const run = await cliIn(ws, 'generate');
    expect(run.code).toBe(0);
    expect([...readTree(join(ws.clusters, 'staging')).keys()]).toEqual(['NOTES.md']);
    expect(run.out).toContain('staging: not generated, left alone: NOTES.md');
  });
});

describe('hand-written files', () => {
  const HAND_WRITTEN: Record<string, string> = {
    'NOTES.md': '# dev\nNotes kept next to the generated base.\n',
    'extra/configmap-notes.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: notes\n',
    'query/local-notes.txt': 'kept in a generated folder\n',
  };
  const PAST = new Date('2020-01-02T03:04:05Z');

  function plant(ws: Workspace): void {
    for (const [path, text] of Object.entries(HAND_WRITTEN)) {
      const full = join(ws.clusters, 'dev', path);
      writeFileSync(full, text, { flag: 'w' });
      utimesSync(full, PAST, PAST);
    }
  }

  function expectUntouched(ws: Workspace): void {
    for (const [path, text] of Object.entries(HAND_WRITTEN)) {
      const full = join(ws.clusters, 'dev', path);
      expect(readFileSync(full, 'utf8')).toBe(text);
      expect(statSync(full).mtimeMs).toBe(PAST.getTime());
    }
  }

  async function withFolders(): Promise<Workspace> {
    const ws = await generatedIn(workspace());
    mkdirSync(join(ws.clusters, 'dev', 'extra'), { recursive: true });
    plant(ws);
    return ws;
  }

  it('are listed one per name on one line, a name with a line break or `::` quoted, never a runner command', async () => {
    const ws = await generatedIn(workspace());
    const hostile = 'x\n::warning::pwned';
    writeFileSync(join(ws.clusters, 'dev', hostile), 'hand-written\n');
    writeFileSync(join(ws.clusters, 'dev', '::error::also'), 'hand-written\n');
    const run = await cliIn(ws, 'generate');
    expect(run.code).toBe(0);
    expect(run.out).toContain(`left alone: ${JSON.stringify('::error::also')}, ${JSON.stringify(hostile)}`);
    expect(run.out.split('\n').filter((line) => line.trimStart().startsWith('::'))).toEqual([]);
  });

  it('survive a generate that changes nothing, and are mentioned', async () => {
    const ws = await withFolders();
    const run = await cliIn(ws, 'generate');
    expect(run.code).toBe(0);
    expect(run.out).toContain(
      'dev: not generated, left alone: NOTES.md, extra/configmap-notes.yaml, query/local-notes.txt',
    );
    expectUntouched(ws);
  });

  it('survive a generate that rewrites the environment, byte for byte with their mtime', async () => {
    const ws = await withFolders();
    editEnvironment(ws, 'dev', [
      [['query', 'replicas'], 2],
      [['storeGateway', 'enabled'], false],
    ]);
    const run = await cliIn(ws, 'generate');
    expect(run.code).toBe(0);
    expect(run.out).toMatch(/dev: [0-9]+ objects, [1-9][0-9]* files written, [0-9]+ unchanged, [1-9][0-9]* removed/);
    expect(run.out).toContain(
      'dev: not generated, left alone: NOTES.md, extra/configmap-notes.yaml, query/local-notes.txt',
    );
    expectUntouched(ws);
    expect(existsSync(join(ws.clusters, 'dev', 'store-gateway'))).toBe(false);
  });

  it('do not make check fail', async () => {
    const ws = await withFolders();
    expect((await cliIn(ws, 'check')).code).toBe(0);
  });
});

describe('diff', () => {
  it('says so when nothing would change', async () => {
    const ws = await generatedIn(workspace());
    const run = await cliIn(ws, 'diff');
    expect(run.code).toBe(0);
    expect(run.out).toBe('dev: no changes\nprod: no changes\nstaging: no changes\n');
  });

  it('shows the new topology diagram when a change alters it, and none otherwise', async () => {
    const ws = await generatedIn(workspace());
    editEnvironment(ws, 'prod', [[['storeGateway', 'shards'], 1]]);
    const run = await cliIn(ws, 'diff');
    expect(run.code).toBe(1); // changes, as git diff --exit-code
    const section = run.out.slice(run.out.indexOf('Topology changed; the new diagram:'));
    expect(section).toMatch(/^Topology changed; the new diagram:\n\n```mermaid\nflowchart LR\n/);
    expect(section).toContain('1 shard × 2 replicas');
    expect(run.out.match(/Topology changed/g)).toHaveLength(1); // dev and staging are unchanged
  });

  it('summarises added, changed and removed objects and prints a diff per object, writing nothing', async () => {
    const ws = await generatedIn(workspace());
    editEnvironment(ws, 'dev', [[['query', 'replicas'], 2]]);
    editEnvironment(ws, 'prod', [[['storeGateway', 'shards'], 1]]);
    const before = snapshot(ws.clusters);
    const run = await cliIn(ws, 'diff');
    expect(run.code).toBe(1);
    expect(snapshot(ws.clusters)).toEqual(before);

    expect(run.out).toMatch(/^dev: [0-9]+ added, [0-9]+ changed, [0-9]+ removed$/m);
    expect(run.out).toContain('  + PodDisruptionBudget/thanos/thanos-query\n');
    expect(run.out).toContain('  ~ Deployment/thanos/thanos-query\n');
    expect(run.out).toMatch(/^prod: 0 added, [0-9]+ changed, [1-9][0-9]* removed$/m);
    for (const p of [0, 1]) {
      expect(run.out).toContain(`  - StatefulSet/thanos/thanos-store-p${p}-1\n`);
      expect(run.out).toContain(`  - Service/thanos/thanos-store-p${p}-1\n`);
      expect(run.out).toContain(`  - PodDisruptionBudget/thanos/thanos-store-p${p}-1\n`);
    }
    expect(run.out).toContain('staging: no changes\n');

    expect(run.out).toContain('\n~ dev: Deployment/thanos/thanos-query\n');
    expect(run.out).toContain('\n-  replicas: 1\n+  replicas: 2\n');
    expect(run.out).toContain('\n+ dev: PodDisruptionBudget/thanos/thanos-query\n');
    expect(run.out).toContain('\n- prod: StatefulSet/thanos/thanos-store-p0-1\n');
    expect(run.out).toMatch(/^@@ -[0-9,]+ \+[0-9,]+ @@$/m);
  });
});
