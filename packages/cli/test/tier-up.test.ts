/**
 * `tier-up.ts`: V8's optimization budget is raised on the V8 release it was measured on, and left alone elsewhere
 * (an unknown flag makes V8 print an error); putting the default back lets a code cache made after a render be taken.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { renderEnvironments } from '../src/render.js';
import { defaultTiering, optimizeHotCodeOnly, TIER_UP, v8Flags } from '../src/tier-up.js';
import { tempDir, validNamed } from './helpers.js';

const onThisV8 = TIER_UP.v8.test(process.versions.v8);
const node = (script: string) => spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });

describe("V8's tiering", () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('is raised by a render once its environment files are loaded, through the seam tests watch', () => {
    // per-file.ts makes the seam a no-op in tests: the spy records the calls a run would make.
    const set = vi.spyOn(v8Flags, 'setFlagsFromString');
    renderEnvironments([{ path: 'environments/dev.yaml', text: validNamed('dev') }]);
    expect(set.mock.calls).toEqual(TIER_UP.v8.test(process.versions.v8) ? [[TIER_UP.flag]] : []);
  });

  it('sets the flag, and puts its default back, on V8 11.3 only', () => {
    const set = vi.spyOn(v8Flags, 'setFlagsFromString');
    expect(optimizeHotCodeOnly('11.3.244.8-node.33')).toBe(true);
    expect(defaultTiering('11.3.244.8-node.33')).toBe(true);
    expect(set.mock.calls).toEqual([['--interrupt-budget=1000000'], ['--interrupt-budget=67584']]);
    set.mockClear();
    for (const other of ['12.4.254.21-node.33', '11.8.172.17', '10.2.154.26', '111.3.0']) {
      expect(optimizeHotCodeOnly(other), other).toBe(false);
      expect(defaultTiering(other), other).toBe(false);
    }
    expect(set).not.toHaveBeenCalled();
  });

  it.runIf(onThisV8)('names a flag this V8 knows, with a value it takes', () => {
    // A flag V8 does not know is an error on stderr.
    for (const flag of [TIER_UP.flag, TIER_UP.default]) {
      const r = node(`require('node:v8').setFlagsFromString(${JSON.stringify(flag)}); console.log('ran')`);
      expect(r.stderr, flag).toBe('');
      expect(r.stdout, flag).toBe('ran\n');
    }
    expect(node("require('node:v8').setFlagsFromString('--no-such-flag-x')").stderr).toMatch(/unrecognized flag/);
  });

  it.runIf(onThisV8)("puts back this V8's default: a code cache made after it is taken", () => {
    // V8 takes a code cache only with the flags it was made with (the build's warm-up relies on this): one process
    // makes a cache with the flag raised, then put back or not; a fresh one says whether it took the cache.
    const cache = JSON.stringify(join(tempDir('tier-up-'), 'probe.v8cache'));
    const code = JSON.stringify('function f() { return 1 + 1 } f()');
    const taken = (putBack: boolean) => {
      node(`const v8 = require('node:v8');
        const s = new (require('node:vm').Script)(${code}, { filename: 'probe.js' });
        s.runInThisContext();
        v8.setFlagsFromString(${JSON.stringify(TIER_UP.flag)});
        if (${putBack}) v8.setFlagsFromString(${JSON.stringify(TIER_UP.default)});
        require('node:fs').writeFileSync(${cache}, s.createCachedData());`);
      return node(`const cachedData = require('node:fs').readFileSync(${cache});
        const s = new (require('node:vm').Script)(${code}, { filename: 'probe.js', cachedData });
        process.stdout.write(String(!s.cachedDataRejected));`).stdout;
    };
    expect(taken(false)).toBe('false');
    expect(taken(true)).toBe('true');
  });
});
