import { createHash } from 'node:crypto';

/**
 * Hex digits that read as a number: digits with at most one `e` (`1234567890123456`, `123e456789012345`). kustomize
 * re-emits every string go-yaml reads as a string without quotes, and go-yaml reads `123e456789012345` as a string
 * (the float overflows), while YAML 1.2 readers read it as a float: such a hash came back as a number.
 */
const NUMBER_LIKE = /^[0-9]*(?:e[0-9]*)?$/;

/**
 * A short, stable content hash for pod annotations that roll a workload when its config changes: the first window
 * of 16 hex digits of its SHA-256 that cannot read as a number (almost always the first one).
 */
export function contentHash(text: string): string {
  return hashWindow(createHash('sha256').update(text).digest('hex'));
}

/** The first window of 16 digits of `hex` that cannot read as a number, else `h` and its first 15 digits. */
export function hashWindow(hex: string): string {
  for (let i = 0; i + 16 <= hex.length; i += 16) {
    const window = hex.slice(i, i + 16);
    if (!NUMBER_LIKE.test(window)) return window;
  }
  return `h${hex.slice(0, 15)}`;
}
