/**
 * Environment files in, validated and fully defaulted environments out, or every problem of every file
 * with its file, line, column and field path.
 */
import { basename } from 'node:path';
import { Ajv, type ErrorObject } from 'ajv';
import * as formatsModule from 'ajv-formats';
import { type Document, isMap, isPair, isScalar, isSeq, LineCounter, type Node, parseDocument } from 'yaml';
import { applyDerivedDefaults } from './defaults.js';
import { type FieldPath, fieldName, InvalidEnvironmentError, type Problem, type ProblemSink } from './problems.js';
import { crossFieldRules } from './rules.js';
import { describeSchema, schemaAt } from './schema/describe.js';
import { type Environment, EnvironmentSchema } from './schema/environment.js';
import { editorSchema } from './schema/export.js';

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
}

type AddFormats = (ajv: Ajv) => Ajv;
const addFormats = ((formatsModule as unknown as { default?: AddFormats }).default ??
  (formatsModule as unknown as AddFormats)) as AddFormats;

let compiled: ReturnType<Ajv['compile']> | undefined;
function validator() {
  if (!compiled) {
    const ajv = new Ajv({ strict: true, allErrors: true, useDefaults: true, allowUnionTypes: true });
    addFormats(ajv);
    compiled = ajv.compile(editorSchema());
  }
  return compiled;
}

/** Loads and validates every file; throws InvalidEnvironmentError listing all problems of all files. */
export function loadEnvironments(files: readonly SourceFile[]): LoadedEnvironment[] {
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
        message: `environment name "${l.env.name}" is already used by ${other.file}`,
      });
    } else seen.set(l.env.name, l);
  }
  if (problems.length > 0) throw new InvalidEnvironmentError(sortProblems(problems));
  return loaded;
}

export function sortProblems(problems: Problem[]): Problem[] {
  return [...problems].sort(
    (a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column || a.field.localeCompare(b.field),
  );
}

function loadOne(file: SourceFile, problems: Problem[]): LoadedEnvironment | undefined {
  const lineCounter = new LineCounter();
  const doc = parseDocument(file.text, { lineCounter, uniqueKeys: true, prettyErrors: false, strict: true });
  const pos = (offset: number) => {
    const p = lineCounter.linePos(offset);
    return { line: p.line, column: p.col };
  };
  const before = problems.length;
  for (const err of doc.errors) {
    const message =
      err.code === 'DUPLICATE_KEY'
        ? `duplicate key: ${err.message.replace(/^Map keys must be unique.*$/s, 'each key may appear once in a mapping')}`
        : `invalid YAML: ${err.message.split('\n')[0]}`;
    problems.push({ file: file.path, ...pos(err.pos[0]), field: '', message });
  }
  if (problems.length > before) return undefined;
  const locate = (path: FieldPath) => locateIn(doc, path, pos);
  const sink = (into: Problem[]): ProblemSink => ({
    report(path, message) {
      into.push({ file: file.path, ...locate(path), field: fieldName(path), message });
    },
  });
  const here = sink(problems);

  const data: unknown = doc.toJS({ maxAliasCount: 100 });
  if (data === null || data === undefined) {
    here.report([], 'the file is empty: expected a mapping with at least `name`, `cluster` and `objectStorage`');
    return undefined;
  }
  if (typeof data !== 'object' || Array.isArray(data)) {
    here.report([], `expected a mapping at the top level (found ${Array.isArray(data) ? 'a list' : 'a scalar'})`);
    return undefined;
  }
  const validate = validator();
  if (!validate(data)) {
    for (const [path, message] of schemaMessages(validate.errors ?? [], data)) here.report(path, message);
    return undefined;
  }
  const env = data as Environment;
  const expected = basename(file.path).replace(/\.ya?ml$/, '');
  if (env.name !== expected) {
    here.report(['name'], `must equal the file name "${expected}" (found "${env.name}")`);
  }
  applyDerivedDefaults(env);
  crossFieldRules(env, here);
  if (problems.length > before) return undefined;
  return { file: file.path, env: deepFreeze(env), locate, sink };
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

function locateIn(
  doc: Document,
  path: FieldPath,
  pos: (offset: number) => { line: number; column: number },
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
      // Point at the value for scalars, at the key for collections and for missing values.
      if (isScalar(node) && node.range) best = pos(node.range[0]);
    } else if (isSeq(node) && typeof part === 'number') {
      const item = node.items[part] as Node | undefined;
      if (!item) return best;
      if (item.range) best = pos(item.range[0]);
      node = item;
    } else return best;
  }
  return best;
}

const SHOWN_KEYWORDS = new Set(['required', 'additionalProperties']);

/** Turns ajv errors into one message per field, each saying what was expected and what was found. */
function schemaMessages(errors: ErrorObject[], data: unknown): [FieldPath, string][] {
  const out: [FieldPath, string][] = [];
  const valueErrorsAt = new Set<string>();
  for (const e of errors) {
    const path = pointerToPath(e.instancePath);
    if (e.keyword === 'additionalProperties') {
      const key = String((e.params as { additionalProperty: string }).additionalProperty);
      const known = Object.keys(propertiesAt(path));
      const guess = closest(key, known);
      out.push([
        [...path, key],
        `unknown field "${key}"${guess ? ` (did you mean "${guess}"?)` : ''}; expected one of: ${known.join(', ')}`,
      ]);
    } else if (e.keyword === 'required') {
      const key = String((e.params as { missingProperty: string }).missingProperty);
      const schema = schemaAt(EnvironmentSchema, [...path, key]);
      out.push([path, `missing required field "${key}" (${describeSchema(schema)})`]);
    } else if (!SHOWN_KEYWORDS.has(e.keyword)) {
      // Value errors: one message per field, from the field's own schema (branch errors of unions included).
      const fieldPath = path;
      const key = JSON.stringify(fieldPath);
      if (valueErrorsAt.has(key)) continue;
      valueErrorsAt.add(key);
      const schema = schemaAt(EnvironmentSchema, fieldPath);
      out.push([fieldPath, `must be ${describeSchema(schema)} (found ${found(valueAt(data, fieldPath))})`]);
    }
  }
  return out;
}

function propertiesAt(path: FieldPath): Record<string, unknown> {
  const schema = schemaAt(EnvironmentSchema, path) as { properties?: Record<string, unknown> } | undefined;
  return schema?.properties ?? {};
}

function pointerToPath(pointer: string): FieldPath {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((p) => (/^[0-9]+$/.test(p) ? Number(p) : p));
}

function valueAt(data: unknown, path: FieldPath): unknown {
  let cur: unknown = data;
  for (const p of path) cur = cur && typeof cur === 'object' ? (cur as Record<string, unknown>)[p] : undefined;
  return cur;
}

function found(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return JSON.stringify(value);
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

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0] ?? 0;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j] ?? 0;
      row[j] = Math.min((row[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length] ?? 0;
}

export { InvalidEnvironmentError };
