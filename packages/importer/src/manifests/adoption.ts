/**
 * The adoption diff: the objects that ran before against what the imported environment renders. Each old object
 * is kept (same kind, namespace and name, nothing else differs), changed, recreated (a field the API server will
 * not change in place differs: the object must be deleted and created again) or orphaned (nothing renders it:
 * the new delivery will not delete it). New objects are counted as added.
 */
import type { ImportReport, ReportEntry } from '../report.js';
import { at, isPlain, type K8sObject, objectId } from './objects.js';

export type AdoptionStatus = 'kept' | 'changed' | 'recreated' | 'orphaned' | 'added';

export interface AdoptionEntry {
  id: string;
  status: AdoptionStatus;
  /** For `recreated`: the immutable fields that differ. For `changed`: the top-level fields that differ. */
  fields: string[];
}

export interface AdoptionDiff {
  entries: AdoptionEntry[];
  counts: Record<AdoptionStatus, number>;
}

/** Fields the API server refuses to change in place, per kind. */
const IMMUTABLE: Record<string, string[][]> = {
  StatefulSet: [
    ['spec', 'selector'],
    ['spec', 'volumeClaimTemplates'],
    ['spec', 'serviceName'],
    ['spec', 'podManagementPolicy'],
  ],
  Deployment: [['spec', 'selector']],
  DaemonSet: [['spec', 'selector']],
  Job: [
    ['spec', 'selector'],
    ['spec', 'template'],
  ],
  Service: [
    ['spec', 'clusterIP'],
    ['spec', 'type'],
  ],
  PersistentVolumeClaim: [
    ['spec', 'storageClassName'],
    ['spec', 'accessModes'],
  ],
};

const key = (o: K8sObject) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;

export function adoptionDiff(oldObjects: readonly K8sObject[], newObjects: readonly K8sObject[]): AdoptionDiff {
  const fresh = new Map(newObjects.map((o) => [key(o), o]));
  // `helm template` leaves the namespace out of namespaced objects: such an object matches by kind and name.
  const unplaced = (o: K8sObject) => newObjects.find((n) => n.kind === o.kind && n.metadata.name === o.metadata.name);
  const matched = new Set<K8sObject>();
  const entries: AdoptionEntry[] = oldObjects.map((o) => {
    const match = fresh.get(key(o)) ?? (o.metadata.namespace === undefined ? unplaced(o) : undefined);
    if (match) matched.add(match);
    return compare(o, match);
  });
  for (const o of newObjects) if (!matched.has(o)) entries.push({ id: objectId(o), status: 'added', fields: [] });
  const counts = { kept: 0, changed: 0, recreated: 0, orphaned: 0, added: 0 };
  for (const e of entries) counts[e.status] += 1;
  return { entries, counts };
}

function compare(before: K8sObject, after: K8sObject | undefined): AdoptionEntry {
  const id = objectId(before);
  if (!after) return { id, status: 'orphaned', fields: [] };
  const immutable = (IMMUTABLE[before.kind] ?? []).filter((path) => {
    const was = at(before, ...path);
    // A Service's clusterIP the old dump carries (allocated) and the new one leaves out is kept, not changed.
    if (path[1] === 'clusterIP' && at(after, ...path) === undefined) return false;
    return !equal(normalized(path, was), normalized(path, at(after, ...path)));
  });
  if (immutable.length > 0) return { id, status: 'recreated', fields: immutable.map((p) => p.join('.')) };
  // As `kubectl apply` sees it: what the new object sets must hold already; what only the old one has (defaults
  // and allocations the API server wrote in a live dump) is left alone.
  const fields = ['metadata', 'spec', 'data', 'stringData', 'rules', 'roleRef', 'subjects', 'type'].filter(
    (f) => after[f] !== undefined && !covers(comparable(f, before[f]), comparable(f, after[f])),
  );
  return { id, status: fields.length > 0 ? 'changed' : 'kept', fields };
}

/** Defaults the API server fills in a claim template, so a dump and a file compare alike. */
function normalized(path: string[], value: unknown): unknown {
  if (path[1] === 'type' && value === undefined) return 'ClusterIP';
  if (path[1] === 'podManagementPolicy' && value === undefined) return 'OrderedReady';
  if (path[1] !== 'volumeClaimTemplates' || !Array.isArray(value)) return value;
  return value.map((t) => ({
    name: at(t, 'metadata', 'name'),
    spec: at(t, 'spec', 'resources'),
    cls: at(t, 'spec', 'storageClassName') ?? null,
    modes: at(t, 'spec', 'accessModes'),
  }));
}

function comparable(field: string, value: unknown): unknown {
  if (field !== 'metadata' || !isPlain(value)) return value;
  return { labels: value.labels ?? {}, annotations: value.annotations ?? {} };
}

/** Whether `have` already holds every field `want` sets (lists: the same length, item by item). */
function covers(have: unknown, want: unknown): boolean {
  if (Array.isArray(want))
    return Array.isArray(have) && have.length === want.length && want.every((w, i) => covers(have[i], w));
  if (isPlain(want)) return isPlain(have) && Object.keys(want).every((k) => covers(have[k], want[k]));
  return String(have) === String(want) && typeof have !== 'object';
}

function equal(a: unknown, b: unknown): boolean {
  return JSON.stringify(sorted(a)) === JSON.stringify(sorted(b));
}

function sorted(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sorted);
  if (!isPlain(value)) return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((k) => [k, sorted(value[k])]),
  );
}

/** The diff as Markdown: counts first, then each object that is not kept. */
export function formatAdoption(diff: AdoptionDiff): string {
  const c = diff.counts;
  const lines = [
    `Adoption: ${c.kept} kept, ${c.changed} changed, ${c.recreated} recreated, ${c.orphaned} orphaned, ${c.added} added.`,
    '',
  ];
  for (const e of diff.entries.filter((x) => x.status === 'recreated' || x.status === 'orphaned')) {
    lines.push(`- ${e.status} \`${e.id}\`${e.fields.length ? ` (${e.fields.join(', ')})` : ''}`);
  }
  return `${lines.join('\n').trimEnd()}\n`;
}

/**
 * The report with the adoption diff in it: each recreated or orphaned object needs a person (a recreated
 * StatefulSet is deleted with `--cascade=orphan` so its pods and volumes stay; an orphan is deleted by hand once
 * the new objects run), and the counts close the report.
 */
export function withAdoption(report: ImportReport, diff: AdoptionDiff): ImportReport {
  const c = diff.counts;
  const entries: ReportEntry[] = diff.entries
    .filter((e) => e.status === 'recreated' || e.status === 'orphaned')
    .map((e) => ({
      kind: 'needs-person',
      source: e.id,
      detail:
        e.status === 'recreated'
          ? `recreated (${e.fields.join(', ')} cannot change in place): delete it with \`kubectl delete --cascade=orphan\` before the sync, then its old pods one at a time (a new pod takes the same name and claim)`
          : 'orphaned: the new configuration does not render it; delete it once the new objects run',
    }));
  entries.push({
    kind: 'mapped',
    source: 'adoption diff',
    detail: `${c.kept} kept, ${c.changed} changed, ${c.recreated} recreated, ${c.orphaned} orphaned, ${c.added} added`,
  });
  return { ...report, entries: [...report.entries, ...entries] };
}
