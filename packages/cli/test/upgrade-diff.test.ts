/**
 * The review of an upgrade, on real renders: the fixture environments generated at v0.42.4, then at v0.41.0, and
 * compared through the command (`diff`, against clusters/ on disk) or through `reviewTrees`, its code path. The
 * image and flag table comes first, version-label-only objects are one line, the summary fits in the first 2,000
 * characters, the truncation note counts only whole diffs, and each hashring says how its ingestors restart.
 */
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { reviewTrees } from '../src/diff.js';
import { findKustomize as cliKustomize, kustomizeBuild } from '../src/kustomize.js';
import { renderEnvironments } from '../src/render.js';
import { markdownReport, type Plain, reviewEnvironment, textReport } from '../src/review.js';
import { cliIn, findKustomize, KUSTOMIZE_REQUIRED, tempDir, type Workspace, workspace } from './helpers.js';

const k = findKustomize();
const needsKustomize = !k && !KUSTOMIZE_REQUIRED;
const FROM = 'v0.42.4';
const TO = 'v0.41.0';
const SUMMARY_BUDGET = 2_000;
/** prod's Thanos workloads: 4 Deployments, 6 ingestors, 4 store gateways, the compactor and the ruler. */
const THANOS_WORKLOADS = 16;
const NO_PAINT = { red: String, green: String, yellow: String, bold: String };

/** The environment file with fields set (YAML paths). */
function edited(ws: Workspace, env: string, set: [path: (string | number)[], value: unknown][]): string {
  const doc = parseDocument(readFileSync(join(ws.environments, `${env}.yaml`), 'utf8'));
  for (const [path, value] of set) doc.setIn(path, value);
  return doc.toString();
}

/** Every environment's source, with `env` replaced by `text`. */
function sources(ws: Workspace, changes: Record<string, string>) {
  return readdirSync(ws.environments)
    .sort()
    .map((f) => {
      const env = f.replace(/\.yaml$/, '');
      return { path: `environments/${f}`, text: changes[env] ?? readFileSync(join(ws.environments, f), 'utf8') };
    });
}

/** The rendered tree of the changed environments only (the others are not under review). */
const treesOf = (ws: Workspace, changes: Record<string, string>) =>
  renderEnvironments(sources(ws, changes))
    .map((r) => r.tree)
    .filter((t) => t.env in changes);

/** Where the summary ends: the first collapsed block (the object lists, then the diffs). */
const summaryOf = (comment: string) => comment.slice(0, comment.indexOf('<details>'));

/** The cells of the markdown table row whose first cell mentions `component`. */
function row(comment: string, component: string): string[] {
  const line = comment.split('\n').find((l) => l.startsWith('| ') && l.split(' | ')[0]?.includes(`\`${component}\``));
  return (line ?? '').split(' | ').map((c) => c.replace(/^\| |\s*\|$/g, '').trim());
}

/** The files of a Kustomize base: its `resources`, one object each. */
function resources(dir: string): string[] {
  const kustomization = parseDocument(readFileSync(join(dir, 'kustomization.yaml'), 'utf8')).toJS();
  return (kustomization.resources as string[]).filter((f) => statSync(join(dir, f)).isFile());
}

describe.skipIf(needsKustomize)('the review of an upgrade', { timeout: 240_000 }, () => {
  let ws: Workspace;
  let upgradedProd: string;
  let comment: string;

  beforeAll(async () => {
    ws = workspace();
    const generated = await cliIn(ws, 'generate', '--env', 'prod', '--env', 'staging');
    expect(generated.code, generated.err).toBe(0);
    upgradedProd = edited(ws, 'prod', [[['thanos', 'version'], TO]]);
    const reviews = reviewTrees(ws.clusters, treesOf(ws, { prod: upgradedProd }), ['prod']);
    comment = markdownReport(reviews, { base: 'main' });
  });

  it('starts with the image and flag table: the removed flag and the image of every Thanos component', () => {
    const lines = comment.split('\n');
    expect(lines.slice(0, 4)).toEqual([
      '<!-- thanos-gitops-diff -->',
      '### thanos-gitops: what this change does (compared with `main`)',
      '',
      '**Images and flags** of the changed workloads:',
    ]);
    expect(comment.indexOf('| component |')).toBeLessThan(comment.indexOf('| folder |'));
    const frontend = row(comment, 'thanos-query-frontend');
    expect(frontend[1]).toBe('prod: 1 workload');
    expect(frontend[2]).toBe(`\`quay.io/thanos/thanos:${FROM} → ${TO}\``);
    expect(frontend[4]).toBe('`--query.max-retries-per-request=5`');
    const others = row(comment, 'thanos-receive-ingestor');
    for (const c of ['bucket-web', 'compact', 'query', 'receive-router', 'rule', 'store']) {
      expect(others[0]).toContain(`\`thanos-${c}\``);
    }
    expect(others[1]).toBe(`prod: ${THANOS_WORKLOADS - 1} workloads`);
    expect(others.slice(3)).toEqual(['', '', '']);
  });

  it('folds the objects whose only change is the version label into one line, and diffs only the rest', () => {
    // The truth from the files: every rendered object that differs at all between the two releases.
    const trees = treesOf(ws, { prod: upgradedProd });
    const prodTree = trees.find((t) => t.env === 'prod')?.files ?? new Map();
    const before = join(ws.clusters, 'prod');
    // The generated header names the environment file by its path from the output, which differs here.
    const body = (text: string | undefined) => text?.replace(/^# Generated by .*\n/, '');
    const differing = resources(before).filter(
      (f) => body(readFileSync(join(before, f), 'utf8')) !== body(prodTree.get(f)),
    );
    const [, folded] =
      /^(\d+) objects changed only their version label `app\.kubernetes\.io\/version` \(v0\.42\.4 → v0\.41\.0\): /m.exec(
        comment,
      ) ?? [];
    // A workload restarts (its pod template carries the label too); any other object differing only in lines of
    // the version label is relabeled only.
    const unlabeled = (text: string | undefined) => body(text)?.replace(/^\s*app\.kubernetes\.io\/version: .*\n/gm, '');
    const meaningful = differing.filter(
      (f) =>
        /^kind: (Deployment|StatefulSet|DaemonSet)$/m.test(prodTree.get(f) ?? '') ||
        unlabeled(readFileSync(join(before, f), 'utf8')) !== unlabeled(prodTree.get(f)),
    );
    const diffs = [...comment.matchAll(/<details><summary><code>~ prod: (\w+)\/thanos\/([\w-]+)<\/code>/g)];
    expect(diffs.length).toBe(meaningful.length);
    expect(diffs.length).toBeGreaterThanOrEqual(THANOS_WORKLOADS);
    expect(Number(folded)).toBe(differing.length - meaningful.length);
    expect(Number(folded)).toBeGreaterThan(50);
    expect(comment).toMatch(
      new RegExp(
        `^#### \`prod\`: 0 added, ${diffs.length} changed, 0 removed; ${folded} only relabeled \\(version\\)$`,
        'm',
      ),
    );
    expect(comment).not.toContain('[!NOTE]');
  });

  it('fits the summary of the upgrade in the first 2,000 characters of the comment', () => {
    const summary = summaryOf(comment);
    // prod's zoned hashrings, as generated: the rollout-operator takes one zone (one copy of a series) at a time.
    expect(summary).toMatch(
      /^- hashrings `default`, `tenants-a` \(6 StatefulSets\): restarts zone by zone in 3 steps \(rollout-operator\), each held \d+s after Ready; at most 1 of 3 copies of a series down \(write quorum 2\)$/m,
    );
    expect(summary).not.toContain('[!CAUTION]');
    expect(summary.length).toBeGreaterThan(500);
    expect(summary.length).toBeLessThanOrEqual(SUMMARY_BUDGET);
    for (const part of ['**Images and flags**', '| `prod` |', 'only their version label', '**Restarts** (']) {
      expect(summary).toContain(part);
    }
  });

  it('says through the command, in text, the table first and the folded line', async () => {
    const w = workspace();
    expect((await cliIn(w, 'generate', '--env', 'prod')).code).toBe(0);
    writeFileSync(join(w.environments, 'prod.yaml'), edited(w, 'prod', [[['thanos', 'version'], TO]]));
    const r = await cliIn(w, 'diff', '--env', 'prod', '--no-color');
    expect(r.code, r.err).toBe(1);
    const lines = r.out.split('\n');
    expect(lines[0]).toBe('Images and flags of the changed workloads:');
    expect(r.out).toMatch(/^ {6}removed {2}--query\.max-retries-per-request=5$/m);
    expect(r.out).toMatch(/^prod: 0 added, \d+ changed, 0 removed; \d+ only relabeled \(version\)$/m);
    expect(r.out).toMatch(/^ {2}\d+ objects changed only their version label app\.kubernetes\.io\/version /m);
    expect(r.out).not.toMatch(/^~ prod: ConfigMap\//m);
    const md = await cliIn(w, 'diff', '--env', 'prod', '--format', 'markdown');
    expect(summaryOf(md.out).length).toBeLessThanOrEqual(SUMMARY_BUDGET);
  });

  it('counts only the diffs shown whole when the comment is cut, and names the ones left out', () => {
    const reviews = reviewTrees(ws.clusters, treesOf(ws, { prod: upgradedProd }), ['prod']);
    const full = markdownReport(reviews, { base: 'main' });
    const blocks = full.split('<details><summary><code>').slice(1);
    // Room for the summary, five whole diffs and the beginning of the sixth (every diff here is over 1,000
    // characters; 800 are kept for the note).
    const limit = full.indexOf('### Diffs') + blocks.slice(0, 5).join('').length + 1_500;
    const cut = markdownReport(reviews, { base: 'main', limit });
    expect(cut.length).toBeLessThanOrEqual(limit);
    const shown = cut.split('<details><summary><code>').slice(1);
    const whole = shown.filter((b) => !b.includes('# … cut to fit the comment'));
    const [, n, total, left] =
      /: (\d+) of (\d+) object diffs shown whole; left out: (.*)\. The summary/.exec(cut) ?? [];
    expect(Number(total)).toBe(blocks.length);
    expect(Number(n)).toBe(whole.length);
    const firstLeft = /^~ prod: ([^<]+)<\/code>/.exec(blocks[whole.length] ?? '')?.[1];
    expect(left?.startsWith(`\`prod: ${firstLeft}\``)).toBe(true);
    expect(whole.length).toBe(5);
    expect(shown.length).toBe(6);
    expect(left).toMatch(/^`[^`]+` \(cut\), `/);
    const named = [...(left ?? '').matchAll(/`prod: ([^`]+)`/g)].length;
    const more = Number(/ and (\d+) more$/.exec(left ?? '')?.[1] ?? 0);
    expect(named + more).toBe(blocks.length - whole.length);
  });

  it('says a hashring without zones restarts one pod at a time, one step per ingestor', () => {
    const staging = edited(ws, 'staging', [[['thanos', 'version'], TO]]);
    const [r] = reviewTrees(ws.clusters, treesOf(ws, { staging }), ['staging']);
    const text = markdownReport(r ? [r] : [], { base: 'main' });
    expect(text).toMatch(
      /^- hashring `default` \(1 StatefulSet\): one pod at a time, 3 steps(, each held \d+s after Ready)?; at most 1 of 3 copies of a series down \(write quorum 2\)$/m,
    );
    expect(text).not.toContain('[!CAUTION]');
  });

  it('warns loudly when a patch lets a hashring without zones restart two ingestors at once', () => {
    const strategy = { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 2 } };
    const patch = JSON.stringify([{ op: 'add', path: '/spec/updateStrategy', value: strategy }]);
    const staging = edited(ws, 'staging', [
      [['thanos', 'version'], TO],
      [['patches'], [{ target: { kind: 'StatefulSet', name: 'thanos-receive-ingestor-default' }, patch }]],
    ]);
    const md = markdownReport(reviewTrees(ws.clusters, treesOf(ws, { staging }), ['staging']), { base: 'main' });
    expect(md).toMatch(
      /^> - hashring `default`: 2 pods of one StatefulSet restart together: 2 of 3 copies of a series down at once \(write quorum 2\)/m,
    );
  });

  it('warns loudly when a patch makes every zone of a hashring roll at once', () => {
    const patch = JSON.stringify([{ op: 'add', path: '/spec/updateStrategy', value: { type: 'RollingUpdate' } }]);
    const text = edited(ws, 'prod', [
      [['thanos', 'version'], TO],
      [['patches'], [{ target: { kind: 'StatefulSet', name: 'thanos-receive-ingestor-.*' }, patch }]],
    ]);
    const reviews = reviewTrees(ws.clusters, treesOf(ws, { prod: text }), ['prod']);
    const md = markdownReport(reviews, { base: 'main' });
    expect(md).toContain('> [!CAUTION]\n> **Below the write quorum** in `prod`:');
    expect(md).toMatch(
      /^> - hashrings `default`, `tenants-a`: 3 StatefulSets \(one per zone\) restart at the same time: 3 of 3 copies of a series down at once \(write quorum 2\)/m,
    );
    expect(md).toMatch(/^- hashrings `default`, `tenants-a` \(6 StatefulSets\): \*\*below the write quorum\*\*/m);
    expect(summaryOf(md).indexOf('[!CAUTION]')).toBeGreaterThan(0);
    const out = textReport(reviews, NO_PAINT);
    expect(out).toMatch(
      /^ {2}BELOW QUORUM hashring default: 3 StatefulSets \(one per zone\) restart at the same time/m,
    );
    const ingestors = out
      .split('\n')
      .filter((l) => /^ {2}RESTARTS {3}StatefulSet\/thanos\/thanos-receive-ingestor-/.test(l));
    expect(ingestors.length).toBe(6);
    for (const l of ingestors)
      expect(l).toMatch(/: hashring (default|tenants-a), below the write quorum \(see above\)$/);
  });
});

const OPERATOR = 'thanos-rollout-operator';

/**
 * prod's rendered objects with the rollout-operator's way on the ingestors, as ROLLOUT-DESIGN.md emits it
 * (`OnDelete`, the `rollout-group` label, the max-unavailable annotation, the operator's Deployment), or with it
 * off (`RollingUpdate`, no label, no operator), whichever way the generator renders them today.
 */
function withRolloutOperator(objects: readonly Plain[], on: boolean): Plain[] {
  const out = objects
    .filter((o) => !(o.kind === 'Deployment' && o.metadata?.name === OPERATOR))
    .map((o) => structuredClone(o));
  for (const o of out) {
    if (o.kind !== 'StatefulSet' || !String(o.metadata?.name).startsWith('thanos-receive-ingestor-')) continue;
    o.spec.updateStrategy = { type: on ? 'OnDelete' : 'RollingUpdate' };
    delete o.metadata.labels['rollout-group'];
    if (on) o.metadata.labels['rollout-group'] = String(o.spec.serviceName);
    o.metadata.annotations = { ...o.metadata.annotations, 'rollout-max-unavailable': '1' };
  }
  const operator = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: OPERATOR, namespace: 'thanos' } };
  return on ? [...out, { ...operator, spec: { replicas: 1 } }] : out;
}

describe.skipIf(needsKustomize)(
  'the review of ingestor restarts under the rollout-operator',
  { timeout: 240_000 },
  () => {
    let before: Plain[];
    let after: Plain[];

    beforeAll(async () => {
      const ws = workspace();
      expect((await cliIn(ws, 'generate', '--env', 'prod')).code).toBe(0);
      const kz = cliKustomize();
      if (kz === undefined) throw new Error('kustomize not found');
      before = kustomizeBuild(kz, join(ws.clusters, 'prod'));
      const upgraded = edited(ws, 'prod', [[['thanos', 'version'], TO]]);
      const [tree] = treesOf(ws, { prod: upgraded });
      const dir = tempDir();
      for (const [path, text] of tree?.files ?? []) {
        mkdirSync(join(dir, path, '..'), { recursive: true });
        writeFileSync(join(dir, path), text);
      }
      after = kustomizeBuild(kz, dir);
    });

    it('restarts each hashring zone by zone, one copy of a series at a time', () => {
      const r = reviewEnvironment('prod', withRolloutOperator(before, true), withRolloutOperator(after, true));
      const md = markdownReport([r], { base: 'main' });
      expect(md).toMatch(
        /^- hashrings `default`, `tenants-a` \(6 StatefulSets\): restarts zone by zone in 3 steps \(rollout-operator\)(, each held \d+s after Ready)?; at most 1 of 3 copies of a series down \(write quorum 2\)$/m,
      );
      expect(md).not.toContain('[!CAUTION]');
    });

    it('warns that the next restart goes below quorum when a change turns the plan off', () => {
      const r = reviewEnvironment('prod', withRolloutOperator(before, true), withRolloutOperator(before, false));
      const md = markdownReport([r], { base: 'main' });
      expect(r.restarts).toEqual([]);
      expect(md).toMatch(
        /^> - hashrings `default`, `tenants-a`: nothing restarts now, but the next restart takes 3 of 3 copies of a series down at once \(write quorum 2; `rolling-update`\)$/m,
      );
    });
  },
);
