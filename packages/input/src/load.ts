/**
 * Environment files in, validated and fully defaulted environments out, or every problem of every file
 * with its file, line, column and field path.
 */

import { unhandled } from '@thanos-gitops/catalog';
import { alertmanagerRules, applyDerivedDefaults } from '@thanos-gitops/model';
import { environmentName } from '@thanos-gitops/output';
import {
  type FieldPath,
  fieldName,
  InvalidEnvironmentError,
  type Problem,
  type ProblemSink,
} from '@thanos-gitops/problems';
import type { Environment } from '@thanos-gitops/schema';
import { describeSchema, editorSchema, MAX_COLLECTION_SIZE, MAX_STRING_LENGTH, schemaAt } from '@thanos-gitops/schema';
import type { ErrorObject } from 'ajv';
import { type Document, isMap, isPair, isScalar, isSeq, LineCounter, type Node, parseDocument } from 'yaml';
import { copyYaml, hasPath, readBlockYaml } from './block-yaml.js';
import { editDistance } from './edit-distance.js';
import { inputRules } from './input-rules.js';
import { crossFieldRules, inapplicableSettingRules, resourceRules } from './rules/index.js';
import { copiedValuesRule, sharedHostnameRule } from './rules/remote-write.js';
import { environmentValidator } from './validator.js';

export interface SourceFile {
  /** The path shown in messages, relative to the repository (`environments/prod.yaml`). */
  path: string;
  text: string;
}

/** One environment that passed validation, with a way back to its source positions. */
export interface LoadedEnvironment {
  file: string;
  env: Environment;
  /** Line and column (1-based) of a field, or of its closest existing parent. */
  locate(path: FieldPath): { line: number; column: number };
  /** A sink that records problems located in this file. */
  sink(into: Problem[]): ProblemSink;
  /** Warnings found while loading: located like problems, but not fatal. */
  warnings: readonly Problem[];
}

let root: Record<string, unknown> | undefined;
/** The schema as ajv validates it: fields with defaults are not required. */
function schemaRoot(): Record<string, unknown> {
  root ??= editorSchema();
  return root;
}

/** Loads and validates every file; throws InvalidEnvironmentError listing all problems of all files. */
export function loadEnvironments(files: readonly SourceFile[]): LoadedEnvironment[] {
  const { loaded, problems } = loadEach(files);
  if (problems.length > 0) throw new InvalidEnvironmentError(sortProblems(problems));
  return loaded;
}

/**
 * Loads and validates every file: the environments that passed and the problems of those that did not, so a
 * caller can go on checking the good ones and report everything at once.
 */
export function loadEach(files: readonly SourceFile[]): { loaded: LoadedEnvironment[]; problems: Problem[] } {
  const problems: Problem[] = [];
  const loaded: LoadedEnvironment[] = [];
  for (const file of files) {
    const one = loadOne(file, problems);
    if (one) loaded.push(one);
  }
  const seen = new Map<string, LoadedEnvironment>();
  for (const l of loaded) {
    const other = seen.get(l.env.name);
    if (other) {
      const at = l.locate(['name']);
      problems.push({
        file: l.file,
        ...at,
        field: 'name',
        message: `must be unique: environment "${l.env.name}" is already defined by ${other.file}`,
      });
    } else seen.set(l.env.name, l);
  }
  // A duplicate of another environment's name is reported above; its bucket would only repeat that.
  sharedBucketRule([...seen.values()], problems);
  const among = [...seen.values()].map((l) => ({ env: l.env, file: l.file, sink: l.sink(problems) }));
  sharedHostnameRule(among);
  copiedValuesRule(among);
  return { loaded: loaded.filter((l) => seen.get(l.env.name) === l), problems };
}

/**
 * Where an environment keeps its blocks, as one comparable key, and the field naming the bucket. AWS bucket
 * names are global, so the endpoint only counts for self-managed S3 stores.
 */
function bucketLocation(env: Environment): { key: string; field: 'bucket' | 'container'; name: string } {
  const o = env.objectStorage;
  const prefix = (o.prefix ?? '').replace(/^\/+|\/+$/g, '');
  const provider = o.provider;
  switch (provider) {
    case 'azure': {
      const name = o.container ?? '';
      return { key: `azure:${o.storageAccount ?? ''}:${name}/${prefix}`, field: 'container', name };
    }
    case 's3':
    case 'gcs': {
      const name = o.bucket ?? '';
      const selfManaged =
        provider === 's3' && o.endpoint !== undefined && !/amazonaws\.com(\.cn)?(:[0-9]+)?$/.test(o.endpoint);
      return { key: `${provider}:${selfManaged ? o.endpoint : ''}:${name}/${prefix}`, field: 'bucket', name };
    }
    default:
      return unhandled(provider, 'object storage provider');
  }
}

/**
 * Two environments on the same bucket and prefix would each run a compactor over the same blocks, which
 * corrupts the bucket (Thanos requires one compactor per block stream), and each would serve the other's data.
 * Reported on every environment involved, at its bucket.
 */
function sharedBucketRule(loaded: readonly LoadedEnvironment[], problems: Problem[]): void {
  const byLocation = new Map<string, LoadedEnvironment[]>();
  for (const l of loaded) {
    const { key } = bucketLocation(l.env);
    byLocation.set(key, [...(byLocation.get(key) ?? []), l]);
  }
  for (const group of byLocation.values()) {
    if (group.length < 2) continue;
    for (const l of group) {
      const others = group.filter((o) => o !== l).map((o) => o.file);
      const { field, name } = bucketLocation(l.env);
      const prefix = l.env.objectStorage.prefix;
      const where = `${field} "${name}"${prefix ? ` with prefix "${prefix}"` : ' with no prefix'}`;
      problems.push({
        file: l.file,
        ...l.locate(['objectStorage', field]),
        field: `objectStorage.${field}`,
        message:
          `${where} is also used by ${others.join(', ')}: two environments on one bucket and prefix run two ` +
          "compactors over the same blocks, which corrupts them, and read each other's data; give each " +
          'environment its own bucket or `objectStorage.prefix`',
      });
    }
  }
}

export function sortProblems(problems: Problem[]): Problem[] {
  return [...problems].sort(
    (a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column || a.field.localeCompare(b.field),
  );
}

/** Largest environment file read: a real one is a few KiB; anything near this is a mistake or an attack. */
export const MAX_FILE_BYTES = 1024 * 1024;

type Positions = (offset: number) => { line: number; column: number };

/** The file parsed with source positions. */
function parseWithPositions(text: string): { doc: Document; pos: Positions } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false, strict: true });
  const pos = (offset: number) => {
    const p = lineCounter.linePos(offset);
    return { line: p.line, column: p.col };
  };
  return { doc, pos };
}

/** The problem of a file too large to read: refused before parsing, so that it costs neither time nor memory. */
function sizeProblem(file: SourceFile): Problem | undefined {
  const bytes = Buffer.byteLength(file.text, 'utf8');
  if (bytes <= MAX_FILE_BYTES) return undefined;
  return {
    file: file.path,
    line: 1,
    column: 1,
    field: '',
    message: `is ${bytes} bytes; environment files are limited to ${MAX_FILE_BYTES} bytes (1 MiB), so this one was not read`,
  };
}

/** The document's data when it is a mapping; else undefined, after reporting what was found instead. */
function mappingOf(doc: Document, file: SourceFile, here: ProblemSink): object | undefined {
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    here.report([], `invalid YAML: ${(err as Error).message}`);
    return undefined;
  }
  if (data === null || data === undefined || typeof data !== 'object' || Array.isArray(data)) {
    const what = data === null || data === undefined ? emptyWords(file.text) : found(data);
    here.report([], `must be ${describeSchema(schemaRoot())} (found ${what})`);
    return undefined;
  }
  return data;
}

/** The limits the quick reader declines beyond, so that the slow path reports them at their position. */
const LIMITS = { string: MAX_STRING_LENGTH, collection: MAX_COLLECTION_SIZE };

/** Problems of syntax and duplicate keys, reported with `add`; true when there was one. */
function syntaxProblems(
  file: SourceFile,
  { doc, pos }: { doc: Document; pos: Positions },
  add: (at: { line: number; column: number }, path: FieldPath, message: string) => void,
): boolean {
  const messages = yamlMessages(doc, pos);
  for (const [offset, path, message] of messages) {
    const at = pos(offset);
    // The parser often stops at the line before the one indented wrong (a value that cannot take a mapping).
    const misplaced = message.startsWith('invalid YAML')
      ? [at.line, at.line + 1].flatMap((line) => indentationMessage(file.text, line) ?? [])[0]
      : undefined;
    if (misplaced) add({ line: misplaced.line, column: misplaced.column }, misplaced.path, misplaced.message);
    else add(at, path, message);
  }
  return messages.length > 0;
}

/**
 * The file's data, and whether a path was written in it (before any default); undefined after a problem. Most
 * files are read by the quick reader, without positions; the others are parsed with positions by `yaml`, which
 * finds and locates their problems.
 */
function readData(
  file: SourceFile,
  positions: () => { doc: Document; pos: Positions },
  add: (at: { line: number; column: number }, path: FieldPath, message: string) => void,
  here: ProblemSink,
): { data: object; written: (path: FieldPath) => boolean } | undefined {
  const quick = readBlockYaml(file.text, LIMITS);
  if (quick !== undefined) {
    const given = copyYaml(quick);
    return { data: quick, written: (path) => hasPath(given, path) };
  }
  const parsed = positions();
  if (syntaxProblems(file, parsed, add)) return undefined;
  const sizes = sizeMessages(parsed.doc.contents, []);
  for (const [offset, path, message] of sizes) add(parsed.pos(offset), path, message);
  if (sizes.length > 0) return undefined;
  const data = mappingOf(parsed.doc, file, here);
  return data && { data, written: (path) => parsed.doc.hasIn(path) };
}

/** One environment file: parsed, checked against the schema and every rule, defaults applied; undefined after a problem. */
function loadOne(file: SourceFile, problems: Problem[]): LoadedEnvironment | undefined {
  const tooLarge = sizeProblem(file);
  if (tooLarge) {
    problems.push(tooLarge);
    return undefined;
  }
  // Positions are parsed when first asked for, and dropped once the file is loaded (a thousand parsed documents
  // hold hundreds of MiB): a position asked for later, for a problem found while rendering, parses the text again.
  let parsed: { doc: Document; pos: Positions } | undefined;
  const positions = () => {
    parsed ??= parseWithPositions(file.text);
    return parsed;
  };
  const before = problems.length;
  const add = (at: { line: number; column: number }, path: FieldPath, message: string) =>
    problems.push({ file: file.path, ...at, field: fieldName(path), message });
  const locate = (path: FieldPath, atKey = false) => {
    const p = positions();
    return locateIn(p.doc, path, p.pos, atKey);
  };
  const warnings: Problem[] = [];
  const sink = (into: Problem[]): ProblemSink => ({
    report(path, message) {
      into.push({ file: file.path, ...locate(path), field: fieldName(path), message });
    },
    warn(path, message) {
      warnings.push({ file: file.path, ...locate(path), field: fieldName(path), message });
    },
  });
  const here = sink(problems);

  const read = readData(file, positions, add, here);
  if (!read) return undefined;
  const { data, written } = read;
  const validate = environmentValidator();
  const valid = validate(data);
  if (!valid) {
    for (const m of schemaMessages(validate.errors ?? [], data)) {
      add(locate(m.path, m.atKey), m.path, m.message);
    }
  }
  const name = (data as { name?: unknown }).name;
  const expected = environmentName(file.path);
  const nameIsValid = !problems.slice(before).some((p) => p.field === 'name');
  if (typeof name === 'string' && name !== expected && nameIsValid) {
    here.report(['name'], `must equal the file name "${expected}" (found "${name}")`);
  }
  if (!valid) return undefined;
  const env = data as Environment;
  inputRules(env, here);
  resourceRules(env, here);
  applyDerivedDefaults(env, written);
  crossFieldRules(env, here);
  inapplicableSettingRules(env, written, here);
  alertmanagerRules(env, here);
  if (problems.length > before) return undefined;
  parsed = undefined;
  return { file: file.path, env: deepFreeze(env), locate, sink, warnings };
}

/** Strings and collections beyond the limits, as [offset, field path, message], before anything is converted. */
function sizeMessages(node: unknown, path: FieldPath): [number, FieldPath, string][] {
  const out: [number, FieldPath, string][] = [];
  const at = (n: unknown) => (n as Node | undefined)?.range?.[0] ?? 0;
  if (isScalar(node)) {
    if (typeof node.value === 'string' && node.value.length > MAX_STRING_LENGTH) {
      out.push([
        at(node),
        path,
        `is ${node.value.length} characters long; strings are limited to ${MAX_STRING_LENGTH}`,
      ]);
    }
  } else if (isMap(node) || isSeq(node)) {
    if (node.items.length > MAX_COLLECTION_SIZE) {
      const what = isMap(node) ? 'entries' : 'items';
      out.push([at(node), path, `has ${node.items.length} ${what}; at most ${MAX_COLLECTION_SIZE} are accepted`]);
      return out;
    }
    node.items.forEach((item, i) => {
      if (isPair(item)) {
        const key = isScalar(item.key) ? String(item.key.value) : '?';
        out.push(...sizeMessages(item.key, [...path, key]), ...sizeMessages(item.value, [...path, key]));
      } else out.push(...sizeMessages(item, [...path, i]));
    });
  }
  return out;
}

/** What an empty document holds, in words: nothing at all, or only comments. */
function emptyWords(text: string): string {
  return /^\s*$/.test(text) ? 'an empty file' : 'only comments';
}

/**
 * Syntax errors and duplicate keys, as [offset, field path, message]. Syntax errors report one per line:
 * the parser often raises several for one mistake.
 */
function yamlMessages(doc: Document, pos: (offset: number) => { line: number }): [number, FieldPath, string][] {
  const out: [number, FieldPath, string][] = [];
  const lines = new Set<number>();
  for (const err of doc.errors) {
    const offset = err.pos[0];
    if (err.code === 'DUPLICATE_KEY') {
      const key = findKey(doc.contents, offset, []);
      const name = key ? key.path.at(-1) : undefined;
      const first = key?.firstOffset === undefined ? '' : ` (first at line ${pos(key.firstOffset).line})`;
      const what = name === undefined ? 'duplicate key' : `duplicate key ${JSON.stringify(name)}`;
      out.push([offset, key?.path ?? [], `${what}: each key may appear once in a mapping${first}`]);
      continue;
    }
    const line = pos(offset).line;
    if (lines.has(line)) continue;
    lines.add(line);
    out.push([offset, [], `invalid YAML: ${err.message.split('\n')[0]}`]);
  }
  return out;
}

/** A key line of the YAML text, as the indentation shows it: its column, key, path, and whether it is a list item. */
interface KeyLine {
  indent: number;
  path: FieldPath;
  line: number;
}

const KEY_LINE = /^( *)(- +)?([A-Za-z0-9_.-]+) *:(?: |$)/;

/**
 * The open keys (and list items) at `upTo`, read from the indentation alone: the chain of mappings a line below
 * them sits in. Lines that are not `key:` or `- key:` (values, block scalars, comments) are passed over.
 */
function openKeys(lines: readonly string[], upTo: number): KeyLine[] {
  const stack: KeyLine[] = [];
  const items = new Map<string, number>();
  for (let i = 0; i < upTo; i++) {
    const m = KEY_LINE.exec(lines[i] ?? '');
    if (!m) continue;
    const indent = (m[1] ?? '').length;
    while (stack.length > 0 && (stack.at(-1)?.indent ?? 0) >= indent) stack.pop();
    let parent = stack.at(-1)?.path ?? [];
    if (m[2]) {
      const id = JSON.stringify(parent);
      const index = (items.get(id) ?? -1) + 1;
      items.set(id, index);
      parent = [...parent, index];
      stack.push({ indent, path: parent, line: i + 1 });
    }
    const keyIndent = indent + (m[2]?.length ?? 0);
    stack.push({ indent: keyIndent, path: [...parent, m[3] ?? ''], line: i + 1 });
  }
  return stack;
}

/**
 * A YAML syntax error on a line whose key is indented wrong, said in the user's terms: which mapping the key
 * belongs to (from the schema), at what indentation its keys are, and where the user put it.
 */
function indentationMessage(
  text: string,
  line: number,
): { line: number; column: number; path: FieldPath; message: string } | undefined {
  const lines = text.split('\n');
  const m = KEY_LINE.exec(lines[line - 1] ?? '');
  if (!m) return undefined;
  const key = m[3] ?? '';
  const indent = (m[1] ?? '').length + (m[2]?.length ?? 0);
  const open = openKeys(lines, line - 1);
  const owner = [...open].reverse().find((o) => Object.hasOwn(propertiesAt(o.path), key));
  if (!owner) return undefined;
  const sibling = open.find((o) => o.path.length === owner.path.length + 1 && o.indent > owner.indent);
  const childIndent = sibling?.indent ?? owner.indent + 2;
  const where = sibling ? ` (like \`${String(sibling.path.at(-1))}\` on line ${sibling.line})` : '';
  if (indent === childIndent) return undefined; // this line is where it belongs
  const name = owner.path.length === 0 ? 'the top level' : `\`${fieldName(owner.path)}\``;
  return {
    line,
    column: indent + 1,
    path: [...owner.path, key],
    message:
      `\`${key}\` is an option of ${name}, whose keys are indented ${childIndent} spaces${where}; ` +
      `it is indented ${indent} here, which YAML cannot read (${indent > childIndent ? 'too deep' : 'too shallow'})`,
  };
}

/** The path of the mapping key that starts at `offset`, and where the same key first appears in its mapping. */
function findKey(
  node: unknown,
  offset: number,
  path: FieldPath,
): { path: FieldPath; firstOffset?: number } | undefined {
  if (isMap(node)) {
    for (const pair of node.items) {
      const key = isScalar(pair.key) ? pair.key : undefined;
      const name = key ? String(key.value) : '?';
      if (key?.range?.[0] === offset) {
        const first = node.items.find((p) => isScalar(p.key) && String(p.key.value) === name);
        const firstOffset = isScalar(first?.key) ? first.key.range?.[0] : undefined;
        return { path: [...path, name], ...(firstOffset === offset ? {} : { firstOffset }) };
      }
      const inner = findKey(pair.value, offset, [...path, name]);
      if (inner) return inner;
    }
  } else if (isSeq(node)) {
    for (const [i, item] of node.items.entries()) {
      const inner = findKey(item, offset, [...path, i]);
      if (inner) return inner;
    }
  }
  return undefined;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

/**
 * Line and column of a field: of its value when that is a scalar, else of its key; of the closest existing
 * parent when the field is missing. With `atKey`, of the field's key even when the value is a scalar.
 */
function locateIn(
  doc: Document,
  path: FieldPath,
  pos: (offset: number) => { line: number; column: number },
  atKey = false,
): { line: number; column: number } {
  let node: unknown = doc.contents;
  let best = node && (node as Node).range ? pos((node as Node).range?.[0] ?? 0) : { line: 1, column: 1 };
  for (const part of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(part));
      if (!pair) return best;
      const keyNode = pair.key as Node;
      best = pos(keyNode.range?.[0] ?? 0);
      node = pair.value;
      if (isScalar(node) && node.range && !atKey) best = pos(node.range[0]);
    } else if (isSeq(node) && typeof part === 'number') {
      const item = node.items[part] as Node | undefined;
      if (!item) return best;
      if (item.range) best = pos(item.range[0]);
      node = item;
    } else return best;
  }
  return best;
}

interface SchemaMessage {
  path: FieldPath;
  message: string;
  /** Point at the key rather than at the value (unknown fields). */
  atKey?: boolean;
}

/** Turns ajv errors into one message per field, each saying what was expected and what was found. */
function schemaMessages(errors: ErrorObject[], data: unknown): SchemaMessage[] {
  const out: SchemaMessage[] = [];
  const valueErrorsAt = new Set<string>();
  for (const e of errors) {
    const path = pointerToPath(e.instancePath, data);
    // `if`/`then` only says that its `then` failed, which the `required` error of that branch already names.
    if (e.keyword === 'if') continue;
    if (e.keyword === 'additionalProperties') {
      const key = String((e.params as { additionalProperty: string }).additionalProperty);
      const keys = schemaAt(schemaRoot(), path)?.patternProperties as Record<string, unknown> | undefined;
      const keyPattern = keys ? Object.keys(keys)[0] : undefined;
      const message = keyPattern
        ? `key must be ${describeSchema({ type: 'string', pattern: keyPattern })} (found ${found(key)})`
        : unknownFieldMessage(key, path, data);
      out.push({ path: [...path, key], message, atKey: true });
    } else if (e.keyword === 'required') {
      const key = String((e.params as { missingProperty: string }).missingProperty);
      const schema = schemaAt(schemaRoot(), [...path, key]);
      out.push({ path: [...path, key], message: `is required: must be ${describeSchema(schema)} (found nothing)` });
    } else {
      // Value errors: one message per field, from the field's own schema (branch errors of unions included).
      const key = JSON.stringify(path);
      if (valueErrorsAt.has(key)) continue;
      valueErrorsAt.add(key);
      const schema = schemaAt(schemaRoot(), path);
      out.push({ path, message: `must be ${describeSchema(schema)} (found ${foundFor(valueAt(data, path), schema)})` });
    }
  }
  return out;
}

function unknownFieldMessage(key: string, parent: FieldPath, data?: unknown): string {
  const known = Object.keys(propertiesAt(parent));
  const misplaced = data === undefined ? undefined : indentedOutOf(key, parent, data);
  if (misplaced) return misplaced;
  if (known.length === 0) return `unknown field ${JSON.stringify(key)}: this mapping takes no fields`;
  const guess = closest(key, known);
  const hint = guess ? ` (did you mean ${JSON.stringify(guess)}?)` : '';
  return `unknown field ${JSON.stringify(key)}${hint}; expected one of: ${known.join(', ')}`;
}

/** A field path as the user reads it: `storeGateway`, `receive.hashrings[0]`, or "top-level". */
function pathWords(path: FieldPath): string {
  return path.length === 0 ? 'a top-level key' : `a key of \`${fieldName(path)}\``;
}

/**
 * An unknown key that is an option of the mapping written just before it (the previous key of its own mapping, or
 * a mapping inside that one): the mistake is the indentation, so say where the key belongs.
 */
function indentedOutOf(key: string, parent: FieldPath, data: unknown): string | undefined {
  const here = valueAt(data, parent);
  if (!here || typeof here !== 'object' || Array.isArray(here)) return undefined;
  const keys = Object.keys(here);
  const before = keys[keys.indexOf(key) - 1];
  if (before === undefined) return undefined;
  let path: FieldPath = [...parent, before];
  for (let depth = 0; depth < 4; depth++) {
    if (Object.hasOwn(propertiesAt(path), key)) {
      return (
        `\`${key}\` is an option of \`${fieldName(path)}\`; it is indented as ${pathWords(parent)} here ` +
        `(indent it under \`${String(path.at(-1))}\`)`
      );
    }
    const inner = valueAt(data, path);
    const last = Array.isArray(inner) ? inner.length - 1 : -1;
    const next = Array.isArray(inner)
      ? last
      : inner && typeof inner === 'object'
        ? Object.keys(inner).at(-1)
        : undefined;
    if (next === undefined || next === -1) return undefined;
    path = [...path, next];
  }
  return undefined;
}

function propertiesAt(path: FieldPath): Record<string, unknown> {
  const schema = schemaAt(schemaRoot(), path) as { properties?: Record<string, unknown> } | undefined;
  return schema?.properties ?? {};
}

/** A JSON pointer as a field path: a segment is an index only inside a list (a label key may be `"0"`). */
function pointerToPath(pointer: string, data: unknown): FieldPath {
  if (pointer === '') return [];
  const path: (string | number)[] = [];
  let cur: unknown = data;
  for (const raw of pointer.slice(1).split('/')) {
    const p = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    const part = Array.isArray(cur) && /^[0-9]+$/.test(p) ? Number(p) : p;
    path.push(part);
    cur = cur && typeof cur === 'object' ? (cur as Record<string, unknown>)[p] : undefined;
  }
  return path;
}

function valueAt(data: unknown, path: FieldPath): unknown {
  let cur: unknown = data;
  for (const p of path) cur = cur && typeof cur === 'object' ? (cur as Record<string, unknown>)[p] : undefined;
  return cur;
}

/** The found value in words. */
function found(value: unknown): string {
  if (value === null || value === undefined) return 'no value';
  if (Array.isArray(value)) return value.length === 0 ? 'an empty list' : 'a list';
  if (typeof value === 'object') return Object.keys(value).length === 0 ? 'an empty mapping' : 'a mapping';
  if (typeof value === 'string' && value.length > 80) return `${JSON.stringify(value.slice(0, 60)).slice(0, -1)}…"`;
  return JSON.stringify(value);
}

/** The found value, with what makes it wrong when that is not obvious from the value itself. */
function foundFor(value: unknown, schema: Record<string, unknown> | undefined): string {
  const words = found(value);
  if (schema?.type === 'string' && (typeof value === 'number' || typeof value === 'boolean')) {
    // YAML reads 123456789012, 1.10 or `on` unquoted as a number or a boolean. Quoting helps only when the
    // quoted text is valid: `storage: 100` quoted would still lack its unit, so that hint would lead nowhere.
    const pattern = schema.pattern as string | undefined;
    if (pattern !== undefined && !new RegExp(pattern, 'u').test(String(value))) return `${words}, a ${typeof value}`;
    return `${words}, a ${typeof value}: quote it to make it a string`;
  }
  const max = schema?.maxLength as number | undefined;
  if (typeof value === 'string' && max !== undefined && value.length > max)
    return `${words}, ${value.length} characters`;
  return words;
}

/** The known key closest to `key` by edit distance, when it is close enough to be a typo. */
export function closest(key: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const k of known) {
    const d = editDistance(key.toLowerCase(), k.toLowerCase());
    if (d < bestDistance) {
      bestDistance = d;
      best = k;
    }
  }
  const limit = Math.max(2, Math.floor(key.length / 3));
  return bestDistance <= limit ? best : undefined;
}

export { InvalidEnvironmentError };
