/**
 * Rules on single values that a schema pattern cannot say, checked at load time and reported at the field the
 * user wrote: Kubernetes' toleration semantics and annotation size, credentials written as literals, non-empty
 * time ranges and durations, escape-hatch mount paths, and Kustomize patches that must parse. They run on every occurrence of
 * the option wherever it sits in the document (every workload, memcached included), so a new section gets them
 * without changes here.
 */

import { parseDuration, parseTimeBound } from '@thanos-gitops/model';
import type { FieldPath, ProblemSink } from '@thanos-gitops/problems';
import type { Environment } from '@thanos-gitops/schema';
import { parseAllDocuments } from 'yaml';
import { textRules } from './text-rules.js';

/** Kubernetes' limit on the total size of an object's annotations (keys and values). */
export const MAX_ANNOTATIONS_BYTES = 256 * 1024;

/**
 * Environment variable names whose value is a credential: a literal value would be committed to Git.
 * Names of files holding credentials (`…_FILE`, `…_PATH`, `…_DIR`) are not credentials themselves.
 */
export function isCredentialName(name: string): boolean {
  const upper = name.toUpperCase();
  if (/_(FILE|PATH|DIR)$/.test(upper)) return false;
  return (
    /PASSWORD|PASSWD|SECRET|TOKEN|CREDENTIAL|PRIVATE_?KEY|API_?KEY|ACCESS_?KEY|AUTH/.test(upper) ||
    /(^|_)(KEY|PASS|PWD)$/.test(upper)
  );
}

type Plain = Record<string, unknown>;

export function inputRules(env: Environment, sink: ProblemSink): void {
  walk(env, [], sink);
  textRules(env, [], sink);
  timeRangeRules(env, sink);
  const b = env.bucketWeb;
  if (b?.enabled) {
    const refresh = parseDuration(b.refresh);
    const timeout = parseDuration(b.timeout);
    if (refresh !== undefined && timeout !== undefined && refresh < 2 * timeout) {
      sink.report(
        ['bucketWeb', 'refresh'],
        `must be at least twice bucketWeb.timeout (${b.timeout}), so one slow download never overlaps the next ` +
          `(found "${b.refresh}")`,
      );
    }
  }
  for (const [i, p] of env.patches.entries()) patchRules(p.patch, p.target.kind, ['patches', i, 'patch'], sink);
  positiveDurationRules(env, sink);
}

/** Durations whose zero means "without pause" or "at once": never what anyone wants. */
function positiveDurationRules(env: Environment, sink: ProblemSink): void {
  const check = (path: FieldPath, value: string | undefined, why: string) => {
    if (value !== undefined && parseDuration(value) === 0) {
      sink.report(path, `must be longer than 0, or ${why} (found "${value}")`);
    }
  };
  check(['query', 'timeout'], env.query?.timeout, 'every query times out at once');
  if (env.ruler?.enabled) {
    check(['ruler', 'evaluationInterval'], env.ruler.evaluationInterval, 'rules are evaluated without pause');
  }
  if (env.bucketWeb?.enabled) {
    check(['bucketWeb', 'refresh'], env.bucketWeb.refresh, 'block metadata is downloaded without pause');
    check(['bucketWeb', 'timeout'], env.bucketWeb.timeout, 'every download times out at once');
  }
  if (env.delivery?.tool === 'flux') {
    check(['delivery', 'flux', 'interval'], env.delivery.flux?.interval, 'Flux reconciles without pause');
    check(['delivery', 'flux', 'timeout'], env.delivery.flux?.timeout, 'Flux gives up at once');
  }
}

/** Visits every mapping and applies the rule of each option name it knows. */
function walk(value: unknown, path: FieldPath, sink: ProblemSink): void {
  if (Array.isArray(value)) {
    value.forEach((v, i) => {
      if (v && typeof v === 'object') walk(v, [...path, i], sink);
    });
    return;
  }
  if (!value || typeof value !== 'object') return;
  const obj = value as Plain;
  for (const [key, v] of Object.entries(obj)) {
    // Every rule below and the walk itself concern a list or a mapping.
    if (!v || typeof v !== 'object') continue;
    const at = [...path, key];
    if (key === 'tolerations' && Array.isArray(v)) {
      for (const [i, t] of v.entries()) tolerationRules(t as Plain, [...at, i], sink);
    } else if (key === 'extraEnv' && Array.isArray(v)) {
      for (const [i, e] of v.entries()) extraEnvRules(e as Plain, [...at, i], sink);
    } else if (key === 'extraVolumes' && Array.isArray(v)) extraVolumeRules(v as Plain[], at, sink);
    else if (key === 'podAnnotations' && v && typeof v === 'object')
      annotationRules(v as Record<string, string>, at, sink);
    walk(v, at, sink);
  }
}

/** Kubernetes' toleration validation (ValidateTolerations), which the API server applies at apply time. */
function tolerationRules(t: Plain, at: FieldPath, sink: ProblemSink): void {
  const operator = (t.operator as string | undefined) ?? 'Equal';
  const key = (t.key as string | undefined) ?? '';
  if (operator === 'Exists' && t.value !== undefined && t.value !== '') {
    sink.report(
      [...at, 'value'],
      `must be empty with operator Exists, which matches any value (found ${JSON.stringify(t.value)})`,
    );
  }
  if (operator === 'Equal' && key === '') {
    sink.report(
      [...at, t.operator === undefined ? 'key' : 'operator'],
      'operator Equal (the default) needs a `key`; to tolerate every taint, set operator Exists and no key',
    );
  }
  if (t.tolerationSeconds !== undefined && t.effect !== 'NoExecute') {
    sink.report(
      [...at, 'tolerationSeconds'],
      `only applies with effect NoExecute, which evicts pods (found effect ${t.effect === undefined ? 'unset' : JSON.stringify(t.effect)})`,
    );
  }
}

function extraEnvRules(e: Plain, at: FieldPath, sink: ProblemSink): void {
  const name = String(e.name ?? '');
  if (typeof e.value === 'string' && e.value !== '' && isCredentialName(name)) {
    sink.report(
      [...at, 'value'],
      `${name} carries a credential, and a literal value would be committed to Git in clusters/: take it from a ` +
        'Secret with `secretKeyRef: {name: <secret>, key: <key>}` instead',
    );
  }
}

function extraVolumeRules(volumes: Plain[], at: FieldPath, sink: ProblemSink): void {
  const seen = new Map<string, number>();
  volumes.forEach((v, i) => {
    const path = normalPath(String(v.mountPath ?? ''));
    for (const [other, j] of seen) {
      if (nested(path, other)) {
        sink.report(
          [...at, i, 'mountPath'],
          `"${path}" ${path === other ? 'is' : 'overlaps'} the mount path of ${fieldOf([...at, j])} ("${other}")`,
        );
        return;
      }
    }
    seen.set(path, i);
  });
}

/** A path without trailing or doubled slashes. */
export function normalPath(p: string): string {
  return `/${p.split('/').filter(Boolean).join('/')}`;
}

/** True when one path is the other or lies inside it. */
export function nested(a: string, b: string): boolean {
  const inside = (x: string, y: string) => x === y || y === '/' || x.startsWith(`${y}/`);
  return inside(a, b) || inside(b, a);
}

function fieldOf(path: FieldPath): string {
  return path
    .map((p) => (typeof p === 'number' ? `[${p}]` : `.${p}`))
    .join('')
    .replace(/^\./, '');
}

function annotationRules(annotations: Record<string, string>, at: FieldPath, sink: ProblemSink): void {
  let bytes = 0;
  for (const [k, v] of Object.entries(annotations)) bytes += Buffer.byteLength(k) + Buffer.byteLength(v);
  if (bytes > MAX_ANNOTATIONS_BYTES) {
    sink.report(
      at,
      `total ${bytes} bytes; Kubernetes limits an object's annotations to ${MAX_ANNOTATIONS_BYTES} bytes`,
    );
  }
}

/** Every time range must hold something: a store partition's minTime comes before its maxTime. */
function timeRangeRules(env: Environment, sink: ProblemSink): void {
  const s = env.storeGateway;
  if (!s?.enabled) return;
  const now = Date.now();
  const ms = (b: NonNullable<ReturnType<typeof parseTimeBound>>) =>
    'relativeMs' in b ? now + b.relativeMs : b.absoluteMs;
  s.partitions.forEach((p, i) => {
    if (p.minTime === undefined || p.maxTime === undefined) return;
    const min = parseTimeBound(p.minTime);
    const max = parseTimeBound(p.maxTime);
    if (!min || !max) return;
    if (ms(min) >= ms(max)) {
      sink.report(
        ['storeGateway', 'partitions', i, 'minTime'],
        `must be before maxTime ("${p.maxTime}"), or the partition serves nothing (found "${p.minTime}")`,
      );
    }
  });
}

const JSON6902_OPS = new Set(['add', 'remove', 'replace', 'move', 'copy', 'test']);

/**
 * A Kustomize patch parses: one YAML (or JSON) document holding either a strategic-merge patch (a mapping) or
 * a JSON6902 patch (a list of operations with `op` and `path`). Problems name the line inside the patch.
 */
/**
 * The patch document as data. Converting can fail where parsing did not: an alias whose anchor is not set
 * (`*name`), or more aliases than the YAML library expands (a "billion laughs" document).
 */
function patchData(doc: { toJS(): unknown } | undefined, at: FieldPath, sink: ProblemSink): { data?: unknown } {
  try {
    return { data: doc?.toJS() };
  } catch (err) {
    sink.report(at, `is not valid YAML: ${(err as Error).message.split('\n')[0]}`);
    return {};
  }
}

function patchRules(text: string, targetKind: string, at: FieldPath, sink: ProblemSink): void {
  const docs = parseAllDocuments(text, { prettyErrors: false });
  if (!Array.isArray(docs)) return;
  const lineOf = (offset: number) => text.slice(0, offset).split('\n').length;
  for (const d of docs) {
    const err = d.errors[0];
    if (err) {
      sink.report(at, `line ${lineOf(err.pos[0])} of the patch is not valid YAML: ${err.message.split('\n')[0]}`);
      return;
    }
  }
  const contents = docs.filter((d) => d.contents !== null);
  if (contents.length !== 1) {
    sink.report(at, `must hold exactly one YAML document (found ${contents.length})`);
    return;
  }
  const parsed = patchData(contents[0], at, sink);
  if (!('data' in parsed)) return;
  const data = parsed.data;
  if (Array.isArray(data)) {
    data.forEach((op, j) => {
      const o = op as Plain | null;
      const what = `operation ${j + 1} of the JSON6902 patch`;
      if (!o || typeof o !== 'object' || Array.isArray(o)) {
        sink.report(at, `${what} must be a mapping with op and path`);
      } else if (typeof o.op !== 'string' || !JSON6902_OPS.has(o.op)) {
        sink.report(
          at,
          `${what}: op must be one of ${[...JSON6902_OPS].join(', ')} (found ${JSON.stringify(o.op ?? null)})`,
        );
      } else if (typeof o.path !== 'string' || !o.path.startsWith('/')) {
        sink.report(
          at,
          `${what}: path must be a JSON pointer starting with '/' (found ${JSON.stringify(o.path ?? null)})`,
        );
      } else if (['add', 'replace', 'test'].includes(o.op) && !('value' in o)) {
        sink.report(at, `${what}: op ${o.op} needs a value`);
      } else if (['move', 'copy'].includes(o.op) && typeof o.from !== 'string') {
        sink.report(at, `${what}: op ${o.op} needs from`);
      }
    });
  } else if (data && typeof data === 'object') {
    // kustomize refuses a strategic-merge patch without kind and metadata.name, even with a target.
    const kind = (data as Plain).kind;
    const name = ((data as Plain).metadata as Plain | null | undefined)?.name;
    if (kind === undefined) {
      sink.report(at, `a strategic-merge patch needs kind: ${targetKind} (kustomize refuses one without it)`);
    } else if (kind !== targetKind) {
      sink.report(at, `is a patch of kind ${JSON.stringify(kind)}, but target.kind is "${targetKind}"`);
    }
    if (typeof name !== 'string' || name === '') {
      sink.report(
        at,
        'a strategic-merge patch needs metadata.name, the name of the object it patches (kustomize refuses one ' +
          `without it) (found ${JSON.stringify(name ?? null)})`,
      );
    }
  } else {
    sink.report(
      at,
      'must be a strategic-merge patch (a YAML mapping) or a JSON6902 patch (a list of operations) ' +
        `(found ${JSON.stringify(data)})`,
    );
  }
}
