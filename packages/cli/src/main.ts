/**
 * The `thanos-gitops` command. It only orchestrates: parse the command line, run the pipeline, write or
 * compare, print. Exit codes: 0 ok, 1 invalid environment or out-of-date output, 2 wrong command line,
 * 3 internal error.
 */
import { readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import {
  compareTree,
  type EnvironmentTree,
  editorSchemaText,
  existingEnvironments,
  formatProblem,
  InvalidEnvironmentError,
  readTree,
  type TreeChanges,
  writeTrees,
} from '@thanos-gitops/core-model';
import { objectSummary, unifiedDiff } from './diff.js';
import { environmentFiles, UsageError } from './files.js';
import { renderEnvironments } from './render.js';

export const USAGE = `Usage: thanos-gitops <command> [options]

Commands:
  generate    render environments/<env>.yaml into clusters/<env>/ (all or nothing)
  check       exit 1 and list the files when clusters/ differs from a fresh render
  diff        show what generate would change: objects added, changed, removed, then a unified diff
  validate    check the environment files only
  schema      print the JSON Schema of environment files

Options:
  --env NAME            only this environment (repeatable); default: every environments/*.yaml
  --environments DIR    where environment files are (default: environments)
  --clusters DIR        where output goes (default: clusters)
  --no-color            never colour the output (colour is only used on a terminal anyway)
  -h, --help            show this help
  -v, --version         show the version
`;

export interface Io {
  out: (text: string) => void;
  err: (text: string) => void;
  color: boolean;
}

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

const paint = (io: Io, code: number) => (s: string) => (io.color ? `\u001b[${code}m${s}\u001b[0m` : s);

export async function main(argv: readonly string[], io: Io): Promise<number> {
  let parsed: ReturnType<typeof parseCommandLine>;
  try {
    parsed = parseCommandLine(argv);
  } catch (err) {
    io.err(`thanos-gitops: ${(err as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const { command, values } = parsed;
  if (values.help) {
    io.out(USAGE);
    return 0;
  }
  if (values.version) {
    io.out(`thanos-gitops ${version()}\n`);
    return 0;
  }
  if (values['no-color']) io.color = false;
  const environmentsDir = resolve(values.environments ?? 'environments');
  const clustersDir = resolve(values.clusters ?? 'clusters');
  const only = values.env ?? [];
  try {
    switch (command) {
      case 'schema':
        io.out(editorSchemaText());
        return 0;
      case 'validate': {
        const files = environmentFiles(environmentsDir, only);
        // Rendered (in memory, nothing written), since some problems, e.g. unknown extraArgs, are found there.
        renderEnvironments(files);
        io.out(`${files.length} environment file(s) valid: ${files.map((f) => f.path).join(', ')}\n`);
        return 0;
      }
      case 'generate':
        return generate(io, environmentsDir, clustersDir, only);
      case 'check':
        return check(io, environmentsDir, clustersDir, only);
      case 'diff':
        return diff(io, environmentsDir, clustersDir, only);
      default:
        io.err(`thanos-gitops: unknown command "${command}"\n\n${USAGE}`);
        return 2;
    }
  } catch (err) {
    if (err instanceof InvalidEnvironmentError) {
      const red = paint(io, 31);
      for (const p of err.problems) io.err(`${red('error')} ${formatProblem(p)}\n`);
      io.err(`${err.problems.length} problem(s); nothing was written.\n`);
      return 1;
    }
    if (err instanceof UsageError) {
      io.err(`thanos-gitops: ${err.message}\n`);
      return 2;
    }
    io.err(`thanos-gitops: internal error: ${(err as Error).stack ?? String(err)}\n`);
    return 3;
  }
}

function parseCommandLine(argv: readonly string[]) {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    options: {
      env: { type: 'string', multiple: true },
      environments: { type: 'string' },
      clusters: { type: 'string' },
      'no-color': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
      version: { type: 'boolean', short: 'v' },
    },
  });
  if (positionals.length > 1) throw new Error(`unexpected argument "${positionals[1]}"`);
  const command = positionals[0] ?? (values.help || values.version ? 'help' : undefined);
  if (!command) throw new Error('a command is required');
  return { command, values };
}

/** Trees to write: the rendered ones, plus empty ones for environments whose file is gone (prunes them). */
function targetTrees(environmentsDir: string, clustersDir: string, only: readonly string[]) {
  const rendered = renderEnvironments(environmentFiles(environmentsDir, only));
  const trees: EnvironmentTree[] = rendered.map((r) => r.tree);
  if (only.length === 0) {
    const names = new Set(trees.map((t) => t.env));
    for (const env of existingEnvironments(clustersDir)) {
      if (!names.has(env)) trees.push({ env, files: new Map() });
    }
  }
  const objects = new Map(rendered.map((r) => [r.env, r.manifests.length]));
  return { trees, objects };
}

function generate(io: Io, environmentsDir: string, clustersDir: string, only: readonly string[]): number {
  const { trees, objects } = targetTrees(environmentsDir, clustersDir, only);
  const changes = writeTrees(clustersDir, trees);
  const dim = paint(io, 2);
  for (const c of changes) {
    const written = c.added.length + c.changed.length;
    io.out(
      `${c.env}: ${objects.get(c.env) ?? 0} objects, ${written} files written, ${c.unchanged.length} unchanged, ` +
        `${c.removed.length} removed\n`,
    );
    if (c.foreign.length > 0) io.out(dim(`${c.env}: not generated, left alone: ${c.foreign.join(', ')}\n`));
  }
  return 0;
}

/** Each file `generate` would write or remove, as `<clusters>/<env>/<file> (why)`. */
function outOfDate(clustersDir: string, c: TreeChanges): string[] {
  const shown = relative(process.cwd(), clustersDir) || '.';
  const line = (why: string) => (file: string) => `${shown}/${c.env}/${file} (${why})`;
  return [...c.added.map(line('missing')), ...c.changed.map(line('changed')), ...c.removed.map(line('stale'))];
}

function check(io: Io, environmentsDir: string, clustersDir: string, only: readonly string[]): number {
  const { trees } = targetTrees(environmentsDir, clustersDir, only);
  const stale = trees.flatMap((t) => outOfDate(clustersDir, compareTree(clustersDir, t)));
  if (stale.length === 0) {
    io.out(`clusters/ is up to date (${trees.length} environment(s)).\n`);
    return 0;
  }
  io.err(`clusters/ is out of date; run \`pnpm generate\` and commit the result:\n`);
  for (const s of stale) io.err(`  ${s}\n`);
  return 1;
}

function diff(io: Io, environmentsDir: string, clustersDir: string, only: readonly string[]): number {
  const { trees } = targetTrees(environmentsDir, clustersDir, only);
  const green = paint(io, 32);
  const red = paint(io, 31);
  const yellow = paint(io, 33);
  let any = false;
  const patches: string[] = [];
  for (const t of trees) {
    const before = readTree(join(clustersDir, t.env));
    const c = compareTree(clustersDir, t);
    const s = objectSummary(c, before, t.files);
    if (
      s.added.length + s.changed.length + s.removed.length === 0 &&
      c.added.length + c.changed.length + c.removed.length === 0
    ) {
      io.out(`${t.env}: no changes\n`);
      continue;
    }
    any = true;
    io.out(`${t.env}: ${s.added.length} added, ${s.changed.length} changed, ${s.removed.length} removed\n`);
    for (const id of s.added) io.out(green(`  + ${id}\n`));
    for (const id of s.changed) io.out(yellow(`  ~ ${id}\n`));
    for (const id of s.removed) io.out(red(`  - ${id}\n`));
    for (const f of [...c.added, ...c.changed, ...c.removed].sort()) {
      patches.push(unifiedDiff(`clusters/${t.env}/${f}`, before.get(f), t.files.get(f)));
    }
  }
  if (any) {
    io.out('\n');
    for (const p of patches) {
      for (const line of p.split('\n')) {
        io.out(
          `${line.startsWith('+') && !line.startsWith('+++') ? green(line) : line.startsWith('-') && !line.startsWith('---') ? red(line) : line}\n`,
        );
      }
    }
  }
  return 0;
}
