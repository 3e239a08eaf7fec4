import type { ThanosVersion } from '@thanos-gitops/schema';
import { describe, expect, it } from 'vitest';
import { checkThanosArgs, flagName, isKnownFlag, type ThanosCommand, twinOf } from '../src/flags.js';

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

describe('checkThanosArgs: the messages', () => {
  const one = (arg: string) => checkThanosArgs('receive', [arg]);

  it('say what a malformed argument is missing', () => {
    expect(one('x')).toEqual(['"x" is not a flag for thanos receive (v0.42.4): expected --name=value or --name']);
    expect(one('--=x')).toEqual(['"--=x" is not a flag for thanos receive (v0.42.4): missing flag name']);
  });

  it('name both spellings of a boolean flag given a value', () => {
    const both = 'use --enable-auto-gomemlimit or --no-enable-auto-gomemlimit';
    expect(one('--enable-auto-gomemlimit=1')).toEqual([
      `boolean flag --enable-auto-gomemlimit for thanos receive (v0.42.4) takes no value: ${both}`,
    ]);
    expect(one('--no-enable-auto-gomemlimit=1')).toEqual([
      `boolean flag --no-enable-auto-gomemlimit for thanos receive (v0.42.4) takes no value: ${both}`,
    ]);
  });

  it('name the release checked against, and an unknown command', () => {
    expect(checkThanosArgs('receive', ['--tsdb.retention'], 'v0.41.0')).toEqual([
      'flag --tsdb.retention for thanos receive (v0.41.0) needs a value: --tsdb.retention=<value>',
    ]);
    expect(checkThanosArgs('nope' as ThanosCommand, ['--x=1'])).toEqual(['unknown command thanos nope (v0.42.4)']);
    expect(isKnownFlag('nope' as ThanosCommand, 'log.level')).toBe(false);
  });

  it('suggest a spelling within 1 edit for short names, 2 up to 12 characters, 3 beyond', () => {
    const suggestion = (name: string) => /did you mean --(.+)\?$/.exec(one(`--${name}=x`)[0] ?? '')?.[1];
    expect(suggestion('lbel')).toBe('label');
    expect(suggestion('lxbxl')).toBeUndefined();
    expect(suggestion('laxelx')).toBeUndefined();
    expect(suggestion('log.lxvxl')).toBe('log.level');
    expect(suggestion('grpc-addrxsx')).toBe('grpc-address');
    expect(suggestion('log.levelxyz')).toBeUndefined();
    expect(suggestion('tsdb.rxtxnxion')).toBe('tsdb.retention');
    expect(suggestion('no-enable-auto-gomemlimt')).toBe('no-enable-auto-gomemlimit');
  });
});

describe('flagName and twinOf', () => {
  it('flagName: the name an argument sets', () => {
    expect(flagName('--tsdb.retention=15d')).toBe('tsdb.retention');
    expect(flagName('--query.auto-downsampling')).toBe('query.auto-downsampling');
    expect(flagName('--label=a=b')).toBe('label');
    expect(flagName('x--y')).toBe('x--y');
  });

  it('twinOf: the generated file flag of an inline one, the generated inline flag of a file one', () => {
    expect(twinOf('objstore.config', new Set(['objstore.config-file']))).toBe('objstore.config-file');
    expect(twinOf('objstore.config-file', new Set(['objstore.config']))).toBe('objstore.config');
    expect(twinOf('objstore.config-file', new Set(['objstore.config-file']))).toBeUndefined();
    expect(twinOf('tracing.config', new Set(['objstore.config-file']))).toBeUndefined();
    expect(twinOf('config-file', new Set(['config']))).toBe('config');
    // Only a `-file` flag has an inline twin: the rest of a name is not cut off.
    expect(twinOf('log.format', new Set(['log.f']))).toBeUndefined();
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

  it('knows no flag of a release it has no data for', () => {
    expect(isKnownFlag('receive', 'log.level', 'v0.1.0' as ThanosVersion)).toBe(false);
    expect(checkThanosArgs('receive', ['--log.level=info'], 'v0.1.0' as ThanosVersion)).toEqual([
      'unknown command thanos receive (v0.1.0)',
    ]);
  });
});

describe('checkThanosArgs: prefixes and suggestions', () => {
  it('reads only `no-` as a negation, no other three-letter prefix', () => {
    expect(checkThanosArgs('receive', ['--on-receive.otlp-enable-target-info'])).toEqual([
      expect.stringMatching(/^unknown flag --on-receive\.otlp-enable-target-info for thanos receive/),
    ]);
    expect(checkThanosArgs('receive', ['--on-tsdb.retention=1d'])).toEqual([
      expect.stringMatching(/^unknown flag --on-tsdb\.retention for thanos receive/),
    ]);
  });

  it('suggests the alphabetically first of equally close spellings, whatever the order of the data', () => {
    // Two edits from both query.partial-response and no-query.partial-response.
    expect(checkThanosArgs('query', ['--x-query.partial-response'])).toEqual([
      'unknown flag --x-query.partial-response for thanos query (v0.42.4); did you mean --no-query.partial-response?',
    ]);
  });
});
