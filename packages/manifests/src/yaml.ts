/** Deterministic YAML: conventional key order, no anchors, no folding, a generated-file header. */

import { generatedHeader } from '@thanos-gitops/output';
import { stringify } from 'yaml';
import { emitYaml, YAML_OPTIONS } from './emit.js';
import { toPlain } from './manifest.js';

export {
  GENERATED_MARK,
  GENERATED_MARKDOWN_MARK,
  generatedHeader,
  generatedMarkdownHeader,
  isGenerated,
} from '@thanos-gitops/output';

const TOP_ORDER = ['apiVersion', 'kind', 'metadata'];
const META_ORDER = ['name', 'generateName', 'namespace', 'labels', 'annotations'];

function ordered(obj: Record<string, unknown>, first: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of first) if (k in obj) out[k] = obj[k];
  for (const [k, v] of Object.entries(obj)) if (!(k in out)) out[k] = v;
  return out;
}

function sortedMap(m: unknown): unknown {
  if (!m || typeof m !== 'object') return m;
  return Object.fromEntries(
    Object.entries(m as Record<string, string>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
  );
}

/** Puts apiVersion, kind and metadata first, and sorts labels and annotations. */
export function conventionalOrder(obj: Record<string, unknown>): Record<string, unknown> {
  const top = ordered(obj, TOP_ORDER);
  const meta = top.metadata as Record<string, unknown> | undefined;
  if (meta) {
    const m = ordered(meta, META_ORDER);
    if (m.labels) m.labels = sortedMap(m.labels);
    if (m.annotations) m.annotations = sortedMap(m.annotations);
    top.metadata = m;
  }
  return top;
}

/**
 * YAML text of plain data, deterministic: the `yaml` library's output with YAML_OPTIONS, written by the fast
 * emitter (emit.ts) whenever it covers the data, which is always the case for generated objects.
 */
export function yamlText(data: unknown): string {
  return emitYaml(data) ?? stringify(data, YAML_OPTIONS);
}

/** A Kubernetes object's YAML, its keys in conventional order: the body of its generated file. */
export function manifestBody(plain: Record<string, unknown>): string {
  return yamlText(conventionalOrder(plain));
}

/**
 * A Kubernetes object as a generated YAML file. `plain` (`toPlain` of it) and `body` (`manifestBody`) when the
 * caller has them already: each object is converted and written once.
 */
export function manifestYaml(
  obj: unknown,
  environmentFile: string,
  plain?: Record<string, unknown>,
  body: string = manifestBody(plain ?? toPlain(obj)),
): string {
  return `${generatedHeader(environmentFile)}\n${body}`;
}
