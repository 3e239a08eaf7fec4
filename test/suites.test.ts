/**
 * Every vitest project runs in CI, in exactly one suite: `pnpm test` (every project but `e2e`, which it leaves out
 * with `--project '!e2e'`, and `soak`, whose files it leaves out with `--exclude`), and each script `.ci/run` runs after it (`pnpm test:soak`, `pnpm test:real`: one project
 * each). A project added to the root config or as a package, or a script changed, that CI would no longer run fails
 * here, and so does a `*.soak.test.ts` that a package's own project would also run.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { SOAK_FILES, sharedWorkers } from '../vitest.shared.js';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const scripts: Record<string, string> = JSON.parse(readFileSync(`${ROOT}package.json`, 'utf8')).scripts;

type Project = { test?: { name?: string; exclude?: string[] } };

/** Every project's name: one per package config, the repository's own (`test/`), and those of the root config. */
async function projects(): Promise<Map<string, Project>> {
  const out = new Map<string, Project>();
  const configs = readdirSync(`${ROOT}packages`)
    .filter((p) => existsSync(`${ROOT}packages/${p}/vitest.config.ts`))
    .map((p) => `${ROOT}packages/${p}/vitest.config.ts`);
  for (const file of [...configs, `${ROOT}test/vitest.config.ts`]) {
    const config: Project = (await import(file)).default;
    out.set(String(config.test?.name), config);
  }
  const root = (await import('../vitest.config.js')).default as { test: { projects: (string | Project)[] } };
  for (const p of root.test.projects) if (typeof p !== 'string') out.set(String(p.test?.name), p);
  return out;
}

/**
 * The projects a script's `vitest run` selects: its `--project` names, or all but its `--project '!name'` one
 * (vitest ORs several: `!a` and `!b` would select every project), and not `soak` when it excludes the soak files.
 */
function selected(script: string, all: readonly string[]): string[] {
  const run = /vitest run ([^&]*)/.exec(script)?.[1] ?? '';
  const named = [...run.matchAll(/--project '?(!?[\w-]+)'?/g)].map((m) => m[1] as string);
  const left = named.filter((n) => n.startsWith('!')).map((n) => n.slice(1));
  expect(left.length, `${script}: at most one --project '!name'`).toBeLessThanOrEqual(1);
  if (run.includes(`--exclude '${SOAK_FILES}'`)) left.push('soak');
  const only = named.filter((n) => !n.startsWith('!'));
  return only.length > 0 ? only : all.filter((n) => !left.includes(n));
}

/** The scripts `.ci/run` runs, in order. */
function ciSuites(): string[] {
  const ci = readFileSync(`${ROOT}.ci/run`, 'utf8');
  const loop = /^for suite in ([^;]+); do\n\s+start=.*\n\s+pnpm "\$suite"$/m.exec(ci);
  expect(loop, '.ci/run runs its suites in one loop').not.toBeNull();
  return (loop?.[1] ?? '').trim().split(/\s+/);
}

describe('suites', () => {
  it('CI runs `pnpm test` first, then the soak and the real run', () => {
    expect(ciSuites()).toEqual(['test', 'test:soak', 'test:real']);
    expect(scripts['test:ci']).toBe(
      ciSuites()
        .map((s) => `pnpm ${s}`)
        .join(' && '),
    );
  });

  it('every project runs in exactly one suite CI runs', async () => {
    const all = [...(await projects()).keys()];
    expect(all).toEqual(expect.arrayContaining(['cli', 'repo', 'soak', 'e2e']));
    const runs = ciSuites().flatMap((s) => {
      expect(scripts[s], `package.json has a script ${s}`).toBeDefined();
      return selected(scripts[s] ?? '', all);
    });
    expect([...runs].sort()).toEqual([...all].sort());
  });

  it('the soaks run in the soak project only: every other project but the real run leaves them out', async () => {
    for (const [name, p] of await projects()) {
      if (name === 'soak' || name === 'e2e') continue;
      expect(p.test?.exclude, `project ${name} spreads sharedWorkers`).toEqual(sharedWorkers.exclude);
    }
    expect(sharedWorkers.exclude).toContain(SOAK_FILES);
    expect(readdirSync(`${ROOT}packages/e2e/test`).filter((f) => f.endsWith('.soak.test.ts'))).toEqual([]);
  });
});
