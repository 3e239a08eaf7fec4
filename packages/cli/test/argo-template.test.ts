/**
 * The generated ApplicationSet read by Go's own text/template, as Argo CD's ApplicationSet controller reads it
 * (`goTemplate: true`: each string key and value of `spec.template` is a template; a git generator's `values` are
 * templates too). tools/argo-template is a small Go program (standard library only) that parses and executes them.
 * Values that users choose and that land in template fields (the repository URL, the revision, the Argo CD
 * cluster name) are drawn full of `{{`, `}}`, comments and actions: every template still parses and executes,
 * its only actions are the generator's own and the `{{ "{{" }}` that prints a brace pair, and each value reads back
 * unchanged in the rendered Application.
 *
 * Needs `go` (Go 1.26 at /usr/local/go on the project's machines): skipped with a message without it, failed under
 * CI=true, where .ci/run provides it.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { SourceFile } from '@thanos-gitops/input';
import { InvalidEnvironmentError } from '@thanos-gitops/problems';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { renderDelivery, renderEnvironments } from '../src/render.js';
import { KUSTOMIZE_REQUIRED as IN_CI, type Plain, REPO_ROOT, tempDir, VALID } from './helpers.js';

const PATH = `/usr/local/go/bin:${process.env.PATH ?? ''}`;
const go = spawnSync('go', ['version'], { env: { ...process.env, PATH } }).status === 0;
if (!go && !IN_CI) console.warn('argo-template.test: no `go` on PATH, the ApplicationSet is not checked with Go');

/** The generator's own actions, and the one that prints `{{`. */
const OWN_ACTIONS = new Set(['{{.path.basename}}', '{{.path.path}}', '{{.values.cluster}}', '{{.values.namespace}}']);
const LITERAL_BRACES = '{{"{{"}}';

interface Drawn {
  repoURL: string;
  revision: string;
  cluster: string;
}

/** Two environments in one ApplicationSet; undefined when the loader refuses the values (a located error). */
function applicationSet(d: Drawn): Plain | undefined {
  const source = (name: string, cluster: string): SourceFile => {
    const doc = parseDocument(VALID.replace('name: valid', `name: ${name}`).replace('-valid', `-${name}`));
    doc.set('delivery', { tool: 'argocd', repoURL: d.repoURL, revision: d.revision, argocd: { cluster } });
    return { path: `environments/${name}.yaml`, text: doc.toString() };
  };
  try {
    const rendered = renderEnvironments([source('one', d.cluster), source('two', 'plain-cluster')]);
    const [argo] = renderDelivery(rendered);
    const text = argo?.files.get('applicationset-thanos.yaml');
    return text === undefined ? undefined : (parseDocument(text).toJS() as Plain);
  } catch (err) {
    if (err instanceof InvalidEnvironmentError) return undefined;
    throw err;
  }
}

interface Checked {
  error?: string;
  goTemplate: boolean;
  generators: { rendered?: Plain; actions: { field: string; action: string }[]; error?: string }[];
}

let checker = '';
function goCheck(sets: readonly Plain[]): Checked[] {
  const out = execFileSync(checker, [], { input: JSON.stringify(sets), encoding: 'utf8', maxBuffer: 64 << 20 });
  return JSON.parse(out) as Checked[];
}

const HOSTILE = ['{{', '}}', '{{ .values.namespace }}', '{{/* c */}}', '{{- ', ' -}}', '{{ printf "%s" "x" }}', '"'];
const piece = fc.oneof(fc.constantFrom(...HOSTILE), fc.stringMatching(/^[a-z0-9./-]{0,4}$/));
const drawn = fc.record({
  // The loader refuses spaces in a repository URL and anything but a branch name's characters in a revision.
  repoURL: fc
    .array(piece, { maxLength: 5 })
    .map((a) => `https://git.example.com/acme/${a.join('').replace(/\s/g, '')}x.git`),
  revision: fc.stringMatching(/^[a-z0-9][a-z0-9./_-]{0,8}[a-z0-9]$/),
  cluster: fc.array(piece, { minLength: 1, maxLength: 5 }).map((a) => `c${a.join('')}`),
});

describe.skipIf(!go && !IN_CI)('the ApplicationSet under Go text/template', { timeout: 600_000 }, () => {
  beforeAll(() => {
    checker = join(tempDir('argo-template-'), 'argo-template');
    execFileSync('go', ['build', '-o', checker, '.'], {
      cwd: join(REPO_ROOT, 'tools/argo-template'),
      env: { ...process.env, PATH, GOTOOLCHAIN: 'local', GOFLAGS: '-mod=mod', GOPROXY: 'off' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    expect(existsSync(checker)).toBe(true);
  });

  it('renders the plain ApplicationSet as Argo CD would: one Application per environment folder', () => {
    const set = applicationSet({ repoURL: 'https://git.example.com/acme/gitops.git', revision: 'main', cluster: 'c1' });
    const [r] = goCheck([set as Plain]);
    expect(r?.goTemplate).toBe(true);
    expect(r?.generators.map((g) => g.error)).toEqual([undefined, undefined]);
    const apps = r?.generators.map((g) => g.rendered as Plain) ?? [];
    expect(apps.map((a) => [a.metadata.name, a.spec.source.path, a.spec.destination])).toEqual([
      ['thanos-one', 'clusters/one', { name: 'c1', namespace: 'thanos' }],
      ['thanos-two', 'clusters/two', { name: 'plain-cluster', namespace: 'thanos' }],
    ]);
  });

  it('lets no drawn value inject an action: each reads back unchanged', () => {
    const cases = fc.sample(drawn, { numRuns: 60, seed: 20 });
    const accepted = cases.map((d) => ({ d, set: applicationSet(d) })).filter((c) => c.set !== undefined);
    // Most draws are accepted (the loader refuses some as git ref names): enough to mean something.
    expect(accepted.length).toBeGreaterThan(30);
    const checked = goCheck(accepted.map((c) => c.set as Plain));
    accepted.forEach(({ d }, i) => {
      const r = checked[i] as Checked;
      expect(r.error).toBeUndefined();
      const [one] = r.generators;
      expect(one?.error, JSON.stringify(d)).toBeUndefined();
      for (const a of one?.actions ?? []) {
        expect(OWN_ACTIONS.has(a.action) || a.action === LITERAL_BRACES, `${a.field}: ${a.action}`).toBe(true);
      }
      const app = one?.rendered as Plain;
      expect(app.spec.source.repoURL).toBe(d.repoURL);
      expect(app.spec.source.targetRevision).toBe(d.revision);
      expect(app.spec.destination.name).toBe(d.cluster);
    });
  });
});
