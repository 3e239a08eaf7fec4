/**
 * A copied environment says so: a copy of each test environment, renamed and changed only where the checklist of
 * docs/add-an-environment.md says, validates beside its original; a copy that keeps one of the values marked
 * unique there is refused at that value's line, naming the original.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { checklist } from './doc-blocks.js';
import { cli, ENVIRONMENTS_DIR, REPO_ROOT, tempDir } from './helpers.js';

const CHECKLIST = checklist(readFileSync(join(REPO_ROOT, 'docs/add-an-environment.md'), 'utf8'));

/** A new value for a field of the checklist, for the copy `name` (a value of the same form). */
function changed(field: string, value: unknown, name: string): unknown {
  if (field === 'name') return name;
  if (field.endsWith('workspaceId')) return 'ws-11111111-2222-3333-4444-555555555555';
  if (field.endsWith('accountId')) return '333333333333';
  if (field.endsWith('roleArn')) return String(value).replace(/role\/.*/, `role/prometheus-${name}-amp`);
  if (field.endsWith('hostname')) return `remote-write.${name}.example.com`;
  if (field.endsWith('region')) return value;
  return `${String(value).replace(/\./g, '-').slice(0, 30)}-${name}`.replace(/^-+/, '');
}

/** The paths in `doc` that a checklist field (`a.b`, `a.list[].c`) names, with their values. */
function paths(doc: ReturnType<typeof parseDocument>, field: string): (string | number)[][] {
  let found: (string | number)[][] = [[]];
  for (const part of field.split('.')) {
    const list = part.endsWith('[]');
    const key = list ? part.slice(0, -2) : part;
    found = found.flatMap((p) => {
      const at = [...p, key];
      const v = doc.getIn(at);
      if (v === undefined) return [];
      if (!list) return [at];
      const n = (doc.getIn(at) as { items?: unknown[] }).items?.length ?? 0;
      return Array.from({ length: n }, (_, i) => [...at, i]);
    });
  }
  return found;
}

/** The fixture `from` copied as `name`, every checklist field changed except those in `keep`. */
function copy(from: string, name: string, keep: readonly string[] = []): string {
  const doc = parseDocument(readFileSync(join(ENVIRONMENTS_DIR, `${from}.yaml`), 'utf8'));
  for (const field of CHECKLIST.flatMap((c) => c.fields)) {
    if (keep.includes(field)) continue;
    for (const path of paths(doc, field)) doc.setIn(path, changed(field, doc.getIn(path), name));
  }
  return doc.toString();
}

function validate(files: Record<string, string>) {
  const root = tempDir('thanos-gitops-copy-');
  const environments = join(root, 'environments');
  mkdirSync(environments);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(environments, `${name}.yaml`), text);
  return cli(['validate', '--environments', environments, '--clusters', join(root, 'clusters')]);
}

const original = (name: string) => readFileSync(join(ENVIRONMENTS_DIR, `${name}.yaml`), 'utf8');

describe('a copy of an environment', () => {
  it('reads the checklist from the docs, with the unique values marked', () => {
    const fields = CHECKLIST.flatMap((c) => c.fields);
    expect(fields).toEqual(expect.arrayContaining(['name', 'remoteWrite.hostname', 'remoteWrite.amp.workspaceId']));
    expect(CHECKLIST.filter((c) => c.unique).flatMap((c) => c.fields)).toContain('remoteWrite.writers[].cluster');
  });

  it.each(['staging', 'prod', 'dev'])('of %s, changed where the checklist says, is accepted', async (from) => {
    const r = await validate({ [from]: original(from), qa: copy(from, 'qa') });
    expect(r.code, r.err).toBe(0);
  });

  const unique = CHECKLIST.filter((c) => c.unique && !c.fields.includes('name')).map((c) => c.fields);
  it.each(unique)('of staging that keeps %s is refused at its line', async (...fields) => {
    const text = copy('staging', 'qa', fields);
    const r = await validate({ staging: original('staging'), qa: text });
    expect(r.code).toBe(1);
    const lines = text.split('\n');
    const own = r.err.split('\n').filter((l) => /^error \S*qa\.yaml:\d+:\d+ /.test(l));
    expect(own.length, r.err).toBeGreaterThan(0);
    for (const l of own) {
      const [, line] = /qa\.yaml:(\d+):\d+ /.exec(l) ?? [];
      const keys = fields.map((f) => `${f.split('.').at(-1)}:`);
      expect(
        keys.some((k) => lines[Number(line) - 1]?.includes(k)),
        `${l}\n${lines[Number(line) - 1]}`,
      ).toBe(true);
      expect(l).toContain('staging.yaml');
    }
  });
});
