/**
 * The bundle loads the environment validator from dist/environment-validator.cjs with the V8 code cache that
 * scripts/bundle.mjs made of it after a validation (dist/environment-validator.v8cache): in a fresh Node.js process,
 * as the command runs, V8 takes the cache, and the validator validates.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from './helpers.js';

const DIST = join(REPO_ROOT, 'packages/cli/dist');

/** What the bundle's loader does, and whether V8 took the cache, the validity and the errors of `data`. */
const PROBE = `
const { readFileSync } = require('node:fs');
const { createRequire } = require('node:module');
const { join } = require('node:path');
const { Script } = require('node:vm');
const dist = process.argv[1];
const file = join(dist, 'environment-validator.cjs');
const code = '(function (exports, require, module, __filename, __dirname) {' + readFileSync(file, 'utf8') + '\\n})';
const script = new Script(code, { filename: file, cachedData: readFileSync(join(dist, 'environment-validator.v8cache')) });
const module = { exports: {} };
script.runInThisContext()(module.exports, createRequire(file), module, file, dist);
const validate = module.exports;
const valid = validate({ name: 'x', bogus: 1 });
process.stdout.write(JSON.stringify({ rejected: script.cachedDataRejected, valid, errors: validate.errors.length }));
`;

describe('the validator of the bundle', () => {
  it('is loaded with its code cache, which V8 takes, and validates', () => {
    const r = spawnSync(process.execPath, ['-e', PROBE, DIST], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { rejected: boolean; valid: boolean; errors: number };
    expect(out.rejected).toBe(false);
    expect(out.valid).toBe(false);
    expect(out.errors).toBeGreaterThan(0);
  });

  it("is what the bundle loads: the command's path names the file and the cache", () => {
    const r = spawnSync(
      'grep',
      ['-l', 'environment-validator.v8cache', '-r', DIST, '--include=*.mjs', '--include=*.cjs'],
      {
        encoding: 'utf8',
      },
    );
    expect(r.stdout.trim().split('\n').length).toBe(1);
  });
});
