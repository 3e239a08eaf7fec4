import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Document, parse, stringify } from 'yaml';
import { emitYaml, NON_STRING_SCALARS, YAML_OPTIONS } from '../src/emit.js';

/** Strings that exercise every quoting and block rule of the `yaml` library. */
const TRICKY = [
  '',
  ' ',
  '   ',
  'a b',
  'a  ',
  ' a',
  'a: b',
  'a:b',
  'a:',
  ':a',
  '- x',
  '-',
  '-x',
  '?',
  '? x',
  '?x',
  '#x',
  'a #b',
  'a#b',
  'true',
  'True',
  'TRUE',
  'false',
  'null',
  'Null',
  'NULL',
  '~',
  '123',
  '-7',
  '+7',
  '0x1F',
  '0o17',
  '1.5',
  '.5',
  '5.',
  '1e3',
  '1E-3',
  '.inf',
  '-.Inf',
  '.nan',
  'yes',
  'on',
  'off',
  'y',
  "it's",
  'say "hi"',
  `both ' and "`,
  '"',
  "'",
  '*a',
  '&a',
  '!t',
  '%x',
  '@x',
  '`x',
  '|',
  '>',
  '{a}',
  '[a]',
  'a,b',
  'a\nb',
  'a\n',
  'a\n\n',
  'a\n\n\n',
  '\na',
  '\n\na',
  ' a\nb',
  '\n a',
  '\n',
  '\n\n',
  'a \nb',
  'a\n b',
  'a\n\tb',
  'a\n\nb\n',
  'a\n \n',
  'a\n\t',
  'x\t',
  '\ty',
  'a\tb',
  '---',
  '--- a',
  '...',
  'a\n---\nb',
  'a\n...',
  '%YAML',
  'é',
  '☃ snow',
  'a\u2028b',
  '\u00a0',
  'a\u0085',
  '\u0007',
  'a\rb',
  'a\r\nb',
  '\ud800',
  'line1\nline2\n',
  'k=v',
  'http://x:80/y',
  '{{ $labels.instance }} is down',
  'sum(rate(x[5m])) by (job) > 0.1',
  '=~"a|b"',
  '--flag=value',
  'x'.repeat(1100),
];

const CHARS = [
  ' ',
  '\n',
  '\t',
  ':',
  '#',
  '-',
  '?',
  '"',
  "'",
  '\\',
  'a',
  'Z',
  '1',
  '0',
  '.',
  ',',
  '[',
  '{',
  '|',
  '>',
  '%',
  '&',
  '*',
  '!',
  'é',
  '\u0001',
];

const str = fc.oneof(
  fc.constantFrom(...TRICKY),
  fc.string({ unit: fc.constantFrom(...CHARS), maxLength: 12 }),
  fc.string({ maxLength: 12 }),
);
const key = str.filter((k) => k !== '__proto__');
const scalar = fc.oneof(
  str,
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.boolean(),
  fc.constant(null),
);
const { value } = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, scalar, tie('list'), tie('map')),
  list: fc.array(tie('value'), { maxLength: 4 }),
  map: fc.dictionary(key, tie('value'), { maxKeys: 4 }),
}));
const document = fc.oneof(fc.dictionary(key, value, { maxKeys: 6 }), fc.array(value, { maxLength: 6 }));

describe('emitYaml', () => {
  it('writes exactly what the yaml library writes, and the text parses back to the same data', () => {
    let written = 0;
    fc.assert(
      fc.property(document, (data) => {
        const text = emitYaml(data);
        if (text === undefined) return;
        written++;
        expect(text).toBe(stringify(data, YAML_OPTIONS));
        expect(parse(text)).toEqual(data);
      }),
      { numRuns: 3000 },
    );
    // Many inputs are written by the emitter, not left to the library (which would make this test vacuous).
    expect(written).toBeGreaterThan(300); // about 40 % in practice: one control character anywhere sends a document to the library
  });

  it('covers every tricky string as a key, a value and a list item, except the few it leaves to the library', () => {
    const leftToLibrary = (s: string, asKey: boolean) =>
      // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
      /[\x00-\x08\x0b-\x1f\x7f-\x9f\u{D800}-\u{DFFF}]/u.test(s) || // control characters: escapes
      /^(%|---|\.\.\.)/m.test(s) || // document markers
      (asKey && (s.includes('\n') || s.length > 1024)) || // multi-line and long keys
      /\n[\t ]+$/.test(s) || // a last line of only spaces: double-quoted over several lines
      (/^[\t ]/.test(s) && s.includes('\n')); // a block scalar whose first line starts with a space (found by the property test: [[" \n"]])
    let covered = 0;
    for (const s of TRICKY) {
      for (const [data, asKey] of [
        [{ [s]: 1 }, true],
        [{ k: s }, false],
        [{ k: [s, { n: s }] }, false],
        [[s], false],
      ] as const) {
        const text = emitYaml(data);
        if (text === undefined) {
          expect(leftToLibrary(s, asKey), JSON.stringify(data)).toBe(true);
          continue;
        }
        covered++;
        expect(text, JSON.stringify(data)).toBe(stringify(data, YAML_OPTIONS));
        expect(parse(text)).toEqual(data);
      }
    }
    expect(covered).toBeGreaterThan(TRICKY.length * 3);
  });

  it('leaves out undefined values of mappings, like the library', () => {
    for (const data of [
      { a: undefined, b: 1 },
      { a: { x: undefined } },
      [{ a: undefined }],
      { a: [{ b: undefined, c: 2 }] },
    ]) {
      expect(emitYaml(data)).toBe(stringify(data, YAML_OPTIONS));
    }
  });

  it('writes nested collections, empty ones and numbers like the library', () => {
    const data = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'x', labels: { 'app.kubernetes.io/name': 'x' }, annotations: {} },
      data: { 'config.yaml': 'a: 1\nb:\n  - c\n', empty: '' },
      list: [[], {}, [1, [2, 3]], { a: [{ b: null }] }, -0, 0.5, 1e21, -1e-7],
    };
    expect(emitYaml(data)).toBe(stringify(data, YAML_OPTIONS));
  });

  it('falls back (returns undefined) for what it does not cover', () => {
    expect(emitYaml('top-level scalar')).toBeUndefined();
    expect(emitYaml([undefined])).toBeUndefined();
    expect(emitYaml({ a: new Date(0) })).toBeUndefined();
    expect(emitYaml({ a: Number.NaN })).toBeUndefined();
    expect(emitYaml({ a: 'bell\u0007' })).toBeUndefined();
  });

  it("quotes the same non-string scalars as the library's core schema", () => {
    const tests = new Document().schema.tags
      .filter((t) => t.default && t.tag !== 'tag:yaml.org,2002:str' && t.test)
      .map((t) => String(t.test));
    expect(NON_STRING_SCALARS.map(String).sort()).toEqual(tests.sort());
  });
});
