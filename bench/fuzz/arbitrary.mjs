// Environment files drawn from the JSON Schema itself (schema/environment.schema.json, exported by `pnpm schema`),
// valid and invalid: fast-check arbitraries built keyword by keyword (type, const, anyOf, properties, required,
// additionalProperties, patternProperties, items, minimum/maximum, minLength/maxLength, pattern), then up to three
// mutations that put a hostile value at a random place of the document or add an unknown key. Used by the fuzz
// gate (`node bench/fuzz/run.mjs`, 10,000 files) and by `packages/cli/test/fuzz.soak.test.ts` (a few hundred).
import fc from 'fast-check';

/** Strings fast-check cannot draw from a pattern (lookaheads) fall back to these, then to the default. */
const PLAIN = fc.stringMatching(/^[a-z][a-z0-9-]{1,8}[a-z0-9]$/);

/** A value that is wrong somewhere: other types, edges of ranges, and text that other formats read as syntax. */
export const hostile = fc.oneof(
  fc.constantFrom(null, true, 0, -1, 1e12, 2 ** 53, 0.5, '', ' ', [], {}, 'x'.repeat(300)),
  fc.constantFrom(
    '$(touch /tmp/pwned)',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the point is a literal `${…}` (Terraform interpolation)
    '${file("/etc/passwd")}',
    '%{ for x in y }',
    '{{ .name }}',
    '<!-- hide',
    '@everyone',
    '::add-mask::x',
    'a\nb',
    'a\u2028b',
    '```',
    '"quoted"',
    "it's",
    '../../etc',
    '/abs/path',
    'UPPER',
    'trailing.',
    '10.0.0.1/8',
    '999.1.1.1',
    'kube-system',
    '0d',
    '-5m',
    '100',
    '1e3',
    'yes',
    '~',
    '*',
    '(a+)+$',
    'a'.repeat(64),
  ),
  fc.string({ maxLength: 12 }),
  fc.integer({ min: -10, max: 100000 }),
);

function stringArbitrary(schema) {
  const min = schema.minLength ?? 0;
  const max = Math.min(schema.maxLength ?? 24, 64);
  if (!schema.pattern) return fc.string({ minLength: min, maxLength: Math.max(min, Math.min(max, 16)) });
  try {
    const re = new RegExp(schema.pattern);
    return fc
      .stringMatching(re)
      .filter((s) => s.length >= min && s.length <= (schema.maxLength ?? Number.POSITIVE_INFINITY));
  } catch {
    const fallback = typeof schema.default === 'string' ? [schema.default] : [];
    return fallback.length > 0 ? fc.constantFrom(...fallback) : PLAIN;
  }
}

/** Optional keys are left out three times in four, so that deep documents still reach the renderer. */
const sometimes = (arb) => fc.oneof({ weight: 3, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: arb });
const defined = (o) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));

/** The keys `if`/`then` pairs of `allOf` require once the drawn object matches their `if` constants. */
function conditionallyRequired(schema, obj) {
  return (schema.allOf ?? []).flatMap(({ if: cond, then }) => {
    const consts = Object.entries(cond?.properties ?? {});
    const matches = consts.every(([k, v]) => obj[k] === v.const);
    return matches ? (then?.required ?? []).filter((k) => obj[k] === undefined) : [];
  });
}

function objectArbitrary(schema, depth) {
  const props = schema.properties ?? {};
  const required = new Set(schema.required ?? []);
  const shape = {};
  for (const [key, child] of Object.entries(props)) {
    const arb = arbitraryOf(child, depth + 1);
    shape[key] = required.has(key) ? arb : sometimes(arb);
  }
  const fixed = fc
    .record(shape)
    .map(defined)
    .chain((obj) => {
      const missing = conditionallyRequired(schema, obj);
      if (missing.length === 0) return fc.constant(obj);
      const more = Object.fromEntries(missing.map((k) => [k, arbitraryOf(props[k] ?? {}, depth + 1)]));
      return fc.record(more).map((m) => ({ ...obj, ...m }));
    });
  const extraSchema = schema.patternProperties
    ? Object.values(schema.patternProperties)[0]
    : typeof schema.additionalProperties === 'object'
      ? schema.additionalProperties
      : undefined;
  if (!extraSchema || depth > 6) return fixed;
  const key = schema.patternProperties ? stringArbitrary({ pattern: Object.keys(schema.patternProperties)[0] }) : PLAIN;
  const extra = fc.dictionary(key, arbitraryOf(extraSchema, depth + 1), { maxKeys: 2 });
  return fc.tuple(fixed, extra).map(([a, b]) => ({ ...b, ...a }));
}

/** An arbitrary of values the schema node accepts (as far as its keywords alone say). */
export function arbitraryOf(schema, depth = 0) {
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (schema.anyOf) return fc.oneof(...schema.anyOf.map((s) => arbitraryOf(s, depth)));
  switch (schema.type) {
    case 'string':
      return stringArbitrary(schema);
    case 'integer':
      return fc.integer({ min: schema.minimum ?? -5, max: Math.min(schema.maximum ?? 2000, 1e9) });
    case 'number':
      return fc.double({ min: schema.minimum ?? -5, max: schema.maximum ?? 2000, noNaN: true });
    case 'boolean':
      return fc.boolean();
    case 'array':
      return depth > 7
        ? fc.constant([])
        : fc.array(arbitraryOf(schema.items ?? {}, depth + 1), {
            minLength: schema.minItems ?? 0,
            maxLength: Math.max(schema.minItems ?? 0, Math.min(schema.maxItems ?? 3, 3)),
          });
    case 'object':
      return depth > 8 ? fc.constant({}) : objectArbitrary(schema, depth);
    default:
      return hostile;
  }
}

/** Every path to a value inside a document. */
function pathsOf(value, at = []) {
  if (value === null || typeof value !== 'object') return [at];
  const entries = Array.isArray(value) ? value.map((v, i) => [i, v]) : Object.entries(value);
  return [at, ...entries.flatMap(([k, v]) => pathsOf(v, [...at, k]))];
}

/** The document with `value` at the `pick`-th path (or, with `addKey`, an unknown key added there). */
function mutate(doc, { pick, value, addKey }) {
  const paths = pathsOf(doc).filter((p) => p.length > 0);
  if (paths.length === 0) return doc;
  const path = paths[pick % paths.length];
  const copy = structuredClone(doc);
  let parent = copy;
  for (const k of path.slice(0, -1)) parent = parent[k];
  const last = path.at(-1);
  if (addKey && parent[last] !== null && typeof parent[last] === 'object' && !Array.isArray(parent[last])) {
    parent[last].unknownFuzzKey = value;
  } else parent[last] = value;
  return copy;
}

/** Environment documents from the schema, a share of them mutated (`invalid`: how many at most). */
export function environmentArbitrary(schema, { mutations = 3 } = {}) {
  const mutation = fc.record({ pick: fc.nat(), value: hostile, addKey: fc.boolean() });
  // Half the documents keep the drawn storage; the other half get a plain S3 bucket with no cloud identity, so
  // that the provider/identity pairing (most drawn pairs disagree) does not stop everything before the renderer.
  const drawn = arbitraryOf(schema);
  const coherent = drawn.map(({ identity: _identity, ...doc }) => ({
    ...doc,
    objectStorage: { provider: 's3', bucket: 'fuzz-bucket', region: 'eu-west-1' },
  }));
  return fc
    .tuple(fc.oneof(drawn, coherent), fc.array(mutation, { maxLength: mutations }))
    .map(([doc, ms]) => ({ doc: ms.reduce(mutate, doc), mutated: ms.length > 0 }));
}
