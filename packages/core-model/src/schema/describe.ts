/** Plain-words descriptions of schema fragments, for error messages ("an integer >= 1"). */
import type { FieldPath } from '../problems.js';
import { DNS_LABEL, DURATION, QUANTITY } from './common.js';

type Schema = Record<string, unknown>;

const PATTERN_WORDS: Record<string, string> = {
  [DNS_LABEL]: "a DNS-1123 label (lower-case letters, digits and '-', starting and ending with a letter or digit)",
  [DURATION]: 'a duration such as 15d, 6h or 2h30m',
  [QUANTITY]: 'a quantity such as 500m, 2, 512Mi or 50Gi',
};

/** The schema that governs a path of the document, walking properties, items and records. */
export function schemaAt(root: unknown, path: FieldPath): Schema | undefined {
  let cur = root as Schema | undefined;
  for (const part of path) {
    if (!cur) return undefined;
    const props = cur.properties as Record<string, Schema> | undefined;
    if (typeof part === 'string' && props?.[part]) cur = props[part];
    else if (typeof part === 'number' && cur.items) cur = cur.items as Schema;
    else if (cur.patternProperties) cur = Object.values(cur.patternProperties as Record<string, Schema>)[0];
    else return undefined;
  }
  return cur;
}

export function describeSchema(schema: Schema | undefined): string {
  if (!schema) return 'a known field';
  if ('const' in schema) return JSON.stringify(schema.const);
  const anyOf = schema.anyOf as Schema[] | undefined;
  if (anyOf?.every((s) => 'const' in s)) return `one of ${anyOf.map((s) => JSON.stringify(s.const)).join(', ')}`;
  if (anyOf) return anyOf.map(describeSchema).join(' or ');
  switch (schema.type) {
    case 'integer':
    case 'number':
      return numberWords(schema);
    case 'boolean':
      return 'true or false';
    case 'array':
      return listWords(schema);
    case 'object':
      return 'a mapping';
    case 'string':
      return stringWords(schema);
    default:
      return 'a value';
  }
}

function numberWords(s: Schema): string {
  const noun = s.type === 'integer' ? 'an integer' : 'a number';
  const min = s.minimum as number | undefined;
  const max = s.maximum as number | undefined;
  if (min !== undefined && max !== undefined) return `${noun} between ${min} and ${max}`;
  if (min !== undefined) return `${noun} >= ${min}`;
  if (max !== undefined) return `${noun} <= ${max}`;
  return noun;
}

function listWords(s: Schema): string {
  const min = s.minItems as number | undefined;
  const items = s.items ? describeSchema(s.items as Schema) : 'values';
  return `a list${min ? ` of at least ${min}` : ''} of ${items.replace(/^(a|an) /, '')}${min || items.startsWith('one of') ? '' : 's'}`.replace(
    /ss$/,
    's',
  );
}

function stringWords(s: Schema): string {
  const pattern = s.pattern as string | undefined;
  let words = pattern ? (PATTERN_WORDS[pattern] ?? `a string matching /${pattern}/`) : 'a string';
  const max = s.maxLength as number | undefined;
  const min = s.minLength as number | undefined;
  if (max !== undefined) words += ` of at most ${max} characters`;
  else if (min !== undefined && min > 0 && !pattern) words += ' (not empty)';
  return words;
}
