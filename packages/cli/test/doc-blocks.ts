/**
 * What the docs tests read from the docs themselves: the command blocks marked `<!-- doc-test: NAME -->` (the
 * fenced block right after the marker) and the checklist table of docs/add-an-environment.md.
 */
import { parseDocument } from 'yaml';

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

/** The YAML block right after the marker `<!-- doc-test: NAME -->`, as text. */
export function markedYaml(markdown: string, name: string): string | undefined {
  const lines = markdown.split('\n');
  const at = lines.findIndex((l) => l.trim() === `<!-- doc-test: ${name} -->`);
  if (at < 0) return undefined;
  let j = at + 1;
  while ((lines[j] ?? '').trim() === '') j++;
  if (!/^\s*```yaml\s*$/.test(lines[j] ?? '')) return undefined;
  const indent = /^(\s*)/.exec(lines[j] ?? '')?.[1]?.length ?? 0;
  const body: string[] = [];
  for (j++; j < lines.length && !/^\s*```\s*$/.test(lines[j] ?? ''); j++) body.push((lines[j] ?? '').slice(indent));
  return body.join('\n');
}

/** A new value for a field of the checklist, for the copy `name` (a value of the same form). */
function changed(field: string, value: unknown, name: string): unknown {
  if (field === 'name') return name;
  if (field.endsWith('workspaceId')) return 'ws-11111111-2222-3333-4444-555555555555';
  if (field.endsWith('accountId')) return '333333333333';
  if (field.endsWith('roleArn')) return String(value).replace(/role\/.*/, `role/prometheus-${name}-amp`);
  if (field.endsWith('hostname')) return `remote-write.${name}.example.com`;
  if (field.endsWith('region')) return value;
  return `${String(value).replace(/\./g, '-').slice(0, 30)}-${name}`.replace(/^-+/, '');
}

/** The paths in `doc` that a checklist field (`a.b`, `a.list[].c`) names, with their values. */
function paths(doc: ReturnType<typeof parseDocument>, field: string): (string | number)[][] {
  let found: (string | number)[][] = [[]];
  for (const part of field.split('.')) {
    const list = part.endsWith('[]');
    const key = list ? part.slice(0, -2) : part;
    found = found.flatMap((p) => {
      const at = [...p, key];
      const v = doc.getIn(at);
      if (v === undefined) return [];
      if (!list) return [at];
      const n = (doc.getIn(at) as { items?: unknown[] }).items?.length ?? 0;
      return Array.from({ length: n }, (_, i) => [...at, i]);
    });
  }
  return found;
}

/** An environment's text copied as `name`: every field of the checklist changed, except those in `keep`. */
export function asChecklistSays(
  text: string,
  rows: readonly ChecklistRow[],
  name: string,
  keep: readonly string[] = [],
): string {
  const doc = parseDocument(text);
  for (const field of rows.flatMap((c) => c.fields)) {
    if (keep.includes(field)) continue;
    for (const path of paths(doc, field)) doc.setIn(path, changed(field, doc.getIn(path), name));
  }
  return doc.toString();
}
