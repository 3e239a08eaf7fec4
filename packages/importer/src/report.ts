/**
 * What an import tells the person migrating: every setting of the input, what became of it, and what needs them.
 * Both importers (`bitnami/`, `manifests/`) fill one `ImportReport`; `formatReport` prints it in the terminal and
 * as the Markdown file written beside the environment.
 */
import type { K8sObject } from './manifests/objects.js';

/** What became of one input setting. */
export type ReportKind =
  /** mapped to an environment option */
  | 'mapped'
  /** read and dropped, with the reason */
  | 'ignored'
  /** the project's default differs from what ran before */
  | 'default-differs'
  /** a person has to act: a credential, an ingress the project does not model, ... */
  | 'needs-person'
  /** the Thanos release changes */
  | 'version';

export interface ReportEntry {
  kind: ReportKind;
  /** Where in the input: a values path (`query.replicaCount`) or an object and field (`StatefulSet/thanos-receive: --tsdb.path`). */
  source: string;
  /** The environment option it maps to, as a dotted path (`query.replicas`), when there is one. */
  option?: string;
  /** One sentence: what was done or what to do, and why. */
  detail: string;
}

export interface ImportReport {
  /** What was read: `bitnami values <file>` or `manifests <file>`. */
  input: string;
  entries: ReportEntry[];
}

/** The result of an import: the environment file's text, its report and its migration runbook (Markdown). */
export interface ImportResult {
  /** The environment's name (the file is `environments/<name>.yaml`). */
  name: string;
  /** The environment file, YAML text with comments, valid against the schema. */
  environment: string;
  report: ImportReport;
  /** The migration runbook for this environment, Markdown. */
  runbook: string;
  /**
   * The objects the old deployment is made of (`import bitnami`: by kind and name, derived from the chart's
   * templates; `import manifests`: with their full bodies), for `adoption` against the rendered environment.
   */
  oldObjects?: OldObject[];
  /** What deletes the old objects: `helm uninstall` (a release), or a person (`manifests`, the default). */
  oldDelivery?: 'helm' | 'manifests';
}

/** One object of the deployment being migrated. */
export interface OldObject {
  kind: string;
  name: string;
  /** Its namespace, when the input says (`helm template` and derived names leave it out). */
  namespace?: string;
  /** Holds data the new deployment must reuse or that must not be lost (a volume claim, a kept Secret). */
  data?: boolean;
  /** The full object, when the input has it (rendered manifests, a live dump); only its name otherwise. */
  object?: K8sObject;
}

const TITLES: Record<ReportKind, string> = {
  'needs-person': 'Needs a person',
  version: 'Thanos version',
  'default-differs': 'Defaults that differ from what ran before',
  mapped: 'Mapped',
  ignored: 'Ignored',
};

/** The report as Markdown (the file beside the environment); the terminal prints the same text. */
export function formatReport(report: ImportReport): string {
  const lines = [`# Import report: ${report.input}`, ''];
  for (const kind of Object.keys(TITLES) as ReportKind[]) {
    const entries = report.entries.filter((e) => e.kind === kind);
    if (entries.length === 0) continue;
    lines.push(`## ${TITLES[kind]} (${entries.length})`, '');
    for (const e of entries) lines.push(`- \`${e.source}\`${e.option ? ` → \`${e.option}\`` : ''}: ${e.detail}`);
    lines.push('');
  }
  return `${lines.join('\n').trimEnd()}\n`;
}
