/**
 * Regular expressions that see users' strings are written so that a backtracking engine takes linear time on
 * them: where one was rewritten for that, it still accepts exactly the strings the quadratic one did.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { COMPAT_NON_STRING_SCALARS } from '../src/emit.js';

/** The go-yaml number expression as it was, quadratic on `.111…1x`. */
const QUADRATIC =
  /^(?:[-+]_*)?(?:\.[0-9_]*[0-9][0-9_]*|[0-9][0-9_]*(?:\.[0-9_]*)?)(?:[eE]_*(?:[-+]_*)?[0-9_]*[0-9][0-9_]*)?$/;
const LINEAR = COMPAT_NON_STRING_SCALARS[COMPAT_NON_STRING_SCALARS.length - 1] as RegExp;

describe('the go-yaml number expression', () => {
  it('takes the strings the quadratic one took', () => {
    const text = fc.array(fc.constantFrom('0', '1', '_', '.', 'e', 'E', '+', '-', 'x'), { maxLength: 12 });
    fc.assert(
      fc.property(text, (cs) => {
        const s = cs.join('');
        expect(LINEAR.test(s)).toBe(QUADRATIC.test(s));
      }),
      { numRuns: 20_000 },
    );
    for (const s of ['1_0e5', '.5', '-_1', '1e_-_5', '_.1', '1.', '.', 'e5', '1e', '0x1F']) {
      expect(LINEAR.test(s), s).toBe(QUADRATIC.test(s));
    }
  });

  it('answers long hostile strings', () => {
    const ones = '1'.repeat(65_536);
    expect(LINEAR.test(`.${ones}x`)).toBe(false);
    expect(LINEAR.test(`.${ones}`)).toBe(true);
    expect(LINEAR.test(`1e${ones}x`)).toBe(false);
    expect(LINEAR.test(`1e${'_'.repeat(65_536)}x`)).toBe(false);
    expect(LINEAR.test(`.${'1_'.repeat(32_768)}x`)).toBe(false);
  });
});
