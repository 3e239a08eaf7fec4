/**
 * Adoption in place, for both importers: the old deployment's objects against what the imported environment
 * renders (its patches applied), by kind and name. An old object is known either by its full body (`import
 * manifests`: rendered files or a live dump) or only by its name (`import bitnami`: the names the chart's templates
 * derive from the values), and is sorted:
 * - kept: a volume claim a new StatefulSet binds again (`<template>-<statefulSet>-<ordinal>`), an object with a body
 *   the new one leaves as it is, or a data object nothing renders that stays where it is (a user's Secret);
 * - changed: same kind and name, updated in place by the new delivery (body known);
 * - recreated: same kind and name, but a field the API server will not change in place differs (body known), or
 *   only the name is known (the chart's selectors and labels are not the project's: assume it is recreated);
 * - orphaned: nothing renders it and it stays: a volume claim no new StatefulSet binds, or any object when the old
 *   delivery does not delete what it applied (manifests): delete it once the new deployment is verified;
 * - removed: nothing renders it and the old delivery deletes it (`helm uninstall`);
 * - added: a new object no old one names.
 */
import { compare } from './adoption-compare.js';
import { at, type K8sObject, objectId } from './manifests/objects.js';
import type { ImportReport, ImportResult, OldObject, ReportEntry } from './report.js';

export type AdoptionStatus = 'kept' | 'changed' | 'recreated' | 'orphaned' | 'removed' | 'added';

export interface AdoptionEntry {
  kind: string;
  name: string;
  /** `Kind/namespace/name` (without the namespace when unknown). */
  id: string;
  status: AdoptionStatus;
  /** Recreated: the immutable fields that differ; changed: the top-level fields. Empty when only names are known. */
  fields: string[];
}

export interface Adoption {
  entries: AdoptionEntry[];
  counts: Record<AdoptionStatus, number>;
}

/** How the old objects go away: `helm` deletes what the release made; `manifests` leaves all to a person. */
export type OldDelivery = NonNullable<ImportResult['oldDelivery']>;

/** The old objects of rendered manifests, with their bodies; volume claims hold data. */
export function oldObjectsOf(objects: readonly K8sObject[]): OldObject[] {
  return objects.map((o) => ({
    kind: o.kind,
    name: o.metadata.name,
    ...(o.metadata.namespace ? { namespace: o.metadata.namespace } : {}),
    ...(o.kind === 'PersistentVolumeClaim' ? { data: true } : {}),
    object: o,
  }));
}

/** The claims a StatefulSet's pods bind: `<template>-<statefulSet>-<ordinal>`. */
export function claimNames(o: K8sObject): string[] {
  if (o.kind !== 'StatefulSet') return [];
  const templates = at(o, 'spec', 'volumeClaimTemplates');
  const replicas = Number(at(o, 'spec', 'replicas') ?? 1);
  if (!Array.isArray(templates)) return [];
  return templates.flatMap((t) =>
    [...Array(replicas).keys()].map((i) => `${String(at(t, 'metadata', 'name'))}-${o.metadata.name}-${i}`),
  );
}

const sameName = (o: OldObject, n: K8sObject) =>
  n.kind === o.kind &&
  n.metadata.name === o.name &&
  (o.namespace === undefined || n.metadata.namespace === undefined || n.metadata.namespace === o.namespace);

function sort(o: OldObject, match: K8sObject | undefined, bound: Set<string>, delivery: OldDelivery) {
  if (match) return o.object ? compare(o.object, match) : { status: 'recreated' as const, fields: [] };
  const claim = o.kind === 'PersistentVolumeClaim';
  if (claim && (o.data || bound.has(o.name))) return { status: bound.has(o.name) ? 'kept' : 'orphaned', fields: [] };
  if (o.data && !claim) return { status: 'kept' as const, fields: [] };
  return { status: delivery === 'helm' ? 'removed' : 'orphaned', fields: [] };
}

export function adoption(old: readonly OldObject[], rendered: readonly K8sObject[], delivery: OldDelivery): Adoption {
  const bound = new Set(rendered.flatMap(claimNames));
  const matched = new Set<K8sObject>();
  const entries: AdoptionEntry[] = old.map((o) => {
    const match = rendered.find((n) => sameName(o, n));
    if (match) matched.add(match);
    const { status, fields } = sort(o, match, bound, delivery);
    const id = `${o.kind}/${o.namespace ? `${o.namespace}/` : ''}${o.name}`;
    return { kind: o.kind, name: o.name, id, status: status as AdoptionStatus, fields };
  });
  for (const n of rendered) {
    if (matched.has(n)) continue;
    entries.push({ kind: n.kind, name: n.metadata.name, id: objectId(n), status: 'added', fields: [] });
  }
  const counts = { kept: 0, changed: 0, recreated: 0, orphaned: 0, removed: 0, added: 0 };
  for (const e of entries) counts[e.status] += 1;
  return { entries, counts };
}

const HEADINGS: Record<Exclude<AdoptionStatus, 'added'>, string> = {
  kept: 'Kept (left as they are, or volume claims a new StatefulSet binds again: the data they hold is reused)',
  changed: 'Changed (same kind and name: updated in place by the new delivery)',
  recreated:
    'Recreated (same kind and name, but a field that cannot change in place differs, or only the name is known: deleted with the old delivery, then applied anew)',
  orphaned: 'Orphaned (nothing renders them and nothing deletes them: delete them once the new deployment is verified)',
  removed: 'Removed with the old delivery (no object of that name in the environment)',
};

export function countsLine(c: Record<AdoptionStatus, number>): string {
  return `${c.kept} kept, ${c.changed} changed, ${c.recreated} recreated, ${c.orphaned} orphaned, ${c.removed} removed, ${c.added} added`;
}

function section(a: Adoption, status: Exclude<AdoptionStatus, 'added'>): string[] {
  const of = a.entries.filter((e) => e.status === status);
  const items = of.map((e) => `- ${e.kind} \`${e.name}\`${e.fields.length ? ` (${e.fields.join(', ')})` : ''}`);
  return [`### ${HEADINGS[status]}`, '', ...(items.length ? items : ['- none']), ''];
}

function byKind(entries: readonly AdoptionEntry[]): string[] {
  const kinds = new Map<string, string[]>();
  for (const o of entries) kinds.set(o.kind, [...(kinds.get(o.kind) ?? []), o.name]);
  if (kinds.size === 0) return ['- none'];
  return [...kinds].map(([kind, names]) => `- ${kind} (${names.length}): ${names.map((n) => `\`${n}\``).join(', ')}`);
}

/** The adoption as the Markdown section printed and written with the report, for either importer. */
export function formatAdoption(a: Adoption): string {
  const added = a.entries.filter((e) => e.status === 'added');
  return [
    '## Adoption in place',
    '',
    `Adoption: ${countsLine(a.counts)}.`,
    '',
    ...(['kept', 'changed', 'recreated', 'orphaned', 'removed'] as const).flatMap((s) => section(a, s)),
    `### Added (${added.length} objects the environment adds, by kind)`,
    '',
    ...byKind(added),
    '',
  ].join('\n');
}

/**
 * The report with the adoption in it: each recreated object whose immutable fields are known (a StatefulSet is
 * deleted with `--cascade=orphan` so its pods and volumes stay) and each orphan needs a person; the counts close
 * the report. Objects known only by name are recreated by removing the old release (the runbook says how).
 */
export function withAdoption(report: ImportReport, a: Adoption): ImportReport {
  const entries: ReportEntry[] = a.entries
    .filter((e) => (e.status === 'recreated' && e.fields.length > 0) || e.status === 'orphaned')
    .map((e) => ({
      kind: 'needs-person',
      source: e.id,
      detail:
        e.status === 'recreated'
          ? `recreated (${e.fields.join(', ')} cannot change in place): delete it with \`kubectl delete --cascade=orphan\` before the sync, then its old pods one at a time (a new pod takes the same name and claim)`
          : 'orphaned: the new configuration does not render it; delete it once the new objects run',
    }));
  entries.push({ kind: 'mapped', source: 'adoption diff', detail: countsLine(a.counts) });
  return { ...report, entries: [...report.entries, ...entries] };
}
