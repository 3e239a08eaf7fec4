/**
 * What `kustomize build` makes of a folder the generator wrote, built in memory: the `resources` of its
 * `kustomization.yaml` parsed in order, then its `patches` applied by `patchChecks` (the one patch applier `render`
 * checks patches with, compared with the real kustomize in packages/cli/test/built-tree.test.ts). Only the
 * kustomizations the generator writes are built here (`apiVersion`, `kind`, `resources` naming files of the folder,
 * inline `patches` targeting a kind and a name); anything else is left to the real kustomize.
 *
 * For `diff`, only what can differ is built: without patches, a resource file with the same text on both sides
 * builds to the same objects on both sides, which the review would find unchanged; it is left out of both (not
 * parsed), but for the objects the review reads restarts from (its rollout context, told from the file's `kind:`).
 */
import { KUSTOMIZATION_FILE } from '@thanos-gitops/output';
import type { ProblemSink } from '@thanos-gitops/problems';
import type { Environment } from '@thanos-gitops/schema';
import { parse, parseAllDocuments } from 'yaml';
import { patchChecks } from './patch-checks.js';
import { inRolloutContext, ROLLOUT_KINDS, type RolloutContext } from './review.js';

// biome-ignore lint/suspicious/noExplicitAny: objects of any kind, as plain data
type Plain = Record<string, any>;

/** A kustomization of the shape the generator writes. */
export interface PlainKustomization {
  resources: string[];
  patches: { target: { kind: string; name?: string }; patch: string }[];
}

const isMap = (v: unknown): v is Plain => v !== null && typeof v === 'object' && !Array.isArray(v);
const onlyKeys = (o: Plain, keys: readonly string[]) => Object.keys(o).every((k) => keys.includes(k));

function plainPatch(p: unknown): p is PlainKustomization['patches'][number] {
  if (!isMap(p) || !onlyKeys(p, ['target', 'patch']) || typeof p.patch !== 'string') return false;
  const t = p.target;
  return (
    isMap(t) &&
    onlyKeys(t, ['kind', 'name']) &&
    typeof t.kind === 'string' &&
    ['string', 'undefined'].includes(typeof t.name)
  );
}

/** A resource path the in-memory build reads: a file of the folder, no folder, URL or path outside it. */
const plainResource = (r: unknown, files: ReadonlyMap<string, string>): r is string =>
  typeof r === 'string' && files.has(r) && !r.startsWith('/') && !r.split('/').includes('..');

/**
 * The folder's kustomization when it is one the in-memory build handles; undefined when there is none or it uses
 * anything else (the real kustomize must build it).
 */
export function plainKustomization(files: ReadonlyMap<string, string>): PlainKustomization | undefined {
  const text = files.get(KUSTOMIZATION_FILE);
  if (text === undefined) return undefined;
  let k: unknown;
  try {
    k = parse(text);
  } catch {
    return undefined;
  }
  if (!isMap(k) || !onlyKeys(k, ['apiVersion', 'kind', 'resources', 'patches'])) return undefined;
  if (k.apiVersion !== 'kustomize.config.k8s.io/v1beta1' || k.kind !== 'Kustomization') return undefined;
  const resources: unknown = k.resources ?? [];
  const patches: unknown = k.patches ?? [];
  if (!Array.isArray(resources) || !resources.every((r) => plainResource(r, files))) return undefined;
  if (!Array.isArray(patches) || !patches.every(plainPatch)) return undefined;
  return { resources, patches };
}

/** Patch problems are `render`'s to report; building applies the patches and reports nothing. */
const QUIET: ProblemSink = { report: () => undefined };

/** The objects of YAML text, as kustomize reads a resource file (empty documents skipped). */
export function documentObjects(text: string): Plain[] {
  return parseAllDocuments(text)
    .map((d) => d.toJS() as unknown)
    .filter(isMap);
}

/** The objects `kustomize build` makes of `files` under `k`, with their keys in kustomize's order. */
export function buildInMemory(files: ReadonlyMap<string, string>, k: PlainKustomization): Plain[] {
  const objects = k.resources.flatMap((r) => documentObjects(files.get(r) ?? ''));
  if (k.patches.length === 0) return objects.map((o) => sortedKeys(o) as Plain);
  const env = { patches: k.patches.map((p) => ({ ...p, acknowledge: [] })) } as unknown as Environment;
  return patchChecks(env, objects, QUIET, () => true).map((o) => sortedKeys(o) as Plain);
}

/** Kustomize prints every mapping with its keys sorted: built objects are given the same order. */
function sortedKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortedKeys);
  if (!isMap(v)) return v;
  const out: Plain = {};
  for (const k of Object.keys(v).sort()) out[k] = sortedKeys(v[k]);
  return out;
}

/** The kinds a generated file's top-level `kind:` lines name; undefined when it has none (not told by text). */
function kindsOf(text: string): string[] | undefined {
  const kinds = [...text.matchAll(/^kind: *([A-Za-z0-9]+) *$/gm)].map((m) => m[1] as string);
  return kinds.length > 0 ? kinds : undefined;
}

/** Whether a resource file can hold an object of the rollout context (told from its text, without parsing it). */
function mayBeContext(text: string): boolean {
  const kinds = kindsOf(text);
  if (kinds === undefined) return true;
  return kinds.some((k) => ROLLOUT_KINDS.includes(k) || (k === 'ConfigMap' && text.includes(HASHRINGS)));
}

const HASHRINGS = 'hashrings.json';

/** A rendered object as parsing its YAML text gives it: JSON data (no undefined), keys in kustomize's order. */
const asParsed = (o: object): Plain => sortedKeys(JSON.parse(JSON.stringify(o))) as Plain;

/**
 * A side of a folder, built resource by resource; `parsed` (by text) is shared by both sides, so a file with the
 * same text on both is parsed once (its objects are only read). A file whose object the render gave (`known`, by
 * text) is not parsed at all.
 */
function side(
  files: ReadonlyMap<string, string>,
  k: PlainKustomization,
  parsed: Map<string, Plain[]>,
  known: ReadonlyMap<string, object>,
) {
  const objectsOf = (r: string) => {
    const text = files.get(r) ?? '';
    let objects = parsed.get(text);
    if (objects === undefined) {
      const o = known.get(text);
      objects = o === undefined ? documentObjects(text).map((d) => sortedKeys(d) as Plain) : [asParsed(o)];
      parsed.set(text, objects);
    }
    return objects;
  };
  return {
    changed: (skip: ReadonlySet<string>) => k.resources.filter((r) => !skip.has(r)).flatMap(objectsOf),
    context: () =>
      k.resources.filter((r) => mayBeContext(files.get(r) ?? '')).flatMap((r) => objectsOf(r).filter(inRolloutContext)),
  };
}

/**
 * The objects of both sides of a kustomize folder, built in memory, for `reviewEnvironment`: those that can differ
 * and the rollout context; undefined when a side's kustomization is not one the in-memory build handles. An empty
 * side (an environment added or removed) has none. With patches on either side, every object is built.
 * `rendered`, when the after side is a render of this run, is the object of each of its resource files
 * (`RenderedTree.resources`): those files, and the files of the base with the same text, are not parsed.
 */
export function changedBuilds(
  before: ReadonlyMap<string, string>,
  after: ReadonlyMap<string, string>,
  rendered: ReadonlyMap<string, object> = new Map(),
): { before: Plain[]; after: Plain[]; context?: RolloutContext } | undefined {
  const empty: PlainKustomization = { resources: [], patches: [] };
  const kb = before.size === 0 ? empty : plainKustomization(before);
  const ka = after.size === 0 ? empty : plainKustomization(after);
  if (kb === undefined || ka === undefined) return undefined;
  if (kb.patches.length > 0 || ka.patches.length > 0) {
    return { before: buildInMemory(before, kb), after: buildInMemory(after, ka) };
  }
  const listed = new Set(kb.resources);
  const skip = new Set(ka.resources.filter((r) => listed.has(r) && before.get(r) === after.get(r)));
  const parsed = new Map<string, Plain[]>();
  const known = new Map<string, object>();
  const resources = new Set(ka.resources);
  for (const [path, o] of rendered) {
    const text = after.get(path);
    if (text !== undefined && resources.has(path)) known.set(text, o);
  }
  const [b, a] = [side(before, kb, parsed, known), side(after, ka, parsed, known)];
  return { before: b.changed(skip), after: a.changed(skip), context: { before: b.context(), after: a.context() } };
}
