/**
 * A quick reader for the block YAML that environment files are written in: mappings and lists by indentation,
 * scalars on one line (plain, single-quoted, double-quoted without escapes), `[]`, `{}` and comments. For what it
 * reads it gives exactly the data `yaml` gives (YAML 1.2 core schema, as `parseDocument(…).toJS()`), about ten
 * times faster and without source positions. Anything else it gives up on (undefined): anchors, aliases, tags,
 * flow collections with items, block and multi-line scalars, escapes, duplicate keys, keys that are not plain
 * names, document markers, tabs, control characters, strings or collections beyond the limits, a top level that is
 * not a mapping. The loader then parses with `yaml`, which locates every problem; so every message stays the one
 * `yaml` leads to. `test/block-yaml.test.ts` holds it equal to `yaml` on every fixture and on mutated copies.
 */

export type YamlValue = null | boolean | number | string | YamlValue[] | { [key: string]: YamlValue };

export interface YamlLimits {
  /** Longest string (key or value) read. */
  string: number;
  /** Most entries of a mapping or items of a list. */
  collection: number;
}

/** Thrown to give up: the caller parses with `yaml` instead. */
class GiveUp extends Error {}

function giveUp(): never {
  throw new GiveUp();
}

interface Line {
  indent: number;
  /** The line after its indentation; never empty, never a comment. */
  content: string;
}

/** Tabs, carriage returns, a byte order mark, other control characters and Unicode line breaks. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this finds
const UNREAD = /[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\ufeff]/;
/** A key line: a plain name, a colon, then nothing or spaces and the rest. */
const KEY = /^([A-Za-z0-9_][A-Za-z0-9_./-]*):(?: +(.*))?$/;
const SPACES = /^ +/;
/** A flow list on one line, then nothing or a comment. */
const FLOW_LIST = /^\[([^[\]]*)\](?: *| +#.*)$/;
const FLOW_MAPPING = /^\{([^[\]{}]*)\}(?: *| +#.*)$/;
/** An item of a flow list that is a plain name or number, or a quoted string without quotes or escapes. */
const FLOW_PLAIN = /^-?[A-Za-z0-9_./][A-Za-z0-9_./-]*$/;
const FLOW_QUOTED = /^(?:"[^"'\\,]*"|'[^"'\\,]*')$/;
/** Characters a plain scalar cannot start with. */
const INDICATOR = /^(?:[-?:](?: |$)|[,[\]{}#&*!|>'"%@`])/;

/** The data of `text` when it is a mapping this reader reads; undefined otherwise. */
export function readBlockYaml(text: string, limits: YamlLimits): { [key: string]: YamlValue } | undefined {
  if (UNREAD.test(text)) return undefined;
  const lines: Line[] = [];
  for (const raw of text.split('\n')) {
    const content = raw.replace(SPACES, '');
    if (content === '' || content.startsWith('#')) continue;
    lines.push({ indent: raw.length - content.length, content });
  }
  const first = lines[0];
  if (first === undefined || isItem(first.content)) return undefined;
  try {
    const reader = new Reader(lines, limits);
    const data = reader.mapping(first.indent);
    return reader.done() ? data : undefined;
  } catch (err) {
    if (err instanceof GiveUp) return undefined;
    throw err;
  }
}

function isItem(content: string): boolean {
  return content === '-' || content.startsWith('- ');
}

class Reader {
  private at = 0;

  constructor(
    private readonly lines: Line[],
    private readonly limits: YamlLimits,
  ) {}

  done(): boolean {
    return this.at === this.lines.length;
  }

  /** A mapping or a list whose first line is the current one, at `indent`. */
  private block(indent: number): YamlValue {
    return isItem(this.lines[this.at]?.content ?? '') ? this.list(indent) : this.mapping(indent);
  }

  mapping(indent: number): { [key: string]: YamlValue } {
    const out: { [key: string]: YamlValue } = {};
    let size = 0;
    for (let line = this.lines[this.at]; line !== undefined && line.indent >= indent; line = this.lines[this.at]) {
      const m = line.indent === indent ? KEY.exec(line.content) : null;
      const key = m?.[1];
      if (key === undefined || !this.isKeyName(key) || Object.hasOwn(out, key)) giveUp();
      if (++size > this.limits.collection) giveUp();
      this.at++;
      out[key] = this.valueAfter(m?.[2] ?? '', indent, true);
    }
    return out;
  }

  private list(indent: number): YamlValue[] {
    const out: YamlValue[] = [];
    for (let line = this.lines[this.at]; line !== undefined && line.indent >= indent; line = this.lines[this.at]) {
      if (line.indent > indent) giveUp();
      if (!isItem(line.content)) break;
      if (out.length >= this.limits.collection) giveUp();
      const rest = line.content.slice(1);
      const body = rest.replace(SPACES, '');
      const column = indent + 1 + rest.length - body.length;
      if (isItem(body) || KEY.test(body)) {
        // The item is a block that starts on the dash's line: read it as if it started on a line of its own.
        this.lines[this.at] = { indent: column, content: body };
        out.push(this.block(column));
      } else {
        this.at++;
        out.push(this.valueAfter(body, indent, false));
      }
    }
    return out;
  }

  /**
   * The value after a key or a dash (`rest`) at `indent`: a scalar on that line, else the block on the lines
   * below (deeper, or a list at the key's own indentation), else null.
   */
  private valueAfter(rest: string, indent: number, ofKey: boolean): YamlValue {
    const next = this.lines[this.at];
    if (rest !== '' && !rest.startsWith('#')) {
      // A deeper line below a scalar continues it (a multi-line scalar) or is an error.
      if (next !== undefined && next.indent > indent) giveUp();
      return this.inline(rest);
    }
    if (next === undefined) return null;
    if (next.indent > indent) return this.block(next.indent);
    if (ofKey && next.indent === indent && isItem(next.content)) return this.list(indent);
    return null;
  }

  private isKeyName(key: string): boolean {
    return key.length <= Math.min(1000, this.limits.string) && key !== '__proto__' && typeof plain(key) === 'string';
  }

  /** A scalar, `[]` or `{}` written on one line, with its comment if any. */
  private inline(rest: string): YamlValue {
    const quote = rest[0];
    if (quote === '"' || quote === "'") return this.string(quoted(rest, quote));
    if (quote === '[') return this.flowList(rest);
    if (quote === '{') return this.flowMapping(rest);
    const hash = rest.indexOf(' #');
    const text = (hash === -1 ? rest : rest.slice(0, hash)).replace(/ +$/, '');
    if (INDICATOR.test(text) || text.includes(': ') || text.endsWith(':')) giveUp();
    const value = plain(text);
    return typeof value === 'string' ? this.string(value) : value;
  }

  /**
   * `[a, 'b', 3]` or `[{ a: 1 }, { a: 2 }]` on one line: plain names or numbers, quoted strings without commas,
   * quotes or escapes, and flow mappings of those.
   */
  private flowList(rest: string): YamlValue[] {
    const items = flowItems(FLOW_LIST.exec(rest)?.[1]).map((item) =>
      item.startsWith('{') ? this.flowMapping(item) : this.flowScalar(item),
    );
    if (items.length > this.limits.collection) giveUp();
    return items;
  }

  /** `{a: b, c: 'd'}` on one line: plain names as keys, values as in a flow list. */
  private flowMapping(rest: string): { [key: string]: YamlValue } {
    const out: { [key: string]: YamlValue } = {};
    const items = flowItems(FLOW_MAPPING.exec(rest)?.[1]);
    if (items.length > this.limits.collection) giveUp();
    for (const item of items) {
      const m = /^([A-Za-z0-9_][A-Za-z0-9_./-]*): +(.+)$/.exec(item);
      const key = m?.[1];
      if (key === undefined || !this.isKeyName(key) || Object.hasOwn(out, key)) giveUp();
      out[key] = this.flowScalar(m?.[2] ?? '');
    }
    return out;
  }

  private flowScalar(text: string): YamlValue {
    const value = FLOW_QUOTED.test(text) ? text.slice(1, -1) : FLOW_PLAIN.test(text) ? plain(text) : giveUp();
    return typeof value === 'string' ? this.string(value) : value;
  }

  private string(value: string): string {
    if (value.length > this.limits.string) giveUp();
    return value;
  }
}

/**
 * The items of a flow collection's inside (undefined: not one), trimmed, split at the commas outside braces; none
 * when it is blank. An item that opens a brace must end with its closing one; braces do not nest.
 */
function flowItems(inside: string | undefined): string[] {
  if (inside === undefined) giveUp();
  if (/^ *$/.test(inside)) return [];
  const items: string[] = [];
  let start = 0;
  let open = -1;
  for (let i = 0; i <= inside.length; i++) {
    const c = inside[i];
    if (c === '{') open = open === -1 ? i : giveUp();
    else if (c === '}') open = open !== -1 ? -1 : giveUp();
    if (open !== -1 || (c !== ',' && c !== undefined)) continue;
    const item = inside.slice(start, i).replace(SPACES, '').replace(/ +$/, '');
    if (item.includes('{') && !(item.startsWith('{') && item.endsWith('}'))) giveUp();
    items.push(item);
    start = i + 1;
  }
  if (open !== -1) giveUp();
  return items;
}

/** A quoted scalar on one line, followed by nothing or by a comment. */
function quoted(rest: string, quote: '"' | "'"): string {
  let end = rest.indexOf(quote, 1);
  if (quote === "'") {
    while (end !== -1 && rest[end + 1] === "'") end = rest.indexOf(quote, end + 2);
  }
  if (end === -1) giveUp();
  const inner = rest.slice(1, end);
  if (!/^(?: *| +#.*)$/.test(rest.slice(end + 1))) giveUp();
  if (quote === '"') return inner.includes('\\') ? giveUp() : inner;
  return inner.replaceAll("''", "'");
}

/** A plain scalar resolved as the YAML 1.2 core schema does, tag by tag in `yaml`'s order. */
function plain(text: string): null | boolean | number | string {
  if (/^(?:~|[Nn]ull|NULL)?$/.test(text)) return null;
  if (/^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/.test(text)) return text[0] === 't' || text[0] === 'T';
  if (/^0o[0-7]+$/.test(text)) return Number.parseInt(text.slice(2), 8);
  if (/^[-+]?[0-9]+$/.test(text)) return Number.parseInt(text, 10);
  if (/^0x[0-9a-fA-F]+$/.test(text)) return Number.parseInt(text.slice(2), 16);
  if (/^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/.test(text)) {
    if (text.slice(-3).toLowerCase() === 'nan') return Number.NaN;
    return text[0] === '-' ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  }
  if (/^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/.test(text)) return Number.parseFloat(text);
  if (/^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/.test(text)) return Number.parseFloat(text);
  return text;
}

/** A deep copy of data as read (several times faster than `structuredClone` on it). */
export function copyYaml(value: YamlValue): YamlValue {
  if (Array.isArray(value)) return value.map(copyYaml);
  if (value === null || typeof value !== 'object') return value;
  const out: { [key: string]: YamlValue } = {};
  for (const key of Object.keys(value)) out[key] = copyYaml(value[key] as YamlValue);
  return out;
}

/**
 * Whether `path` is written in `data` as read, as `yaml`'s `Document.hasIn` says it: a key of a mapping (a string
 * part), an item of a list (a number, or a string of one), every step but the last a mapping or a list.
 */
export function hasPath(data: YamlValue, path: readonly (string | number)[]): boolean {
  let node: YamlValue | undefined = data;
  for (const part of path) {
    if (Array.isArray(node)) {
      const index = typeof part === 'string' && part !== '' ? Number(part) : part;
      if (typeof index !== 'number' || !Number.isInteger(index) || index < 0 || index >= node.length) return false;
      node = node[index];
    } else if (node !== null && typeof node === 'object') {
      if (typeof part !== 'string' || !Object.hasOwn(node, part)) return false;
      node = node[part];
    } else return false;
  }
  return true;
}
