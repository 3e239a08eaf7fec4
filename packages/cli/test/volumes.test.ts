/**
 * Volumes that grow and volumes that may not shrink: `diff` names a larger `storage` as a volume that grows (with
 * the README's procedure), and generate, check, validate and diff refuse a smaller one at its option, comparing
 * with the StatefulSets committed in clusters/, which they leave untouched.
 */
import { appendFileSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { claimSizes, storageOptions } from '@thanos-gitops/model';
import { describe, expect, it } from 'vitest';
import { type EnvironmentReview, reviewEnvironment, volumeGrowth } from '../src/review.js';
import { committedVolumes } from '../src/volumes.js';
import { cliIn, generatedIn, type Plain, plainObjects, renderAll, smallWorkspace } from './helpers.js';

/** A StatefulSet as the generator writes one, with a `data` volume of `size`. */
function statefulSet(size: string, change: (o: Plain) => void = () => {}): Plain {
  const o: Plain = {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name: 'thanos-compact', namespace: 'thanos' },
    spec: {
      replicas: 1,
      serviceName: 'thanos-compact',
      selector: { matchLabels: { app: 'compact' } },
      template: { metadata: { labels: { app: 'compact' } }, spec: { containers: [] } },
      volumeClaimTemplates: [
        {
          metadata: { name: 'data' },
          spec: { accessModes: ['ReadWriteOnce'], storageClassName: 'gp3', resources: { requests: { storage: size } } },
        },
      ],
    },
  };
  change(o);
  return o;
}

describe('volumeGrowth', () => {
  const link = 'follow the resize procedure in clusters/prod/README.md#growing-volumes';

  it('names a larger storage request, from and to, with the README procedure', () => {
    expect(volumeGrowth('prod', statefulSet('100Gi'), statefulSet('200Gi'))).toBe(
      `volume grows from 100Gi to 200Gi: ${link}`,
    );
    // Units compare by value, not by text.
    expect(volumeGrowth('prod', statefulSet('900Mi'), statefulSet('1Gi'))).toBe(
      `volume grows from 900Mi to 1Gi: ${link}`,
    );
  });

  it('is undefined for anything else that needs a recreation', () => {
    const cases: [string, Plain][] = [
      ['smaller', statefulSet('50Gi')],
      ['same size', statefulSet('100Gi')],
      [
        'another StorageClass',
        statefulSet('200Gi', (o) => (o.spec.volumeClaimTemplates[0].spec.storageClassName = 'io2')),
      ],
      [
        'another access mode',
        statefulSet('200Gi', (o) => (o.spec.volumeClaimTemplates[0].spec.accessModes = ['ReadWriteMany'])),
      ],
      ['a template renamed', statefulSet('200Gi', (o) => (o.spec.volumeClaimTemplates[0].metadata.name = 'tsdb'))],
      ['a template added', statefulSet('200Gi', (o) => o.spec.volumeClaimTemplates.push({ metadata: { name: 'x' } }))],
      ['the selector too', statefulSet('200Gi', (o) => (o.spec.selector.matchLabels.zone = 'a'))],
      ['the service name too', statefulSet('200Gi', (o) => (o.spec.serviceName = 'other'))],
      ['pod management too', statefulSet('200Gi', (o) => (o.spec.podManagementPolicy = 'Parallel'))],
      ['an unreadable size', statefulSet('lots')],
    ];
    for (const [what, after] of cases) expect(volumeGrowth('prod', statefulSet('100Gi'), after), what).toBeUndefined();
    expect(volumeGrowth('prod', { ...statefulSet('1Gi'), kind: 'Deployment' }, statefulSet('2Gi'))).toBeUndefined();
  });

  it('puts a growing StatefulSet under resizes, not recreates; anything more is still a recreation', () => {
    const review = (after: Plain): EnvironmentReview => reviewEnvironment('prod', [statefulSet('100Gi')], [after]);
    const grows = review(statefulSet('200Gi'));
    expect(grows.recreates).toEqual([]);
    expect(grows.resizes).toEqual([
      { id: 'StatefulSet/thanos/thanos-compact', why: `volume grows from 100Gi to 200Gi: ${link}` },
    ]);
    const moved = review(statefulSet('200Gi', (o) => (o.spec.volumeClaimTemplates[0].spec.storageClassName = 'io2')));
    expect(moved.resizes).toEqual([]);
    expect(moved.recreates).toEqual([{ id: 'StatefulSet/thanos/thanos-compact', fields: ['volumeClaimTemplates'] }]);
    const shrinks = review(statefulSet('10Gi'));
    expect(shrinks.resizes).toEqual([]);
    expect(shrinks.recreates).toHaveLength(1);
  });
});

describe('storage options', () => {
  it('size every StatefulSet with a volume claim of every rendered environment, with the size of the option', () => {
    let checked = 0;
    for (const r of renderAll()) {
      const options = storageOptions(r.environment);
      for (const o of plainObjects(r).filter((x) => x.kind === 'StatefulSet')) {
        const sizes = claimSizes(o);
        if (sizes.size === 0) continue;
        const option = options.filter((x) => x.statefulSets.includes(o.metadata.name));
        expect(option, `${r.env}: ${o.metadata.name}`).toHaveLength(1);
        let value: unknown = r.environment;
        for (const part of option[0]?.path ?? []) value = (value as Record<string | number, unknown>)[part];
        expect([...sizes.values()], `${r.env}: ${o.metadata.name}`).toEqual([value]);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(20);
  });
});

/** Every file under `dir` with its content and modification time. */
function snapshot(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (at: string) => {
    for (const entry of readdirSync(at, { withFileTypes: true })) {
      const full = join(at, entry.name);
      if (entry.isDirectory()) walk(full);
      else out.set(relative(dir, full), `${readFileSync(full, 'utf8')} @${statSync(full).mtimeMs}`);
    }
  };
  walk(dir);
  return out;
}

describe('a smaller storage', { timeout: 120_000 }, () => {
  it('is refused at its option by generate, check, validate and diff; clusters/ is left as it was', async () => {
    const ws = await generatedIn(smallWorkspace());
    expect(committedVolumes(ws.clusters)('one').get('thanos-compact')).toEqual(new Map([['data', '10Gi']]));
    const file = join(ws.environments, 'one.yaml');
    appendFileSync(file, 'compactor:\n  storage: 5Gi\n');
    const line = readFileSync(file, 'utf8').split('\n').indexOf('  storage: 5Gi') + 1;
    const before = snapshot(ws.clusters);
    const shown = relative(process.cwd(), file);
    const error =
      `error ${shown}:${line}:12 compactor.storage: cannot shrink the volumes of the compactor from 10Gi to 5Gi ` +
      '(StatefulSet thanos-compact, as committed in clusters/one/): Kubernetes can grow a PersistentVolumeClaim but ' +
      'never shrink one, so the data would have to be moved to new volumes. Keep it at least 10Gi; to grow it ' +
      'instead, see clusters/one/README.md#growing-volumes';
    for (const command of ['generate', 'check', 'validate', 'diff']) {
      const run = await cliIn(ws, command, '--no-color');
      expect(run.code, command).toBe(command === 'diff' ? 3 : 1);
      expect(run.err.split('\n')[0], command).toBe(error);
      expect(snapshot(ws.clusters), command).toEqual(before);
    }
  });

  it('is fine for a new environment (no folder yet), and a larger one is generated', async () => {
    const ws = await generatedIn(smallWorkspace());
    rmSync(join(ws.clusters, 'two'), { recursive: true });
    appendFileSync(join(ws.environments, 'two.yaml'), 'compactor:\n  storage: 5Gi\n');
    appendFileSync(join(ws.environments, 'one.yaml'), 'compactor:\n  storage: 20Gi\n');
    const run = await cliIn(ws, 'generate');
    expect(run.err).toBe('');
    expect(run.code).toBe(0);
    expect(committedVolumes(ws.clusters)('two').get('thanos-compact')).toEqual(new Map([['data', '5Gi']]));
    const readme = readFileSync(join(ws.clusters, 'one', 'README.md'), 'utf8');
    expect(readme).toContain(
      `kubectl -n thanos patch pvc data-thanos-compact-0 --type merge -p '{"spec":{"resources":{"requests":{"storage":"20Gi"}}}}'`,
    );
  });

  it('ignores what generate did not write', async () => {
    const ws = await generatedIn(smallWorkspace());
    const dir = join(ws.clusters, 'one', 'compactor');
    writeFileSync(join(dir, 'stateful-set-by-hand.yaml'), 'kind: StatefulSet\nmetadata: {name: thanos-compact}\n');
    const committed = readdirSync(dir).find((f) => f === 'stateful-set-thanos-compact.yaml') as string;
    writeFileSync(join(dir, committed), `${readFileSync(join(dir, committed), 'utf8')}\n: not yaml: [\n`);
    expect(committedVolumes(ws.clusters)('one').has('thanos-compact')).toBe(false);
    expect(committedVolumes(ws.clusters)('missing').size).toBe(0);
  });
});
