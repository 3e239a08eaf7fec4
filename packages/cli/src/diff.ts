/** `diff`: what `generate` would change, as a per-object summary and unified diffs. */
import { objectId, type TreeChanges } from '@thanos-gitops/core-model';
import { createTwoFilesPatch } from 'diff';
import { parseAllDocuments } from 'yaml';

function idsOf(text: string | undefined): string[] {
  if (text === undefined) return [];
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
