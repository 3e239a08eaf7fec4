/**
 * No import circle anywhere: across every package's `src`, no file reaches itself through imports, values and types
 * alike. The graph is read from the sources (support/import-graph.ts); the synthetic cases prove that the check
 * finds a circle of values, one of types only, one through a package's entry point, and a dynamic import.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { circles, importGraph } from './support/import-graph.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const relative = (root: string, found: string[][]) => found.map((c) => c.map((f) => path.relative(root, f)));

describe('import circles', () => {
  it('the sources of every package hold none', () => {
    const graph = importGraph(ROOT);
    expect(graph.size).toBeGreaterThan(100);
    expect(relative(ROOT, circles(graph))).toEqual([]);
  });
});

describe('the check finds a circle', () => {
  const scratch = mkdtempSync(path.join(tmpdir(), 'circles-'));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));
  let n = 0;
  /** A scratch repository: package name → its files (path under src → text). */
  function repo(packages: Record<string, Record<string, string>>): string {
    const root = path.join(scratch, `r${n++}`);
    for (const [name, files] of Object.entries(packages)) {
      const dir = path.join(root, 'packages', name);
      mkdirSync(path.join(dir, 'src'), { recursive: true });
      const exports = { '.': { source: './src/index.ts' } };
      writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: `@thanos-gitops/${name}`, exports }));
      for (const [file, text] of Object.entries(files)) writeFileSync(path.join(dir, 'src', file), text);
    }
    return root;
  }

  it.each([
    [
      'values',
      "import { b } from './b.js';\nexport const a = b;\n",
      "import { a } from './a.js';\nexport const b = a;\n",
    ],
    [
      'types only',
      "import type { B } from './b.js';\nexport type A = B[];\n",
      "import type { A } from './a.js';\nexport type B = A | 1;\n",
    ],
    [
      'a re-export',
      "export { b } from './b.js';\nexport const a = 1;\n",
      "import { a } from './a.js';\nexport const b = a;\n",
    ],
    [
      'a dynamic import',
      "export const a = () => import('./b.js');\n",
      "import { a } from './a.js';\nexport const b = a;\n",
    ],
  ])('of %s between two files', (_, a, b) => {
    const root = repo({ one: { 'a.ts': a, 'b.ts': b, 'index.ts': "export * from './a.js';\n" } });
    expect(relative(root, circles(importGraph(root)))).toEqual([['packages/one/src/a.ts', 'packages/one/src/b.ts']]);
  });

  it('across packages, through their entry points', () => {
    const root = repo({
      low: {
        'index.ts': "export { x } from './x.js';\n",
        'x.ts': "import type { Y } from '@thanos-gitops/high';\nexport const x = 1 as Y;\n",
      },
      high: { 'index.ts': "import { x } from '@thanos-gitops/low';\nexport type Y = typeof x;\n" },
    });
    expect(relative(root, circles(importGraph(root)))).toEqual([
      ['packages/high/src/index.ts', 'packages/low/src/index.ts', 'packages/low/src/x.ts'],
    ]);
  });

  it('and none where the imports run one way', () => {
    const root = repo({
      one: { 'a.ts': "import { b } from './b.js';\nexport const a = b;\n", 'b.ts': 'export const b = 1;\n' },
    });
    expect(circles(importGraph(root))).toEqual([]);
  });
});
