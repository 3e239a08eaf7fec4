/**
 * The generated files are written by manifests' fast YAML emitter (emit.ts). For every object of every test
 * environment, the file must hold exactly what the `yaml` library writes for the same data, and parse back with the
 * `yaml` library to the object itself.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { conventionalOrder, manifestFile, toPlain, YAML_OPTIONS, yamlText } from '@thanos-gitops/manifests';
import { generatedHeader } from '@thanos-gitops/output';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { findKustomize, KUSTOMIZE_REQUIRED, kustomizeBuild, renderAll, tempDir } from './helpers.js';

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

/** Strings that YAML 1.1, YAML 1.2 or go-yaml read as numbers, booleans, dates or null when written plain. */
const NUMBER_LIKE = [
  '1234e5',
  '1234567890123456',
  '0b1010',
  '0B11',
  '0O17',
  '017',
  '0X1F',
  '+0x1f',
  '0_x1f',
  '1_000',
  '+_1',
  '1_0e5',
  '1e_5',
  '.5_0',
  '1:20',
  '190:20:30',
  '2001-12-14',
  '2001-1-2',
  '2001-12-14T21:59:43Z',
  '2001-12-14 21:59:43.10',
  'yes',
  'off',
  'y',
  'N',
  '~',
  '.inf',
  'e5',
];

const kustomize = findKustomize();

describe.skipIf(!kustomize && !KUSTOMIZE_REQUIRED)('strings that look like numbers', () => {
  it('come back as the same strings after kustomize turns the objects into JSON and back', () => {
    // Hex hashes such as the endpoints-hash annotation, and strings built from the characters of numbers.
    const drawn = fc.sample(
      fc.oneof(
        fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 16, maxLength: 16 }),
        fc.string({ unit: fc.constantFrom(...'0123456789_.-+eExXoObB:'), minLength: 1, maxLength: 8 }),
      ),
      { numRuns: 400, seed: 6 },
    );
    const strings = [...new Set([...NUMBER_LIKE, ...drawn])];
    const data = Object.fromEntries(strings.map((s, i) => [`k${i}`, s]));
    const dir = tempDir('yaml-numbers-');
    const configMap = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', annotations: data }, data };
    writeFileSync(join(dir, 'cm.yaml'), yamlText(configMap));
    // A JSON6902 patch makes kustomize read the object into JSON and write it back with go-yaml.
    writeFileSync(
      join(dir, 'kustomization.yaml'),
      yamlText({
        resources: ['cm.yaml'],
        patches: [
          {
            target: { kind: 'ConfigMap', name: 'x' },
            patch: yamlText([{ op: 'add', path: '/metadata/labels', value: { patched: 'true' } }]),
          },
        ],
      }),
    );
    const [built] = kustomizeBuild(kustomize!, dir);
    expect(built?.metadata?.labels).toEqual({ patched: 'true' });
    expect(built?.data).toEqual(data);
    expect(built?.metadata?.annotations).toEqual(data);
  });
});
