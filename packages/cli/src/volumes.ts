/**
 * The volume sizes committed in `clusters/<env>/`: what the StatefulSets now deployed asked for, so that a
 * smaller `storage` is refused (Kubernetes never shrinks a PersistentVolumeClaim). A missing folder is a new
 * environment, with nothing to compare.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { claimSizes, type PreviousVolumes } from '@thanos-gitops/model';
import { isGenerated } from '@thanos-gitops/output';
import { parse } from 'yaml';

/** The files the overlays write StatefulSets to (`<component>/stateful-set-<name>.yaml`). */
const STATEFUL_SET_FILE = /^stateful-set-.*\.ya?ml$/;

function statefulSetFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) out.push(...statefulSetFiles(join(dir, entry.name)));
    else if (entry.isFile() && STATEFUL_SET_FILE.test(entry.name)) out.push(join(dir, entry.name));
  }
  return out;
}

/**
 * Each generated StatefulSet of `clusters/<env>/` with the sizes of its volume claim templates. `listing`, when it
 * knows a folder's files (git's index, for a folder where nothing is untracked, ignored or deleted: `committed.ts`),
 * saves walking it.
 */
export function committedVolumes(
  clustersDir: string,
  listing?: (env: string) => readonly string[] | undefined,
): PreviousVolumes {
  return (env, rendered) => {
    const dir = join(clustersDir, env);
    const out = new Map<string, ReadonlyMap<string, string>>();
    const listed = listing?.(env)
      ?.filter((p) => STATEFUL_SET_FILE.test(p.slice(p.lastIndexOf('/') + 1)))
      .map((p) => join(dir, p));
    if (!listed && !existsSync(dir)) return out;
    for (const file of listed ?? statefulSetFiles(dir)) {
      const text = readFileSync(file, 'utf8');
      if (!isGenerated(text)) continue;
      // The same bytes as the new render: the same sizes, so nothing to compare (and no YAML to parse).
      if (rendered?.get(relative(dir, file).split(sep).join('/')) === text) continue;
      let o: { kind?: unknown; metadata?: { name?: unknown } } | null;
      try {
        o = parse(text);
      } catch {
        continue; // not what generate wrote: it is rewritten, and nothing can be compared
      }
      if (o?.kind !== 'StatefulSet' || typeof o.metadata?.name !== 'string') continue;
      const sizes = claimSizes(o);
      if (sizes.size > 0) out.set(o.metadata.name, sizes);
    }
    return out;
  };
}
