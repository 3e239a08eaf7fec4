// Rejects unknown fields in Kubernetes objects. The kubernetes-models validate() checks types and required fields
// but lets any extra field through (and the API server drops such a field, at most with a warning).
// The allowed field names come from src/data/known-fields.json, generated from the packages' type declarations by
// scripts/known-fields.mjs (rerun it after upgrading kubernetes-models or adding a kind there).
import data from './data/known-fields.json' with { type: 'json' };

/**
 * What a field holds: null = scalar or free-form value, a type name = an object with fixed fields,
 * '*' = a map with any keys and free values, { '*': ref } = a map whose values are `ref`. Arrays are unwrapped.
 */
type FieldRef = null | string | { '*': FieldRef };

interface KnownFields {
  kinds: Record<string, string>;
  types: Record<string, Record<string, FieldRef>>;
}

const known = data as unknown as KnownFields;
const own = (o: object, key: string): boolean => Object.hasOwn(o, key);

/** Whether the allowed fields of `apiVersion`/`kind` are known, i.e. unknownFields() can check such objects. */
export function hasKnownFields(apiVersion: string, kind: string): boolean {
  return own(known.kinds, `${apiVersion}/${kind}`);
}

/**
 * The paths of all fields of `obj` that its kind does not define, in document order, e.g.
 * `spec.template.spec.containers[0].imagePullPolicyy`; keys that are not identifiers are written `["a.b/c"]`.
 * Empty when every field is known. Only field names are checked (an unknown field is reported even when its value
 * is undefined); types, values and required fields are validate()'s job. Works on plain objects and model instances.
 * Throws for an apiVersion/kind that has no description (see hasKnownFields).
 */
export function unknownFields(obj: { apiVersion: string; kind: string } & Record<string, unknown>): string[] {
  const key = `${obj.apiVersion}/${obj.kind}`;
  const root = own(known.kinds, key) ? known.kinds[key] : undefined;
  if (root === undefined) {
    throw new Error(
      `no known fields for apiVersion ${JSON.stringify(obj.apiVersion)} kind ${JSON.stringify(obj.kind)}; ` +
        'add the kind to packages/manifests/scripts/known-fields.mjs and rerun it',
    );
  }
  const found: string[] = [];
  walk(obj, root, '', found);
  return found;
}

function walk(value: unknown, ref: FieldRef, path: string, found: string[]): void {
  if (ref === null || ref === '*' || value === null || typeof value !== 'object') return;
  if (Array.isArray(value)) {
    value.forEach((item, i) => {
      walk(item, ref, `${path}[${i}]`, found);
    });
    return;
  }
  const entries = Object.entries(value as Record<string, unknown>);
  if (typeof ref !== 'string') {
    for (const [k, v] of entries) walk(v, ref['*'], join(path, k), found);
    return;
  }
  const fields = known.types[ref];
  if (fields === undefined) throw new Error(`known-fields.json: type ${ref} is referenced but not described`);
  for (const [k, v] of entries) {
    const field = own(fields, k) ? fields[k] : undefined;
    if (field === undefined) found.push(join(path, k));
    else walk(v, field, join(path, k), found);
  }
}

function join(path: string, key: string): string {
  if (!/^[A-Za-z_$][\w$]*$/.test(key)) return `${path}[${JSON.stringify(key)}]`;
  return path === '' ? key : `${path}.${key}`;
}
