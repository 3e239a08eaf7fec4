/**
 * The environment's Kustomize patches applied in memory, as `kustomize build` applies them, so that what the
 * patches produce is checked before anything is written (validation, credentials, security posture). JSON6902
 * patches follow RFC 6902 exactly. Strategic-merge patches follow kustomize's merge: mappings merge, `null`
 * deletes a key, lists of mappings merge by their key (`name`, `mountPath`, `containerPort`, … as kustomize
 * infers them; Service ports by `port`), other lists are replaced, `$patch: delete` / `$patch: replace` are
 * honoured. The real kustomize is compared with this in packages/cli/test/patch-checks.test.ts.
 */
import { parseAllDocuments } from 'yaml';

// biome-ignore lint/suspicious/noExplicitAny: objects of any kind, as plain data
type Plain = Record<string, any>;

/** The keys kustomize merges lists of mappings by, in the order it tries them. */
const MERGE_KEYS = ['mountPath', 'devicePath', 'ip', 'type', 'topologyKey', 'name', 'containerPort'];

/** The patch text as data: a list of JSON6902 operations or a strategic-merge mapping. */
export function patchData(text: string): unknown {
  const doc = parseAllDocuments(text).find((d) => !Array.isArray(d) && d.contents !== null);
  return doc && !Array.isArray(doc) ? doc.toJS() : undefined;
}

const unescapeToken = (s: string) => s.replace(/~1/g, '/').replace(/~0/g, '~');

function pointer(path: string): string[] {
  if (path === '') return [];
  if (!path.startsWith('/')) throw new Error(`path ${JSON.stringify(path)} is not a JSON pointer`);
  return path.slice(1).split('/').map(unescapeToken);
}

/** The container of the last token of `path`, and that token; throws when the container does not exist. */
function parentOf(root: Plain, path: string): { parent: Plain | unknown[]; key: string } {
  const tokens = pointer(path);
  const key = tokens.pop();
  if (key === undefined) throw new Error('the whole document cannot be replaced by a JSON6902 operation here');
  let node: unknown = root;
  for (const t of tokens) {
    node = node && typeof node === 'object' ? (node as Plain)[t] : undefined;
    if (node === undefined || node === null) throw new Error(`path ${path} does not exist (no ${t})`);
  }
  if (!node || typeof node !== 'object') throw new Error(`path ${path} does not exist`);
  return { parent: node as Plain, key };
}

function getAt(root: Plain, path: string): unknown {
  const { parent, key } = parentOf(root, path);
  const v = (parent as Plain)[key];
  if (v === undefined) throw new Error(`path ${path} does not exist`);
  return v;
}

function removeAt(root: Plain, path: string): unknown {
  const { parent, key } = parentOf(root, path);
  const v = getAt(root, path);
  if (Array.isArray(parent)) parent.splice(Number(key), 1);
  else delete (parent as Plain)[key];
  return v;
}

function addAt(root: Plain, path: string, value: unknown, replace: boolean): void {
  const { parent, key } = parentOf(root, path);
  if (replace) getAt(root, path);
  if (Array.isArray(parent)) {
    const i = key === '-' ? parent.length : Number(key);
    if (!Number.isInteger(i) || i < 0 || i > parent.length) throw new Error(`index ${key} is out of range`);
    parent.splice(i, replace ? 1 : 0, structuredClone(value));
  } else (parent as Plain)[key] = structuredClone(value);
}

/** `obj` with the JSON6902 operations applied (a copy); throws with the operation's number when one fails. */
export function applyJson6902(obj: Plain, ops: readonly Plain[]): Plain {
  const out = structuredClone(obj);
  ops.forEach((op, j) => {
    try {
      const path = String(op.path);
      if (op.op === 'add' || op.op === 'replace') addAt(out, path, op.value, op.op === 'replace');
      else if (op.op === 'remove') removeAt(out, path);
      else if (op.op === 'move') addAt(out, path, removeAt(out, String(op.from)), false);
      else if (op.op === 'copy') addAt(out, path, getAt(out, String(op.from)), false);
      else if (op.op === 'test' && JSON.stringify(getAt(out, path)) !== JSON.stringify(op.value)) {
        throw new Error(`test of ${path} failed`);
      }
    } catch (err) {
      throw new Error(`operation ${j + 1} (${op.op} ${op.path}): ${(err as Error).message}`);
    }
  });
  return out;
}

const isMap = (v: unknown): v is Plain => v !== null && typeof v === 'object' && !Array.isArray(v);

/** The key a list of mappings merges by, or undefined (the list is replaced). */
function mergeKey(field: string, a: readonly unknown[], b: readonly unknown[]): string | undefined {
  const all = [...a, ...b];
  if (all.length === 0 || !all.every(isMap)) return undefined;
  if (field === 'ports' && all.every((e) => 'port' in e && !('containerPort' in e))) return 'port';
  return MERGE_KEYS.find((k) => all.every((e) => k in e || e.$patch === 'delete'));
}

function mergeList(field: string, target: unknown[], patch: unknown[]): unknown[] {
  const key = mergeKey(field, target, patch);
  if (key === undefined) return structuredClone(patch.filter((e) => !(isMap(e) && e.$patch !== undefined)));
  const out = structuredClone(target) as Plain[];
  for (const p of patch as Plain[]) {
    const i = out.findIndex((e) => e[key] === p[key]);
    if (p.$patch === 'delete') {
      if (i >= 0) out.splice(i, 1);
    } else if (i >= 0) out[i] = mergeMap(out[i] ?? {}, p);
    else out.push(mergeMap({}, p));
  }
  return out;
}

function mergeMap(target: Plain, patch: Plain): Plain {
  if (patch.$patch === 'replace') {
    const { $patch: _, ...rest } = patch;
    return structuredClone(rest);
  }
  const out = structuredClone(target);
  for (const [k, v] of Object.entries(patch)) {
    if (k.startsWith('$')) continue;
    if (v === null) delete out[k];
    else if (isMap(v) && v.$patch === 'delete') delete out[k];
    else if (isMap(v) && isMap(out[k])) out[k] = mergeMap(out[k], v);
    else if (Array.isArray(v) && Array.isArray(out[k])) out[k] = mergeList(k, out[k], v);
    else if (isMap(v)) out[k] = mergeMap({}, v);
    else out[k] = structuredClone(v);
  }
  return out;
}

/** `obj` with a strategic-merge patch applied (a copy), or undefined when the patch deletes it. */
export function strategicMerge(obj: Plain, patch: Plain): Plain | undefined {
  if (patch.$patch === 'delete') return undefined;
  return mergeMap(obj, patch);
}
