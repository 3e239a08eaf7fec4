/**
 * The quick block-YAML reader against `yaml`: on every YAML fixture of the repository and on thousands of mutated
 * copies, whatever it reads is exactly what `yaml` reads without an error (values, key order, -0, NaN), and what
 * it does not read it gives up on. It must also read the files it exists for, or it would save nothing.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { copyYaml, hasPath, readBlockYaml, type YamlLimits, type YamlValue } from '../src/block-yaml.js';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const LIMITS: YamlLimits = { string: 65_536, collection: 1_000 };

function yamlFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => /\.ya?ml$/.test(f))
    .map((f) => join(dir, f));
}

const CORPUS: string[] = [
  ...['cli', 'importer'].flatMap((p) => yamlFiles(join(ROOT, 'packages', p, 'test', 'fixtures'))),
  join(ROOT, 'bench', 'fixtures', 'prod-like.yaml'),
].map((f) => readFileSync(f, 'utf8'));

/** `yaml`'s reading, as the loader's slow path makes it; undefined when it reports an error. */
function slow(text: string): unknown {
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: false, strict: true });
  if (doc.errors.length > 0) return undefined;
  return doc.toJS({ maxAliasCount: 100 });
}

/** Equal values with keys in the same order (`Object.is` for numbers, so -0 and NaN count). */
function same(a: unknown, b: unknown): boolean {
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => same(x, b[i]));
  if (a !== null && typeof a === 'object') {
    if (b === null || typeof b !== 'object' || Array.isArray(b)) return false;
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    const va = a as Record<string, unknown>;
    const vb = b as Record<string, unknown>;
    return ka.join('\0') === kb.join('\0') && ka.every((k) => same(va[k], vb[k]));
  }
  return Object.is(a, b);
}

/** A small deterministic PRNG (mulberry32). */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// biome-ignore format: a table of scalars, kept dense
const VALUES = [
  '~', 'null', 'Null', 'NULL', '', 'true', 'True', 'TRUE', 'tRue', 'false', 'FALSE', 'yes', 'on', '0', '-0', '+0',
  '007', '0o17', '0o8', '0x1F', '0X1F', '0xg', '1e3', '1E-3', '.5e2', '1.', '1.50', '-.5', '+1.0', '.inf', '-.Inf',
  '+.INF', '.nan', '.NaN', 'nan', '12345678901234567890', '1_000', '2024-01-01', "'it''s'", "''", "'a'b'", '"a # b"',
  '""', '"a\\nb"', '"unclosed', "'unclosed", '"a"b', '"a" # c', "'x' #c", 'a # b', 'a#b', 'a #', '[]', '{}', '[ ]',
  '[a, b]', '{a: 1}', '&x a', '*x', '!!str 1', '|', '>-', '|\n  text', '- a', '-', '-a', '-60d', '- ', '?', '? a',
  ':a', ': a', 'a: b', 'a:b', 'a:', '%x', '@x', '`x', ',x', 'a, b', 'x[5m]', 'a  b', 'a\tb', '#', 'é', '\u00a0x',
  'x\u00a0', '"\u2028"', '__proto__', 'constructor', '[a,b]', '[ a , b ]', `[1, "x", 'y']`, '[a, ]', '[a,, b]',
  '[-1, .5, ~, 0x1F, True]', '[a b]', '[a]#c', '[a] # c', '[a] x', '[ ]', '[a, [b]]', '[a: b]', '["a,b"]', `['it''s']`,
  '[{ type: Pods, value: 1, periodSeconds: 120 }]', '[{a: 1}, {b: 2}]', '[{a: 1}, b]', '[{a: 1}{b: 2}]', '[{a: 1},]',
  '[{a: [1]}]', '[ { a: 1 } ]', '[{a: 1}] # c', '[{a: 1}] x', '[{a: 1} x]', '[x {a: 1}]', '[{a: 1}}]', '[{{a: 1}]',
  '[{a: 1, a: 2}]', '[{a: 1} #c]', '[{a}]', '[{a: 1}, {a: 1}]', '{ kind: bootstrap }', '{a: 1, b: "x"}', '{a: 1, a: 2}', '{a:1}', '{a: }', '{a, b}', '{ }', '{a: b} # c', '{a: [b]}',
  '{"a": 1}', '{a: b: c}', '{true: 1}', '{a: b c}', '{a: -1, b: .5}', '[-, a]', '[- a]', '[a-, -b]', '[a/b, .c]', '[{}]', '[a, "b]',
];
const KEYS = ['a', 'b', 'name', '5m', '1h', '0', '1e3', 'true', 'null', '~', '"q"', "'q'", '__proto__', 'x y', '-a'];

/** One random edit of one line: indentation, a value, a key, a line duplicated, dropped or split. */
function mutate(text: string, next: () => number): string {
  const lines = text.split('\n');
  const i = Math.floor(next() * lines.length);
  const line = lines[i] ?? '';
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)] as T;
  const indent = line.length - line.trimStart().length;
  switch (Math.floor(next() * 8)) {
    case 0:
      lines[i] = ' '.repeat(Math.max(0, indent + pick([-2, -1, 1, 2]))) + line.trimStart();
      break;
    case 1:
    case 2:
      lines[i] = line.includes(':')
        ? `${line.slice(0, line.indexOf(':'))}: ${pick(VALUES)}`
        : `${line} ${pick(VALUES)}`;
      break;
    case 3:
      lines[i] = `${' '.repeat(indent)}${pick(KEYS)}:${line.includes(':') ? line.slice(line.indexOf(':') + 1) : ''}`;
      break;
    case 4:
      lines.splice(i, 0, line);
      break;
    case 5:
      lines.splice(i, 1);
      break;
    case 6:
      lines.splice(i + 1, 0, `${' '.repeat(Math.max(0, indent + pick([-2, 0, 2, 4])))}${pick(VALUES)}`);
      break;
    default:
      lines.splice(
        i + 1,
        0,
        `${' '.repeat(indent + pick([0, 2]))}${pick(['- ', '', '# '])}${pick(KEYS)}: ${pick(VALUES)}`,
      );
  }
  return lines.join('\n');
}

function check(text: string): 'read' | 'declined' {
  const quick = readBlockYaml(text, LIMITS);
  if (quick === undefined) return 'declined';
  const expected = slow(text);
  if (!same(quick, expected)) {
    throw new Error(
      `differs from yaml on:\n${text}\nquick: ${JSON.stringify(quick)}\nyaml: ${JSON.stringify(expected)}`,
    );
  }
  return 'read';
}

describe('readBlockYaml', () => {
  it('reads the production-like fixture and most valid-syntax fixtures exactly as yaml does', () => {
    const results = CORPUS.map(check);
    expect(results[results.length - 1]).toBe('read');
    expect(results.filter((r) => r === 'read').length).toBeGreaterThan(CORPUS.length * 0.8);
  });

  it('reads mutated fixtures as yaml does, or declines them', () => {
    const next = random(25);
    const counts = { read: 0, declined: 0 };
    for (const text of CORPUS) {
      for (let n = 0; n < 12; n++) {
        let t = text;
        for (let k = 1 + Math.floor(next() * 3); k > 0; k--) t = mutate(t, next);
        counts[check(t)]++;
      }
    }
    // Both branches are taken often, so the comparison above covers what the reader accepts.
    expect(counts.read).toBeGreaterThan(500);
    expect(counts.declined).toBeGreaterThan(500);
  });

  it('reads every scalar of the list as yaml does, as a value, a list item and a key', () => {
    let read = 0;
    for (const v of [...VALUES, ...KEYS]) {
      for (const text of [`k: ${v}\n`, `k:\n  - ${v}\n`, `k:\n- ${v}\n  # c\n`, `${v}: 1\n`, `a:\n  ${v}: x\n`]) {
        if (check(text) === 'read') read++;
      }
    }
    expect(read).toBeGreaterThan(150);
  });

  it('says a path is written exactly when yaml says so', () => {
    const paths = (v: unknown, at: (string | number)[]): (string | number)[][] => {
      const here = [...at, 'missing', 0, '0', '', -1, 99];
      if (Array.isArray(v)) return [at, here, ...v.flatMap((x, i) => [...paths(x, [...at, i]), [...at, String(i)]])];
      if (v !== null && typeof v === 'object')
        return [at, here, ...Object.entries(v).flatMap(([k, x]) => paths(x, [...at, k]))];
      return [at, [...at, 'below']];
    };
    let compared = 0;
    for (const text of CORPUS) {
      const quick = readBlockYaml(text, LIMITS);
      if (quick === undefined) continue;
      const doc = parseDocument(text);
      const copy = copyYaml(quick);
      expect(same(copy, quick)).toBe(true);
      expect(copy).not.toBe(quick);
      for (const path of paths(quick, [])) {
        for (let n = 1; n <= path.length; n++) {
          expect(hasPath(quick as YamlValue, path.slice(0, n)), JSON.stringify(path)).toBe(doc.hasIn(path.slice(0, n)));
          compared++;
        }
      }
    }
    expect(compared).toBeGreaterThan(10_000);
  });

  it('gives up beyond the limits', () => {
    const small: YamlLimits = { string: 3, collection: 2 };
    expect(readBlockYaml('a: abc\nb: [] \n', small)).toEqual({ a: 'abc', b: [] });
    expect(readBlockYaml('a: abcd\n', small)).toBeUndefined();
    expect(readBlockYaml('abcd: 1\n', small)).toBeUndefined();
    expect(readBlockYaml('a: 1\nb: 2\nc: 3\n', small)).toBeUndefined();
    expect(readBlockYaml('a:\n  - 1\n  - 2\n  - 3\n', small)).toBeUndefined();
    expect(readBlockYaml("a: 'abcd'\n", small)).toBeUndefined();
  });

  it('declines what is not a mapping', () => {
    for (const text of ['', '# only\n', '- a\n', 'a\n', '"a"\n', '---\na: 1\n', 'a: 1\n---\nb: 2\n']) {
      expect(readBlockYaml(text, LIMITS)).toBeUndefined();
    }
  });
});
