/**
 * What the docs tests read from the docs themselves: the command blocks marked `<!-- doc-test: NAME -->` (the
 * fenced block right after the marker) and the checklist table of docs/add-an-environment.md.
 */

/** Every marked command block of a Markdown text, by name: its command lines (comments and blank lines left out). */
export function markedBlocks(markdown: string): Map<string, string[]> {
  const blocks = new Map<string, string[]>();
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const name = /^\s*<!-- doc-test: ([\w-]+) -->\s*$/.exec(lines[i] ?? '')?.[1];
    if (!name) continue;
    let j = i + 1;
    while ((lines[j] ?? '').trim() === '') j++;
    if (!/^\s*```sh\s*$/.test(lines[j] ?? '')) continue;
    const body: string[] = [];
    for (j++; j < lines.length && !/^\s*```\s*$/.test(lines[j] ?? ''); j++) body.push((lines[j] ?? '').trim());
    blocks.set(
      name,
      body.filter((l) => l !== '' && !l.startsWith('#')),
    );
  }
  return blocks;
}

export interface ChecklistRow {
  /** The fields of the row: a value marked unique is the row's fields together (a writer is its name in a cluster). */
  fields: string[];
  unique: boolean;
}

/** The rows of the table marked `<!-- doc-test: checklist -->`: each field it names (in backticks) and its mark. */
export function checklist(markdown: string): ChecklistRow[] {
  const lines = markdown.split('\n');
  const start = lines.findIndex((l) => /<!-- doc-test: checklist -->/.test(l));
  const rows: ChecklistRow[] = [];
  for (const l of lines.slice(start + 3)) {
    if (!l.trim().startsWith('|')) break;
    const cells = l.split('|').map((c) => c.trim());
    const unique = cells.at(-2) === 'unique';
    rows.push({ fields: [...(cells[1] ?? '').matchAll(/`([^`]+)`/g)].map((m) => m[1] as string), unique });
  }
  return rows;
}
