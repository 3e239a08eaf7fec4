/**
 * The resource model: a generated Kubernetes object together with the component folder it is written to,
 * standard labels, validation (types, required fields, unknown fields, names) and the file it lands in.
 */
import { DNS_LABEL_MAX } from '@thanos-gitops/catalog';
import type { Environment } from '@thanos-gitops/schema';
import { LABEL_KEY as LABEL_KEY_PATTERN, LABEL_VALUE as LABEL_VALUE_PATTERN } from '@thanos-gitops/schema';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { unknownFields } from './strict-fields.js';

export interface ObjectMeta {
  name?: string;
  namespace?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

/** Any Kubernetes object; kubernetes-models instances add `validate()`. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata?: ObjectMeta;
  validate?: () => void;
}

/** One object of the output and the component folder it belongs to (`query`, `receive`, `store-gateway`, …). */
export interface Manifest {
  component: string;
  object: KubeObject;
}

export const PART_OF = 'thanos';
export const MANAGED_BY = 'thanos-gitops';

export interface LabelSpec {
  /** The application (`thanos-query`, `thanos-receive-ingestor`, `memcached`). */
  name: string;
  /** The workload instance (`thanos-receive-ingestor-default`). */
  instance: string;
  /** Its role in the deployment (`query-layer`, `database-write-hashring`, …). */
  component: string;
  /** Version of the software the pods run. */
  version: string;
}

/** Labels that select a workload's pods: stable across upgrades (no version in them). */
export function selectorLabels(spec: LabelSpec): Record<string, string> {
  return {
    'app.kubernetes.io/name': spec.name,
    'app.kubernetes.io/instance': spec.instance,
  };
}

/** The standard labels on every object (Kubernetes' recommended set) plus the environment's own. */
export function standardLabels(env: Environment, spec: LabelSpec): Record<string, string> {
  return {
    ...env.labels,
    ...selectorLabels(spec),
    'app.kubernetes.io/component': spec.component,
    'app.kubernetes.io/part-of': PART_OF,
    'app.kubernetes.io/managed-by': MANAGED_BY,
    'app.kubernetes.io/version': spec.version,
  };
}

const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
/** Kinds whose names must be DNS-1123 labels (they become host names or label values). */
const LABEL_NAMED = new Set(['Service', 'Namespace', 'StatefulSet', 'Deployment']);
/** The same label rules the schema applies to the environment file, applied again to what is generated. */
const LABEL_VALUE = new RegExp(LABEL_VALUE_PATTERN);
const LABEL_KEY = new RegExp(LABEL_KEY_PATTERN);

/**
 * The YAML bodies of objects found valid, with the `validate` of their model: about half the objects of a run are
 * byte-identical to one rendered before (the same object in every environment), and an object whose YAML and model
 * class are those of a valid one is valid (the checks read only its data). Bounded: emptied when full, and no body
 * over 16 KiB characters (large ConfigMaps, dashboards, are unique to an environment): at most ~5 MB held.
 */
const validBodies = new Map<string, unknown>();
const VALID_BODIES_MAX = 2048;
const VALID_BODY_LENGTH = 16384;

/**
 * Every reason the object is not valid; empty when it is. `body`, the object's YAML (`manifestBody`), lets an object identical to one already found valid skip the checks.
 */
export function objectProblems(
  obj: KubeObject,
  plain: Record<string, unknown> = toPlain(obj),
  body?: string,
): string[] {
  if (body !== undefined && validBodies.get(body) === obj.validate && typeof obj.validate === 'function') return [];
  const problems = checkObject(obj, plain);
  if (body !== undefined && problems.length === 0 && body.length <= VALID_BODY_LENGTH) {
    if (validBodies.size >= VALID_BODIES_MAX) validBodies.clear();
    validBodies.set(body, obj.validate);
  }
  return problems;
}

function checkObject(obj: KubeObject, plain: Record<string, unknown>): string[] {
  const problems: string[] = [];
  const id = `${obj.kind} ${obj.metadata?.namespace ? `${obj.metadata.namespace}/` : ''}${obj.metadata?.name}`;
  try {
    obj.validate?.();
  } catch (err) {
    problems.push(`${id}: ${(err as Error).message}`);
  }
  if (typeof obj.validate !== 'function') problems.push(`${id}: not a kubernetes-models object, so not schema-checked`);
  for (const path of unknownFields(plain as { apiVersion: string; kind: string }))
    problems.push(`${id}: unknown field ${path}`);
  const name = obj.metadata?.name ?? '';
  const max = LABEL_NAMED.has(obj.kind) ? DNS_LABEL_MAX : 253;
  const re = LABEL_NAMED.has(obj.kind) ? DNS_LABEL : DNS_SUBDOMAIN;
  if (!re.test(name) || name.length > max) {
    problems.push(
      `${id}: metadata.name must be a DNS-1123 ${max === DNS_LABEL_MAX ? 'label' : 'subdomain'} of at most ${max} characters`,
    );
  }
  for (const [k, v] of Object.entries(obj.metadata?.labels ?? {})) {
    if (!LABEL_KEY.test(k)) problems.push(`${id}: label key "${k}" is not a valid label key`);
    if (typeof v !== 'string' || !LABEL_VALUE.test(v)) {
      problems.push(`${id}: label ${k}="${v}" is not a valid label value`);
    }
  }
  return problems;
}

/**
 * The object as plain JSON data: exactly `JSON.parse(JSON.stringify(obj))` (drops undefined fields, functions and
 * symbols, calls `toJSON()`, turns non-finite numbers and holes in lists into null), three times faster.
 */
export function toPlain(obj: unknown): Record<string, unknown> {
  return plainValue(obj, '') as Record<string, unknown>;
}

/**
 * The `toJSON` every kubernetes-models object inherits (from the base `Model`): a deep copy of the object's own
 * defined fields, nested plain objects and lists copied the same way. Walking the object itself gives the same
 * plain data (this walk drops undefined fields too), so it is skipped: one conversion per object, not a copy and
 * then a conversion of the copy. A model with a `toJSON` of its own is converted through it.
 */
const MODEL_TO_JSON: unknown = Object.getPrototypeOf(ConfigMap.prototype).toJSON;

function plainValue(value: unknown, key: string): unknown {
  let v = value;
  if (v !== null && typeof v === 'object') {
    const toJSON = (v as { toJSON?: unknown }).toJSON;
    if (typeof toJSON === 'function' && toJSON !== MODEL_TO_JSON) v = toJSON.call(v, key);
  }
  switch (typeof v) {
    case 'string':
    case 'boolean':
      return v;
    case 'number':
      return Number.isFinite(v) ? (v === 0 ? 0 : v) : null; // JSON writes -0 as 0
    case 'bigint':
      throw new TypeError('Do not know how to serialize a BigInt');
    case 'object':
      break;
    default:
      return undefined;
  }
  if (v === null) return null;
  if (v instanceof Number || v instanceof String || v instanceof Boolean) return plainValue(v.valueOf(), key);
  if (Array.isArray(v)) {
    const out = new Array(v.length);
    for (let i = 0; i < v.length; i++) out[i] = plainValue(v[i], String(i)) ?? null;
    return out;
  }
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v as object)) {
    const x = plainValue((v as Record<string, unknown>)[k], k);
    if (x === undefined) continue;
    // A key "__proto__" must become an own property (as JSON.parse makes it), not replace the prototype of the
    // result: defineProperty for it, assignment (fast properties, 3x faster) for every other key.
    if (k === '__proto__')
      Object.defineProperty(out, k, { value: x, enumerable: true, writable: true, configurable: true });
    else out[k] = x;
  }
  return out;
}

/** `kind/namespace/name`, the identity of an object in summaries and diffs. */
export function objectId(obj: { kind: string; metadata?: { name?: string; namespace?: string } }): string {
  return `${obj.kind}/${obj.metadata?.namespace ?? '-'}/${obj.metadata?.name ?? ''}`;
}

/** The file an object is written to, relative to `clusters/<env>/`: `<component>/<kind>-<name>.yaml`. */
export function manifestFile(m: Manifest): string {
  const kind = m.object.kind.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
  return `${m.component}/${kind}-${m.object.metadata?.name ?? ''}.yaml`;
}
