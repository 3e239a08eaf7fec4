// The flag data and the scripts that regenerate it (tens of seconds: node processes per listing). Not in
// flags.test.ts, whose tests pin flags.ts for mutation testing (stryker.config.mjs).
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SUPPORTED_THANOS_VERSIONS } from '@thanos-gitops/schema';
import { afterAll, describe, expect, it } from 'vitest';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const script = fileURLToPath(new URL('../../../scripts/thanos-flags.mjs', import.meta.url));
const helpScript = fileURLToPath(new URL('../../../scripts/thanos-help.mjs', import.meta.url));
const dataDir = fileURLToPath(new URL('../src/data/thanos-flags', import.meta.url));
/** The `--help` listings of each supported release (captured with scripts/thanos-help.mjs), shipped with the tests. */
const referenceRoot = fileURLToPath(new URL('./fixtures/thanos-help', import.meta.url));

describe('flag data files', () => {
  it.each([...SUPPORTED_THANOS_VERSIONS])('%s matches a fresh run of scripts/thanos-flags.mjs', (version) => {
    const referenceDir = join(referenceRoot, version);
    expect(existsSync(join(referenceDir, 'receive.help.txt')), `${referenceDir} holds the listings`).toBe(true);
    const result = spawnSync(process.execPath, [script, '--check', referenceDir], { cwd: repoRoot, encoding: 'utf8' });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  it('exist for every supported release, and only for those', () => {
    const files = SUPPORTED_THANOS_VERSIONS.map((v) => JSON.parse(readFileSync(join(dataDir, `${v}.json`), 'utf8')));
    expect(files.map((f) => f.version)).toEqual([...SUPPORTED_THANOS_VERSIONS]);
  });
});

interface Spec {
  boolean: boolean;
  hidden: boolean;
  repeatable: boolean;
}

/** A `--help` listing in kingpin's layout, for the visible flags of one command of a data file. */
function listing(command: string, flags: Record<string, Spec>, group: boolean): string {
  const lines = [
    `usage: thanos ${command} [<flags>]${group ? ' <command> [<args> ...]' : ''}`,
    '',
    'Fake.',
    '',
    'Flags:',
  ];
  for (const [name, spec] of Object.entries(flags)) {
    if (spec.hidden) continue;
    const flag = spec.boolean ? `--[no-]${name}` : `--${name}=VALUE${spec.repeatable ? ' ...' : ''}`;
    lines.push(`      ${flag}`, '                           Some help.');
  }
  return `${lines.join('\n')}\n`;
}

// Starts a node process per captured command (about twenty): a generous timeout for a busy machine.
describe('regenerating flag data from a thanos binary (scripts/thanos-help.mjs)', { timeout: 120_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'thanos-help-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('captures every listing and gives back the same visible flags', () => {
    const data = JSON.parse(readFileSync(join(dataDir, 'v0.41.0.json'), 'utf8'));
    const listings: Record<string, string> = {};
    for (const [command, flags] of Object.entries(data.commands as Record<string, Record<string, Spec>>)) {
      listings[command] = listing(command, flags, false);
    }
    const common = data.commands['tools bucket ls'] as Record<string, Spec>;
    listings.tools = listing('tools', { 'log.level': common['log.level'] as Spec }, true);
    listings['tools bucket'] = listing('tools bucket', { 'log.level': common['log.level'] as Spec }, true);
    writeFileSync(join(dir, 'listings.json'), JSON.stringify(listings));
    // A stand-in for the thanos binary: prints the listing of the command it is asked for.
    const fake = join(dir, 'thanos');
    writeFileSync(
      fake,
      `#!${process.execPath}\nconst args = process.argv.slice(2);\n` +
        "if (args[0] === '--version') { console.log('thanos, version 0.41.0 (branch: HEAD)'); process.exit(0); }\n" +
        `const listings = JSON.parse(require('fs').readFileSync(${JSON.stringify(join(dir, 'listings.json'))}, 'utf8'));\n` +
        "const text = listings[args.slice(0, -1).join(' ')];\n" +
        'if (text === undefined) process.exit(1);\nprocess.stdout.write(text);\n',
    );
    chmodSync(fake, 0o755);
    const ref = join(dir, 'v0.41.0');
    const capture = spawnSync(process.execPath, [helpScript, '--binary', fake, '--out', ref], { encoding: 'utf8' });
    expect(capture.stderr).toMatch(/hidden flags carried over/);
    expect(capture.status).toBe(0);
    const out = join(dir, 'data');
    const gen = spawnSync(process.execPath, [script, `--out=${out}`, ref], { encoding: 'utf8' });
    expect(gen.status, gen.stderr).toBe(0);
    const again = JSON.parse(readFileSync(join(out, 'v0.41.0.json'), 'utf8'));
    expect(again.version).toBe('v0.41.0');
    // The hidden flags came from the newest release (v0.42.4), which dropped two hidden flags of v0.41.0 (see
    // DIFF-vs-v0.42.4.md): that is what the warning asks the user to review.
    const expected = structuredClone(data.commands);
    delete expected.store['debug.advertise-compatibility-label'];
    delete expected.receive['shipper.ignore-unequal-block-size'];
    expect(again.commands).toEqual(expected);
  });
});
