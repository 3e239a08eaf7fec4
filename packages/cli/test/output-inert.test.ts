/**
 * The one filter every write of the command passes (io.ts `inertIo`, installed by `main`): drawn strings full of
 * terminal controls, bidi overrides, `::` and `##[` come out with no active character and no workflow command, the
 * command's own colour codes survive only when colouring, ordinary text is unchanged, and JSON reads back to the
 * same values. End to end: a value echoed by `validate` on both streams, coloured and not.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { inertJson, inertText, paint, RED } from '../src/io.js';
import { main } from '../src/main.js';

// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what must not be there
const ACTIVE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;
/** The colour codes `paint` writes (ESC in a string: the linter refuses control characters in regex literals). */
// biome-ignore lint/suspicious/noControlCharactersInRegex: ESC is what this finds
const OWN_SGR = /\u001b\[(0|1|2|31|32|33)m/g;
const PIECES = [
  '\u001b[2J',
  '\u001b]0;title\u0007',
  '\u001b]8;;http://e.example\u001b\\',
  '\u009b31m',
  '\r',
  '\b',
  '\u0000',
  '\u202e',
  '\u2066',
  '\u2028',
  '\n::add-mask::x',
  '\n  ::error::y',
  '##[warning]z',
  '\t',
  'plain',
  'é',
  '\u001b[31m',
];
const hostile = fc.array(fc.oneof(fc.constantFrom(...PIECES), fc.string()), { maxLength: 12 }).map((a) => a.join(''));

const noCommand = (out: string) => {
  for (const line of out.split('\n')) expect(line.trimStart().startsWith('::')).toBe(false);
  expect(out).not.toContain('##[');
};

describe('the output filter', () => {
  it('leaves no active character and no workflow command in text, without colour', () => {
    fc.assert(
      fc.property(hostile, (s) => {
        const out = inertText(s, false);
        expect(out).not.toMatch(ACTIVE);
        noCommand(out);
      }),
      { numRuns: 400 },
    );
  });

  it('keeps only its own colour codes when colouring', () => {
    fc.assert(
      fc.property(hostile, (s) => {
        const out = inertText(`${paint({ out: () => {}, err: () => {}, color: true }, RED)('x')}${s}`, true);
        expect(out.startsWith('\u001b[31mx\u001b[0m')).toBe(true);
        const rest = out.slice('\u001b[31mx\u001b[0m'.length).replace(OWN_SGR, '');
        expect(rest).not.toMatch(ACTIVE);
        expect(rest).not.toContain('\u001b');
        noCommand(out);
      }),
      { numRuns: 400 },
    );
  });

  it('does not change ordinary text', () => {
    const safe = fc.string().filter((s) => !ACTIVE.test(s) && !/^\s*::/m.test(s) && !s.includes('##['));
    fc.assert(
      fc.property(safe, (s) => {
        expect(inertText(s, false)).toBe(s);
      }),
    );
  });

  it('writes JSON that reads back to the same values', () => {
    fc.assert(
      fc.property(fc.array(hostile), (values) => {
        const out = inertJson(JSON.stringify({ values }));
        expect(out).not.toMatch(ACTIVE);
        noCommand(out);
        expect(JSON.parse(out)).toEqual({ values });
      }),
      { numRuns: 400 },
    );
  });

  it.each([false, true])('makes a value echoed by a command inert on both streams (colour %s)', async (color) => {
    let out = '';
    let err = '';
    const env = 'a\u001b]0;owned\u0007\u001b[2J\r\n::add-mask::x\u202e##[error]';
    for (const argv of [['validate', '--env', env], ['validate', '--env', env, '--format', 'json'], [env]]) {
      await main(argv, { out: (t) => (out += t), err: (t) => (err += t), color, errColor: color });
    }
    expect(err).toContain('U+001B]0;ownedU+0007');
    for (const text of [out, err]) {
      expect(text.replace(OWN_SGR, '')).not.toMatch(ACTIVE);
      noCommand(text);
    }
  });
});
