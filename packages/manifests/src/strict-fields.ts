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
  walk(obj, root, [], found);
  return found;
}

/**
 * `path` holds the keys and list indexes from the root to `value`; it becomes text only for an unknown field (the
 * walk visits every field of every object, and nearly all of them are known).
 */
function walk(value: unknown, ref: FieldRef, path: (string | number)[], found: string[]): void {
  if (ref === null || ref === '*' || value === null || typeof value !== 'object') return;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      path.push(i);
      walk(value[i], ref, path, found);
      path.pop();
    }
    return;
  }
  const fields = typeof ref === 'string' ? known.types[ref] : undefined;
  if (typeof ref === 'string' && fields === undefined) {
    throw new Error(`known-fields.json: type ${ref} is referenced but not described`);
  }
  const obj = value as Record<string, unknown>;
  for (const k of Object.keys(obj)) {
    path.push(k);
    if (fields === undefined) walk(obj[k], (ref as { '*': FieldRef })['*'], path, found);
    else if (own(fields, k)) walk(obj[k], fields[k] as FieldRef, path, found);
    else found.push(pathText(path));
    path.pop();
  }
}

/** `spec.containers[0].name`; keys that are not identifiers are written `["a.b/c"]`. */
function pathText(path: readonly (string | number)[]): string {
  let out = '';
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else if (!/^[A-Za-z_$][\w$]*$/.test(p)) out += `[${JSON.stringify(p)}]`;
    else out += out === '' ? p : `.${p}`;
  }
  return out;
}
