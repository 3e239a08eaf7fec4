/**
 * Mermaid labels: a quoted string in which every character outside a small safe set is written as Mermaid's entity
 * code `#<decimal>;`, so no quote, bracket, `%%`, `#`, backtick or line terminator (which would close the README's
 * fence) reaches the diagram source. Lines of one label are joined by `<br/>`.
 */
// The en dash, ellipsis and multiplication sign are written as escapes: the bundle stays ASCII (scripts/bundle.mjs).
const SAFE = /[A-Za-z0-9 ,.:/()_+=@'*!?\u2013\u2026\u00d7-]/u;

/** A value made only of safe characters, which `entities` leaves as it is (most labels): one test, no walk. */
const ALL_SAFE = /^[A-Za-z0-9 ,.:/()_+=@'*!?\u2013\u2026\u00d7-]*$/u;

function entities(value: string): string {
  if (ALL_SAFE.test(value)) return value;
  let out = '';
  for (const c of value) out += SAFE.test(c) ? c : `#${c.codePointAt(0)};`;
  return out;
}

/** The label of `lines`; an empty label (which Mermaid refuses) is written as one space. */
export function mermaidLabel(...lines: string[]): string {
  const text = lines.map(entities).join('<br/>');
  return `"${text === '' ? ' ' : text}"`;
}
