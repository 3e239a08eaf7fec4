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
  const byName = new Map(all.map((f) => [f.replace(/\.ya?ml$/, ''), f]));
  const chosen = only.length > 0 ? only : [...byName.keys()];
  return chosen.map((name) => {
    const file = byName.get(name);
    if (!file) {
      throw new UsageError(
        `no environment "${name}": expected ${join(dir, `${name}.yaml`)} (have: ${[...byName.keys()].join(', ') || 'none'})`,
      );
    }
    const full = join(dir, file);
    return { path: relative(process.cwd(), full) || full, text: readFileSync(full, 'utf8') };
  });
}
