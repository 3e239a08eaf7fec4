import { inertWorkflowCommands } from '@thanos-gitops/output';
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
export const BOLD = 1;

/**
 * Characters a terminal, a pager or a CI log viewer acts on rather than shows: the C0 controls but tab and line
 * feed (ESC starts cursor moves, screen clears, window titles, OSC 8 links; CR and BS overwrite what was shown),
 * DEL, the C1 controls (U+009B is an 8-bit CSI), Unicode line and paragraph separators, and the bidirectional
 * overrides and isolates that reorder what a reader sees.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this finds
const ACTIVE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
/** The colour codes `paint` writes: the only escape sequences human-readable output keeps, and only when coloured. */
const OWN_SGR = new RegExp(`\u001b\\[(?:0|${[BOLD, DIM, RED, GREEN, YELLOW].join('|')})m`, 'y');

const visible = (c: string) => `U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;

/**
 * Output for people (text on stdout or stderr, the markdown comment): each active character above is shown as its
 * `U+` name, except the colour codes of `paint` when `color` is on, and no line can start a GitHub Actions workflow
 * command (`inertWorkflowCommands`). Line breaks and tabs of the output itself stay. A value echoed in a message
 * can at most be shown, never move the cursor, hide a line, retitle the window or talk to the CI runner.
 */
export function inertText(text: string, color: boolean): string {
  const shown = text.replace(ACTIVE, (c, at: number) => {
    if (!color || c !== '\u001b') return visible(c);
    OWN_SGR.lastIndex = at;
    return OWN_SGR.test(text) ? c : visible(c);
  });
  return inertWorkflowCommands(shown);
}

/**
 * JSON output (`--format json`, `schema`): `JSON.stringify` already escapes C0 controls; the other active
 * characters and the runner's `##[` are written as JSON escapes, so the output reads back to the same values.
 */
export function inertJson(text: string): string {
  const jsonEscape = (c: string) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
  return text.replace(ACTIVE, jsonEscape).replaceAll('##[', '#\\u0023[');
}

/**
 * `--format github` output: workflow commands the command means to write, whose data `githubData` escapes; the
 * active characters are shown by name and `##[` made inert, as in text, but lines are left as they are.
 */
export function inertAnnotations(text: string): string {
  return text.replace(ACTIVE, visible).replaceAll('##[', '#\u200b#[');
}

/** What stdout carries: text for people (and the markdown comment), JSON, or workflow commands. */
export type StdoutKind = 'text' | 'json' | 'github';

/**
 * The one place every byte of output passes: stdout through the filter of its kind (`kind()` is read at each
 * write, since the format is known only once the command line is parsed), stderr always as text for people.
 */
export function inertIo(given: Io, kind: () => StdoutKind): Io {
  const io: Io = {
    ...given,
    out: (t) => {
      const k = kind();
      given.out(k === 'json' ? inertJson(t) : k === 'github' ? inertAnnotations(t) : inertText(t, io.color));
    },
    err: (t) => given.err(inertText(t, io.errColor ?? io.color)),
  };
  return io;
}

/** Located warnings of rendered environments, on stderr: never fatal. */
export function printWarnings(io: Io, rendered: readonly { warnings: readonly Problem[] }[]): void {
  const yellow = paint(io, YELLOW);
  for (const r of rendered) for (const w of r.warnings) io.err(`${yellow('warning')} ${formatProblem(w)}\n`);
}
