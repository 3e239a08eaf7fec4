/**
 * Adoption in place of a kube-thanos deployment: the importer's kube-thanos-shaped fixture is imported, the
 * environment rendered (with its patches applied, as kustomize would), and compared with the old objects. It
 * proves that kube-thanos and the project name the ingestor StatefulSets and their claim template alike and pass
 * the same `--tsdb.path`, and that the import's patch keeps the TSDB where it was on the volume.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  adoption,
  formatAdoption,
  formatReport,
  importManifests,
  oldObjectsOf,
  readObjects,
  withAdoption,
} from '@thanos-gitops/importer';
import { toPlain } from '@thanos-gitops/manifests';
import { describe, expect, it } from 'vitest';
import { builtObjects } from '../src/import.js';
import { renderEnvironments } from '../src/render.js';
import { type Plain, REPO_ROOT } from './helpers.js';

const FIXTURE = join(REPO_ROOT, 'packages/importer/test/fixtures/kube-thanos/split.yaml');

/** The environment's objects as kustomize builds them: rendered, then its JSON6902 patches applied. */
function built(environment: string, name: string): Plain[] {
  const [r] = renderEnvironments([{ path: `environments/${name}.yaml`, text: environment }]);
  if (!r) throw new Error('nothing rendered');
  return builtObjects(r) as Plain[];
}

const text = readFileSync(FIXTURE, 'utf8');
const old = readObjects(text);
const imported = importManifests(
  { text, file: 'kube-thanos/split.yaml' },
  { name: 'kube', cluster: 'eks-eu-central-1' },
);
const fresh = built(imported.environment, 'kube');
const byName = (objects: readonly Plain[], kind: string, name: string) =>
  objects.find((o) => o.kind === kind && o.metadata.name === name);
const tsdbPath = (o: Plain) =>
  (o.spec.template.spec.containers[0].args as string[]).find((a) => a.startsWith('--tsdb.path='))?.split('=')[1];
const dataMount = (o: Plain) =>
  (o.spec.template.spec.containers[0].volumeMounts as Plain[]).find((m) => m.name === 'data')?.mountPath;

describe('kube-thanos adoption', () => {
  const ingestors = old.filter(
    (o) => o.kind === 'StatefulSet' && o.metadata.name.startsWith('thanos-receive-ingestor-'),
  );

  it('keeps the ingestor StatefulSet names, claim template and TSDB path', () => {
    expect(ingestors.map((o) => o.metadata.name)).toEqual([
      'thanos-receive-ingestor-default',
      'thanos-receive-ingestor-tenant-a',
    ]);
    for (const before of ingestors as Plain[]) {
      const after = byName(fresh, 'StatefulSet', before.metadata.name);
      expect(after, before.metadata.name).toBeDefined();
      if (!after) continue;
      // The PVCs are named <claim template>-<StatefulSet>-<ordinal>: the same names, the same volumes.
      expect(after.spec.volumeClaimTemplates.map((t: Plain) => t.metadata.name)).toEqual(['data']);
      expect(before.spec.volumeClaimTemplates.map((t: Plain) => t.metadata.name)).toEqual(['data']);
      expect(after.spec.volumeClaimTemplates[0].spec.resources).toEqual(
        before.spec.volumeClaimTemplates[0].spec.resources,
      );
      expect(tsdbPath(after)).toBe(tsdbPath(before));
      // kube-thanos mounts the claim at the TSDB path; the import's patch does the same, so the TSDB stays the
      // volume's root.
      expect(dataMount(before)).toBe(tsdbPath(before));
      expect(dataMount(after)).toBe(dataMount(before));
    }
  });

  it('without the patch, the TSDB would be a folder the old volumes do not have', () => {
    const unpatched = renderEnvironments([{ path: 'environments/kube.yaml', text: imported.environment }])[0];
    const sts = unpatched?.manifests
      .map((m) => toPlain(m.object) as Plain)
      .find((o) => o.metadata.name === 'thanos-receive-ingestor-default');
    expect(sts && dataMount(sts)).toBe('/var/thanos');
    expect(sts && tsdbPath(sts)).toBe('/var/thanos/receive');
  });

  it('sorts every old object into kept, changed, recreated or orphaned', () => {
    const diff = adoption(oldObjectsOf(old), fresh as never, 'manifests');
    const status = (kind: string, name: string) =>
      diff.entries.find((e) => e.id === (kind === 'Namespace' ? `${kind}/${name}` : `${kind}/thanos/${name}`))?.status;
    // Labels and selectors differ from kube-thanos': the StatefulSets are recreated (the claims stay).
    expect(status('StatefulSet', 'thanos-receive-ingestor-default')).toBe('recreated');
    expect(status('StatefulSet', 'thanos-store-0')).toBe('recreated');
    expect(status('Deployment', 'thanos-query')).toBe('recreated');
    // kube-thanos' objstore Secret and hashring ConfigMap are not the project's names.
    expect(status('Secret', 'thanos-objectstorage')).toBe('orphaned');
    expect(status('ConfigMap', 'hashring-config')).toBe('orphaned');
    expect(status('Namespace', 'thanos')).toBe('changed');
    const c = diff.counts;
    expect(c.kept + c.changed + c.recreated + c.orphaned).toBe(old.length);
    const report = formatReport(withAdoption(imported.report, diff));
    expect(report).toContain(`${c.recreated} recreated`);
    expect(formatAdoption(diff)).toContain(`Adoption: ${c.kept} kept, ${c.changed} changed`);
  });
});
