/**
 * How the command fails: exit 2 and the usage for a wrong command line, exit 1 with every problem of every
 * environment file for invalid input (and nothing written), exit 0 for help, version and valid input. Most
 * cases run the CLI in-process; a few run the built binary to pin down real exit codes and stderr.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { commandHelp, usageLine } from '../src/args.js';
import { USAGE } from '../src/main.js';
import { cli, ENVIRONMENTS_DIR, REPO_ROOT, tempDir, VALID } from './helpers.js';

const BAD = fileURLToPath(new URL('./fixtures/bad/', import.meta.url));
const VERSION = (JSON.parse(readFileSync(join(REPO_ROOT, 'packages/cli/package.json'), 'utf8')) as { version: string })
  .version;

/** A temporary folder with `environments/` holding a valid environment and the named bad fixtures. */
function workspaceWith(...fixtures: string[]): { root: string; environments: string; clusters: string } {
  const root = tempDir('thanos-gitops-cli-errors-');
  const environments = join(root, 'environments');
  mkdirSync(environments);
  writeFileSync(join(environments, 'valid.yaml'), VALID);
  for (const f of fixtures) writeFileSync(join(environments, `${f}.yaml`), readFileSync(join(BAD, `${f}.yaml`)));
  return { root, environments, clusters: join(root, 'clusters') };
}

/** The expected problem lines of a fixture, as the CLI prints them for files under `shown`. */
function expectedErrors(fixture: string, shown = 'environments'): string[] {
  return readFileSync(join(BAD, `${fixture}.expected`), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => `error ${line.replace(/^environments\//, `${shown}/`)}`);
}

describe('a wrong command line exits 2', () => {
  it('an unknown command', async () => {
    const run = await cli(['frobnicate']);
    expect(run.code).toBe(2);
    expect(run.err).toBe(
      "thanos-gitops: unknown command 'frobnicate' (the commands: generate, check, diff, validate, import, schema)\n" +
        usageLine(),
    );
    expect(run.out).toBe('');
  });

  it('an unknown option', async () => {
    const run = await cli(['generate', '--frobnicate']);
    expect(run.code).toBe(2);
    expect(run.err).toBe(`thanos-gitops generate: unknown option '--frobnicate'\n${usageLine('generate')}`);
  });

  it('no command', async () => {
    const run = await cli([]);
    expect(run.code).toBe(2);
    expect(run.err).toContain('a command is required');
  });

  it('a second command', async () => {
    const run = await cli(['generate', 'check']);
    expect(run.code).toBe(2);
    expect(run.err).toContain("unexpected argument 'check'");
  });

  it('--env naming an environment that has no file', async () => {
    const ws = workspaceWith();
    const run = await cli([
      'generate',
      '--env',
      'missing',
      '--environments',
      ws.environments,
      '--clusters',
      ws.clusters,
    ]);
    expect(run.code).toBe(2);
    expect(run.err).toContain('no environment "missing"');
    expect(run.err).toContain('(have: valid)');
    expect(() => readdirSync(ws.clusters)).toThrow();
  });

  it('a bad --format value', async () => {
    const run = await cli(['validate', '--format', 'yaml']);
    expect(run.code).toBe(2);
    expect(run.err).toBe(
      `thanos-gitops validate: --format must be one of text, github, json (found "yaml")\n${usageLine('validate')}`,
    );
  });
});

describe('invalid input exits 1 (diff: 3, since 1 means "changes") and reports every problem of every file in one run', () => {
  for (const command of ['validate', 'generate', 'check', 'diff']) {
    it(command, async () => {
      const ws = workspaceWith('wrong-type-string-for-integer', 'unknown-top-level-key');
      const clusters = ['--clusters', ws.clusters];
      const run = await cli([command, '--environments', ws.environments, ...clusters]);
      const shown = relative(process.cwd(), ws.environments);
      const expected = [
        ...expectedErrors('unknown-top-level-key', shown),
        ...expectedErrors('wrong-type-string-for-integer', shown),
      ];
      expect(run.code).toBe(command === 'diff' ? 3 : 1);
      expect(run.err.split('\n').filter(Boolean)).toEqual([
        ...expected,
        `${expected.length} problem${expected.length === 1 ? '' : 's'}; nothing was written.`,
      ]);
      expect(run.out).toBe('');
      expect(() => readdirSync(ws.clusters)).toThrow();
    });
  }
});

describe('success exits 0', () => {
  it('--help and -h print the usage', async () => {
    for (const flag of ['--help', '-h']) {
      const run = await cli([flag]);
      expect(run).toEqual({ code: 0, out: USAGE, err: '' });
    }
    const withCommand = await cli(['generate', '--help']);
    expect(withCommand).toEqual({ code: 0, out: commandHelp('generate'), err: '' });
  });

  it('--version and -v print the version', async () => {
    for (const flag of ['--version', '-v']) {
      const run = await cli([flag]);
      expect(run).toEqual({ code: 0, out: `thanos-gitops ${VERSION}\n`, err: '' });
    }
  });

  it('validate accepts the shipped environments', async () => {
    const run = await cli(['validate', '--environments', ENVIRONMENTS_DIR, '--clusters', tempDir()]);
    expect(run.err).toBe('');
    expect(run.code).toBe(0);
    const shipped = readdirSync(ENVIRONMENTS_DIR).filter((f) => f.endsWith('.yaml'));
    expect(run.out).toContain(`${shipped.length} environment files valid`);
  });
});

// Each spawn starts a fresh node and loads the whole generator: allow for a busy machine.
describe('the built binary', { timeout: 30_000 }, () => {
  const BIN = join(REPO_ROOT, 'packages/cli/dist/thanos-gitops.mjs');

  // Built once for the whole run by test/global-setup.ts (the cli project's globalSetup).

  const run = (cwd: string, ...args: string[]) =>
    spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });

  it('exits 1 on invalid input, prints every problem and writes nothing', () => {
    const ws = workspaceWith('several-errors', 'duplicate-key', 'empty-file');
    const result = run(ws.root, 'generate', '--environments', 'environments', '--clusters', 'clusters');
    const expected = [
      ...expectedErrors('duplicate-key'),
      ...expectedErrors('empty-file'),
      ...expectedErrors('several-errors'),
    ];
    expect(result.stderr.split('\n').filter(Boolean)).toEqual([
      ...expected,
      `${expected.length} problem${expected.length === 1 ? '' : 's'}; nothing was written.`,
    ]);
    expect(result.status).toBe(1);
    expect(() => readdirSync(ws.clusters)).toThrow();
  });

  it('ends quietly when the reader of its output goes away (diff | head)', { timeout: 120_000 }, () => {
    const root = tempDir('thanos-gitops-epipe-');
    // Three environments against an empty clusters/: a diff far larger than a pipe's buffer.
    const script =
      `"${process.execPath}" "${BIN}" diff --environments "${ENVIRONMENTS_DIR}" --clusters clusters | head -c 100 >/dev/null; ` +
      'echo "status=$PIPESTATUS" >&2'; // the status of the command, not of head
    const result = spawnSync('bash', ['-c', script], {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1' },
    });
    expect(result.stderr).toBe('status=1\n');
  });

  it('exits 2 on a wrong command line', () => {
    const ws = workspaceWith();
    for (const args of [['frobnicate'], ['validate', '--frobnicate'], ['validate', '--env', 'missing']]) {
      const result = run(ws.root, ...args);
      expect(result.status, args.join(' ')).toBe(2);
      expect(result.stdout).toBe('');
    }
  });

  it('exits 0 for --version and for valid input', () => {
    const ws = workspaceWith();
    expect(run(ws.root, '--version')).toMatchObject({ status: 0, stdout: `thanos-gitops ${VERSION}\n` });
    expect(run(ws.root, 'validate')).toMatchObject({
      status: 0,
      stdout: '1 environment file valid: environments/valid.yaml\n',
    });
  });
});
