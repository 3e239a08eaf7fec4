/**
 * The `thanos-gitops` command: parses the command line and dispatches to the command's own file
 * (`generate.ts`, `check.ts`, `diff.ts`, `validate.ts`, `schema.ts`). Exit codes: 0 ok, 1 invalid
 * environment (or none at all) or out-of-date output, 2 wrong command line, 3 internal error, 4 the file system
 * refused (permissions, space, a hand-written file or symlink in the way, another generate running), 130/143
 * interrupted by SIGINT/SIGTERM and rolled back.
 * `diff`: 0 no changes, 1 changes, 2 wrong command line, 3 error (invalid environment included).
 */

import {
  type CommandLine,
  CommandLineError,
  type CommandOptions,
  commandHelp,
  parseCommandLine,
  USAGE,
  usageLine,
  version,
} from './args.js';
import { failed } from './failure.js';
import { type Io, inertIo, type StdoutKind } from './io.js';

export { USAGE } from './args.js';
export type { Io } from './io.js';

type Command = (io: Io, options: CommandOptions) => number | Promise<number>;

/** Each command's module is loaded when it runs, so a command loads only what it uses. */
const COMMANDS: Record<string, () => Promise<Command>> = {
  generate: async () => (await import('./generate.js')).generate,
  check: async () => (await import('./check.js')).check,
  diff: async () => (await import('./diff.js')).diff,
  validate: async () => (await import('./validate.js')).validate,
  schema: async () => (await import('./schema.js')).schema,
  import: async () => (await import('./import.js')).importCommand,
};

/** What the command writes on stdout: JSON (`--format json`, `schema`), annotations (`--format github`) or text. */
function stdoutKind({ command, options, help, version }: CommandLine): StdoutKind {
  if (help || version) return 'text';
  if (command === 'schema' || options.format === 'json') return 'json';
  return options.format === 'github' && command !== 'diff' ? 'github' : 'text';
}

export async function main(argv: readonly string[], given: Io): Promise<number> {
  // Every write passes one filter: a value in a message or a report never drives the terminal or the CI runner.
  let kind: StdoutKind = 'text';
  const io = inertIo(given, () => kind);
  let parsed: CommandLine;
  try {
    parsed = parseCommandLine(argv);
  } catch (err) {
    if (!(err instanceof CommandLineError)) throw err;
    io.err(
      `thanos-gitops${err.command === undefined ? '' : ` ${err.command}`}: ${err.message}\n${usageLine(err.command)}`,
    );
    return 2;
  }
  const { command, options } = parsed;
  kind = stdoutKind(parsed);
  if (parsed.help) {
    io.out(command === undefined ? USAGE : commandHelp(command));
    return 0;
  }
  const load = command === undefined ? undefined : COMMANDS[command];
  if (parsed.version || !load) {
    io.out(`thanos-gitops ${version()}\n`);
    return 0;
  }
  if (parsed.noColor) io.color = false;
  try {
    const run = await load();
    options.note ??= (text) => io.err(`note: ${text}\n`);
    return await run(io, options);
  } catch (err) {
    const code = failed(io, err, parsed.debug, command === 'diff' ? 'text' : options.format, command);
    // diff exits like `git diff --exit-code`: 1 means "changes", so a failure to compute the diff is 3.
    return command === 'diff' && code === 1 ? 3 : code;
  }
}
