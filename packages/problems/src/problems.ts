/** Problems with an environment file, each pinned to a file, a line, a column and a field path. */

/** A path into the environment document: mapping keys and sequence indexes. */
export type FieldPath = readonly (string | number)[];

export interface Problem {
  /** The file as the user names it, e.g. `environments/prod.yaml`. */
  file: string;
  line: number;
  column: number;
  /** Dotted field path (`receive.hashrings[0].replicas`); empty for the whole file. */
  field: string;
  message: string;
}

export function fieldName(path: FieldPath): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? part : `.${part}`;
  }
  return out;
}

export function formatProblem(p: Problem): string {
  const where = `${p.file}:${p.line}:${p.column}`;
  return p.field === '' ? `${where} ${p.message}` : `${where} ${p.field}: ${p.message}`;
}

/** Raised by any step that finds the input unusable; carries every problem found. */
export class InvalidEnvironmentError extends Error {
  constructor(readonly problems: Problem[]) {
    super(problems.map(formatProblem).join('\n'));
    this.name = 'InvalidEnvironmentError';
  }
}

/** Collects problems located in one environment file. */
export interface ProblemSink {
  report(path: FieldPath, message: string): void;
  /** Something that works but is probably not what the user wants: printed, never fatal. */
  warn?(path: FieldPath, message: string): void;
}
