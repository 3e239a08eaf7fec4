/**
 * The values file as read: every key the mapping looks at is remembered, so that what it never looked at can be
 * listed in the report as ignored, key by key (a values file holds the user's overrides of the chart's defaults,
 * so every key in it was a decision someone made).
 */
import type { ReportEntry, ReportKind } from '../report.js';

export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

function isObject(value: unknown): value is Record<string, Json> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export class Values {
  private readonly read = new Set<string>();
  readonly entries: ReportEntry[] = [];

  constructor(private readonly root: Record<string, Json>) {}

  /** The value at a dotted path (`receive.persistence.size`), marked read with all below it; undefined when absent. */
  get(path: string): Json | undefined {
    this.read.add(path);
    let at: Json | undefined = this.root;
    for (const key of path.split('.')) {
      if (!isObject(at) || !Object.hasOwn(at, key)) return undefined;
      at = at[key];
    }
    return at;
  }

  /** Whether the path is present (an empty string, list or map counts as absent: the chart treats it so). */
  has(path: string): boolean {
    const value = this.get(path);
    if (value === undefined || value === null || value === '') return false;
    if (Array.isArray(value)) return value.length > 0;
    return !isObject(value) || Object.keys(value).length > 0;
  }

  str(path: string): string | undefined {
    const value = this.get(path);
    return typeof value === 'string' && value !== '' ? value : typeof value === 'number' ? String(value) : undefined;
  }

  num(path: string): number | undefined {
    const value = this.get(path);
    if (typeof value === 'number') return value;
    return typeof value === 'string' && /^[0-9]+$/.test(value) ? Number(value) : undefined;
  }

  bool(path: string, otherwise: boolean): boolean {
    const value = this.get(path);
    return typeof value === 'boolean' ? value : otherwise;
  }

  obj(path: string): Record<string, Json> | undefined {
    const value = this.get(path);
    return isObject(value) ? value : undefined;
  }

  list(path: string): Json[] {
    const value = this.get(path);
    return Array.isArray(value) ? value : [];
  }

  /** Marks paths read without reading them (a whole disabled section). */
  touch(...paths: string[]): void {
    for (const p of paths) this.read.add(p);
  }

  add(kind: ReportKind, source: string, detail: string, option?: string): void {
    this.entries.push({ kind, source, ...(option === undefined ? {} : { option }), detail });
  }

  /**
   * Every leaf (a scalar, a list, an empty map) of the file that no report entry covers, as dotted paths, and
   * whether a mapping read it (a section read whole, or a key whose value needed no entry).
   */
  unreported(): { path: string; read: boolean }[] {
    const sources = this.entries.map((e) => e.source);
    const reported = (path: string) =>
      sources.some((s) => s === path || path.startsWith(`${s}.`) || s.startsWith(`${path}.`));
    const out: { path: string; read: boolean }[] = [];
    const walk = (value: Json, path: string) => {
      if (isObject(value) && Object.keys(value).length > 0) {
        for (const [k, v] of Object.entries(value)) walk(v, path === '' ? k : `${path}.${k}`);
      } else if (!reported(path)) out.push({ path, read: this.covered(path) });
    };
    walk(this.root, '');
    return out;
  }

  private covered(path: string): boolean {
    if (path === '') return false;
    const parts = path.split('.');
    return parts.some((_, i) => this.read.has(parts.slice(0, i + 1).join('.')));
  }
}

/** Reads a values file's text: a YAML mapping (an empty file is an empty mapping). */
export function parseValues(value: unknown): Record<string, Json> {
  if (value === null || value === undefined) return {};
  if (!isObject(value)) throw new Error("a values file is a YAML mapping of the chart's keys");
  return value;
}
