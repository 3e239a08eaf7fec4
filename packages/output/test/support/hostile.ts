/**
 * Hostile strings for the encoder property tests of every package: tokens each output format gives a meaning to
 * (shell, Terraform templates, Markdown, GitHub workflow commands, Mermaid, Grafana, Argo CD templates), line
 * terminators of every kind, mixed with arbitrary well-formed text.
 */
import fc from 'fast-check';

const HOSTILE = [
  '\n',
  '\r\n',
  '\r',
  '\u2028',
  '\u2029',
  '```',
  '~~~',
  '`',
  '$(id)',
  '`id`',
  '$\u007bHOME}',
  '$HOME',
  '%{ if x }',
  '$\u007bfile("/etc/passwd")}',
  '{{ .path }}',
  '}}',
  '<!--',
  '-->',
  '@octocat',
  '::add-mask::',
  '::error::x',
  '##[set-output',
  "'",
  '"',
  '\\',
  '|',
  '[x](http://e)',
  '![i](http://e/i.png)',
  '<img src=x>',
  '# h',
  '- ',
  '> ',
  '*',
  '_',
  '%',
  ',',
  ':',
  ';',
  '&',
  '#quot;',
  '%%',
  ' ',
  '\t',
  'é',
  '😀',
  '\u0000',
  '\u001b[31m',
];

/** A string made of hostile tokens and arbitrary well-formed text (no lone surrogate: no file can hold one). */
export const hostile = fc
  .array(fc.oneof(fc.constantFrom(...HOSTILE), fc.string({ unit: 'binary', maxLength: 6 })), { maxLength: 8 })
  .map((parts) => parts.join(''))
  .filter((s) => !/\p{Cs}/u.test(s));
