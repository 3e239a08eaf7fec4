/** `diff`: what `generate` would change, as a per-object summary and unified diffs. */
import { join } from 'node:path';
import { compareTree, objectId, readTree, type TreeChanges } from '@thanos-gitops/core-model';
import { README, topologyChange } from '@thanos-gitops/operability';
import { createTwoFilesPatch } from 'diff';
import { parseAllDocuments } from 'yaml';
import type { CommandOptions } from './args.js';
import { GREEN, type Io, paint, RED, YELLOW } from './io.js';
import { targetTrees } from './targets.js';

export function diff(io: Io, options: CommandOptions): number {
  const { trees } = targetTrees(options);
  const green = paint(io, GREEN);
  const red = paint(io, RED);
  const yellow = paint(io, YELLOW);
  let any = false;
  const patches: string[] = [];
  for (const t of trees) {
    const before = readTree(join(options.clustersDir, t.env));
    const c = compareTree(options.clustersDir, t);
    const s = objectSummary(c, before, t.files);
    if (
      s.added.length + s.changed.length + s.removed.length === 0 &&
      c.added.length + c.changed.length + c.removed.length === 0
    ) {
      io.out(`${t.env}: no changes\n`);
      continue;
    }
    any = true;
    io.out(`${t.env}: ${s.added.length} added, ${s.changed.length} changed, ${s.removed.length} removed\n`);
    for (const id of s.added) io.out(green(`  + ${id}\n`));
    for (const id of s.changed) io.out(yellow(`  ~ ${id}\n`));
    for (const id of s.removed) io.out(red(`  - ${id}\n`));
    // The README's topology diagram, when it changed: a reviewer sees the new shape, not only its YAML.
    const topology = topologyChange(before.get(README), t.files.get(README));
    if (topology) io.out(`\n${topology}`);
    for (const f of [...c.added, ...c.changed, ...c.removed].sort()) {
      patches.push(unifiedDiff(`clusters/${t.env}/${f}`, before.get(f), t.files.get(f)));
    }
  }
  if (any) {
    io.out('\n');
    for (const p of patches) {
      for (const line of p.split('\n')) {
        io.out(
          `${line.startsWith('+') && !line.startsWith('+++') ? green(line) : line.startsWith('-') && !line.startsWith('---') ? red(line) : line}\n`,
        );
      }
    }
  }
  return 0;
}

function idsOf(text: string | undefined): string[] {
  if (text === undefined || !text.startsWith('#')) return []; // objects are YAML with the generated header
  return parseAllDocuments(text)
    .map((d) => d.toJS() as { kind?: string; metadata?: { name: string; namespace?: string } } | null)
    .filter((o): o is { kind: string; metadata: { name: string; namespace?: string } } =>
      Boolean(o?.kind && o.metadata?.name),
    )
    .map((o) => objectId(o));
}

export interface ObjectSummary {
  added: string[];
  changed: string[];
  removed: string[];
}

/** Objects added, changed and removed, by kind/namespace/name. */
export function objectSummary(
  changes: TreeChanges,
  before: Map<string, string>,
  after: ReadonlyMap<string, string>,
): ObjectSummary {
  const s: ObjectSummary = { added: [], changed: [], removed: [] };
  for (const f of changes.added) s.added.push(...idsOf(after.get(f)));
  for (const f of changes.removed) s.removed.push(...idsOf(before.get(f)));
  for (const f of changes.changed) {
    const old = new Set(idsOf(before.get(f)));
    for (const id of idsOf(after.get(f))) (old.has(id) ? s.changed : s.added).push(id);
    const now = new Set(idsOf(after.get(f)));
    for (const id of old) if (!now.has(id)) s.removed.push(id);
  }
  for (const k of ['added', 'changed', 'removed'] as const) s[k].sort();
  return s;
}

export function unifiedDiff(path: string, before: string | undefined, after: string | undefined): string {
  return createTwoFilesPatch(
    before === undefined ? '/dev/null' : `a/${path}`,
    after === undefined ? '/dev/null' : `b/${path}`,
    before ?? '',
    after ?? '',
    undefined,
    undefined,
    { context: 3 },
  ).replace(/^=+\n/m, '');
}
