/**
 * Rollout hashes end up in pod annotations, which kustomize re-emits without quotes whenever go-yaml reads them as
 * strings. `123e456789012345` is such a string to go-yaml (the float overflows) but a number to YAML 1.2 readers, so
 * no hash may be shaped like a number.
 */
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { contentHash, hashWindow } from '../src/hash.js';

const sha = (text: string) => createHash('sha256').update(text).digest('hex');

describe('contentHash', () => {
  it('is 16 hex digits, stable, and never read as a number by YAML 1.1 or 1.2 readers when written plain', () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        const h = contentHash(text);
        expect(h).toMatch(/^[0-9a-f]{16}$|^h[0-9a-f]{15}$/);
        expect(contentHash(text)).toBe(h);
        expect(typeof parse(`k: ${h}`).k).toBe('string');
        expect(typeof parse(`k: ${h}`, { version: '1.1' }).k).toBe('string');
      }),
      { numRuns: 2000 },
    );
  });

  it('skips a digest window made of digits and one e for the next one', () => {
    let text = '';
    for (let i = 0; ; i++) {
      if (/^[0-9]+e[0-9]+$/.test(sha(`x${i}`).slice(0, 16))) {
        text = `x${i}`;
        break;
      }
    }
    const first = sha(text).slice(0, 16);
    // The shape YAML 1.2 reads as a number (often an overflowing float, which go-yaml keeps as a string).
    expect(typeof parse(`k: ${first}`).k).not.toBe('string');
    expect(contentHash(text)).not.toBe(first);
    expect(contentHash(text)).toBe(sha(text).slice(16, 32));
  });

  it('takes the first window that cannot read as a number, the last one included, else an h and 15 digits', () => {
    const hex = `${'1'.repeat(16)}${'2'.repeat(15)}e${'3'.repeat(16)}abcdef0123456789`;
    expect(hashWindow(hex)).toBe('abcdef0123456789');
    expect(hashWindow('7'.repeat(64))).toBe(`h${'7'.repeat(15)}`);
    expect(hashWindow(`${'0'.repeat(16)}0123456789abcdef${'f'.repeat(32)}`)).toBe('0123456789abcdef');
  });
});
