import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkThanosArgs, isKnownFlag } from '../src/flags.js';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const script = fileURLToPath(new URL('../../../scripts/thanos-flags.mjs', import.meta.url));
const referenceDir = fileURLToPath(new URL('../../../../shared/reference/thanos/v0.42.4', import.meta.url));

describe('checkThanosArgs', () => {
  it('accepts listed flags with values', () => {
    expect(
      checkThanosArgs('receive', [
        '--receive.hashrings-file=/x',
        '--tsdb.retention=15d',
        '--grpc-address=0.0.0.0:10901',
      ]),
    ).toEqual([]);
    expect(checkThanosArgs('query', ['--endpoint.sd-config-file=/x', '--query.auto-downsampling'])).toEqual([]);
    expect(checkThanosArgs('tools bucket web', ['--objstore.config-file=/x', '--refresh=30m'])).toEqual([]);
  });

  it('accepts hidden flags', () => {
    expect(checkThanosArgs('receive', ['--receive.limits-config-file=/x', '--tsdb.min-block-duration=2h'])).toEqual([]);
    expect(checkThanosArgs('store', ['--store.caching-bucket.config-file=/x'])).toEqual([]);
    expect(checkThanosArgs('compact', ['--debug.accept-malformed-index', '--no-debug.halt-on-error'])).toEqual([]);
    expect(checkThanosArgs('sidecar', ['--shipper.skip-corrupted-blocks', '--debug.name=sidecar-0'])).toEqual([]);
  });

  it('accepts both spellings of a boolean flag', () => {
    expect(checkThanosArgs('receive', ['--no-receive.otlp-enable-target-info'])).toEqual([]);
    expect(checkThanosArgs('receive', ['--receive.otlp-enable-target-info'])).toEqual([]);
    expect(checkThanosArgs('store', ['--no-enable-auto-gomemlimit'])).toEqual([]);
  });

  it('rejects --no- on a flag that is not boolean', () => {
    // --receive.local-endpoint takes a value in the listing, so it has no --no- form.
    const problems = checkThanosArgs('receive', ['--no-receive.local-endpoint']);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain('--receive.local-endpoint is not a boolean flag');
  });

  it('accepts a repeatable flag twice', () => {
    expect(checkThanosArgs('query', ['--query.replica-label=replica', '--query.replica-label=rule_replica'])).toEqual(
      [],
    );
  });

  it('rejects unknown flags and suggests a close one', () => {
    expect(checkThanosArgs('receive', ['--foo'])).toEqual(['unknown flag --foo for thanos receive (v0.42.4)']);
    expect(checkThanosArgs('receive', ['--tsdb.retentoin=15d'])).toEqual([
      'unknown flag --tsdb.retentoin for thanos receive (v0.42.4); did you mean --tsdb.retention?',
    ]);
    // valid for another command only
    expect(checkThanosArgs('query', ['--tsdb.retention=15d'])[0]).toMatch(
      /^unknown flag --tsdb\.retention for thanos query /,
    );
  });

  it('rejects a value on a boolean flag', () => {
    const problems = checkThanosArgs('receive', ['--enable-auto-gomemlimit=true']);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain('takes no value');
    expect(checkThanosArgs('receive', ['--no-enable-auto-gomemlimit=false'])).toHaveLength(1);
  });

  it('rejects a value flag without =value', () => {
    expect(checkThanosArgs('receive', ['--tsdb.retention'])).toEqual([
      'flag --tsdb.retention for thanos receive (v0.42.4) needs a value: --tsdb.retention=<value>',
    ]);
  });

  it('rejects a non-repeatable flag given twice, once', () => {
    const problems = checkThanosArgs('receive', ['--tsdb.retention=1d', '--tsdb.retention=2d', '--tsdb.retention=3d']);
    expect(problems).toEqual([
      'flag --tsdb.retention given more than once for thanos receive (v0.42.4), but it is not repeatable',
    ]);
    expect(checkThanosArgs('store', ['--enable-auto-gomemlimit', '--no-enable-auto-gomemlimit'])).toHaveLength(1);
  });

  it('rejects arguments that are not --flags', () => {
    expect(checkThanosArgs('receive', ['receive'])[0]).toContain('is not a flag');
    expect(checkThanosArgs('receive', ['-h'])[0]).toContain('is not a flag');
    expect(checkThanosArgs('receive', ['--=x'])[0]).toContain('is not a flag');
  });

  it('does not treat Object prototype names as flags', () => {
    expect(checkThanosArgs('receive', ['--constructor=x'])[0]).toMatch(/^unknown flag --constructor /);
    expect(isKnownFlag('receive', '__proto__')).toBe(false);
  });
});

describe('isKnownFlag', () => {
  it('knows listed, hidden and negated boolean flags', () => {
    expect(isKnownFlag('receive', 'receive.hashrings-file')).toBe(true);
    expect(isKnownFlag('receive', 'receive.limits-config')).toBe(true);
    expect(isKnownFlag('receive', '--tsdb.retention')).toBe(true);
    expect(isKnownFlag('receive', 'no-receive.otlp-enable-target-info')).toBe(true);
    expect(isKnownFlag('receive', 'no-receive.local-endpoint')).toBe(false);
    expect(isKnownFlag('query', 'tsdb.retention')).toBe(false);
    expect(isKnownFlag('store', 'store.caching-bucket.config')).toBe(true);
  });
});

describe('thanos-flags.json', () => {
  it.skipIf(!existsSync(referenceDir))('matches a fresh run of scripts/thanos-flags.mjs', () => {
    const result = spawnSync(process.execPath, [script, '--check', referenceDir], { cwd: repoRoot, encoding: 'utf8' });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });
});
