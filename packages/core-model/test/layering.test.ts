/**
 * The layering is enforced by biome's noRestrictedImports (biome.json overrides): core-model imports no workspace
 * package, thanos-components imports only core-model, nothing imports cli. These run the linter, with the
 * repository's biome.json (its VCS integration off), on a file placed in each package of a scratch copy of the
 * layout, so a violating import is proven to fail the lint.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const BIOME = fileURLToPath(new URL('../../../node_modules/.bin/biome', import.meta.url));
const CONFIG = JSON.parse(readFileSync(new URL('../../../biome.json', import.meta.url), 'utf8'));
const scratch = mkdtempSync(path.join(tmpdir(), 'layering-'));
writeFileSync(path.join(scratch, 'biome.json'), JSON.stringify({ ...CONFIG, $schema: undefined, vcs: undefined }));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function lint(file: string, source: string) {
  mkdirSync(path.dirname(path.join(scratch, file)), { recursive: true });
  writeFileSync(path.join(scratch, file), source);
  const r = spawnSync(BIOME, ['lint', file], { cwd: scratch, encoding: 'utf8' });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

const importing = (pkg: string) => `import * as m from '@thanos-gitops/${pkg}';\nexport const x = m;\n`;

describe('layering', { timeout: 60_000 }, () => {
  it.each([
    ['packages/core-model/src/x.ts', 'thanos-components', 'core-model imports no workspace package'],
    ['packages/core-model/test/x.test.ts', 'irsa', 'core-model imports no workspace package'],
    ['packages/thanos-components/src/x.ts', 'irsa', 'thanos-components imports only core-model'],
    ['packages/thanos-components/src/x.ts', 'mtls', 'thanos-components imports only core-model'],
    ['packages/thanos-components/src/x.ts', 'cli', 'thanos-components imports only core-model'],
    ['packages/irsa/src/x.ts', 'cli', 'nothing imports cli'],
    ['packages/overlays/src/x.ts', 'cli', 'nothing imports cli'],
  ])('%s importing @thanos-gitops/%s fails the lint', (file, pkg, message) => {
    const r = lint(file, importing(pkg));
    expect(r.status).not.toBe(0);
    expect(r.output).toContain('noRestrictedImports');
    expect(r.output).toContain(message);
  });

  it.each([
    ['packages/thanos-components/src/x.ts', 'core-model'],
    ['packages/irsa/src/x.ts', 'core-model'],
    ['packages/cli/src/x.ts', 'thanos-components'],
  ])('%s importing @thanos-gitops/%s passes', (file, pkg) => {
    const r = lint(file, importing(pkg));
    expect(r.output).not.toContain('noRestrictedImports');
    expect(r.status).toBe(0);
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
