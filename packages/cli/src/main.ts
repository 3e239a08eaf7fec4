/**
 * The `thanos-gitops` command: parses the command line and dispatches to the command's own file
 * (`generate.ts`, `check.ts`, `diff.ts`, `validate.ts`, `schema.ts`). Exit codes: 0 ok, 1 invalid
 * environment or out-of-date output, 2 wrong command line, 3 internal error.
 */
import { type CommandOptions, parseCommandLine, USAGE, version } from './args.js';
import { check } from './check.js';
import { diff } from './diff.js';
import { failed } from './failure.js';
import { generate } from './generate.js';
import type { Io } from './io.js';
import { schema } from './schema.js';
import { validate } from './validate.js';

export { USAGE } from './args.js';
export type { Io } from './io.js';

const COMMANDS: Record<string, (io: Io, options: CommandOptions) => number> = {
  generate,
  check,
  diff,
  validate,
  schema,
};

export async function main(argv: readonly string[], io: Io): Promise<number> {
  let parsed: ReturnType<typeof parseCommandLine>;
  try {
    parsed = parseCommandLine(argv);
  } catch (err) {
    io.err(`thanos-gitops: ${(err as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const { command, values, options } = parsed;
  if (values.help) {
    io.out(USAGE);
    return 0;
  }
  if (values.version) {
    io.out(`thanos-gitops ${version()}\n`);
    return 0;
  }
  if (values['no-color']) io.color = false;
  const run = Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : undefined;
  if (!run) {
    io.err(`thanos-gitops: unknown command "${command}"\n\n${USAGE}`);
    return 2;
  }
  try {
    return run(io, options);
  } catch (err) {
    return failed(io, err);
  }
}
