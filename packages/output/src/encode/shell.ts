/**
 * Shell words for the commands the generated READMEs show (POSIX sh, bash, zsh): a word made only of characters no
 * shell treats specially is written as it is; any other is single-quoted, a `'` inside written as `'\''`. Inside
 * single quotes nothing expands (`$(…)`, `${…}`, backticks, globs, `!`), so the word reads back byte for byte.
 */
const PLAIN_WORD = /^[A-Za-z0-9_@%+=:,./-]+$/;

export function shellWord(value: string): string {
  if (PLAIN_WORD.test(value)) return value;
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

/** A command line from its words, each quoted as needed. */
export function shellCommand(...words: string[]): string {
  return words.map(shellWord).join(' ');
}
