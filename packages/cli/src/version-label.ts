/**
 * Objects whose only change is the `app.kubernetes.io/version` label: every object the generator labels carries the
 * Thanos release, so an upgrade "changes" nearly every object. The review folds those into one line instead of
 * showing them as diffs. A workload whose pod template changed is never folded: its pods restart.
 */
import { isDeepStrictEqual } from 'node:util';
import type { ObjectChange, Plain } from './review-types.js';

export const VERSION_LABEL = 'app.kubernetes.io/version';

/** A copy of `value` without the version label in any `labels` map (metadata, pod template, secret template …). */
function withoutVersionLabels(value: unknown, key = ''): unknown {
  if (Array.isArray(value)) return value.map((v) => withoutVersionLabels(v));
  if (value === null || typeof value !== 'object') return value;
  const out: Plain = {};
  for (const [k, v] of Object.entries(value)) {
    if (key === 'labels' && k === VERSION_LABEL) continue;
    out[k] = withoutVersionLabels(v, k);
  }
  return out;
}

/** Whether a changed object differs from its old self only by version labels (its pod template unchanged). */
export function onlyVersionLabel(c: ObjectChange): boolean {
  if (c.change !== 'changed') return false;
  if (!isDeepStrictEqual(c.before?.spec?.template, c.after?.spec?.template)) return false;
  return isDeepStrictEqual(withoutVersionLabels(c.before), withoutVersionLabels(c.after));
}

/** The version label's values before and after, e.g. `v0.42.4 → v0.41.0`, from the first object that has both. */
function versions(changes: readonly ObjectChange[]): string {
  for (const c of changes) {
    const [b, a] = [c.before?.metadata?.labels?.[VERSION_LABEL], c.after?.metadata?.labels?.[VERSION_LABEL]];
    if (b !== undefined && a !== undefined && b !== a) return ` (${b} → ${a})`;
  }
  return '';
}

/** `N objects changed only their version label (v0.42.4 → v0.41.0): 20 ConfigMap, 15 NetworkPolicy, …`. */
export function versionLabelLine(changes: readonly ObjectChange[], code: (s: string) => string = (s) => s): string {
  const byKind = new Map<string, number>();
  for (const c of changes) byKind.set(c.kind, (byKind.get(c.kind) ?? 0) + 1);
  const kinds = [...byKind]
    .sort(([a, n], [b, m]) => m - n || (a < b ? -1 : 1))
    .map(([kind, n]) => `${n} ${kind}`)
    .join(', ');
  const n = changes.length;
  return `${n} ${n === 1 ? 'object' : 'objects'} changed only their version label ${code(VERSION_LABEL)}${versions(changes)}: ${kinds}`;
}
