/**
 * Output formats of `validate`, `check` and `generate` for where the reviewer looks: `text` for people,
 * `github` (each problem as a GitHub Actions annotation at its file, line and column, so it shows inline on the
 * pull request) and `json` for other CI systems.
 */
import { githubData, githubProperty } from '@thanos-gitops/output';
import type { Problem } from '@thanos-gitops/problems';
import { UsageError } from './files.js';
import type { Io } from './io.js';

export const PROBLEM_FORMATS = ['text', 'github', 'json'] as const;
export type ProblemFormat = (typeof PROBLEM_FORMATS)[number];

/** The --format option, checked; `text` when not given. */
export function problemFormat(format: string | undefined): ProblemFormat {
  const f = format ?? 'text';
  if (!(PROBLEM_FORMATS as readonly string[]).includes(f)) {
    throw new UsageError(`--format must be one of ${PROBLEM_FORMATS.join(', ')} (found "${f}")`);
  }
  return f as ProblemFormat;
}

/** Escapes data (`property` false) or a property value of a workflow command, as the Actions runner expects. */
export function escapeGithub(text: string, property = false): string {
  return property ? githubProperty(text) : githubData(text);
}

/** One GitHub Actions annotation: `::error file=…,line=…,col=…,title=…::message`. */
export function githubAnnotation(
  level: 'error' | 'warning' | 'notice',
  where: { file?: string; line?: number; column?: number; title?: string },
  message: string,
): string {
  const props = [
    where.file === undefined ? undefined : `file=${escapeGithub(where.file, true)}`,
    where.line === undefined ? undefined : `line=${where.line}`,
    where.column === undefined ? undefined : `col=${where.column}`,
    where.title === undefined || where.title === '' ? undefined : `title=${escapeGithub(where.title, true)}`,
  ].filter((p) => p !== undefined);
  return `::${level}${props.length > 0 ? ` ${props.join(',')}` : ''}::${escapeGithub(message)}\n`;
}

/** A problem as JSON for other CI systems. */
export function problemJson(p: Problem): {
  severity: 'error' | 'warning';
  file: string;
  line: number;
  column: number;
  field: string;
  message: string;
} {
  return { severity: 'error', file: p.file, line: p.line, column: p.column, field: p.field, message: p.message };
}

/** One JSON document on one line, for `--format json`. */
export const jsonLine = (value: unknown) => `${JSON.stringify(value)}\n`;

/** A folder `generate` wrote, in its JSON report. */
export interface JsonFolder {
  folder: string;
  objects: number;
  written: string[];
  unchanged: number;
  removed: string[];
  foreign: string[];
}

/**
 * The one shape of every `--format json` report (`schema/output.schema.json`): every key is always there, empty
 * when the command has nothing of that kind to say.
 */
export interface JsonReport {
  command: string;
  ok: boolean;
  /** The environment files the command covered. */
  files: string[];
  problems: ReturnType<typeof problemJson>[];
  warnings: ReturnType<typeof problemJson>[];
  /** `generate`: what it wrote, per folder of clusters/. */
  folders: JsonFolder[];
  /** `check`: the files of clusters/ that differ from a fresh render, and why. */
  outOfDate: { file: string; why: string }[];
}

/** The JSON report of `command`: what is not given is empty. */
export function jsonReport(command: string, ok: boolean, parts: Partial<Omit<JsonReport, 'command' | 'ok'>>): string {
  const report: JsonReport = {
    command,
    ok,
    files: [],
    problems: [],
    warnings: [],
    folders: [],
    outOfDate: [],
    ...parts,
  };
  return jsonLine(report);
}

/** Located warnings as JSON problems of severity `warning`. */
export function warningsJson(rendered: readonly { warnings: readonly Problem[] }[]) {
  return rendered.flatMap((r) => r.warnings.map((w) => ({ ...problemJson(w), severity: 'warning' as const })));
}

/** Located warnings as `::warning` annotations on stdout (they are on stderr as text too). */
export function githubWarnings(io: Io, rendered: readonly { warnings: readonly Problem[] }[]): void {
  for (const r of rendered) {
    for (const w of r.warnings) {
      io.out(githubAnnotation('warning', { file: w.file, line: w.line, column: w.column, title: w.field }, w.message));
    }
  }
}
