/**
 * The README's procedure that grows volumes, read from rendered output: every StatefulSet with a volume and every
 * one of its claims named exactly, the StorageClass checked, and the commands of the environment's delivery tool.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { toPlain } from '@thanos-gitops/manifests';
import { RESIZE_ANCHOR } from '@thanos-gitops/model';
import { describe, expect, it } from 'vitest';
import { environmentReadme, RESIZE_HEADING, volumesSection } from '../src/index.js';
import { renderFixture } from './fixtures.js';

const ARGOCD = 'delivery:\n  tool: argocd\n  repoURL: https://example.com/gitops.git\n';
const FLUX = 'delivery:\n  tool: flux\n  repoURL: https://example.com/gitops.git\n  flux: { namespace: gitops }\n';

/** The README section of a fixture, with `extra` YAML appended to its environment. */
function section(name: string, extra = '', edit?: (objects: Record<string, any>[]) => void): string {
  const { env, manifests } = renderFixture(name, extra);
  const objects = manifests.map((m) => toPlain(m.object) as Record<string, any>);
  edit?.(objects);
  return volumesSection(env, `environments/${name}.yaml`, objects).join('\n');
}

/** GitHub's anchor of a heading: lower case, punctuation dropped, spaces to hyphens. */
const slug = (heading: string) =>
  heading
    .replace(/^#+\s*/, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s-]/gu, '')
    .replace(/\s/g, '-');

/** The commands of the fenced shell blocks. */
const commands = (markdown: string) =>
  [...markdown.matchAll(/```sh\n([\s\S]*?)```/g)].flatMap((m) => (m[1] ?? '').split('\n')).filter(Boolean);

const PROD_SETS = {
  ingestors: ['tenants-a', 'default'].flatMap((h) =>
    ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'].map((z) => `thanos-receive-ingestor-${h}-${z}`),
  ),
  stores: ['thanos-store-p0-0', 'thanos-store-p0-1', 'thanos-store-p1-0', 'thanos-store-p1-1'],
};

describe('the resize procedure', () => {
  it('has the heading the diff links to, in every README', () => {
    expect(slug(RESIZE_HEADING)).toBe(RESIZE_ANCHOR);
    const { env, manifests } = renderFixture('prod');
    const readme = environmentReadme(env, 'environments/prod.yaml', manifests);
    expect(readme.split('\n')).toContain(RESIZE_HEADING);
  });

  it("names every claim of prod's StatefulSets, at their size, and deletes the StatefulSets keeping their pods", () => {
    const text = section('prod', ARGOCD);
    const lines = commands(text);
    const claims = [
      ...PROD_SETS.ingestors.map((s) => [`data-${s}-0`, '100Gi']),
      ...PROD_SETS.stores.flatMap((s) => [0, 1].map((i) => [`data-${s}-${i}`, '50Gi'])),
      ['data-thanos-compact-0', '200Gi'],
    ];
    const patches = lines.filter((l) => l.includes(' patch pvc '));
    expect(patches).toEqual(
      claims.map(
        ([claim, size]) =>
          `kubectl -n thanos patch pvc ${claim} --type merge -p '{"spec":{"resources":{"requests":{"storage":"${size}"}}}}'`,
      ),
    );
    for (const p of patches) {
      const body = /-p '(.*)'$/.exec(p)?.[1] ?? '';
      expect(JSON.parse(body).spec.resources.requests.storage).toMatch(/^\d+Gi$/);
    }
    expect(lines.filter((l) => l.includes(' wait pvc/'))).toEqual(
      claims.map(
        ([claim, size]) =>
          `kubectl -n thanos wait pvc/${claim} --for=jsonpath='{.status.capacity.storage}'=${size} --timeout=1h`,
      ),
    );
    expect(lines.filter((l) => l.includes(' delete statefulset '))).toEqual(
      [...PROD_SETS.ingestors, ...PROD_SETS.stores, 'thanos-compact'].map(
        (s) => `kubectl -n thanos delete statefulset ${s} --cascade=orphan`,
      ),
    );
    expect(lines).toContain(`kubectl get storageclass gp3 -o jsonpath='{.allowVolumeExpansion}{"\\n"}'`);
    for (const option of ['receive.hashrings[0].storage', 'receive.hashrings[1].storage', 'storeGateway.storage']) {
      expect(text).toContain(`| \`${option}\` |`);
    }
    expect(text).toContain('write-ahead log');
  });

  it('warns where deleting the StatefulSet would delete the volumes, and only there', () => {
    const text = section('prod');
    const blocks = text.split('#### ').slice(1);
    const warned = blocks.filter((b) => b.includes('whenDeleted: Delete')).map((b) => b.split(':')[0]);
    expect(warned).toEqual(['`storeGateway.storage`', '`compactor.storage`']);
  });

  it('pauses Argo CD through the ApplicationSet, syncs once, and restores the generated objects', () => {
    const lines = commands(section('prod', ARGOCD));
    expect(lines).toContain(
      `kubectl -n argocd patch applicationset thanos --type json -p '[{"op":"remove","path":"/spec/template/spec/syncPolicy/automated"}]'`,
    );
    expect(lines).toContain('argocd app sync thanos-prod --app-namespace argocd   # or Sync in the Argo CD UI');
    expect(lines).toContain('kubectl apply -k clusters/argocd');
    const single = commands(section('prod', `${ARGOCD}  argocd: { mode: application, namespace: cd }\n`));
    expect(single).toContain(
      `kubectl -n cd patch application thanos-prod --type json -p '[{"op":"remove","path":"/spec/syncPolicy/automated"}]'`,
    );
    expect(single.join('\n')).not.toContain('applicationset');
  });

  it('suspends and resumes the Flux Kustomization', () => {
    const text = section('dev', FLUX);
    expect(commands(text)).toEqual(
      expect.arrayContaining([
        'flux suspend kustomization thanos-dev -n gitops',
        'flux resume kustomization thanos-dev -n gitops',
        'flux reconcile kustomization thanos-dev -n gitops --with-source',
      ]),
    );
    expect(text).toContain('**Pause Flux**');
    expect(text).not.toContain('argocd');
  });

  it('without a delivery tool, applies the folder; reads the cluster default StorageClass from a claim', () => {
    const text = section('variant');
    const lines = commands(text);
    expect(lines).toContain('kubectl apply --server-side -k clusters/variant');
    expect(text).toContain('3. **Merge the pull request, but do not apply it yet**');
    expect(text).not.toMatch(/flux|argocd|Pause/);
    expect(lines).toContain(
      `kubectl get storageclass "$(kubectl -n observability get pvc data-thanos-receive-ingestor-alpha-0 -o jsonpath='{.spec.storageClassName}')" -o jsonpath='{.allowVolumeExpansion}{"\\n"}'`,
    );
    // The stateful ruler's volumes, and both compactor shards.
    for (const claim of ['data-thanos-rule-0', 'data-thanos-compact-0-0', 'data-thanos-compact-1-0']) {
      expect(lines.some((l) => l.includes(` patch pvc ${claim} `))).toBe(true);
    }
  });

  it('says when the rollout-operator rolls the recreated StatefulSets', () => {
    // prod's zoned ingestors are OnDelete in their hashrings' rollout groups: the operator rolls them.
    expect(section('prod')).toContain(
      'the rollout-operator restarts `thanos-receive-ingestor-tenants-a`, `thanos-receive-ingestor-default` one StatefulSet',
    );
    const plain = section('prod', '', (objects) => {
      for (const o of objects.filter((x) => x.metadata.labels?.['rollout-group'] !== undefined)) {
        o.spec.updateStrategy = { type: 'RollingUpdate' };
        delete o.metadata.labels['rollout-group'];
      }
    });
    expect(plain).not.toContain('rollout-operator');
  });

  it('says so when nothing has a volume', () => {
    const { env } = renderFixture('prod');
    expect(volumesSection(env, 'environments/prod.yaml', [])).toEqual([
      RESIZE_HEADING,
      '',
      'No workload of this environment has a persistent volume.',
      '',
    ]);
  });

  it('quotes every name as a shell word: a hostile namespace, claim or class runs nothing and reads back', () => {
    // A patch can rename objects; the procedure names what was rendered, so each name must stay one word.
    const evil = 'x$(touch pwned)`touch pwned`;touch pwned \'"$HOME';
    const { env, manifests } = renderFixture('variant');
    const objects = manifests.map((m) => toPlain(m.object) as Record<string, any>);
    for (const o of objects.filter((x) => x.kind === 'StatefulSet'))
      for (const t of o.spec.volumeClaimTemplates ?? []) t.metadata.name = `d${evil}`;
    const text = volumesSection({ ...env, namespace: evil }, 'environments/variant.yaml', objects).join('\n');
    const lines = commands(text).filter((l) => !l.startsWith('#'));
    const dir = mkdtempSync(join(tmpdir(), 'volumes-sh-'));
    try {
      const stub = (t: string) => `${t}() { printf '%s\\0' ${t} "$@" >> calls; printf '\\1\\0' >> calls; }`;
      writeFileSync(join(dir, 'run.sh'), `${stub('kubectl')}\n: > calls\n${lines.join('\n')}\n`);
      execFileSync('bash', ['-n', 'run.sh'], { cwd: dir });
      execFileSync('bash', ['run.sh'], { cwd: dir, env: { PATH: process.env.PATH } });
      expect(existsSync(join(dir, 'pwned'))).toBe(false);
      const calls = readFileSync(join(dir, 'calls'), 'utf8')
        .split('\u0001\u0000')
        .filter(Boolean)
        .map((c) => c.split('\u0000').filter(Boolean));
      const patched = calls.filter((c) => c[3] === 'patch');
      expect(patched.length).toBeGreaterThan(2);
      for (const c of patched) {
        expect(c.slice(0, 4)).toEqual(['kubectl', '-n', evil, 'patch']);
        expect(c[5]).toMatch(/^d.*\$HOME-thanos-[a-z0-9-]+-\d+$/);
        expect(JSON.parse(c[9] ?? '').spec.resources.requests.storage).toMatch(/^\d+Gi$/);
      }
      const listed = calls.find((c) => c[3] === 'get' && c[4] === 'pvc' && !c.includes('-o'));
      expect(listed?.slice(5)).toEqual(patched.map((c) => c[5]));
      expect(calls.filter((c) => c[3] === 'wait').map((c) => c[4])).toEqual(patched.map((c) => `pvc/${c[5]}`));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
