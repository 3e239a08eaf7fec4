/**
 * How eagerly V8 optimizes the render's code. V8 hands a function to its optimizing compiler (TurboFan, on
 * background threads) once the function has run a budget of bytecode, 67,584 bytes by default. A render runs a large
 * bundle for one to a few seconds: most of its functions get warm, few get hot, and compiling the warm ones cost more
 * than it saved. TurboFan's threads took about a fifth of the CPU of `check --no-cache` at 100 environments.
 *
 * With a budget of 1,000,000, only the hot functions are optimized: `check --no-cache` and `validate` took 13-17 %
 * less CPU at 1, 100 and 1000 environments, and `diff` of one environment about a tenth less (docs/performance.md).
 * It is set once the environment files are loaded: set at start-up, it made `diff` of one environment slower.
 * Higher budgets were slower again at 100 environments (3,000,000: +10 %, 10,000,000: +18 %).
 *
 * Only on V8 11.3 (Node 20), where the flag and its default are the ones measured; elsewhere V8's own settings stand
 * (and V8 prints an error for a flag it does not know).
 *
 * V8 takes a code cache only in a process whose flags are those it was made with: the build's warm-up, which makes
 * the run bundle's cache after a render, puts the default back first (`defaultTiering`). The caches are read at
 * start-up, before a render sets the flag.
 */
import { setFlagsFromString } from 'node:v8';

/** V8's flags, set through this object: the seam tests watch (a flag set in a test would stay for the worker). */
export const v8Flags = { setFlagsFromString };

/** The V8 release whose tiering was measured, the flag set on it, and the flag's default there. */
export const TIER_UP = {
  v8: /^11\.3\./,
  flag: '--interrupt-budget=1000000',
  default: '--interrupt-budget=67584',
} as const;

/** Sets `flag` through the seam on the V8 release the tiering was measured on; true when it did. */
function onMeasuredV8(flag: string, v8: string): boolean {
  if (!TIER_UP.v8.test(v8)) return false;
  v8Flags.setFlagsFromString(flag);
  return true;
}

/** Raises V8's optimization budget for the rest of the run, on the V8 it was measured on; true when it did. */
export function optimizeHotCodeOnly(v8 = process.versions.v8): boolean {
  return onMeasuredV8(TIER_UP.flag, v8);
}

/** Puts V8's default budget back (on the V8 `optimizeHotCodeOnly` changes it on); true when it did. */
export function defaultTiering(v8 = process.versions.v8): boolean {
  return onMeasuredV8(TIER_UP.default, v8);
}
