/** Ordinary file-system problems, in words: what the command prints in one line naming the path (exit code 4). */

const SYSTEM_ERRORS: Readonly<Record<string, string>> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  EISDIR: 'is a folder where a file must go',
  ENOTDIR: 'is a file where a folder must go',
  ENOENT: 'does not exist',
  EROFS: 'is on a read-only file system',
  EEXIST: 'already exists',
  ENOTEMPTY: 'is a folder that is not empty',
  EMFILE: 'too many open files',
  ENFILE: 'too many open files in the system',
  EBUSY: 'is busy',
  EIO: 'input/output error (the disk or file system failed)',
  ELOOP: 'is a loop of symlinks',
  ENAMETOOLONG: 'has a name too long for the file system',
  EXDEV:
    'cannot be moved to another file system: generate renames within clusters/, so clusters/ and its folders ' +
    'must be on one file system (no mount point inside it)',
};

/** Whether `err` is an ordinary file-system problem (not a bug). */
export function isSystemError(err: unknown): err is NodeJS.ErrnoException {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === 'string' && Object.hasOwn(SYSTEM_ERRORS, code);
}

/**
 * `<path>: permission denied (EACCES)`, for an ordinary file-system problem (the writer names the file of a failed
 * write of an open file, which carries no path; without one, the system call); undefined for anything else.
 */
export function systemErrorLine(err: unknown): string | undefined {
  if (!isSystemError(err)) return undefined;
  const where = err.path ?? (err.syscall ? `(${err.syscall})` : '(unknown path)');
  return `${where}: ${SYSTEM_ERRORS[err.code as string]} (${err.code})`;
}
