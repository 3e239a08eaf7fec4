/** Finding and reading environment files. */
import { existsSync, lstatSync, readdirSync, readFileSync, readlinkSync, realpathSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import type { SourceFile } from '@thanos-gitops/input';
import { environmentName, YAML_FILE } from '@thanos-gitops/output';

/** A mistake on the command line found by a command (a bad --format, --env naming no file): exit 2. */
export class UsageError extends Error {}

/** The environments folder holds no environment file: `generate` would remove every environment. Exit 1. */
export class NoEnvironmentsError extends Error {}

/** An environment file that is not read (a symlink to outside the repository, or to nothing). Exit 1. */
export class EnvironmentFileRefusedError extends Error {}

/** An ordinary file-system problem found before anything is written, in one line naming the path. Exit 4. */
export class FileSystemProblem extends Error {}

/**
 * Editor and system leftovers that look like environment files but are not: Emacs locks and autosaves
 * (`.#x.yaml`, `#x.yaml#`), backups (`x.yaml~`), vim swap files (`.x.yaml.swp`), hidden files (`.x.yaml`).
 */
function isLeftover(name: string): boolean {
  return name.startsWith('.') || name.startsWith('#') || /~$|#$|\.sw[a-p]$/.test(name);
}

/** Names worth a note when skipped: they look like an environment file, or a leftover of one. */
const looksLikeEnvironment = (name: string) => /\.ya?ml(\.sw[a-p]|~|#)?$/.test(name);

/** Refuses an environments folder that is missing or is a file, in one line naming it. */
function environmentsFolder(dir: string): void {
  if (!existsSync(dir)) {
    throw new FileSystemProblem(
      `${dir}: no such folder (ENOENT): the environment files go there; run in the repository's root or pass ` +
        '--environments DIR',
    );
  }
  if (!statSync(dir).isDirectory()) {
    throw new FileSystemProblem(`${dir}: is a file where the environments folder must be (ENOTDIR)`);
  }
}

/** Refuses a symlink to nothing, or to outside the repository, without reading what it points to. */
function refuseForeignSymlink(full: string, repository: string): void {
  let target: string;
  try {
    target = realpathSync(full);
  } catch {
    throw new EnvironmentFileRefusedError(
      `${full} is a symlink to nothing (${readlinkSync(full)}): remove it or fix its target`,
    );
  }
  if (target !== repository && !target.startsWith(`${repository}${sep}`)) {
    throw new EnvironmentFileRefusedError(
      `${full} is a symlink to ${target}, outside the repository (${repository}): environment files are read ` +
        'only from inside it',
    );
  }
}

/** Whether `f` in `dir` is an environment file to read; a leftover or a non-file that looks like one gets a note. */
function isEnvironmentFile(dir: string, f: string, repository: string, note: (text: string) => void): boolean {
  if (!looksLikeEnvironment(f)) return false;
  const full = join(dir, f);
  if (isLeftover(f) || !YAML_FILE.test(f)) {
    note(`skipped ${relative(process.cwd(), full) || full}: an editor leftover, not an environment file`);
    return false;
  }
  if (lstatSync(full).isSymbolicLink()) refuseForeignSymlink(full, repository);
  if (!statSync(full).isFile()) {
    note(`skipped ${relative(process.cwd(), full) || full}: not a regular file`);
    return false;
  }
  return true;
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
  environmentsFolder(dir);
  const repository = realpathSync(dirname(resolve(dir)));
  const all = readdirSync(dir)
    .filter((f) => isEnvironmentFile(dir, f, repository, note))
    .sort();
  if (all.length === 0 && only.length === 0) {
    throw new NoEnvironmentsError(
      `no environment files in ${dir}: generate would remove every environment from clusters/. Add an environment ` +
        'file (see docs/add-an-environment.md); to remove the last environment, delete its clusters/ folder by hand',
    );
  }
  // Both `x.yaml` and `x.yml` are read when present, so the loader reports the clash instead of one hiding the other.
  const byName = new Map<string, string[]>();
  for (const f of all) {
    const name = environmentName(f);
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

/**
 * The files a run loads and the ones it is about: with `--env`, every file of the folder is still loaded (the
 * checks that span environments need them all: one bucket per compactor, one remote-write hostname, one
 * ApplicationSet), but only the selected ones are rendered and reported.
 */
export function environmentSelection(
  dir: string,
  only: readonly string[],
  note?: (text: string) => void,
): { all: SourceFile[]; selected: SourceFile[] } {
  const selected = environmentFiles(dir, only, note);
  return { all: only.length === 0 ? selected : environmentFiles(dir, []), selected };
}
