/** What a command's failure prints, and its exit code. */
import { formatProblem, InvalidEnvironmentError } from '@thanos-gitops/core-model/output';
import { UsageError } from './files.js';
import { type Io, paint, RED } from './io.js';

/** Reports what stopped a command and returns its exit code. */
export function failed(io: Io, err: unknown): number {
  if (err instanceof InvalidEnvironmentError) {
    const red = paint(io, RED);
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
