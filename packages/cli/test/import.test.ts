/**
 * `thanos-gitops import` through main(): what it writes, what it refuses, and that the environment it writes
 * renders into an ingestor StatefulSet that binds the Bitnami chart's volumes (`data-<release>-receive-<n>`,
 * TSDB at the volume root, as the chart's `receive/statefulset.yaml` lays it out).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderEnvironments } from '../src/render.js';
import { cli, REPO_ROOT, tempDir } from './helpers.js';

const VALUES = join(REPO_ROOT, 'packages/importer/test/fixtures/bitnami/dual-mode.yaml');
const KUBE_THANOS = join(REPO_ROOT, 'packages/importer/test/fixtures/kube-thanos/split.yaml');

function importInto(dir: string, ...extra: string[]) {
  return cli([
    'import',
    'bitnami',
    VALUES,
    '--release',
    'thanos',
    '--namespace',
    'metrics',
    '--environments',
    dir,
    ...extra,
  ]);
}

describe('thanos-gitops import bitnami', () => {
  it('writes an environment that renders the adopted ingestors, and its report with the runbook', async () => {
    const dir = tempDir('thanos-gitops-import-');
    const run = await importInto(dir);
    expect(run.err).toBe('');
    expect(run.code).toBe(0);
    expect(run.out).toContain('## Needs a person');
    expect(run.out).toContain('- PersistentVolumeClaim `data-thanos-receive-2`');
    const text = readFileSync(join(dir, 'metrics.yaml'), 'utf8');
    const report = readFileSync(join(dir, 'metrics.import.md'), 'utf8');
    expect(report).toContain('# Migration runbook: metrics');
    expect(report).toContain('### Kept (left as they are, or volume claims a new StatefulSet binds again');
    expect(report).not.toContain('wJalrXUtnFEMI');
    expect(text).not.toContain('AKIAIOSFODNN7EXAMPLE');
    const [r] = renderEnvironments([{ path: 'environments/metrics.yaml', text }]);
    const sts = r?.manifests
      .map((m) => m.object as any)
      .find((o) => o.kind === 'StatefulSet' && o.metadata.name === 'thanos-receive');
    expect(sts.spec.replicas).toBe(3);
    expect(sts.spec.volumeClaimTemplates.map((t: any) => [t.metadata.name, t.spec.resources.requests.storage])).toEqual(
      [['data', '100Gi']],
    );
    const container = sts.spec.template.spec.containers.find((c: any) => c.name === 'thanos');
    expect(container.volumeMounts).toContainEqual(
      expect.objectContaining({ name: 'data', mountPath: '/var/thanos/receive' }),
    );
    expect(container.args).toContain('--tsdb.path=/var/thanos/receive');
    expect(container.args).toContain('--label=replica="$(POD_NAME)"');
  });

  it('refuses to overwrite an environment unless --force', async () => {
    const dir = tempDir('thanos-gitops-import-');
    writeFileSync(join(dir, 'metrics.yaml'), 'name: metrics\n');
    const refused = await importInto(dir);
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/metrics\.yaml \(or its report\) exists: not overwritten.*--force/);
    expect(readFileSync(join(dir, 'metrics.yaml'), 'utf8')).toBe('name: metrics\n');
    expect(existsSync(join(dir, 'metrics.import.md'))).toBe(false);
    const forced = await importInto(dir, '--force');
    expect(forced.code).toBe(0);
    expect(readFileSync(join(dir, 'metrics.yaml'), 'utf8')).toContain('statefulSet: thanos-receive');
  });

  it('names the environment with --name, and says what is wrong with the input', async () => {
    const dir = tempDir('thanos-gitops-import-');
    expect((await importInto(dir, '--name', 'prod')).code).toBe(0);
    expect(existsSync(join(dir, 'prod.yaml'))).toBe(true);
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, '- a list\n- not values\n');
    const run = await cli(['import', 'bitnami', bad, '--environments', dir]);
    expect(run).toMatchObject({ code: 1, out: '' });
    expect(run.err).toContain("a values file is a YAML mapping of the chart's keys");
  });

  it('wants what to import and where from (exit 2), and has its own help', async () => {
    for (const [argv, message] of [
      [['import'], 'what to import is required: bitnami or manifests'],
      [['import', 'helm', 'x.yaml'], "unknown import 'helm' (bitnami or manifests)"],
      [['import', 'bitnami'], 'import bitnami needs a values file'],
      [['import', 'bitnami', 'a.yaml', 'b.yaml'], "unexpected argument 'b.yaml' after import"],
      [['validate', '--force'], "unknown option '--force'"],
    ] as const) {
      const run = await cli(argv);
      expect(run.code, argv.join(' ')).toBe(2);
      expect(run.err).toContain(message);
    }
    const help = await cli(['import', '--help']);
    expect(help.code).toBe(0);
    expect(help.out).toContain('Usage: thanos-gitops import bitnami VALUES.yaml | manifests PATH|- [options]');
    expect(help.out).toContain('--release NAME');
  });
});

describe('thanos-gitops import manifests', () => {
  it('writes the environment, and the report with the adoption against what it renders (patches applied)', async () => {
    const dir = tempDir('thanos-gitops-import-');
    const run = await cli(['import', 'manifests', KUBE_THANOS, '--name', 'kube', '--environments', dir]);
    expect(run.err).toBe('');
    expect(run.code).toBe(0);
    const counts = run.out.match(
      /Adoption: (\d+) kept, (\d+) changed, (\d+) recreated, (\d+) orphaned, (\d+) removed, (\d+) added\./,
    );
    expect(counts).not.toBeNull();
    // Nothing deletes what `kubectl apply` made: objects the environment does not render are orphaned.
    expect(counts?.[5]).toBe('0');
    expect(Number(counts?.[4])).toBeGreaterThan(0);
    const report = readFileSync(join(dir, 'kube.import.md'), 'utf8');
    expect(report).toContain(counts?.[0]);
    // The ingestors keep their names, claim template and TSDB path (the import's patch applied): only the
    // selector makes them recreated, never the claim template.
    expect(report).toMatch(/- StatefulSet `thanos-receive-ingestor-default` \(spec\.selector[,)]/);
    expect(report).not.toMatch(/thanos-receive-ingestor-default` \([^)]*volumeClaimTemplates/);
    expect(report).toContain('- ConfigMap `hashring-config`');
    expect(report).toContain('`Secret/thanos/thanos-objectstorage`');
    expect(report).toContain('# Migration runbook: kube (namespace thanos)');
    // kube-thanos' router Service has the project's name: the URL stays, no bridge Service of the same name.
    expect(report).toContain(
      'writers keep pushing to `http://thanos-receive-router.thanos.svc.cluster.local:19291/api/v1/receive`',
    );
    expect(report).not.toContain('kind: Service\nmetadata:\n  name: thanos-receive-router');
    const text = readFileSync(join(dir, 'kube.yaml'), 'utf8');
    expect(text).toContain('thanos-receive-ingestor-.*');
    // It renders (a problem would throw), with the ingestor StatefulSets of the old names.
    const [r] = renderEnvironments([{ path: 'environments/kube.yaml', text }]);
    expect(r?.manifests.filter((m) => m.object.kind === 'StatefulSet').map((m) => m.object.metadata?.name)).toContain(
      'thanos-receive-ingestor-tenant-a',
    );
  });
});
