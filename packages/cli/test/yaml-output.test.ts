/**
 * The generated files are written by core-model's fast YAML emitter (emit.ts). For every object of every test
 * environment, the file must hold exactly what the `yaml` library writes for the same data, and parse back with the
 * `yaml` library to the object itself.
 */
import { conventionalOrder, generatedHeader, manifestFile, toPlain, YAML_OPTIONS } from '@thanos-gitops/core-model';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { renderAll } from './helpers.js';

// The yaml library takes seconds for all objects on a loaded machine: a generous timeout, far from the usual run.
describe('generated YAML', { timeout: 120_000 }, () => {
  const rendered = renderAll();

  it('is byte for byte what the yaml library writes, and parses back to the same objects', () => {
    let files = 0;
    for (const r of rendered) {
      for (const m of r.manifests) {
        const data = conventionalOrder(toPlain(m.object));
        const text = r.tree.files.get(manifestFile(m));
        const header = `${generatedHeader(r.file)}\n`;
        expect(text?.startsWith(header)).toBe(true);
        const body = text?.slice(header.length);
        expect(body, manifestFile(m)).toBe(stringify(data, YAML_OPTIONS));
        expect(parse(body ?? '')).toEqual(data);
        files++;
      }
      const k = r.tree.files.get('kustomization.yaml') ?? '';
      expect(k.slice(k.indexOf('\n') + 1)).toBe(stringify(parse(k), YAML_OPTIONS));
    }
    expect(files).toBeGreaterThan(100);
  });
});
