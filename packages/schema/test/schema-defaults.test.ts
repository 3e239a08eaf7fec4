/**
 * Every option's "Default …" sentence is made from its `default` keyword (`withDefault` in schema/common.ts), so
 * the description and the value ajv fills in cannot disagree. This walks the exported schema and holds every
 * option with a default to it.
 */
import { describe, expect, it } from 'vitest';
import { defaultSentence, withDefault } from '../src/common.js';
import { editorSchema } from '../src/export.js';

interface Option {
  path: string;
  value: unknown;
  description: string | undefined;
}

/** Every schema node with a `default` keyword (not a property that happens to be named `default`). */
function optionsWithDefaults(node: unknown, path = '', out: Option[] = []): Option[] {
  if (Array.isArray(node)) {
    for (const [i, n] of node.entries()) optionsWithDefaults(n, `${path}[${i}]`, out);
    return out;
  }
  if (!node || typeof node !== 'object') return out;
  const n = node as Record<string, unknown>;
  if ('default' in n) out.push({ path, value: n.default, description: n.description as string | undefined });
  for (const [key, child] of Object.entries(n)) {
    if (key === 'default') continue;
    if (key === 'properties') {
      for (const [name, prop] of Object.entries(child as Record<string, unknown>)) {
        optionsWithDefaults(prop, path ? `${path}.${name}` : name, out);
      }
    } else optionsWithDefaults(child, `${path}/${key}`, out);
  }
  return out;
}

const isEmpty = (v: unknown) =>
  (Array.isArray(v) && v.length === 0) ||
  (v !== null && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 0);
const isPlain = (v: unknown) =>
  ['string', 'number', 'boolean'].includes(typeof v) || (Array.isArray(v) && v.every((x) => typeof x === 'string'));

/**
 * Defaults said in words, because a value cannot say them well (a list of objects), with the words that say
 * them. Everything else with a non-empty default ends with the generated sentence.
 */
const WORDED: Record<string, string> = {
  'receive.hashrings': 'Default: one catch-all hashring `default` with one ingestor.',
  'storeGateway.partitions': 'Default one partition serving everything',
  'networkPolicies.objectStorageCIDRs': 'Default any address, since S3 has no fixed ranges',
  'storeGateway.recentBlocks': '`serve` (default)',
  'remoteWrite.mtls.internalIssuer': 'Default: `{kind: bootstrap}`.',
  'readers.issuer': 'Default: `{kind: bootstrap}`.',
};

describe('schema defaults', () => {
  const options = optionsWithDefaults(editorSchema());

  it('finds the options (the walk is not empty)', () => {
    expect(options.length).toBeGreaterThan(150);
    expect(options.map((o) => o.path)).toContain('receive.replicationFactor');
  });

  it("every option with a default states it in its description's last sentence, made from the keyword", () => {
    const wrong = options.flatMap((o) => {
      if (o.path in WORDED) return o.description?.includes(WORDED[o.path] ?? '') ? [] : [`${o.path}: words changed`];
      if (isEmpty(o.value)) return [];
      if (!isPlain(o.value)) return [`${o.path}: default ${JSON.stringify(o.value)} needs words in WORDED`];
      const sentence = defaultSentence(o.value as string | number | boolean | string[]);
      const withNote = new RegExp(`${escapeRegExp(sentence.slice(0, -1))} \\([^)]*\\)\\.$`);
      return o.description?.endsWith(sentence) || withNote.test(o.description ?? '')
        ? []
        : [`${o.path}: "${o.description}" does not end with "${sentence}"`];
    });
    expect(wrong).toEqual([]);
  });

  it('no description states its default twice (once by hand, once by the helper)', () => {
    const twice = options.filter((o) => {
      if (!isPlain(o.value) || isEmpty(o.value)) return false;
      const words = defaultSentence(o.value as string | number | boolean | string[]).slice(0, -1);
      return (o.description ?? '').split(words).length > 2;
    });
    expect(twice.map((o) => o.path)).toEqual([]);
  });

  it('the sentence: numbers and booleans bare, strings and string lists in code, a note after the value', () => {
    expect(defaultSentence(1)).toBe('Default 1.');
    expect(defaultSentence(false)).toBe('Default false.');
    expect(defaultSentence('15d')).toBe('Default `15d`.');
    expect(defaultSentence(['a', 'b'])).toBe('Default `[a, b]`.');
    expect(defaultSentence('720h', '(30 days)')).toBe('Default `720h` (30 days).');
    expect(withDefault({ minimum: 1, default: 3, description: 'Pods.' })).toEqual({
      minimum: 1,
      default: 3,
      description: 'Pods. Default 3.',
    });
    expect(Object.keys(withDefault({ default: 'x', description: 'd', defaultNote: '(n)' }))).toEqual([
      'default',
      'description',
    ]);
    expect(withDefault({ default: 'x', description: 'table:\n\n' }).description).toBe('table:\n\nDefault `x`.');
  });
});

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
