/**
 * CLI manners: `<command> --help` describes that command (what it reads and writes, the options it accepts and
 * only those, its exit codes); a command-line mistake is one line saying what is wrong and the command's usage
 * line, exit 2, never the wording of Node's argument parser.
 */
import { describe, expect, it } from 'vitest';
import { COMMAND_HELP, commandHelp, parseCommandLine, USAGE, usageLine } from '../src/args.js';
import { cli } from './helpers.js';

const COMMANDS = ['generate', 'check', 'diff', 'validate', 'schema'];
/** Every option any command accepts, with a value when it takes one. */
const ALL_OPTIONS: [string, ...string[]][] = [
  ['--env', 'x'],
  ['--format', 'text'],
  ['--base', 'main'],
  ['--environments', 'envs'],
  ['--clusters', 'out'],
  ['--no-color'],
  ['--no-cache'],
  ['--debug'],
];

/** The options a help text lists (`--env NAME`, `-h, --help`). */
function listedOptions(help: string): string[] {
  const section = help.split('\nOptions:\n')[1]?.split('\n\n')[0] ?? '';
  return [...section.matchAll(/^ {2}(?:-[a-z], )?(--[a-z-]+)/gm)].map((m) => m[1] as string);
}

/** Whether the parser accepts an option for a command. */
function accepts(command: string, option: string[]): boolean {
  try {
    parseCommandLine([command, ...option]);
    return true;
  } catch (err) {
    expect((err as Error).message).toContain('unknown option');
    return false;
  }
}

describe('<command> --help describes that command', () => {
  for (const command of COMMANDS) {
    it(command, async () => {
      for (const flag of ['--help', '-h']) {
        const run = await cli([command, flag]);
        expect(run.code).toBe(0);
        expect(run.err).toBe('');
        expect(run.out).toBe(commandHelp(command));
        expect(run.out).not.toBe(USAGE);
        expect(run.out.startsWith(`Usage: thanos-gitops ${command}`)).toBe(true);
        for (const section of ['\nReads:  ', '\nWrites: ', '\nOptions:\n', '\nExit codes:\n']) {
          expect(run.out).toContain(section);
        }
      }
      // The options listed are exactly the ones the command accepts.
      const help = commandHelp(command);
      const listed = listedOptions(help);
      expect(listed).toContain('--help');
      for (const option of ALL_OPTIONS) {
        expect(accepts(command, option), `${command} ${option[0]}`).toBe(listed.includes(option[0]));
      }
      // Its exit codes, with 2 for a wrong command line; generate's include the file system's and the signals'.
      const codes = [...(help.split('\nExit codes:\n')[1] ?? '').matchAll(/^ {2}([0-9]+) /gm)].map((m) => m[1]);
      expect(codes).toEqual(expect.arrayContaining(['0', '2']));
      if (command === 'generate') expect(codes).toEqual(['0', '1', '2', '3', '4', '130', '143']);
      if (command === 'diff') expect(codes).toEqual(['0', '1', '2', '3', '4']);
    });
  }

  it('help wins over other mistakes on the line, but not over an unknown command', async () => {
    expect(await cli(['generate', '--bogus', '--help'])).toEqual({ code: 0, out: commandHelp('generate'), err: '' });
    expect(await cli(['--help', 'check'])).toEqual({ code: 0, out: commandHelp('check'), err: '' });
    expect((await cli(['frob', '--help'])).code).toBe(2);
  });

  it('the global help stays, and lists every command', async () => {
    for (const argv of [['--help'], ['-h']]) expect(await cli(argv)).toEqual({ code: 0, out: USAGE, err: '' });
    for (const command of Object.keys(COMMAND_HELP)) expect(USAGE).toContain(`\n  ${command} `);
  });
});

describe('a command-line mistake is a short usage line and exit 2', () => {
  const cases: [argv: string[], first: string, command?: string][] = [
    [['generate', '--bogus'], "thanos-gitops generate: unknown option '--bogus'", 'generate'],
    [['generate', '--bogus=1'], "thanos-gitops generate: unknown option '--bogus'", 'generate'],
    [['check', '-x'], "thanos-gitops check: unknown option '-x'", 'check'],
    [['validate', '--base', 'main'], "thanos-gitops validate: unknown option '--base'", 'validate'],
    [['diff', '--no-cache'], "thanos-gitops diff: unknown option '--no-cache'", 'diff'],
    [['schema', '--env', 'dev'], "thanos-gitops schema: unknown option '--env'", 'schema'],
    [['generate', '--env'], "thanos-gitops generate: option '--env' needs a value (--env NAME)", 'generate'],
    [['diff', '--base', '--env', 'x'], "thanos-gitops diff: option '--base' needs a value (--base REF)", 'diff'],
    [['check', '--format='], "thanos-gitops check: option '--format' needs a value (--format FORMAT)", 'check'],
    [['generate', '--debug=yes'], "thanos-gitops generate: option '--debug' takes no value", 'generate'],
    [['generate', 'check'], "thanos-gitops generate: unexpected argument 'check' after generate", 'generate'],
    [
      ['frob'],
      "thanos-gitops: unknown command 'frob' (the commands: generate, check, diff, validate, import, schema)",
      undefined,
    ],
    [['--bogus'], "thanos-gitops: unknown option '--bogus'", undefined],
    [[], 'thanos-gitops: a command is required', undefined],
  ];
  for (const [argv, first, command] of cases) {
    it(argv.join(' ') || '(nothing)', async () => {
      const run = await cli(argv);
      expect(run.code).toBe(2);
      expect(run.out).toBe('');
      expect(run.err).toBe(`${first}\n${usageLine(command)}`);
      expect(run.err).not.toMatch(/positional argument|ERR_PARSE_ARGS|argument missing/);
      expect(run.err.split('\n').filter(Boolean)).toHaveLength(2);
    });
  }

  it('the usage line names the command and where its help is', () => {
    expect(usageLine('generate')).toBe(
      'usage: thanos-gitops generate [--env NAME]... [options]  (thanos-gitops generate --help for more)\n',
    );
  });

  it('an option may come before the command, and takes its value as --name=value too', () => {
    const parsed = parseCommandLine(['--env=dev', 'generate', '--env', 'prod', '--no-cache']);
    expect(parsed.command).toBe('generate');
    expect(parsed.options.only).toEqual(['dev', 'prod']);
    expect(parsed.options.cache).toBe(false);
  });
});
