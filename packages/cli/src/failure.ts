/** What a command's failure prints, and its exit code. */
import {
  formatProblem,
  InterruptedError,
  InvalidEnvironmentError,
  WriteRefusedError,
} from '@thanos-gitops/core-model/output';
import { NoEnvironmentsError, UsageError } from './files.js';
import { githubAnnotation, jsonLine, problemJson } from './format.js';
import { type Io, paintErr, plural, RED } from './io.js';

/**
 * Reports what stopped a command and returns its exit code. Problems with the environment files go where the
 * format says: `github` prints one annotation per problem on stdout (the runner turns them into inline comments
 * at the file, line and column), `json` one JSON document on stdout, `text` coloured lines on stderr.
 */
export function failed(io: Io, err: unknown, debug = false, format = 'text'): number {
  if (err instanceof InvalidEnvironmentError) {
    if (format === 'json') {
      io.out(jsonLine({ ok: false, problems: err.problems.map(problemJson) }));
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
    io.err(`thanos-gitops: ${err.message}\n`);
    return 2;
  }
  if (err instanceof NoEnvironmentsError) {
    io.err(`thanos-gitops: ${err.message}\n`);
    return 1;
  }
  if (err instanceof InterruptedError) {
    io.err(`thanos-gitops: ${err.message}\n`);
    return err.signal === 'SIGINT' ? 130 : 143;
  }
  if (err instanceof WriteRefusedError) {
    io.err(`thanos-gitops: ${err.message}\n`);
    return 4;
  }
  const sys = err as NodeJS.ErrnoException;
  const why = sys?.code ? SYSTEM_ERRORS[sys.code] : undefined;
  if (why && sys.path) {
    io.err(`thanos-gitops: ${sys.path}: ${why} (${sys.code})\n`);
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

/** Ordinary file-system problems, in words: one line naming the path, exit code 4. */
const SYSTEM_ERRORS: Readonly<Record<string, string>> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  EISDIR: 'is a folder where a file was expected',
  ENOTDIR: 'is not a folder',
  ENOENT: 'does not exist',
  EROFS: 'is on a read-only file system',
  EEXIST: 'already exists',
  ENOTEMPTY: 'is a folder that is not empty',
  EMFILE: 'too many open files',
  EBUSY: 'is busy',
};
