/**
 * The review of a change: two sets of built objects per environment folder (before and after) compared object by
 * object, with what each change does to the running system (restarts, recreations, destruction), rendered as text
 * for a terminal or as markdown that fits one GitHub comment.
 */
import { isDeepStrictEqual } from 'node:util';
import { objectId, yamlText } from '@thanos-gitops/manifests';
import { parseQuantity, RESIZE_ANCHOR } from '@thanos-gitops/model';
import { htmlText, markdownCode, markdownText, shellWord } from '@thanos-gitops/output';
import { createTwoFilesPatch } from 'diff';
import { plural } from './io.js';
import { weakenings } from './posture.js';
import { reshuffles } from './reshuffle.js';
import { restartConsequences, sameSaid } from './restarts.js';
import type { EnvironmentReview, ObjectChange, Plain } from './review-types.js';
import { upgradeRows, upgradeTableMarkdown, upgradeTableText } from './upgrade-summary.js';
import { onlyVersionLabel, versionLabelLine } from './version-label.js';

export type { EnvironmentReview, ObjectChange, Plain } from './review-types.js';

/** The largest body GitHub accepts for an issue or pull-request comment. */
export const GITHUB_COMMENT_LIMIT = 65_536;

/** Pod-template annotations whose value is a content hash: a change is shown as "config changed". */
const HASH_ANNOTATION = /^thanos-gitops\/[a-z0-9-]*hash$/;
const WORKLOADS = new Set(['Deployment', 'StatefulSet', 'DaemonSet']);
/** Fields Kubernetes refuses to update: changing one means deleting and creating the object again. */
const IMMUTABLE: Readonly<Record<string, readonly string[]>> = {
  StatefulSet: ['selector', 'serviceName', 'volumeClaimTemplates', 'podManagementPolicy'],
  Deployment: ['selector'],
  DaemonSet: ['selector'],
};

export const objectKey = (o: Plain) =>
  `${
    String(o.apiVersion ?? '')
      .split('/')
      .slice(0, -1)
      .join('/') || 'core'
  }|${o.kind}|${o.metadata?.namespace ?? ''}|${o.metadata?.name}`;
/** `Kind/namespace/name`, as everywhere else in the CLI. */
export const objectLabel = (o: Plain) =>
  objectId(o as { kind: string; metadata?: { name?: string; namespace?: string } });

function hashAnnotations(o: Plain | undefined): Record<string, string> {
  const a = o?.spec?.template?.metadata?.annotations ?? {};
  return Object.fromEntries(Object.entries(a).filter(([k]) => HASH_ANNOTATION.test(k))) as Record<string, string>;
}

function withoutHashes(template: Plain | undefined): Plain | undefined {
  if (template === undefined) return undefined;
  const copy = structuredClone(template);
  const a = copy.metadata?.annotations;
  if (a) for (const k of Object.keys(a)) if (HASH_ANNOTATION.test(k)) delete a[k];
  return copy;
}

function pvcTemplates(o: Plain | undefined): Map<string, Plain> {
  return new Map(((o?.spec?.volumeClaimTemplates ?? []) as Plain[]).map((t) => [String(t.metadata?.name), t]));
}

/**
 * When the only immutable change of a StatefulSet is larger storage requests in its volume claim templates: what
 * grows and where the procedure is (Kubernetes refuses the change, but the volumes can grow in place); otherwise
 * undefined.
 */
export function volumeGrowth(env: string, before: Plain, after: Plain): string | undefined {
  if (before.kind !== 'StatefulSet' || after.kind !== 'StatefulSet') return undefined;
  const others = (IMMUTABLE.StatefulSet ?? []).filter((f) => f !== 'volumeClaimTemplates');
  if (others.some((f) => !isDeepStrictEqual(before.spec?.[f], after.spec?.[f]))) return undefined;
  const [was, is] = [pvcTemplates(before), pvcTemplates(after)];
  if (was.size !== is.size) return undefined;
  const storage = (t: Plain | undefined) => t?.spec?.resources?.requests?.storage as string | undefined;
  const grown: string[] = [];
  for (const [name, t] of is) {
    const old = was.get(name);
    const withoutSize = (x: Plain | undefined) => {
      const copy = structuredClone(x ?? {});
      delete copy.spec?.resources?.requests?.storage;
      return copy;
    };
    if (old === undefined || !isDeepStrictEqual(withoutSize(old), withoutSize(t))) return undefined;
    const [from, to] = [storage(old), storage(t)];
    if (from === to) continue;
    const [f, n] = [parseQuantity(from ?? ''), parseQuantity(to ?? '')];
    if (f === undefined || n === undefined || n <= f) return undefined;
    grown.push(`${was.size > 1 ? `volume "${name}"` : 'volume'} grows from ${from} to ${to}`);
  }
  if (grown.length === 0) return undefined;
  return `${grown.join(', ')}: follow the resize procedure in clusters/${env}/README.md#${RESIZE_ANCHOR}`;
}

/**
 * The objects a folder's restarts and hashrings are read from (the rollout plan, `restartConsequences`, and
 * `reshuffles`): the workloads, their autoscalers and the hashrings file, changed or not. Every other object
 * matters only when it changed.
 */
export interface RolloutContext {
  before: readonly Plain[];
  after: readonly Plain[];
}

const HASHRINGS_FILE = 'hashrings.json';

/** The kinds the rollout plan and the hashring checks read, besides the ConfigMap of the hashrings file. */
export const ROLLOUT_KINDS: readonly string[] = ['Deployment', 'StatefulSet', 'DaemonSet', 'HorizontalPodAutoscaler'];

/** Whether an object belongs to a folder's rollout context. */
export const inRolloutContext = (o: Plain) =>
  ROLLOUT_KINDS.includes(o.kind) || (o.kind === 'ConfigMap' && typeof o.data?.[HASHRINGS_FILE] === 'string');

/**
 * Compares the objects of one environment folder. `before` and `after` may leave out objects that are the same on
 * both sides (they show as no change), when `context` holds every object of the rollout context (`inRolloutContext`).
 */
export function reviewEnvironment(
  env: string,
  before: readonly Plain[],
  after: readonly Plain[],
  context: RolloutContext = { before, after },
): EnvironmentReview {
  const r: EnvironmentReview = {
    env,
    added: [],
    changed: [],
    removed: [],
    versionOnly: [],
    restarts: [],
    rollouts: [],
    recreates: [],
    resizes: [],
    destroys: [],
  };
  const old = new Map(before.map((o) => [objectKey(o), o]));
  const now = new Map(after.map((o) => [objectKey(o), o]));
  for (const [key, o] of now) {
    const was = old.get(key);
    if (was === undefined) r.added.push({ change: 'added', id: objectLabel(o), kind: o.kind, after: o });
    else if (!isDeepStrictEqual(was, o))
      r.changed.push({ change: 'changed', id: objectLabel(o), kind: o.kind, before: was, after: o });
  }
  for (const [key, o] of old)
    if (!now.has(key)) r.removed.push({ change: 'removed', id: objectLabel(o), kind: o.kind, before: o });
  const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  for (const list of [r.added, r.changed, r.removed]) list.sort(byId);
  r.versionOnly = r.changed.filter(onlyVersionLabel);
  r.changed = r.changed.filter((c) => !r.versionOnly.includes(c));

  for (const c of r.changed) {
    const { before: b, after: a } = c as Required<ObjectChange>;
    if (WORKLOADS.has(c.kind) && !isDeepStrictEqual(b.spec?.template, a.spec?.template)) {
      const configOnly = isDeepStrictEqual(withoutHashes(b.spec?.template), withoutHashes(a.spec?.template));
      r.restarts.push({ id: c.id, why: configOnly ? 'config changed' : 'pod template changed' });
    }
    const fields = (IMMUTABLE[c.kind] ?? []).filter((f) => !isDeepStrictEqual(b.spec?.[f], a.spec?.[f]));
    const grows = fields.length > 0 ? volumeGrowth(env, b, a) : undefined;
    if (grows) r.resizes.push({ id: c.id, why: grows });
    else if (fields.length > 0) r.recreates.push({ id: c.id, fields });
    if (c.kind === 'StatefulSet') {
      const [was, is] = [pvcTemplates(b), pvcTemplates(a)];
      for (const name of was.keys()) {
        if (!is.has(name)) {
          r.destroys.push({ id: c.id, why: `volume claim template "${name}" removed: its volumes are no longer used` });
        }
      }
    }
  }
  for (const c of r.removed) {
    const o = c.before as Plain;
    if (c.kind === 'Namespace')
      r.destroys.push({ id: c.id, why: 'deleting a Namespace deletes every object and volume in it' });
    else if (c.kind === 'PersistentVolumeClaim') r.destroys.push({ id: c.id, why: 'its volume and data are deleted' });
    else if (c.kind === 'StatefulSet' && pvcTemplates(o).size > 0) {
      r.destroys.push({
        id: c.id,
        why: `a StatefulSet with volumes (${[...pvcTemplates(o).keys()].join(', ')}): its pods and their data go`,
      });
    }
  }
  for (const list of [r.restarts, r.recreates, r.resizes, r.destroys]) list.sort(byId);
  r.rollouts = restartConsequences(context.before, context.after, r.restarts);
  r.reshuffles = reshuffles(context.before, context.after);
  r.weakened = [...r.added, ...r.changed, ...r.removed].flatMap((c) =>
    weakenings(c.before, c.after).map((w) => ({ id: c.id, why: `${w.what} (${w.kind})` })),
  );
  return r;
}

export const hasChanges = (r: EnvironmentReview) =>
  r.added.length + r.changed.length + r.removed.length + r.versionOnly.length > 0;

/** Stable YAML of an object, with content-hash annotation values replaced so they never make diff noise. */
function objectText(o: Plain | undefined): string {
  if (o === undefined) return '';
  const copy = structuredClone(o);
  const a = copy.spec?.template?.metadata?.annotations;
  if (a) for (const k of Object.keys(a)) if (HASH_ANNOTATION.test(k)) a[k] = '(content hash)';
  return yamlText(copy);
}

/** The unified diff of one object change, without file headers; `config changed` noted when only a hash moved. */
export function objectDiff(c: ObjectChange): string {
  const patch = createTwoFilesPatch('before', 'after', objectText(c.before), objectText(c.after), '', '', {
    context: 3,
  });
  const lines = patch.split('\n');
  const first = lines.findIndex((l) => l.startsWith('@@'));
  const body = (first === -1 ? [] : lines.slice(first)).join('\n').replace(/\n+$/, '');
  const hashChanged = !isDeepStrictEqual(hashAnnotations(c.before), hashAnnotations(c.after));
  if (c.change === 'changed' && hashChanged) {
    return `${body === '' ? '' : `${body}\n`}# config changed (content hash of a mounted configuration)`;
  }
  return body;
}

/** The summary line of an environment: counts of objects added, changed and removed. */
export function countsLine(r: EnvironmentReview): string {
  const relabeled = r.versionOnly.length > 0 ? `; ${r.versionOnly.length} only relabeled (version)` : '';
  return `${r.added.length} added, ${r.changed.length} changed, ${r.removed.length} removed${relabeled}`;
}

const SIGN = { added: '+', changed: '~', removed: '-' } as const;

// ---------------------------------------------------------------------------------------------------- text

export interface Paint {
  red: (s: string) => string;
  green: (s: string) => string;
  yellow: (s: string) => string;
  bold: (s: string) => string;
}

/** The review for a terminal: the summary of every environment first, then the per-object diffs. */
export function textReport(reviews: readonly EnvironmentReview[], p: Paint): string {
  const table = upgradeTableText(upgradeRows(reviews), p.bold);
  const out: string[] = table === '' ? [] : [table];
  for (const r of reviews) {
    if (!hasChanges(r)) {
      out.push(`${r.env}: no changes`);
      continue;
    }
    out.push(p.bold(`${r.env}: ${countsLine(r)}`));
    if (r.versionOnly.length > 0) out.push(`  ${versionLabelLine(r.versionOnly)}`);
    for (const d of r.destroys) out.push(p.red(`  DESTROYED  ${d.id}: ${d.why}`));
    for (const d of r.recreates) out.push(p.red(`  RECREATED  ${d.id}: immutable ${d.fields.join(', ')} changed`));
    for (const d of r.resizes) out.push(p.yellow(`  RESIZE     ${d.id}: ${d.why}`));
    for (const d of r.weakened ?? []) out.push(p.red(`  WEAKENED   ${d.id}: ${d.why}`));
    for (const d of r.reshuffles ?? []) out.push(p.yellow(`  RESHUFFLE  hashring ${d.id}: ${d.why}`));
    out.push(...restartsText(r, p));
    for (const c of [...r.added, ...r.changed, ...r.removed]) {
      const line = `  ${SIGN[c.change]} ${c.id}`;
      out.push(c.change === 'added' ? p.green(line) : c.change === 'removed' ? p.red(line) : p.yellow(line));
    }
    if (r.topology) out.push('', r.topology);
  }
  const changed = reviews.filter(hasChanges);
  if (changed.length > 0) out.push('');
  for (const r of changed) {
    for (const c of [...r.added, ...r.changed, ...r.removed]) {
      out.push(p.bold(`${SIGN[c.change]} ${r.env}: ${c.id}`));
      for (const line of objectDiff(c).split('\n')) {
        out.push(line.startsWith('+') ? p.green(line) : line.startsWith('-') ? p.red(line) : line);
      }
      out.push('');
    }
  }
  return `${out.join('\n').replace(/\n+$/, '')}\n`;
}

// ------------------------------------------------------------------------------------------------ markdown

export interface MarkdownOptions {
  /** What the change is compared with, e.g. `main`. */
  base: string;
  /** Size limit of the whole comment, in characters (UTF-16 code units, as GitHub counts). */
  limit?: number;
  /** Where the full diff is, for the note when diffs are cut. */
  fullDiffHint?: string;
}

/** The marker that lets the workflow find and update its own comment. */
export const COMMENT_MARKER = '<!-- thanos-gitops-diff -->';

function fence(text: string): string {
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  return '`'.repeat(longest + 1);
}

function summaryMarkdown(reviews: readonly EnvironmentReview[], base: string, compact: boolean): string {
  const changed = reviews.filter(hasChanges);
  const out: string[] = [
    COMMENT_MARKER,
    `### thanos-gitops: what this change does (compared with ${markdownCode(base)})`,
    '',
  ];
  if (changed.length === 0) {
    out.push(`No changes to the rendered objects of ${plural(reviews.length, 'environment folder')}.`);
    return `${out.join('\n')}\n`;
  }
  const table = upgradeTableMarkdown(upgradeRows(reviews));
  if (table !== '') out.push(table);
  out.push('| folder | added | changed | removed | restarts | recreated | destroyed |');
  out.push('| --- | --: | --: | --: | --: | --: | --: |');
  for (const r of changed) {
    const loud = (n: number) => (n > 0 ? `**${n}**` : '0');
    out.push(
      `| ${markdownCode(r.env, true)} | ${r.added.length} | ${r.changed.length} | ${r.removed.length} | ${r.restarts.length} | ` +
        `${loud(r.recreates.length)} | ${loud(r.destroys.length)} |`,
    );
  }
  const unchanged = reviews.filter((r) => !hasChanges(r)).map((r) => markdownCode(r.env));
  if (unchanged.length > 0) out.push('', `No changes: ${unchanged.join(', ')}.`);
  for (const r of changed) {
    out.push('', `#### ${markdownCode(r.env)}: ${countsLine(r)}`);
    if (r.versionOnly.length > 0) out.push('', `${versionLabelLine(r.versionOnly, (s) => markdownCode(s))}.`);
    if (r.destroys.length > 0) {
      out.push('', '> [!CAUTION]', `> **Destroyed** in ${markdownCode(r.env)}:`);
      for (const d of r.destroys) out.push(`> - ${markdownCode(d.id)}: ${markdownText(d.why)}`);
    }
    if (r.recreates.length > 0) {
      out.push(
        '',
        '> [!WARNING]',
        `> **Must be recreated** (immutable fields changed; deleted and created again, its pods go down):`,
      );
      for (const d of r.recreates)
        out.push(`> - ${markdownCode(d.id)}: ${d.fields.map((f) => `\`spec.${f}\``).join(', ')}`);
    }
    if ((r.weakened ?? []).length > 0) {
      out.push('', '> [!CAUTION]', '> **Security posture weakened** (acknowledged by `patches[].acknowledge`?):');
      // Container names and host paths come from patches: one line, no markup.
      for (const d of r.weakened ?? []) out.push(`> - \`${d.id}\`: ${d.why.replace(/[^\w ./:()'-]/g, '_')}`);
    }
    if (r.resizes.length > 0) {
      out.push('', '> [!IMPORTANT]', '> **Volumes grow** (Kubernetes refuses the change as it is; no data is lost):');
      for (const d of r.resizes) out.push(`> - ${markdownCode(d.id)}: ${markdownText(d.why)}`);
    }
    if ((r.reshuffles ?? []).length > 0) {
      out.push('', '> [!WARNING]', '> **Series move between ingestors** (hashring algorithm changed):');
      for (const d of r.reshuffles ?? []) out.push(`> - hashring ${markdownCode(d.id)}: ${markdownText(d.why)}`);
    }
    out.push(...restartsMarkdown(r));
    if (r.topology && !compact) out.push('', r.topology);
  }
  out.push(...objectLists(changed, compact));
  return `${out.join('\n')}\n`;
}

/** Workload names (their kind is said by how they roll), with why when not the pod template. */
const restartNames = (list: readonly { id: string; why: string }[], code: (s: string) => string) =>
  list
    .map((d) => `${code(d.id.split('/').at(-1) ?? d.id)}${d.why === 'pod template changed' ? '' : ` (${d.why})`}`)
    .join(', ');

const hashringsOf = (names: readonly string[]) =>
  `${names.length === 1 ? 'hashring' : 'hashrings'} ${names.map((n) => markdownCode(n)).join(', ')}`;

/** The restarts of a folder: a loud warning for each hashring taken below its write quorum, then how each rolls. */
function restartsMarkdown(r: EnvironmentReview): string[] {
  const out: string[] = [];
  const dangers = sameSaid(r.rollouts, (c) => c.danger);
  if (dangers.length > 0) {
    out.push('', '> [!CAUTION]', `> **Below the write quorum** in ${markdownCode(r.env)}:`);
    for (const d of dangers) out.push(`> - ${hashringsOf(d.hashrings)}: ${d.text}`);
  }
  if (r.restarts.length === 0) return out;
  out.push('', `**Restarts** (${plural(r.restarts.length, 'workload')}):`);
  const code = (s: string) => `\`${s}\``;
  for (const c of sameSaid(r.rollouts, (x) => (x.restarts.length > 0 ? x.how : undefined))) {
    if (c.hashrings.length > 0) {
      out.push(`- ${hashringsOf(c.hashrings)} (${plural(c.restarts.length, 'StatefulSet')}): ${c.text}`);
    } else {
      const kinds = [...new Set(c.restarts.map((d) => `${d.id.split('/')[0]}s`))].join(' and ');
      out.push(`- ${kinds}, ${c.text}: ${restartNames(c.restarts, code)}`);
    }
  }
  return out;
}

function restartsText(r: EnvironmentReview, p: Paint): string[] {
  const out: string[] = [];
  for (const c of r.rollouts) {
    if (c.danger) out.push(p.red(`  BELOW QUORUM hashring ${c.hashring}: ${c.danger.replace(/[`*]/g, '')}`));
  }
  for (const c of r.rollouts) {
    const how = `${c.hashring === undefined ? '' : `hashring ${c.hashring}, `}${c.how.replace(/[`*]/g, '')}`;
    for (const d of c.restarts) out.push(p.yellow(`  RESTARTS   ${d.id} (${d.why}): ${how}`));
  }
  return out;
}

/** The objects of each folder: a collapsible list, or counts per kind when the comment is short of room. */
function objectLists(changed: readonly EnvironmentReview[], compact: boolean): string[] {
  const out: string[] = [];
  for (const r of changed) {
    const all = [...r.added, ...r.changed, ...r.removed];
    if (compact) {
      const byKind = new Map<string, Record<ObjectChange['change'], number>>();
      for (const c of all) {
        const k = byKind.get(c.kind) ?? { added: 0, changed: 0, removed: 0 };
        k[c.change]++;
        byKind.set(c.kind, k);
      }
      out.push('', `Objects of ${markdownCode(r.env)} by kind (too many to name them all here):`);
      for (const [kind, n] of [...byKind].sort(([a], [b]) => (a < b ? -1 : 1))) {
        out.push(`- ${kind}: ${n.added} added, ${n.changed} changed, ${n.removed} removed`);
      }
    } else {
      out.push('', `<details><summary><b>${htmlText(r.env)}</b>: ${plural(all.length, 'object')}</summary>`, '');
      for (const c of all) out.push(`- \`${SIGN[c.change]}\` ${markdownCode(c.id)}`);
      if (r.versionOnly.length > 0)
        out.push(`- version label only: ${r.versionOnly.map((c) => markdownCode(c.id)).join(', ')}`);
      out.push('', '</details>');
    }
  }
  return out;
}

function diffBlock(env: string, c: ObjectChange, maxChars?: number): { text: string; cut: boolean } {
  let body = objectDiff(c);
  let cut = false;
  const f = fence(body);
  const head = `<details><summary><code>${SIGN[c.change]} ${htmlText(env)}: ${htmlText(c.id)}</code></summary>\n\n${f}diff\n`;
  const tail = `\n${f}\n\n</details>\n`;
  if (maxChars !== undefined && head.length + body.length + tail.length > maxChars) {
    const room = maxChars - head.length - tail.length - 40;
    if (room < 200) return { text: '', cut: true };
    body = `${body.slice(0, body.lastIndexOf('\n', room))}\n# … cut to fit the comment`;
    cut = true;
  }
  return { text: `${head}${body}${tail}`, cut };
}

/** A diff left out of the comment: `cut` when its beginning is shown and the rest is not. */
interface LeftOut {
  env: string;
  id: string;
  cut: boolean;
}

/** The note under cut diffs: how many are shown whole, and which are not (by name while they fit). */
function cutNote(shown: number, total: number, left: readonly LeftOut[], hint: string): string {
  const names: string[] = [];
  let room = 280;
  for (const l of left) {
    const name = `${markdownCode(`${l.env}: ${l.id}`)}${l.cut ? ' (cut)' : ''}`;
    if (name.length + 2 > room) break;
    names.push(name);
    room -= name.length + 2;
  }
  const more = left.length - names.length;
  const list = `${names.join(', ')}${more > 0 ? `${names.length > 0 ? ' and' : ''} ${more} more` : ''}`;
  return (
    `\n> [!NOTE]\n> The diffs were cut to fit one GitHub comment (${GITHUB_COMMENT_LIMIT.toLocaleString('en-US')} ` +
    `characters): ${shown} of ${plural(total, 'object diff')} shown whole; left out: ${list}. ` +
    `The summary above is complete. For the full diff, ${hint}.\n`
  );
}

/** The diffs of every folder in order, until the comment is full; what did not fit goes to `left`. */
function diffSections(changed: readonly EnvironmentReview[], room: number, left: LeftOut[]): string[] {
  const parts: string[] = [];
  let size = 0;
  for (const r of changed) {
    // What changes in place is the most telling, then what goes, then what is new.
    const list = [...r.changed, ...r.removed, ...r.added];
    const open = `<details><summary><b>${htmlText(r.env)}</b>: ${plural(list.length, 'object diff')}</summary>\n\n`;
    const close = '</details>\n';
    let i = 0;
    if (left.length === 0 && size + open.length + close.length <= room) {
      parts.push(open);
      size += open.length + close.length;
      for (; i < list.length && left.length === 0; i++) {
        const block = diffBlock(r.env, list[i] as ObjectChange, room - size);
        if (block.cut) left.push({ env: r.env, id: (list[i] as ObjectChange).id, cut: block.text !== '' });
        parts.push(block.text);
        size += block.text.length;
      }
      parts.push(close);
    }
    for (; i < list.length; i++) left.push({ env: r.env, id: (list[i] as ObjectChange).id, cut: false });
  }
  return parts;
}

/**
 * The review as one GitHub comment: the summary of every environment (always whole), then a collapsible diff per
 * object, cut with a note once the comment would exceed `limit`. The note counts only the diffs shown whole and
 * names the ones left out.
 */
export function markdownReport(reviews: readonly EnvironmentReview[], options: MarkdownOptions): string {
  const limit = options.limit ?? GITHUB_COMMENT_LIMIT;
  const hint =
    options.fullDiffHint ?? `run ${markdownCode(`pnpm diff --base ${shellWord(options.base)}`)} for the full diff`;
  const noteRoom = 800;
  let summary = summaryMarkdown(reviews, options.base, false);
  if (summary.length > limit - noteRoom) summary = summaryMarkdown(reviews, options.base, true);
  const changed = reviews.filter(hasChanges);
  const total = changed.reduce((n, r) => n + r.added.length + r.changed.length + r.removed.length, 0);
  if (total === 0) return summary;
  const head = '\n### Diffs\n\n';
  const left: LeftOut[] = [];
  const diffs = diffSections(changed, limit - noteRoom - summary.length - head.length, left);
  const parts = [summary, head, ...diffs];
  if (left.length > 0) parts.push(cutNote(total - left.length, total, left, hint));
  const text = parts.join('');
  if (text.length > limit) throw new Error(`markdown report of ${text.length} characters exceeds ${limit}`);
  return text;
}
