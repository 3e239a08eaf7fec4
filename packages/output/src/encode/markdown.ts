/**
 * Markdown (CommonMark + GitHub's extensions) for text that carries values: the PR comment and the generated
 * READMEs. Plain text has the characters that open a construct backslash-escaped (no link, image, emphasis,
 * HTML, `<!--`, table cell break can start from a value; GitHub links
 * @-mentions in rendered text, so `@` is followed by a zero-width space); code spans and fences take a backtick run longer
 * than any inside. Line terminators cannot be carried by one line of Markdown: they are shown as `␤`.
 */
const LINE_TERMINATORS = /\r\n|[\r\n\u2028\u2029\u0085\v\f]/g;
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this replaces
const CONTROL = /[\u0000-\u001f\u007f]/g;

/** Whether a value holds a line terminator or a control character (one pass; most values hold neither). */
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this finds
const NOT_ONE_LINE = /[\u0000-\u001f\u007f\u2028\u2029\u0085]/;

/** The value on one line: line terminators become `␤`, other control characters their `U+` name. */
export function oneLine(value: string): string {
  if (!NOT_ONE_LINE.test(value)) return value;
  return value
    .replace(LINE_TERMINATORS, '␤')
    .replace(CONTROL, (c) => `U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`);
}

/**
 * Text, on one line: the characters that open Markdown or GitHub constructs in the middle of a line are
 * backslash-escaped (code, emphasis, strikethrough, links and images, HTML and `<!--`, table cells, entities,
 * GitHub math); the rest of the punctuation stays readable.
 */
export function markdownText(value: string): string {
  return oneLine(value)
    .replace(/[\\`*_[\]<>!|~&$]/g, '\\$&')
    .replaceAll('@', '@\u200b');
}

function longestRun(value: string, char: string): number {
  // Most values hold none: found without walking the string character by character.
  if (!value.includes(char)) return 0;
  let longest = 0;
  let run = 0;
  for (const c of value) {
    run = c === char ? run + 1 : 0;
    longest = Math.max(longest, run);
  }
  return longest;
}

/**
 * An inline code span: the value on one line between backtick runs longer than any inside, padded with a space when
 * it starts or ends with a backtick or a space. In a GFM table cell a `|` still splits the row: pass `cell`.
 */
export function markdownCode(value: string, cell = false): string {
  let v = oneLine(value);
  if (cell) v = v.replaceAll('|', '\\|');
  const fence = '`'.repeat(longestRun(v, '`') + 1);
  const pad = /^[` ]|[` ]$/.test(v) && v.trim() !== '' ? ' ' : '';
  return `${fence}${pad}${v}${pad}${fence}`;
}

/** A fenced code block: a backtick fence longer than any backtick run in the body (at least three). */
export function markdownFence(info: string, body: string): string {
  const fence = '`'.repeat(Math.max(3, longestRun(body, '`') + 1));
  const text = body.endsWith('\n') ? body : `${body}\n`;
  return `${fence}${oneLine(info).replace(/`/g, '')}\n${text}${fence}`;
}

/** Text inside inline HTML of a Markdown document (`<summary>`, `<code>`): HTML escapes, on one line. */
export function htmlText(value: string): string {
  const entity: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
  return oneLine(value)
    .replace(/[&<>"']/g, (c) => entity[c] ?? c)
    .replaceAll('@', '@\u200b');
}
