/** What a command's failure prints, and its exit code. */
import { InterruptedError, systemErrorLine, WriteRefusedError } from '@thanos-gitops/output';
import { formatProblem, InvalidEnvironmentError } from '@thanos-gitops/problems';
import { usageLine } from './args.js';
import { EnvironmentFileRefusedError, FileSystemProblem, NoEnvironmentsError, UsageError } from './files.js';
import { githubAnnotation, jsonReport, problemJson } from './format.js';
import { type Io, paintErr, plural, RED } from './io.js';

/**
 * Reports what stopped a command and returns its exit code. Problems with the environment files go where the
 * format says: `github` prints one annotation per problem on stdout (the runner turns them into inline comments
 * at the file, line and column), `json` one JSON document on stdout, `text` coloured lines on stderr.
 */
export function failed(io: Io, err: unknown, debug = false, format = 'text', command?: string): number {
  const where = command === undefined ? 'thanos-gitops' : `thanos-gitops ${command}`;
  /** The stack trace of what the file system said, with --debug only. */
  const trace = (e: unknown) => {
    const cause = (e as Error).cause ?? e;
    if (debug) io.err(`${(cause as Error)?.stack ?? String(cause)}\n`);
  };
  if (err instanceof InvalidEnvironmentError) {
    if (format === 'json') {
      io.out(jsonReport(command ?? 'thanos-gitops', false, { problems: err.problems.map(problemJson) }));
    } else if (format === 'github') {
      for (const p of err.problems) {
        io.out(githubAnnotation('error', { file: p.file, line: p.line, column: p.column, title: p.field }, p.message));
      }
    }
    const red = paintErr(io, RED);
    for (const p of err.problems) io.err(`${red('error')} ${formatProblem(p)}\n`);
    io.err(`${plural(err.problems.length, 'problem')}; nothing was written.\n`);
    return 1;
  }
  if (err instanceof UsageError) {
    io.err(`${where}: ${err.message}\n${usageLine(command)}`);
    return 2;
  }
  if (err instanceof NoEnvironmentsError || err instanceof EnvironmentFileRefusedError) {
    io.err(`thanos-gitops: ${err.message}\n`);
    return 1;
  }
  if (err instanceof InterruptedError) {
    io.err(`thanos-gitops: ${err.message}\n`);
    return err.signal === 'SIGINT' ? 130 : 143;
  }
  if (err instanceof WriteRefusedError || err instanceof FileSystemProblem) {
    io.err(`thanos-gitops: ${err.message}\n`);
    trace(err);
    return 4;
  }
  const line = systemErrorLine(err);
  if (line) {
    io.err(`thanos-gitops: ${line}\n`);
    trace(err);
    return 4;
  }
  if (debug) io.err(`thanos-gitops: internal error (a bug in thanos-gitops): ${(err as Error).stack ?? String(err)}\n`);
  else {
    io.err(
      `thanos-gitops: internal error (a bug in thanos-gitops): ${(err as Error)?.message ?? String(err)}\n` +
        'Run again with --debug for the stack trace, and report it.\n',
    );
  }
  return 3;
}
