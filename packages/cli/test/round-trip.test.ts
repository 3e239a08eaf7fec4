/**
 * The round trip of `import manifests`: every environment of `fixtures/round-trip/` (copies of the shipped
 * examples; any file added there is picked up) is rendered, its objects read back by `importManifests`, and the
 * imported environment rendered again: `clusters/<env>` must come out the same, but for the fields listed in
 * NOT_ROUND_TRIPPED, each with why.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { adoption, importManifests, oldObjectsOf } from '@thanos-gitops/importer';
import { toPlain } from '@thanos-gitops/manifests';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { renderEnvironments } from '../src/render.js';

const FIXTURES = join(import.meta.dirname, 'fixtures/round-trip');

/** Differences the manifests cannot carry back: a file or field pattern, and why. */
export const NOT_ROUND_TRIPPED: { pattern: RegExp; why: string }[] = [
  {
    pattern: /^README\.md$|^iam\/README\.md$|^RUNBOOK\.md$/,
    why: 'the READMEs and the runbook restate options no object carries: cluster.name (read back only from the ruler label or tracing attributes), the remote-write URL and tenancy, the number of IAM files',
  },
  {
    pattern: /^iam\//,
    why: 'IAM documents sit outside the Kustomize base: the OIDC provider (IRSA), the account (Pod Identity) and ACK roles appear in no object; the import puts placeholders and a needs-person entry',
  },
  {
    pattern: /^writers\/|^\.thanos-gitops-files$/,
    why: "writer files are for other clusters and never applied here: writers' clusters, external labels and targets are not in the objects",
  },
  {
    pattern:
      /^remote-write\/|^kustomization\.yaml: resource remote-write\/|^receive\/deployment-thanos-receive-router\.yaml\.0\.spec\.template\.spec\.(containers\.0\.(args|lifecycle|volumeMounts)|initContainers|terminationGracePeriodSeconds|volumes)|^ruler\/(config-map-thanos-rule-remote-write\.yaml\.0\.data|stateful-set-thanos-rule\.yaml\.0\.spec\.template\.(metadata\.annotations\.thanos-gitops\/remote-write-hash|spec\.(containers\.0\.volumeMounts|volumes)))|^network-policies\/network-policy-thanos-receive-router\.yaml\.0\.spec\.ingress\.[1-9]|^namespace\/namespace-thanos\.yaml\.0\.metadata\.labels\.elbv2\.k8s\.aws/,
    why: 'remoteWrite (mTLS and the check of its client CA bundle, the NLB or Gateway exposure, writers, the ruler writing through mTLS) is reported as needs-person, not read back',
  },
];

function fieldDiffs(a: unknown, b: unknown, path: string, out: string[]): void {
  if (JSON.stringify(a) === JSON.stringify(b)) return;
  if (typeof a === 'object' && a !== null && typeof b === 'object' && b !== null) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const k of keys) fieldDiffs((a as any)[k], (b as any)[k], `${path}.${k}`, out);
    return;
  }
  out.push(path);
}

function treeDiffs(before: Map<string, string>, after: Map<string, string>): string[] {
  const out: string[] = [];
  for (const path of new Set([...before.keys(), ...after.keys()])) {
    const a = before.get(path);
    const b = after.get(path);
    if (a === b) continue;
    if (a === undefined || b === undefined || !path.endsWith('.yaml')) {
      out.push(`${path}${a === undefined ? ' (added)' : b === undefined ? ' (missing)' : ''}`);
      continue;
    }
    if (path.endsWith('kustomization.yaml')) {
      out.push(...kustomizationDiffs(path, a, b));
      continue;
    }
    const docs = (t: string) => parseAllDocuments(t).map((d) => d.toJS());
    fieldDiffs(docs(a), docs(b), path, out);
  }
  return out.sort();
}

/** A Kustomization's resources as a set: one entry per file listed on one side only, the rest field by field. */
function kustomizationDiffs(path: string, a: string, b: string): string[] {
  const [before, after] = [a, b].map((t) => parse(t) as { resources?: string[] });
  const out: string[] = [];
  const was = new Set(before?.resources ?? []);
  const is = new Set(after?.resources ?? []);
  for (const r of was) if (!is.has(r)) out.push(`${path}: resource ${r} (missing)`);
  for (const r of is) if (!was.has(r)) out.push(`${path}: resource ${r} (added)`);
  fieldDiffs({ ...before, resources: [] }, { ...after, resources: [] }, path, out);
  return out;
}

/** What `kubectl kustomize clusters/<env>` reads: every file the Kustomization lists, as one YAML stream. */
function appliedText(tree: ReadonlyMap<string, string>): string {
  const resources = (parse(tree.get('kustomization.yaml') ?? '') as { resources?: string[] }).resources ?? [];
  return resources.map((r) => tree.get(r) ?? '').join('\n---\n');
}

const used = new Set<RegExp>();
const files = readdirSync(FIXTURES)
  .filter((f) => f.endsWith('.yaml'))
  .sort();

describe('render → import manifests → render', () => {
  it.each(files)('%s gives the same clusters/<env>', (file) => {
    const text = readFileSync(join(FIXTURES, file), 'utf8');
    const [first] = renderEnvironments([{ path: `environments/${file}`, text }]);
    if (!first) throw new Error('nothing rendered');
    const yaml = appliedText(first.tree.files);
    const imported = importManifests({ text: yaml, file: `clusters/${first.env}` }, { name: first.env });
    const [second] = renderEnvironments([{ path: `environments/${file}`, text: imported.environment }]);
    if (!second) throw new Error('nothing rendered');
    const diffs = treeDiffs(first.tree.files as Map<string, string>, second.tree.files as Map<string, string>);
    const unexplained = diffs.filter((d) => {
      const why = NOT_ROUND_TRIPPED.find((n) => n.pattern.test(d));
      if (why) used.add(why.pattern);
      return why === undefined;
    });
    // ROUND_TRIP_DUMP=<dir> writes both trees and the imported environment there, to read a failure.
    if (unexplained.length > 0 && process.env.ROUND_TRIP_DUMP) {
      for (const [tag, tree] of [
        ['a', first.tree],
        ['b', second.tree],
      ] as const) {
        for (const [p, t] of tree.files) {
          const f = join(process.env.ROUND_TRIP_DUMP, first.env, tag, p);
          mkdirSync(join(f, '..'), { recursive: true });
          writeFileSync(f, t);
        }
      }
      writeFileSync(join(process.env.ROUND_TRIP_DUMP, first.env, 'env.yaml'), imported.environment);
      console.log(file, unexplained.join('\n'));
    }
    expect(unexplained).toEqual([]);
    // Re-importing the project's own output recreates nothing (no StatefulSet, claim or selector changes).
    const plain = (r: typeof first) => r.manifests.map((m) => toPlain(m.object) as never);
    const adopted = adoption(oldObjectsOf(plain(first)), plain(second), 'manifests');
    expect(adopted.entries.filter((e) => e.status === 'recreated')).toEqual([]);
    // ... and nothing that holds data needs a person: names, claims, TSDB path and external labels all match.
    const dataHolding = imported.report.entries.filter(
      (e) =>
        e.kind === 'needs-person' &&
        /: --(tsdb\.path|label)$|: volumeClaimTemplates$|^StatefulSet\/[^:]*$/.test(e.source),
    );
    expect(dataHolding).toEqual([]);
  });

  it('explains only differences that happen', () => {
    // Runs after the fixtures: an entry no fixture needs any more is stale and goes.
    expect(NOT_ROUND_TRIPPED.filter((n) => !used.has(n.pattern)).map((n) => n.why)).toEqual([]);
  });
});
