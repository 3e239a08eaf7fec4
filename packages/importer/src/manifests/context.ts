/**
 * What the readers of each section share: the input's objects and Thanos workloads, the environment being built
 * (plain data, written as YAML at the end) and the report entries.
 */
import type { SizedWorkload } from '@thanos-gitops/catalog';
import type { ReportEntry } from '../report.js';
import { at, dataOf, isPlain, type K8sObject, type Plain } from './objects.js';
import { flag, type ThanosWorkload } from './workloads.js';

export interface ImportContext {
  objects: readonly K8sObject[];
  workloads: readonly ThanosWorkload[];
  env: Plain;
  entries: ReportEntry[];
  /** Workloads whose resources decide `size` (or their section's `resources`), read at the end. */
  resources: { option: string; workload: ThanosWorkload; preset: SizedWorkload }[];
  /** Cache configs to read (the option, the workload, the flag without `-file`). */
  caches: { option: string; workload: ThanosWorkload; base: string }[];
  /** The store gateway's dedicated chunk-cache memcached, read once `size` is known (its defaults follow it). */
  chunkCache?: K8sObject;
  /** Whether a patch keeps the ingestors' TSDB at their volume's root (kube-thanos' layout). */
  tsdbAtRoot?: boolean;
}

/** Sets an option (dotted path; numeric parts index lists) and reports it as mapped. */
export function put(ctx: ImportContext, option: string, value: unknown, from: string, detail?: string): void {
  set(ctx.env, option, value);
  ctx.entries.push({ kind: 'mapped', source: from, option, detail: detail ?? `\`${shown(value)}\`` });
}

export function set(target: Plain, option: string, value: unknown): void {
  const parts = option.split('.');
  let node: Plain | unknown[] = target;
  parts.forEach((part, i) => {
    const key = /^\d+$/.test(part) ? Number(part) : part;
    const last = i === parts.length - 1;
    const holder = node as Record<string | number, unknown>;
    if (last) holder[key] = value;
    else {
      const nextIsIndex = /^\d+$/.test(parts[i + 1] ?? '');
      if (holder[key] === undefined) holder[key] = nextIsIndex ? [] : {};
      node = holder[key] as Plain;
    }
  });
}

function shown(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

export function note(ctx: ImportContext, entry: ReportEntry): void {
  ctx.entries.push(entry);
}

/** The object of a kind and name in the input. */
export function find(ctx: ImportContext, kind: string, name: string): K8sObject | undefined {
  return ctx.objects.find((o) => o.kind === kind && o.metadata.name === name);
}

/**
 * The text of a config a workload reads: the file of `--<base>-file` (through its volume mount to the ConfigMap or
 * Secret key), or the inline `--<base>` (with `$(VAR)` taken from the container's env references).
 */
export function configOf(ctx: ImportContext, w: ThanosWorkload, base: string): string | undefined {
  const file = flag(w, `${base}-file`);
  if (file) return fileOf(ctx, w, file);
  const inline = flag(w, base);
  if (!inline) return undefined;
  const variable = /^\$\((\w+)\)$/.exec(inline)?.[1];
  return variable ? envRef(ctx, w, variable) : inline;
}

/** The ConfigMap or Secret key mounted at `path` in the workload's container. */
export function fileOf(ctx: ImportContext, w: ThanosWorkload, path: string): string | undefined {
  const ref = mountedObject(w, path);
  if (!ref) return undefined;
  const o = find(ctx, ref.kind, ref.name);
  return o ? dataOf(o, ref.key) : undefined;
}

/** Which ConfigMap or Secret (and key) backs the file at `path`. */
export function mountedObject(
  w: ThanosWorkload,
  path: string,
): { kind: 'ConfigMap' | 'Secret'; name: string; key: string } | undefined {
  const mounts = (at(w.container, 'volumeMounts') ?? []) as Plain[];
  const mount = mounts.find((m) => typeof m.mountPath === 'string' && path.startsWith(`${m.mountPath}/`));
  if (!mount) return undefined;
  const volumes = (at(w.object, 'spec', 'template', 'spec', 'volumes') ?? []) as Plain[];
  const volume = volumes.find((v) => v.name === mount.name);
  const key = typeof mount.subPath === 'string' ? mount.subPath : path.slice(String(mount.mountPath).length + 1);
  const cm = at(volume, 'configMap', 'name');
  if (typeof cm === 'string') return { kind: 'ConfigMap', name: cm, key };
  const secret = at(volume, 'secret', 'secretName');
  return typeof secret === 'string' ? { kind: 'Secret', name: secret, key } : undefined;
}

function envRef(ctx: ImportContext, w: ThanosWorkload, variable: string): string | undefined {
  const env = (at(w.container, 'env') ?? []) as Plain[];
  const entry = env.find((e) => e.name === variable);
  if (typeof entry?.value === 'string') return entry.value;
  for (const [kind, field] of [
    ['Secret', 'secretKeyRef'],
    ['ConfigMap', 'configMapKeyRef'],
  ] as const) {
    const ref = at(entry, 'valueFrom', field);
    if (!isPlain(ref)) continue;
    const o = find(ctx, kind, String(ref.name));
    return o ? dataOf(o, String(ref.key)) : undefined;
  }
  return undefined;
}
