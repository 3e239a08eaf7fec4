import { formatProblem, type Problem } from '@thanos-gitops/core-model/output';

/** Where the command writes, and whether it may colour what it writes. */
export interface Io {
  out: (text: string) => void;
  err: (text: string) => void;
  color: boolean;
}

/** Wraps text in an ANSI colour code when the output is coloured, else returns it as is. */
export const paint = (io: Io, code: number) => (s: string) => (io.color ? `\u001b[${code}m${s}\u001b[0m` : s);

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
