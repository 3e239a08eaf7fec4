/** The environment file's text: a header saying where it came from, then the options, empty sections left out. */
import { stringify } from 'yaml';

function prune(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(prune);
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    const p = prune(v);
    if (p === undefined) continue;
    if (typeof p === 'object' && p !== null && !Array.isArray(p) && Object.keys(p).length === 0) continue;
    out[k] = p;
  }
  return out;
}

export function environmentText(env: Record<string, unknown>, file: string): string {
  const header = [
    '# yaml-language-server: $schema=../schema/environment.schema.json',
    `# Imported by \`thanos-gitops import bitnami\` from ${file.replace(/[\r\n]/g, ' ')}.`,
    `# Read environments/${String(env.name)}.import.md first: what needs a person, the objects kept and recreated,`,
    '# and the migration runbook. Placeholders (replace-with-…, 000000000000) must be replaced before deploying.',
  ];
  return `${header.join('\n')}\n${stringify(prune(env), { lineWidth: 0 })}`;
}
