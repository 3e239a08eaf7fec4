/** Finding and reading environment files. */
import { existsSync, lstatSync, readdirSync, readFileSync, readlinkSync, realpathSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import type { SourceFile } from '@thanos-gitops/core-model';

export class UsageError extends Error {}

/** The environments folder holds no environment file: `generate` would remove every environment. */
export class NoEnvironmentsError extends Error {}

/** Editor and system leftovers that look like environment files but are not (`.#x.yaml`, `x.yaml.swp`, `.x.yaml`). */
function isLeftover(name: string): boolean {
  return name.startsWith('.') || name.startsWith('#') || /~$|\.sw[a-p]$/.test(name);
}

/**
 * The environment files to render: all of `dir`, or the named ones. Only regular files are read: editor
 * leftovers and folders named `*.yaml` are skipped with a note, and a symlink is followed only when it stays
 * inside the repository (the folder that holds `dir`), so an error never prints some other file's content.
 */
export function environmentFiles(
  dir: string,
  only: readonly string[],
  note: (text: string) => void = () => {},
): SourceFile[] {
  if (!existsSync(dir)) throw new UsageError(`no environments folder at ${dir}`);
  const repository = realpathSync(dirname(resolve(dir)));
  const all = readdirSync(dir)
    .filter((f) => {
      if (!/\.ya?ml$/.test(f) && !/\.ya?ml\.sw[a-p]$/.test(f)) return false;
      const full = join(dir, f);
      if (isLeftover(f) || !/\.ya?ml$/.test(f)) {
        note(`skipped ${relative(process.cwd(), full) || full}: an editor leftover, not an environment file`);
        return false;
      }
      const link = lstatSync(full);
      if (link.isSymbolicLink()) {
        let target: string;
        try {
          target = realpathSync(full);
        } catch {
          throw new UsageError(`${full} is a symlink to nothing (${readlinkSync(full)}): remove it or fix its target`);
        }
        if (target !== repository && !target.startsWith(`${repository}${sep}`)) {
          throw new UsageError(
            `${full} is a symlink to ${target}, outside the repository (${repository}): environment files are read ` +
              'only from inside it',
          );
        }
      }
      if (!statSync(full).isFile()) {
        note(`skipped ${relative(process.cwd(), full) || full}: not a regular file`);
        return false;
      }
      return true;
    })
    .sort();
  if (all.length === 0 && only.length === 0) {
    throw new NoEnvironmentsError(
      `no environment files in ${dir}: generate would remove every environment from clusters/. Add an environment ` +
        'file (see README "Adding an environment"); to remove the last environment, delete its clusters/ folder by hand',
    );
  }
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
