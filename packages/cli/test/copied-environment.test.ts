/**
 * A copied environment says so: a copy of each test environment, renamed and changed only where the checklist of
 * docs/add-an-environment.md says, validates beside its original; a copy that keeps one of the values marked
 * unique there is refused at that value's line, naming the original.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { asChecklistSays, checklist } from './doc-blocks.js';
import { cli, ENVIRONMENTS_DIR, REPO_ROOT, tempDir } from './helpers.js';

const CHECKLIST = checklist(readFileSync(join(REPO_ROOT, 'docs/add-an-environment.md'), 'utf8'));

/** The fixture `from` copied as `name`, every checklist field changed except those in `keep`. */
function copy(from: string, name: string, keep: readonly string[] = []): string {
  return asChecklistSays(readFileSync(join(ENVIRONMENTS_DIR, `${from}.yaml`), 'utf8'), CHECKLIST, name, keep);
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
