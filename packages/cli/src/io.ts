import { formatProblem, type Problem } from '@thanos-gitops/problems';

/** Where the command writes, and whether it may colour what it writes. */
export interface Io {
  out: (text: string) => void;
  err: (text: string) => void;
  /** Colour what goes to `out`. */
  color: boolean;
  /** Colour what goes to `err` (its own terminal check); `color` when not given. */
  errColor?: boolean;
}

/**
 * Whether to colour a stream: `FORCE_COLOR` (any value but `0` or `false`) forces it, `NO_COLOR` (any non-empty
 * value) turns it off, else only a terminal gets colour.
 */
export function colorFor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): boolean {
  const force = env.FORCE_COLOR;
  if (force !== undefined && force !== '') return force !== '0' && force !== 'false';
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  return Boolean(stream.isTTY);
}

/** Wraps text in an ANSI colour code when the output is coloured, else returns it as is. */
export const paint = (io: Io, code: number) => (s: string) => (io.color ? `\u001b[${code}m${s}\u001b[0m` : s);

/** `paint` for what goes to stderr. */
export const paintErr = (io: Io, code: number) => (s: string) =>
  (io.errColor ?? io.color) ? `\u001b[${code}m${s}\u001b[0m` : s;

/**
 * A path someone else chose (a hand-written file), as one line of output: as it is when it holds only ordinary
 * characters, else JSON-quoted, so a name with a line break, a control character or a leading `::` can neither
 * start another line nor be read by a CI runner as a workflow command.
 */
export function pathText(path: string): string {
  return /^[\p{L}\p{N}._/+@=,~ -]+$/u.test(path) && !path.startsWith('::') ? path : JSON.stringify(path);
}

/** `n things`, with the plural only when n is not 1. */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** ANSI codes used by the commands. */
export const RED = 31;
export const GREEN = 32;
export const YELLOW = 33;
export const DIM = 2;

/** Located warnings of rendered environments, on stderr: never fatal. */
export function printWarnings(io: Io, rendered: readonly { warnings: readonly Problem[] }[]): void {
  const yellow = paint(io, YELLOW);
  for (const r of rendered) for (const w of r.warnings) io.err(`${yellow('warning')} ${formatProblem(w)}\n`);
}
export const BOLD = 1;
