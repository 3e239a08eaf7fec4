/**
 * Values the generator writes into one-line formats (shell words in READMEs, Markdown in the PR comment, YAML
 * comments of the generated header, Mermaid labels, workflow commands) must be one line of printable text: a line
 * break, another control character or a bidirectional override cannot be carried by those formats intact, so it
 * is refused at the field. Patches, annotations and `extraEnv` values reach only Kubernetes objects and may hold
 * several lines.
 */
import type { FieldPath, ProblemSink } from '@thanos-gitops/problems';

/** Keys under which strings may span lines (they reach only the manifests, never a one-line format). */
const MULTI_LINE = new Set(['patches', 'podAnnotations', 'annotations', 'extraEnv']);

// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this finds
const NOT_ONE_LINE = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/u;

function describe(c: string): string {
  const code = `U+${(c.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
  if (c === '\n' || c === '\r' || c === '\u2028' || c === '\u2029' || c === '\u0085') return `a line break (${code})`;
  return /[\u202a-\u202e\u2066-\u2069]/u.test(c)
    ? `a bidirectional override (${code})`
    : `a control character (${code})`;
}

/** Every string of the environment outside the multi-line fields, checked to be one line of printable text. */
export function textRules(value: unknown, path: FieldPath, sink: ProblemSink): void {
  if (typeof value === 'string') {
    const m = NOT_ONE_LINE.exec(value);
    if (m) {
      sink.report(
        path,
        `must be one line of printable text: found ${describe(m[0])} at character ${m.index + 1}; it would break ` +
          'the README commands, the generated headers and the pull-request comment',
      );
    }
    return;
  }
  // A child's path is made only for a collection or a string that breaks the rule: most values are neither.
  if (Array.isArray(value)) {
    value.forEach((v, i) => {
      if (needsVisit(v)) textRules(v, [...path, i], sink);
    });
    return;
  }
  if (!value || typeof value !== 'object') return;
  for (const key of Object.keys(value)) {
    const v = (value as Record<string, unknown>)[key];
    if (!MULTI_LINE.has(key) && needsVisit(v)) textRules(v, [...path, key], sink);
  }
}

/** A collection, or a string that is not one line of printable text. */
function needsVisit(v: unknown): boolean {
  return typeof v === 'string' ? NOT_ONE_LINE.test(v) : typeof v === 'object' && v !== null;
}
