/**
 * Reading rendered manifests: one or more YAML documents, `kind: List` flattened, and what the API server adds to a
 * live object (`status`, `managedFields`, uid, resourceVersion, the last-applied annotation) dropped, so a
 * `kubectl get -o yaml` dump reads like the files it was applied from.
 */
import { parseAllDocuments } from 'yaml';

export type Plain = Record<string, unknown>;

export interface K8sObject {
  apiVersion?: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  [field: string]: unknown;
}

/** Metadata the API server writes: never part of what was applied. */
const SERVER_METADATA = ['managedFields', 'uid', 'resourceVersion', 'generation', 'creationTimestamp', 'selfLink'];
const SERVER_ANNOTATIONS = [
  'kubectl.kubernetes.io/last-applied-configuration',
  'deployment.kubernetes.io/revision',
  'meta.helm.sh/release-name',
  'meta.helm.sh/release-namespace',
];

/** Every object of the text (a stream of documents, lists flattened), without server-side fields. */
export function readObjects(text: string): K8sObject[] {
  const objects: K8sObject[] = [];
  for (const doc of parseAllDocuments(text)) {
    if (doc.errors.length > 0) throw new Error(`manifests: ${doc.errors[0]?.message ?? 'not YAML'}`);
    flatten(doc.toJS({ maxAliasCount: 100 }), objects);
  }
  return objects;
}

function flatten(value: unknown, into: K8sObject[]): void {
  if (!isPlain(value)) return;
  if (typeof value.kind === 'string' && value.kind.endsWith('List') && Array.isArray(value.items)) {
    for (const item of value.items) flatten(item, into);
    return;
  }
  if (typeof value.kind !== 'string' || !isPlain(value.metadata) || typeof value.metadata.name !== 'string') return;
  into.push(cleaned(value as unknown as K8sObject));
}

function cleaned(object: K8sObject): K8sObject {
  const { status: _status, ...rest } = object;
  const metadata: Plain = { ...object.metadata };
  for (const key of SERVER_METADATA) delete metadata[key];
  if (isPlain(metadata.annotations)) {
    const annotations = { ...metadata.annotations };
    for (const key of SERVER_ANNOTATIONS) delete annotations[key];
    metadata.annotations = annotations;
  }
  return { ...rest, metadata } as K8sObject;
}

export function isPlain(value: unknown): value is Plain {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The value at a path of plain data, or undefined. */
export function at(value: unknown, ...path: (string | number)[]): unknown {
  let v = value;
  for (const key of path) {
    if (Array.isArray(v) && typeof key === 'number') v = v[key];
    else if (isPlain(v) && typeof key === 'string') v = v[key];
    else return undefined;
  }
  return v;
}

/** `Kind/name` (with the namespace when it has one): how the report and the adoption diff name an object. */
export function objectId(o: Pick<K8sObject, 'kind' | 'metadata'>): string {
  return `${o.kind}/${o.metadata.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata.name}`;
}

/** The text of a ConfigMap's or Secret's key (`stringData`, `data`, or base64 `data` of a Secret). */
export function dataOf(o: K8sObject, key: string): string | undefined {
  const text = at(o, 'stringData', key) ?? (o.kind === 'ConfigMap' ? at(o, 'data', key) : undefined);
  if (typeof text === 'string') return text;
  const encoded = at(o, 'data', key);
  return typeof encoded === 'string' ? Buffer.from(encoded, 'base64').toString('utf8') : undefined;
}
