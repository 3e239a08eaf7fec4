/**
 * Patches are checked by what they produce: applied in memory (apply-patches.ts) the way kustomize applies them,
 * then validated, scanned for credentials and compared for a weaker security posture (patch-checks.ts,
 * posture.ts). The located messages themselves are in fixtures/bad/patch-*.expected; here: the in-memory patching
 * agrees with the real kustomize, each kind of weakening is found and an acknowledgement lets it through, what the
 * generator makes has no weakness of its own, and `diff`'s review calls a weakening out.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SourceFile } from '@thanos-gitops/input';
import { InvalidEnvironmentError } from '@thanos-gitops/problems';
import type { Environment } from '@thanos-gitops/schema';
import { describe, expect, it } from 'vitest';
import { patchChecks } from '../src/patch-checks.js';
import { postureFacts, weakenings } from '../src/posture.js';
import { renderEnvironments } from '../src/render.js';
import { markdownReport, objectKey, reviewEnvironment, textReport } from '../src/review.js';
import {
  findKustomize,
  KUSTOMIZE_REQUIRED,
  kustomizeBuild,
  type Plain,
  plainObjects,
  renderAll,
  tempDir,
  VALID,
  writeTree,
} from './helpers.js';

const BAD = new URL('./fixtures/bad/', import.meta.url).pathname;

const source = (extra: string): SourceFile => ({
  path: 'environments/x.yaml',
  text: `${VALID.replace('name: valid', 'name: x').replace('acme-thanos-valid', 'acme-thanos-x')}${extra}`,
});

function render(extra: string) {
  try {
    return { rendered: renderEnvironments([source(extra)])[0], problems: [] as string[] };
  } catch (err) {
    if (!(err instanceof InvalidEnvironmentError)) throw err;
    return { rendered: undefined, problems: err.problems.map((p) => `${p.field}: ${p.message}`) };
  }
}

/** The `patches:` block of a bad fixture. */
const patchesOf = (name: string) => {
  const text = readFileSync(join(BAD, `${name}.yaml`), 'utf8');
  return text.slice(text.indexOf('\npatches:') + 1);
};

const POSTURE_FIXTURES: [fixture: string, ack: string][] = [
  ['patch-privileged', 'privileged'],
  ['patch-host-network', 'hostNamespaces'],
  ['patch-host-path', 'hostPath'],
  ['patch-capabilities', 'capabilities'],
  ['patch-run-as-root', 'root'],
  ['patch-privilege-escalation', 'privilegeEscalation'],
  ['patch-load-balancer', 'exposedService'],
  ['patch-node-port', 'exposedService'],
  ['patch-network-policy-removed', 'networkPolicy'],
];

describe('a patch that weakens the security posture', () => {
  it('has a fixture for every kind of acknowledgement', () => {
    const kinds = new Set(POSTURE_FIXTURES.map(([, a]) => a));
    const schema = readFileSync(new URL('../../../schema/environment.schema.json', import.meta.url), 'utf8');
    for (const kind of kinds) expect(schema).toContain(`"${kind}"`);
    expect(kinds.size).toBe(8);
    for (const [f] of POSTURE_FIXTURES) expect(readdirSync(BAD)).toContain(`${f}.expected`);
  });
  for (const [fixture, ack] of POSTURE_FIXTURES) {
    it(`${fixture}: refused without \`acknowledge: [${ack}]\`, rendered with it`, () => {
      const patches = patchesOf(fixture);
      const refused = render(patches).problems;
      expect(refused).toHaveLength(1);
      expect(refused[0]).toMatch(/^patches\.0\.patch|^patches\[0\]\.patch/);
      expect(refused[0]).toContain(`acknowledge: [${ack}]`);
      const acknowledged = patches.replace('    patch:', `    acknowledge: [${ack}]\n    patch:`);
      const { rendered, problems } = render(acknowledged);
      expect(problems).toEqual([]);
      expect(rendered?.tree.files.get('kustomization.yaml')).toContain('patches:');
    });
  }
  it('an acknowledgement of another kind does not let it through', () => {
    const patches = patchesOf('patch-privileged').replace('    patch:', '    acknowledge: [root]\n    patch:');
    const problems = render(patches).problems;
    expect(problems.some((p) => p.includes('acknowledge: [privileged]'))).toBe(true);
    expect(problems.some((p) => p.includes('acknowledges root, but the patch does no such thing'))).toBe(true);
  });
});

describe('posture facts', () => {
  it('the generator itself makes nothing that a patch would have to acknowledge (but the exposure it models)', () => {
    for (const r of renderAll()) {
      for (const o of plainObjects(r)) {
        const facts = [...postureFacts(o)].filter(([, kind]) => kind !== 'exposedService');
        expect(facts, `${r.env} ${o.kind}`).toEqual([]);
      }
    }
  });
  it('removing a securityContext field counts, as setting it does', () => {
    const pod = (sc: Plain) => ({
      kind: 'Deployment',
      spec: { template: { spec: { containers: [{ name: 'c', securityContext: sc }] } } },
    });
    const safe = { allowPrivilegeEscalation: false, runAsNonRoot: true };
    expect(weakenings(pod(safe), pod({ runAsNonRoot: true })).map((w) => w.kind)).toEqual(['privilegeEscalation']);
    expect(weakenings(pod(safe), pod({ allowPrivilegeEscalation: false })).map((w) => w.kind)).toEqual(['root']);
    expect(weakenings(pod(safe), pod(safe))).toEqual([]);
  });
});

describe("diff's review", () => {
  it('calls out a weakening in the text and in the PR comment', () => {
    const base = renderAll()[0] as NonNullable<ReturnType<typeof render>['rendered']>;
    const before = plainObjects(base);
    const after = structuredClone(before);
    const svc = after.find((o) => o.kind === 'Service') as Plain;
    svc.spec.type = 'LoadBalancer';
    const review = reviewEnvironment(base.env, before, after);
    expect(review.weakened).toEqual([
      { id: `Service/${svc.metadata.namespace}/${svc.metadata.name}`, why: expect.stringContaining('LoadBalancer') },
    ]);
    const paint = { bold: String, red: String, green: String, yellow: String } as never;
    expect(textReport([review], paint)).toMatch(/WEAKENED +Service\/.*LoadBalancer \(exposedService\)/);
    expect(markdownReport([review], { base: 'main' })).toContain('**Security posture weakened**');
  });
});

describe('patches applied in memory agree with kustomize', () => {
  const kustomize = findKustomize();
  const PATCHES = `patches:
  - target: {kind: Deployment, name: thanos-query}
    patch: |
      apiVersion: apps/v1
      kind: Deployment
      metadata: {name: thanos-query}
      spec:
        replicas: 3
        template:
          metadata:
            annotations: {example.com/a: b}
          spec:
            containers:
              - name: thanos
                env:
                  - {name: GOGC, value: "50"}
                resources: {limits: {memory: 2Gi}}
              - name: extra
                image: busybox:1.36
                securityContext: {allowPrivilegeEscalation: false, runAsNonRoot: true}
            nodeSelector: null
  - target: {kind: Service, name: thanos-query}
    patch: |
      - {op: add, path: /spec/ports/-, value: {name: extra, port: 9999, targetPort: 9999}}
      - {op: replace, path: /metadata/labels/app.kubernetes.io~1part-of, value: other}
  - target: {kind: NetworkPolicy, name: thanos-query}
    acknowledge: [networkPolicy]
    patch: |
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata: {name: thanos-query}
      $patch: delete
`;
  it.skipIf(!kustomize && !KUSTOMIZE_REQUIRED)('for strategic-merge and JSON6902 patches', () => {
    if (!kustomize) throw new Error('kustomize not found');
    const { rendered, problems } = render(PATCHES);
    expect(problems).toEqual([]);
    const r = rendered as NonNullable<typeof rendered>;
    const sink = { report: (path: unknown, message: string) => problems.push(`${String(path)}: ${message}`) };
    const mine = patchChecks(r.environment as Environment, plainObjects(r), sink as never, () => false);
    expect(problems).toEqual([]);
    const built = kustomizeBuild(kustomize, writeTree(tempDir(), r.tree));
    const byKey = (list: readonly Plain[]) => new Map(list.map((o) => [objectKey(o), o]));
    const [a, b] = [byKey(mine), byKey(built)];
    expect([...a.keys()].sort()).toEqual([...b.keys()].sort());
    for (const [key, o] of b) expect(a.get(key), key).toEqual(o);
  });
});
