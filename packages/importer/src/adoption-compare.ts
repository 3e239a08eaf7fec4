/**
 * One old object with its full body against the new object of the same kind and name, as `kubectl apply` sees
 * it: kept (nothing the new object sets differs), changed (updated in place), or recreated (a field the API
 * server will not change in place differs). `adoption.ts` uses it when the old object's body is known.
 */
import { at, isPlain, type K8sObject } from './manifests/objects.js';

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

/** Old against new object of the same kind and name: kept, changed, or recreated (with the fields). */
export function compare(
  before: K8sObject,
  after: K8sObject,
): { status: 'kept' | 'changed' | 'recreated'; fields: string[] } {
  const immutable = (IMMUTABLE[before.kind] ?? []).filter((path) => {
    const was = at(before, ...path);
    // A Service's clusterIP the old dump carries (allocated) and the new one leaves out is kept, not changed.
    if (path[1] === 'clusterIP' && at(after, ...path) === undefined) return false;
    return !equal(normalized(path, was), normalized(path, at(after, ...path)));
  });
  if (immutable.length > 0) return { status: 'recreated', fields: immutable.map((p) => p.join('.')) };
  // As `kubectl apply` sees it: what the new object sets must hold already; what only the old one has (defaults
  // and allocations the API server wrote in a live dump) is left alone.
  const fields = ['metadata', 'spec', 'data', 'stringData', 'rules', 'roleRef', 'subjects', 'type'].filter(
    (f) => after[f] !== undefined && !covers(comparable(f, before[f]), comparable(f, after[f])),
  );
  return { status: fields.length > 0 ? 'changed' : 'kept', fields };
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
