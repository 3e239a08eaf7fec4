/**
 * The layering is enforced by biome's noRestrictedImports (biome.json overrides, one per package): a package imports
 * only the packages of the layers below it (LAYERS, bottom up; packages of one layer do not import each other), its
 * sources and its tests alike. These run the linter, with the repository's biome.json (its VCS integration off), on
 * files placed in each package of a scratch copy of the layout: every forbidden edge is proven to fail the lint and
 * every allowed one to pass. A package missing from LAYERS, or a package.json dependency that runs upward, fails.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/** The packages, bottom layer first: the package map of ARCHITECTURE.md. */
const LAYERS = [
  ['problems', 'catalog', 'output'],
  ['schema'],
  ['model'],
  ['input', 'manifests'],
  ['thanos-components'],
  ['irsa', 'mtls', 'overlays', 'delivery', 'operability'],
  ['importer'],
  ['cli'],
  ['e2e'],
];
const ALL = LAYERS.flat();
const below = (pkg: string) =>
  LAYERS.slice(
    0,
    LAYERS.findIndex((layer) => layer.includes(pkg)),
  ).flat();

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIOME = path.join(ROOT, 'node_modules/.bin/biome');
const CONFIG = JSON.parse(readFileSync(path.join(ROOT, 'biome.json'), 'utf8'));
const scratch = mkdtempSync(path.join(tmpdir(), 'layering-'));
writeFileSync(path.join(scratch, 'biome.json'), JSON.stringify({ ...CONFIG, $schema: undefined, vcs: undefined }));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function place(file: string, source: string) {
  mkdirSync(path.dirname(path.join(scratch, file)), { recursive: true });
  writeFileSync(path.join(scratch, file), source);
}

function lint(file: string, source: string) {
  place(file, source);
  const r = spawnSync(BIOME, ['lint', file], { cwd: scratch, encoding: 'utf8' });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

const importing = (pkg: string) => `import * as m from '@thanos-gitops/${pkg}';\nexport const x = m;\n`;

describe('the layers', () => {
  it('place every package', () => {
    const packages = readdirSync(path.join(ROOT, 'packages')).filter((p) =>
      existsSync(path.join(ROOT, 'packages', p, 'package.json')),
    );
    expect([...ALL].sort()).toEqual(packages.sort());
  });

  it.each(ALL)('hold the workspace dependencies of %s in package.json', (pkg) => {
    const manifest = JSON.parse(readFileSync(path.join(ROOT, 'packages', pkg, 'package.json'), 'utf8'));
    const deps = Object.keys({ ...manifest.dependencies, ...manifest.devDependencies })
      .filter((d) => d.startsWith('@thanos-gitops/'))
      .map((d) => d.slice('@thanos-gitops/'.length));
    expect(deps.filter((d) => !below(pkg).includes(d))).toEqual([]);
  });
});

describe('layering', { timeout: 60_000 }, () => {
  /** file → the message of its noRestrictedImports diagnostic, from one lint run over every edge. */
  const refused = new Map<string, string>();
  const edge = (from: string, to: string, where = 'src') =>
    `packages/${from}/${where}/to-${to}${where === 'test' ? '.test' : ''}.ts`;
  beforeAll(() => {
    for (const from of ALL) {
      for (const to of ALL) if (to !== from) place(edge(from, to), importing(to));
      place(edge(from, 'cli', 'test'), importing('cli'));
      place(edge(from, 'cli/sub'), importing('cli/sub'));
    }
    const r = spawnSync(BIOME, ['lint', '--reporter=github', '--max-diagnostics=none', 'packages'], {
      cwd: scratch,
      encoding: 'utf8',
    });
    for (const m of r.stdout.matchAll(/^::error title=lint\/style\/noRestrictedImports,file=([^,]+),.*::(.*)$/gm)) {
      refused.set(path.relative(scratch, m[1] ?? ''), m[2] ?? '');
    }
    expect(refused.size).toBeGreaterThan(0);
  });

  const forbidden = ALL.flatMap((from) =>
    ALL.filter((to) => to !== from && !below(from).includes(to)).map((to) => [from, to]),
  );
  const allowed = ALL.flatMap((from) => below(from).map((to) => [from, to]));

  it.each(forbidden)('%s importing @thanos-gitops/%s fails the lint', (from, to) => {
    expect(refused.get(edge(from, to))).toContain(`layering: ${from} imports`);
  });

  it.each(allowed)('%s importing @thanos-gitops/%s passes', (from, to) => {
    expect(refused.has(edge(from, to))).toBe(false);
  });

  it.each(ALL.filter((p) => !['cli', 'e2e'].includes(p)))('%s: its tests and subpath imports are held too', (from) => {
    expect(refused.get(edge(from, 'cli', 'test'))).toContain(`layering: ${from} imports`);
    expect(refused.get(edge(from, 'cli/sub'))).toContain(`layering: ${from} imports`);
  });

  it('a single file run through the linter fails with the message', () => {
    const r = lint('packages/model/src/x.ts', importing('operability'));
    expect(r.status).not.toBe(0);
    expect(r.output).toContain('noRestrictedImports');
    expect(r.output).toContain('layering: model imports only problems, catalog, output, schema');
  });
});

/** A function whose body is `n` lines between its signature and its closing brace (what biome counts). */
const functionOf = (n: number) =>
  `export function f(): number {\n${Array.from({ length: n - 1 }, (_, i) => `  const v${i} = ${i};\n`).join('')}  return v0;\n}\n`;

describe('function length', { timeout: 60_000 }, () => {
  it('a function whose body runs past 60 lines in a package source fails the lint', () => {
    const r = lint('packages/operability/src/long.ts', functionOf(61));
    expect(r.status).not.toBe(0);
    expect(r.output).toContain('noExcessiveLinesPerFunction');
  });

  it('a body of 60 lines passes, and tests may hold longer ones (a table of cases is one function)', () => {
    expect(lint('packages/operability/src/short.ts', functionOf(60)).status).toBe(0);
    expect(lint('packages/operability/test/long.test.ts', functionOf(61)).status).toBe(0);
  });
});
