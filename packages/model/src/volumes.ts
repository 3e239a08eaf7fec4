/**
 * Persistent volumes: which option sizes the `data` volume of which StatefulSet, and the rule that a volume never
 * shrinks. Kubernetes can grow a PersistentVolumeClaim (where its StorageClass allows expansion) but never shrink
 * one, and a StatefulSet's volume claim templates cannot change at all: growing takes a procedure (each
 * environment's README has it, with its exact names), shrinking is refused.
 */

import type { ProblemSink } from '@thanos-gitops/problems';
import type { Environment } from '@thanos-gitops/schema';
import { recordVolumes, type StorageOption } from './components.js';
import { parseQuantity } from './quantity.js';

/** The anchor of the README section that grows the volumes (`clusters/<env>/README.md#growing-volumes`). */
export const RESIZE_ANCHOR = 'growing-volumes';

/**
 * The volumes an environment had before this render: for each StatefulSet (by name) the requested size of each
 * volume claim template (by template name). Empty for a new environment.
 */
/**
 * The volume sizes of each StatefulSet committed for `env`. `rendered` (the environment's new files, by path in its
 * folder) lets it skip files that are exactly what is rendered now: their sizes are the new ones, nothing shrinks.
 */
export type PreviousVolumes = (
  env: string,
  rendered?: ReadonlyMap<string, string>,
) => ReadonlyMap<string, ReadonlyMap<string, string>>;

export type { StorageOption };

/**
 * Every option that sizes persistent volumes, with the StatefulSets it sizes (none for what does not run): the
 * component records' `volumes`, in record order.
 */
export function storageOptions(env: Environment): StorageOption[] {
  return recordVolumes(env).filter((o) => o.statefulSets.length > 0);
}

/** The requested size of each volume claim template of a StatefulSet (plain object), by template name. */
export function claimSizes(statefulSet: unknown): Map<string, string> {
  const templates = (statefulSet as { spec?: { volumeClaimTemplates?: unknown } })?.spec?.volumeClaimTemplates;
  const out = new Map<string, string>();
  if (!Array.isArray(templates)) return out;
  for (const t of templates as { metadata?: { name?: unknown }; spec?: { resources?: { requests?: unknown } } }[]) {
    const storage = (t?.spec?.resources?.requests as { storage?: unknown } | undefined)?.storage;
    if (typeof t?.metadata?.name === 'string' && typeof storage === 'string') out.set(t.metadata.name, storage);
  }
  return out;
}

/**
 * Reports, at its `storage` option, every volume that would be smaller than the one the committed StatefulSet
 * (`previous`: its name to its claim sizes) asked for. `rendered` are the StatefulSets about to be written.
 */
export function volumeShrinks(
  env: Environment,
  rendered: readonly { name: string; sizes: ReadonlyMap<string, string> }[],
  previous: ReadonlyMap<string, ReadonlyMap<string, string>>,
  sink: ProblemSink,
): void {
  const options = storageOptions(env);
  const reported = new Set<string>();
  for (const set of rendered) {
    const was = previous.get(set.name);
    if (was === undefined) continue;
    for (const [claim, size] of set.sizes) {
      const before = was.get(claim);
      const [b, a] = [parseQuantity(before ?? ''), parseQuantity(size)];
      if (before === undefined || b === undefined || a === undefined || a >= b) continue;
      const option = options.find((o) => o.statefulSets.includes(set.name));
      if (option === undefined) throw new Error(`no storage option sizes StatefulSet ${set.name} (a bug)`);
      const key = JSON.stringify(option.path);
      if (reported.has(key)) continue;
      reported.add(key);
      sink.report(
        option.path,
        `cannot shrink the volumes of the ${option.what} from ${before} to ${size} (StatefulSet ${set.name}, ` +
          `as committed in clusters/${env.name}/): Kubernetes can grow a PersistentVolumeClaim but never shrink ` +
          'one, so the data would have to be moved to new volumes. Keep it at least ' +
          `${before}; to grow it instead, see clusters/${env.name}/README.md#${RESIZE_ANCHOR}`,
      );
    }
  }
}
