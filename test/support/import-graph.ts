/**
 * The import graph of the packages' sources, file by file: every `import`, `import type`, `export … from` and
 * dynamic `import()` (TypeScript's own pre-processor reads them, so comments and strings are no trouble), with
 * relative specifiers resolved to files and `@thanos-gitops/<pkg>[/<entry>]` resolved to the entry point its
 * package.json names (`source` condition). A circle is a strongly connected component of more than one file, or a
 * file that imports itself: values and types alike, since an `import type` circle ties the files as tightly.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

export type ImportGraph = Map<string, string[]>;

function sourcesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return sourcesUnder(full);
    return /\.(ts|mts)$/.test(name) && !name.endsWith('.d.ts') ? [full] : [];
  });
}

/** The entry points of the workspace packages, by specifier (`@thanos-gitops/output`, `@thanos-gitops/x/sub`). */
function packageEntries(root: string): Map<string, string> {
  const entries = new Map<string, string>();
  const packages = path.join(root, 'packages');
  for (const dir of readdirSync(packages)) {
    const manifest = path.join(packages, dir, 'package.json');
    if (!existsSync(manifest)) continue;
    const pkg = JSON.parse(readFileSync(manifest, 'utf8')) as { name: string; exports?: Record<string, unknown> };
    for (const [sub, target] of Object.entries(pkg.exports ?? {})) {
      const source = typeof target === 'object' && target ? (target as { source?: string }).source : undefined;
      if (source) entries.set(sub === '.' ? pkg.name : `${pkg.name}/${sub.slice(2)}`, path.join(packages, dir, source));
    }
  }
  return entries;
}

function resolve(from: string, specifier: string, entries: Map<string, string>): string | undefined {
  if (specifier.startsWith('.')) {
    const target = path.resolve(path.dirname(from), specifier);
    const candidates = [target.replace(/\.m?js$/, '.ts'), target.replace(/\.mjs$/, '.mts'), `${target}.ts`];
    return candidates.find((c) => /\.m?ts$/.test(c) && existsSync(c));
  }
  return entries.get(specifier);
}

/** The graph of every `src/**\/*.ts` of every package under `root/packages`: file → the files it imports. */
export function importGraph(root: string): ImportGraph {
  const entries = packageEntries(root);
  const files = readdirSync(path.join(root, 'packages')).flatMap((p) =>
    sourcesUnder(path.join(root, 'packages', p, 'src')),
  );
  const graph: ImportGraph = new Map();
  for (const file of files) {
    const info = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    const targets = info.importedFiles
      .map((f) => resolve(file, f.fileName, entries))
      .filter((t): t is string => t !== undefined);
    graph.set(file, [...new Set(targets)]);
  }
  return graph;
}

/** The circles of a graph (Tarjan's strongly connected components), each as its files in sorted order. */
export function circles(graph: ImportGraph): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string) => {
    index.set(v, index.size);
    low.set(v, index.get(v) ?? 0);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v) ?? 0, low.get(w) ?? 0));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v) ?? 0, index.get(w) ?? 0));
    }
    if (low.get(v) !== index.get(v)) return;
    const component: string[] = [];
    for (let w = stack.pop(); w !== undefined; w = w === v ? undefined : stack.pop()) {
      onStack.delete(w);
      component.push(w);
    }
    if (component.length > 1 || graph.get(v)?.includes(v)) found.push(component.sort());
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return found;
}
