/** Finding and reading environment files. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { SourceFile } from '@thanos-gitops/core-model';

export class UsageError extends Error {}

/** The environment files to render: all of `dir`, or the named ones. */
export function environmentFiles(dir: string, only: readonly string[]): SourceFile[] {
  if (!existsSync(dir)) throw new UsageError(`no environments folder at ${dir}`);
  const all = readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort();
  // Both `x.yaml` and `x.yml` are read when present, so the loader reports the clash instead of one hiding the other.
  const byName = new Map<string, string[]>();
  for (const f of all) {
    const name = f.replace(/\.ya?ml$/, '');
    byName.set(name, [...(byName.get(name) ?? []), f]);
  }
  const chosen = only.length > 0 ? only : [...byName.keys()];
  return chosen.flatMap((name) => {
    const found = byName.get(name);
    if (!found) {
      throw new UsageError(
        `no environment "${name}": expected ${join(dir, `${name}.yaml`)} (have: ${[...byName.keys()].join(', ') || 'none'})`,
      );
    }
    return found.map((file) => {
      const full = join(dir, file);
      return { path: relative(process.cwd(), full) || full, text: readFileSync(full, 'utf8') };
    });
  });
}
