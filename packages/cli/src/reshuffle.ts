/**
 * Hashrings whose algorithm a change switches (`receive.hashrings[].algorithm`, `receive.hashringAlgorithm`): read
 * from the rendered objects before and after, the hashrings file of the routers' ConfigMap and their
 * `--receive.hashrings-algorithm`. Hashmod and ketama place a series on different ingestors, so the switch moves
 * most of the hashring's series at once: the diff calls it out, however few lines of YAML changed.
 */
import type { Plain } from './review-types.js';

const HASHRINGS_FILE = 'hashrings.json';
const ALGORITHM_FLAG = '--receive.hashrings-algorithm=';
/** Thanos' default of `--receive.hashrings-algorithm`. */
const THANOS_DEFAULT = 'hashmod';

/** Each hashring's algorithm as the routers of these objects apply it, by hashring name. */
export function hashringAlgorithms(objects: readonly Plain[]): Map<string, string> {
  const out = new Map<string, string>();
  const file = objects.find((o) => o.kind === 'ConfigMap' && typeof o.data?.[HASHRINGS_FILE] === 'string');
  if (file === undefined) return out;
  const args: string[] = objects
    .filter((o) => o.kind === 'Deployment')
    .flatMap((o) => o.spec?.template?.spec?.containers?.[0]?.args ?? []);
  const global = args.find((a) => a.startsWith(ALGORITHM_FLAG))?.slice(ALGORITHM_FLAG.length) ?? THANOS_DEFAULT;
  let rings: { hashring?: string; algorithm?: string }[];
  try {
    rings = JSON.parse(file.data[HASHRINGS_FILE]);
  } catch {
    return out;
  }
  if (!Array.isArray(rings)) return out;
  for (const h of rings) out.set(String(h.hashring ?? ''), h.algorithm ?? global);
  return out;
}

/** One line per hashring kept by the change whose algorithm it switches. */
export function reshuffles(before: readonly Plain[], after: readonly Plain[]): { id: string; why: string }[] {
  const was = hashringAlgorithms(before);
  const out: { id: string; why: string }[] = [];
  for (const [name, algorithm] of hashringAlgorithms(after)) {
    const old = was.get(name);
    if (old === undefined || old === algorithm) continue;
    out.push({
      id: name,
      why:
        `${old} → ${algorithm}: most of its series move to other ingestors at once; their heads (memory) grow ` +
        'until the next block cut, and queries of the moved series read both until then',
    });
  }
  return out;
}
