/** The command line: usage text, parsing, and the options every command receives. */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';

export const USAGE = `Usage: thanos-gitops <command> [options]

Commands:
  generate    render environments/<env>.yaml into clusters/<env>/ (all or nothing)
  check       exit 1 and list the files when clusters/ differs from a fresh render
  diff        show what generate would change: objects added, changed, removed, then a unified diff
  validate    check the environment files only
  schema      print the JSON Schema of environment files

Options:
  --env NAME            only this environment (repeatable); default: every environments/*.yaml
  --format FORMAT       validate, check, generate: text (default), github (GitHub Actions annotations) or json;
                        diff: text (default) or markdown (one GitHub comment)
  --base REF            diff: compare with the clusters/ of this git revision (e.g. main) instead of the disk
  --environments DIR    where environment files are (default: environments)
  --clusters DIR        where output goes (default: clusters)
  --no-color            never colour the output (colour is only used on a terminal anyway)
  --no-cache            render every environment, even those unchanged since their last render
  --debug               print the stack trace of an internal error
  -h, --help            show this help
  -v, --version         show the version
`;

/** What every command is given: where the environments are, where the output goes, which environments. */
export interface CommandOptions {
  environmentsDir: string;
  clustersDir: string;
  /** Only these environments; empty for every `environments/*.yaml`. */
  only: readonly string[];
  /**
   * Whether `generate` and `check` may skip environments the render cache shows up to date (`--no-cache` turns it
   * off). The cache is only ever used by the built command (see cache.ts).
   */
  cache: boolean;
  /** Where notes about skipped files go (editor leftovers in the environments folder). */
  note?: (text: string) => void;
  /** `--format`, checked by each command. */
  format?: string;
  /** `diff --base`: the git revision to compare with. */
  base?: string;
}

export function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

/** Parses argv; throws an Error whose message says what is wrong with it. */
export function parseCommandLine(argv: readonly string[]) {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    options: {
      env: { type: 'string', multiple: true },
      format: { type: 'string' },
      base: { type: 'string' },
      environments: { type: 'string' },
      clusters: { type: 'string' },
      'no-color': { type: 'boolean' },
      'no-cache': { type: 'boolean' },
      debug: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
      version: { type: 'boolean', short: 'v' },
    },
  });
  if (positionals.length > 1) throw new Error(`unexpected argument "${positionals[1]}"`);
  const command = positionals[0] ?? (values.help || values.version ? 'help' : undefined);
  if (!command) throw new Error('a command is required');
  const options: CommandOptions = {
    environmentsDir: resolve(values.environments ?? 'environments'),
    clustersDir: resolve(values.clusters ?? 'clusters'),
    only: values.env ?? [],
    cache: !values['no-cache'],
    ...(values.format === undefined ? {} : { format: values.format }),
    ...(values.base === undefined ? {} : { base: values.base }),
  };
  return { command, values, options };
}
