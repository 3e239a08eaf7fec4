/**
 * What an upgrade (or any change of images or flags) changes in the workloads, read from the rendered objects: per
 * container of every changed Deployment, StatefulSet and DaemonSet, the image before and after and the flags added,
 * removed and changed in value. Workloads of one component with the same change make one row, across environments,
 * so a release bump of prod is a handful of rows at the top of the review.
 */
import { markdownCode, markdownText } from '@thanos-gitops/output';
import type { EnvironmentReview, ObjectChange, Plain } from './review-types.js';

const WORKLOADS = new Set(['Deployment', 'StatefulSet', 'DaemonSet']);
/** Longest flag value shown in the table; longer ones end with `…` (the diff below has them whole). */
const VALUE_MAX = 60;

export interface ContainerChange {
  /** The workload's `app.kubernetes.io/name`, else its name; `/container` when not the pod's first container. */
  component: string;
  image?: { before: string; after: string };
  added: string[];
  removed: string[];
  changed: { flag: string; before: string; after: string }[];
}

/** One row of the table: a change shared by workloads of one or more components. */
export interface UpgradeRow extends Omit<ContainerChange, 'component'> {
  components: string[];
  /** The workloads, per environment: `prod` → [StatefulSet/thanos/x, …]. */
  where: Map<string, string[]>;
}

type Flags = Map<string, string[]>;

/** `--name=value` → name, value; `--name` → name, ''; `-m 1024` (short flags) → -m, 1024; others are positional. */
export function flagsOf(args: readonly string[]): Flags {
  const flags: Flags = new Map();
  const add = (k: string, v: string) => flags.set(k, [...(flags.get(k) ?? []), v]);
  for (let i = 0; i < args.length; i++) {
    const a = String(args[i]);
    const eq = a.indexOf('=');
    if (a.startsWith('-') && eq > 0) add(a.slice(0, eq), a.slice(eq + 1));
    else if (/^-[A-Za-z]$/.test(a) && i + 1 < args.length && !String(args[i + 1]).startsWith('-'))
      add(a, String(args[++i]));
    else add(a, '');
  }
  return flags;
}

const short = (v: string) => (v.length > VALUE_MAX ? `${v.slice(0, VALUE_MAX - 1)}…` : v);
const spelled = (flag: string, value: string) => (value === '' ? flag : `${flag}=${short(value)}`);
const minus = (a: readonly string[], b: readonly string[]) => {
  const rest = [...b];
  return a.filter((v) => {
    const i = rest.indexOf(v);
    if (i === -1) return true;
    rest.splice(i, 1);
    return false;
  });
};

/** Flags added, removed and changed between two argument lists (a repeated flag compares as a list of values). */
export function flagChanges(before: readonly string[], after: readonly string[]): Omit<ContainerChange, 'component'> {
  const [b, a] = [flagsOf(before), flagsOf(after)];
  const out: Omit<ContainerChange, 'component'> = { added: [], removed: [], changed: [] };
  for (const flag of new Set([...b.keys(), ...a.keys()])) {
    const [was, is] = [b.get(flag) ?? [], a.get(flag) ?? []];
    if (was.length === 1 && is.length === 1) {
      if (was[0] !== is[0]) out.changed.push({ flag, before: short(was[0] ?? ''), after: short(is[0] ?? '') });
      continue;
    }
    for (const v of minus(is, was)) out.added.push(spelled(flag, v));
    for (const v of minus(was, is)) out.removed.push(spelled(flag, v));
  }
  return out;
}

const argv = (c: Plain | undefined): string[] => [...(c?.command ?? []), ...(c?.args ?? [])].map(String);

/** The image and flag changes of each container of a changed workload (containers added or removed are left out). */
export function containerChanges(c: ObjectChange): ContainerChange[] {
  if (c.change !== 'changed' || !WORKLOADS.has(c.kind)) return [];
  const pods = [c.before?.spec?.template?.spec, c.after?.spec?.template?.spec];
  const name = String(c.after?.metadata?.labels?.['app.kubernetes.io/name'] ?? c.after?.metadata?.name);
  const out: ContainerChange[] = [];
  for (const field of ['initContainers', 'containers']) {
    const was = new Map(((pods[0]?.[field] ?? []) as Plain[]).map((k) => [String(k.name), k]));
    ((pods[1]?.[field] ?? []) as Plain[]).forEach((k, i) => {
      const old = was.get(String(k.name));
      if (old === undefined) return;
      const main = field === 'containers' && i === 0;
      const change: ContainerChange = {
        component: main ? name : `${name}/${k.name}`,
        ...flagChanges(argv(old), argv(k)),
      };
      if (old.image !== k.image) change.image = { before: String(old.image), after: String(k.image) };
      if (change.image || change.added.length + change.removed.length + change.changed.length > 0) out.push(change);
    });
  }
  return out;
}

const signature = (c: ContainerChange) => JSON.stringify([c.image, c.added, c.removed, c.changed]);

/** The rows of the table, for every environment: one per distinct change, with the components that have it. */
export function upgradeRows(reviews: readonly EnvironmentReview[]): UpgradeRow[] {
  const rows = new Map<string, UpgradeRow>();
  for (const r of reviews) {
    for (const c of r.changed) {
      for (const change of containerChanges(c)) {
        const key = signature(change);
        const { component, ...rest } = change;
        const row: UpgradeRow = rows.get(key) ?? { ...rest, components: [], where: new Map() };
        if (!row.components.includes(component)) row.components.push(component);
        // A workload counts once even when several of its containers share the change (an init container on the
        // Thanos image, say).
        const ids = row.where.get(r.env) ?? [];
        row.where.set(r.env, ids.includes(c.id) ? ids : [...ids, c.id]);
        rows.set(key, row);
      }
    }
  }
  for (const row of rows.values()) row.components.sort();
  const first = (row: UpgradeRow) => row.components[0] ?? '';
  return [...rows.values()].sort((a, b) => (first(a) < first(b) ? -1 : first(a) > first(b) ? 1 : 0));
}

/** `quay.io/thanos/thanos:v0.42.4 → v0.41.0`: the repository once when it stays. */
export function imageChange(image: UpgradeRow['image']): string {
  if (image === undefined) return '';
  const repo = (s: string) => s.replace(/[:@][^/]*$/, '');
  const same = repo(image.before) === repo(image.after);
  return `${image.before} → ${same ? image.after.slice(repo(image.after).length + 1) : image.after}`;
}

function whereOf(row: UpgradeRow): string {
  return [...row.where]
    .map(([env, ids]) => `${env}: ${ids.length} ${ids.length === 1 ? 'workload' : 'workloads'}`)
    .join(', ');
}

const changedFlags = (row: UpgradeRow) => row.changed.map((c) => `${c.flag}: ${c.before} → ${c.after}`);

/** The table in markdown (empty when no image or flag changed). */
export function upgradeTableMarkdown(rows: readonly UpgradeRow[]): string {
  if (rows.length === 0) return '';
  const code = (items: readonly string[]) => items.map((s) => markdownCode(s, true)).join('<br>');
  const out = [
    '**Images and flags** of the changed workloads:',
    '',
    '| component | where | image | flags added | flags removed | flags changed |',
    '| --- | --- | --- | --- | --- | --- |',
  ];
  for (const row of rows) {
    const image = row.image ? code([imageChange(row.image)]) : '';
    out.push(
      `| ${code(row.components).replace(/<br>/g, ', ')} | ${markdownText(whereOf(row))} | ${image} | ${code(row.added)} | ${code(row.removed)} | ` +
        `${code(changedFlags(row))} |`,
    );
  }
  return `${out.join('\n')}\n`;
}

/** The table for a terminal: one block per row (empty when no image or flag changed). */
export function upgradeTableText(rows: readonly UpgradeRow[], bold: (s: string) => string): string {
  if (rows.length === 0) return '';
  const out = [bold('Images and flags of the changed workloads:')];
  for (const row of rows) {
    out.push(`  ${row.components.join(', ')}  [${whereOf(row)}]`);
    if (row.image) out.push(`      image    ${imageChange(row.image)}`);
    for (const f of row.added) out.push(`      added    ${f}`);
    for (const f of row.removed) out.push(`      removed  ${f}`);
    for (const f of changedFlags(row)) out.push(`      changed  ${f}`);
  }
  return `${out.join('\n')}\n`;
}
