/**
 * The JSON Schema as editors and ajv see it: identical to the TypeBox definition, except that a field
 * with a default is not listed as required (the TypeScript type keeps it required, since defaults fill it).
 */
import { EnvironmentSchema } from './environment.js';

export function editorSchema(): Record<string, unknown> {
  return relax(JSON.parse(JSON.stringify(EnvironmentSchema))) as Record<string, unknown>;
}

function relax(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(relax);
  if (!node || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) out[k] = relax(v);
  const props = out.properties as Record<string, Record<string, unknown>> | undefined;
  if (props && Array.isArray(out.required)) {
    const required = (out.required as string[]).filter((name) => !(props[name] && 'default' in props[name]));
    if (required.length > 0) out.required = required;
    else delete out.required;
  }
  return out;
}

/** The exported file's text: `schema/environment.schema.json`. */
export function editorSchemaText(): string {
  const schema = { $schema: 'http://json-schema.org/draft-07/schema#', ...editorSchema() };
  return `${JSON.stringify(schema, null, 2)}\n`;
}
