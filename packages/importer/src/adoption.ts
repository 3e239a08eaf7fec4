/**
 * Adoption in place, object by object: the old deployment's objects against the rendered environment's, by kind
 * and name. A volume claim both sides name is kept (the new StatefulSet binds it again); any other object both
 * sides name is recreated (the old one goes with the old delivery, the new one is applied: selectors and labels
 * differ, and a StatefulSet's or Deployment's selector cannot change in place); an old volume claim no new
 * StatefulSet names is orphaned (delete it once the new deployment is verified); an old object of another kind the
 * new side does not name is removed with the old delivery (a claim the old delivery made itself, not from a claim
 * template, too).
 */
import type { OldObject } from './report.js';

/** An object of the rendered environment: kind and name, and for a StatefulSet its claims and replicas. */
export interface NewObject {
  kind: string;
  name: string;
  /** StatefulSet only: `volumeClaimTemplates[].metadata.name`. */
  claimTemplates?: string[];
  replicas?: number;
}

export interface AdoptionSummary {
  kept: OldObject[];
  recreated: OldObject[];
  orphaned: OldObject[];
  removed: OldObject[];
  added: NewObject[];
}

const key = (o: { kind: string; name: string }) => `${o.kind}/${o.name}`;

/** The claims a StatefulSet's pods bind: `<template>-<statefulSet>-<ordinal>`. */
export function claimNames(o: NewObject): string[] {
  if (o.kind !== 'StatefulSet') return [];
  return (o.claimTemplates ?? []).flatMap((t) => [...Array(o.replicas ?? 1).keys()].map((i) => `${t}-${o.name}-${i}`));
}

export function adoptionSummary(old: readonly OldObject[], rendered: readonly NewObject[]): AdoptionSummary {
  const claims = new Set(rendered.flatMap(claimNames).map((name) => `PersistentVolumeClaim/${name}`));
  const names = new Set([...rendered.map(key), ...claims]);
  const oldNames = new Set(old.map(key));
  const s: AdoptionSummary = { kept: [], recreated: [], orphaned: [], removed: [], added: [] };
  for (const o of old) {
    const both = names.has(key(o));
    if (o.kind === 'PersistentVolumeClaim' && o.data) (both ? s.kept : s.orphaned).push(o);
    else if (both) s.recreated.push(o);
    else if (o.data) s.kept.push(o);
    else s.removed.push(o);
  }
  s.added = rendered.filter((o) => !oldNames.has(key(o)));
  return s;
}

const list = (objects: readonly { kind: string; name: string }[]) =>
  objects.length === 0 ? ['- none'] : objects.map((o) => `- ${o.kind} \`${o.name}\``);

function byKind(objects: readonly { kind: string; name: string }[]): string[] {
  const kinds = new Map<string, string[]>();
  for (const o of objects) kinds.set(o.kind, [...(kinds.get(o.kind) ?? []), o.name]);
  if (kinds.size === 0) return ['- none'];
  return [...kinds].map(([kind, names]) => `- ${kind} (${names.length}): ${names.map((n) => `\`${n}\``).join(', ')}`);
}

/** The summary as the Markdown section written with the report. */
export function formatAdoption(s: AdoptionSummary): string {
  return [
    '## Adoption in place',
    '',
    `${s.kept.length} kept, ${s.recreated.length} recreated, ${s.removed.length} removed, ${s.orphaned.length} orphaned, ` +
      `${s.added.length} new.`,
    '',
    '### Kept (the data they hold is reused)',
    '',
    ...list(s.kept),
    '',
    '### Recreated (same kind and name: deleted with the old delivery, then applied anew)',
    '',
    ...list(s.recreated),
    '',
    '### Orphaned (volume claims no new StatefulSet binds: delete them once the new deployment is verified)',
    '',
    ...list(s.orphaned),
    '',
    '### Removed with the old delivery (no object of that name in the environment)',
    '',
    ...list(s.removed),
    '',
    `### New (${s.added.length} objects the environment adds, by kind)`,
    '',
    ...byKind(s.added),
    '',
  ].join('\n');
}
