/**
 * GitHub Actions workflow commands (`::error file=…,line=…::message`). The runner reads a command from any line of
 * stdout or stderr that starts (after blanks) with `::`, and the old `##[…]` form anywhere in a line. Data escapes
 * `%`, CR and LF; property values also `:` and `,`. Text that is not meant as a command is made inert line by line.
 */
export function githubData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

export function githubProperty(text: string): string {
  return githubData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/**
 * Output not meant as workflow commands: a line that would start one gets a leading `│ ` (the runner trims only
 * blanks), and `##[` becomes `#​#[` with a zero-width space between the hashes. Everything else is unchanged.
 */
export function inertWorkflowCommands(text: string): string {
  return text.replace(/^([ \t]*)::/gm, '$1│ ::').replaceAll('##[', '#\u200b#[');
}
