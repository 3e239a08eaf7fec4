/**
 * The command line: the global help, each command's own help (what it reads and writes, its options, its exit
 * codes), and parsing. Each command accepts only its own options; a mistake is one line saying what is wrong and
 * the command's usage line (exit 2), never a parser's internal wording.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

export const PROGRAM = 'thanos-gitops';

export const USAGE = `Usage: thanos-gitops <command> [options]

Commands:
  generate    render environments/<env>.yaml into clusters/<env>/ (all or nothing)
  check       exit 1 and list the files when clusters/ differs from a fresh render
  diff        show what generate would change: objects added, changed, removed, then a unified diff
  validate    check the environment files only
  schema      print the JSON Schema of environment files
  import      adopt a running Thanos: Bitnami chart values or rendered manifests into an environment file

Options (each command accepts those its help lists):
  --env NAME            only this environment (repeatable); default: every environments/*.yaml
  --format FORMAT       validate, check, generate: text (default), github (GitHub Actions annotations) or json;
                        diff: text (default) or markdown (one GitHub comment)
  --base REF            diff: compare with the clusters/ of this git revision (e.g. main) instead of the disk
  --environments DIR    where environment files are (default: environments)
  --clusters DIR        where output goes (default: clusters)
  --no-color            never colour the output (colour is only used on a terminal anyway)
  --no-cache            generate, check: render every environment, even those unchanged since their last render
  --release NAME        import bitnami: the Helm release (default: thanos)
  --namespace NS        import bitnami: the namespace the release runs in (default: thanos)
  --name ENV            import: the environment name (default: the namespace)
  --force               import: overwrite an existing environment file and its report
  --debug               print the stack trace of an internal error
  -h, --help            show this help; thanos-gitops <command> --help shows that command's
  -v, --version         show the version

Exit codes: 0 success, 1 invalid environment (or none) or check/diff found differences, 2 wrong command line,
3 internal error (diff: any error), 4 the file system refused, 130/143 interrupted (rolled back).
`;

/** An option: its value's placeholder when it takes one, and whether it may be repeated. */
/** An option given twice keeps its last value (a script's default can be overridden); `multiple` ones add up. */
interface OptionSpec {
  value?: string;
  multiple?: boolean;
  short?: string;
}

const OPTIONS = {
  env: { value: 'NAME', multiple: true },
  format: { value: 'FORMAT' },
  base: { value: 'REF' },
  environments: { value: 'DIR' },
  clusters: { value: 'DIR' },
  'no-color': {},
  'no-cache': {},
  release: { value: 'NAME' },
  namespace: { value: 'NS' },
  name: { value: 'ENV' },
  force: {},
  debug: {},
  help: { short: 'h' },
  version: { short: 'v' },
} satisfies Record<string, OptionSpec>;

type OptionName = keyof typeof OPTIONS;

/** One command's help: what it does, reads and writes, its options (with their help), its exit codes. */
interface CommandSpec {
  synopsis: string;
  about: string;
  reads: string;
  writes: string;
  options: Partial<Record<OptionName, string>>;
  exits: [code: string, meaning: string][];
}

const ENV = 'only this environment (repeatable); default: every environments/*.yaml';
const ENVIRONMENTS = 'where environment files are (default: environments)';
const CLUSTERS = 'where the generated folders are (default: clusters)';
const NO_COLOR = 'never colour the output (colour is only used on a terminal; NO_COLOR, FORCE_COLOR)';
const DEBUG = 'print the stack trace of an error (an internal error asks for it)';
const PROBLEM_FORMAT = 'text (default), github (GitHub Actions annotations on stdout) or json (one document on stdout)';
const NO_CACHE = 'render every environment, even those unchanged since their last render';
const WRONG_LINE: [string, string] = [
  '2',
  'wrong command line (unknown option or command, missing value, bad --format)',
];
const INTERNAL: [string, string] = ['3', 'internal error: a bug in thanos-gitops (--debug prints its stack trace)'];
const FILE_SYSTEM: [string, string] = [
  '4',
  'the file system refused: permission denied, no space, a folder where a file must go, a missing folder, …',
];

/** The options of generate and check: both plan the same run, one writes it and the other compares it. */
const RENDER_OPTIONS: Partial<Record<OptionName, string>> = {
  env: ENV,
  format: PROBLEM_FORMAT,
  environments: ENVIRONMENTS,
  clusters: CLUSTERS,
  'no-cache': NO_CACHE,
  'no-color': NO_COLOR,
  debug: DEBUG,
};

export const COMMAND_HELP: Readonly<Record<string, CommandSpec>> = {
  generate: {
    synopsis: 'thanos-gitops generate [--env NAME]... [options]',
    about: 'Validate every environment, render it, and write clusters/<env>/ all or nothing.',
    reads: 'environments/*.yaml (all of them: checks span environments), and clusters/ to compare',
    writes:
      'clusters/<env>/ of each environment (each built beside the old one and swapped in by rename);\n' +
      'clusters/argocd/ and clusters/flux/ (without --env); removes clusters/<env>/ of an environment whose file\n' +
      'is gone (without --env); clusters/.thanos-gitops.lock while writing. Files without the generated header,\n' +
      'symlinks and empty folders in clusters/<env>/ are never touched. Invalid input writes nothing.',
    options: RENDER_OPTIONS,
    exits: [
      ['0', 'written (or nothing to change)'],
      ['1', 'an environment file is invalid, or environments/ holds none: nothing was written'],
      WRONG_LINE,
      INTERNAL,
      [
        '4',
        'the file system refused (permission denied, no space, a folder where a file must go, a missing folder, a\n' +
          'hand-written file or symlink where generate writes, another generate holding the lock): one line names the path',
      ],
      [
        '130',
        'interrupted by SIGINT before the swap: everything rolled back (a signal during the swap lets it finish)',
      ],
      ['143', 'interrupted by SIGTERM before the swap: everything rolled back'],
    ],
  },
  check: {
    synopsis: 'thanos-gitops check [--env NAME]... [options]',
    about: 'Exit 1 and list the files when clusters/ differs from a fresh render (CI runs it).',
    reads: 'environments/*.yaml and clusters/',
    writes: 'nothing (the render cache in node_modules/.cache/thanos-gitops/ only)',
    options: RENDER_OPTIONS,
    exits: [
      ['0', 'clusters/ is up to date'],
      [
        '1',
        'clusters/ is out of date (files missing, changed, stale, or working folders of an interrupted generate left\n' +
          'over), or an environment file is invalid',
      ],
      WRONG_LINE,
      INTERNAL,
      FILE_SYSTEM,
    ],
  },
  diff: {
    synopsis: 'thanos-gitops diff [--base REF] [--env NAME]... [options]',
    about:
      'Show what a change does: per folder, objects added, changed and removed, restarts, recreations and\n' +
      'destruction, then a diff per object (both sides built with kustomize when it is found).',
    reads: 'environments/*.yaml, and clusters/ on disk or, with --base, the clusters/ of that git revision',
    writes:
      'nothing (temporary folders, removed before it exits; --base reads the revision from git objects, no worktree)',
    options: {
      base: 'compare with the clusters/ of this git revision (e.g. main) instead of the disk',
      env: ENV,
      format: 'text (default) or markdown (one GitHub comment, at most 65,536 characters)',
      environments: ENVIRONMENTS,
      clusters: CLUSTERS,
      'no-color': NO_COLOR,
      debug: DEBUG,
    },
    exits: [
      ['0', 'no changes'],
      ['1', 'changes'],
      WRONG_LINE,
      ['3', 'error: an invalid environment file, or a bug (--debug prints its stack trace)'],
      FILE_SYSTEM,
    ],
  },
  validate: {
    synopsis: 'thanos-gitops validate [--env NAME]... [options]',
    about: 'Check the environment files (rendered in memory, since some problems are found there).',
    reads: 'environments/*.yaml; the StatefulSets of clusters/<env>/ (a volume may not shrink)',
    writes: 'nothing',
    options: {
      env: ENV,
      format: PROBLEM_FORMAT,
      environments: ENVIRONMENTS,
      clusters: CLUSTERS,
      'no-color': NO_COLOR,
      debug: DEBUG,
    },
    exits: [
      ['0', 'every file is valid'],
      ['1', 'an environment file is invalid, or environments/ holds none'],
      WRONG_LINE,
      INTERNAL,
      FILE_SYSTEM,
    ],
  },
  import: {
    synopsis: 'thanos-gitops import bitnami VALUES.yaml | manifests PATH|- [options]',
    about:
      'Adopt a running Thanos: read a values file of the Bitnami thanos chart (17.x), or rendered manifests\n' +
      '(kube-thanos, helm template, kubectl get -o yaml; a folder, a file or - for stdin), and write an environment\n' +
      'that keeps what holds data (bucket and prefix, external labels, ingestor StatefulSet and claim names, TSDB\n' +
      'path and size), with its report and migration runbook. The environment is rendered in memory first: nothing\n' +
      'is written unless it loads and renders without problems. The report is printed, and written with the\n' +
      'objects kept, recreated and orphaned and the runbook in one file beside the environment.',
    reads: 'VALUES.yaml or PATH (- for stdin)',
    writes:
      'environments/<name>.yaml and environments/<name>.import.md (report, adoption, runbook); never\n' +
      'clusters/ (run generate afterwards)',
    options: {
      release: 'bitnami: the Helm release name, the prefix of every old object name (default: thanos)',
      namespace: 'bitnami: the namespace the release runs in, where the volumes are (default: thanos)',
      name: 'the environment name (default: the namespace)',
      force: 'overwrite environments/<name>.yaml and its report when they exist',
      environments: ENVIRONMENTS,
      'no-color': NO_COLOR,
      debug: DEBUG,
    },
    exits: [
      ['0', 'written'],
      [
        '1',
        'the input cannot be read as what was named, the environment it gives does not load or render (nothing\n' +
          'written), or environments/<name>.yaml exists (without --force)',
      ],
      WRONG_LINE,
      INTERNAL,
      FILE_SYSTEM,
    ],
  },
  schema: {
    synopsis: 'thanos-gitops schema',
    about: 'Print the JSON Schema of environment files (pnpm schema writes it to schema/environment.schema.json).',
    reads: 'nothing',
    writes: 'the schema, on stdout',
    options: { debug: DEBUG },
    exits: [['0', 'printed'], WRONG_LINE, INTERNAL],
  },
};

/** `--env NAME`, `-h, --help`: how an option is written in help. */
function optionLabel(name: OptionName): string {
  const spec: OptionSpec = OPTIONS[name];
  const long = `--${name}${spec.value ? ` ${spec.value}` : ''}`;
  return spec.short ? `-${spec.short}, ${long}` : long;
}

/** The help of one command, as `thanos-gitops <command> --help` prints it. */
export function commandHelp(command: string): string {
  const spec = COMMAND_HELP[command];
  if (!spec) throw new Error(`no help for ${command}`);
  const indent = (text: string, by: number) => text.replace(/\n/g, `\n${' '.repeat(by)}`);
  const options: [string, string][] = [
    ...Object.entries(spec.options).map(([name, help]): [string, string] => [
      optionLabel(name as OptionName),
      help ?? '',
    ]),
    ['-h, --help', 'show this help'],
  ];
  const width = Math.max(...options.map(([label]) => label.length)) + 2;
  return [
    `Usage: ${spec.synopsis}`,
    '',
    spec.about,
    '',
    `Reads:  ${indent(spec.reads, 8)}`,
    `Writes: ${indent(spec.writes, 8)}`,
    '',
    'Options:',
    ...options.map(([label, help]) => `  ${label.padEnd(width)}${indent(help, width + 2)}`),
    '',
    'Exit codes:',
    ...spec.exits.map(([code, meaning]) => `  ${code.padEnd(5)}${indent(meaning, 7)}`),
    '',
  ].join('\n');
}

/** The short usage line printed under a command-line mistake. */
export function usageLine(command?: string): string {
  const spec = command === undefined ? undefined : COMMAND_HELP[command];
  return spec
    ? `usage: ${spec.synopsis}  (${PROGRAM} ${command} --help for more)\n`
    : `usage: ${PROGRAM} <command> [options]  (${PROGRAM} --help for the commands)\n`;
}

/** A mistake on the command line: exit 2, one line and the usage line of `command`. */
export class CommandLineError extends Error {
  constructor(
    message: string,
    readonly command?: string,
  ) {
    super(message);
    this.name = 'CommandLineError';
  }
}

/** What every command is given: where the environments are, where the output goes, which environments. */
export interface CommandOptions {
  environmentsDir: string;
  clustersDir: string;
  /** Only these environments; empty for every `environments/*.yaml`. */
  only: readonly string[];
  /**
   * Whether `generate` and `check` may skip environments the render cache shows up to date (`--no-cache` turns it
   * off). The cache is only ever used by the built command (see cache.ts).
   */
  cache: boolean;
  /** Where notes about skipped files go (editor leftovers in the environments folder). */
  note?: (text: string) => void;
  /** `--format`, checked by each command. */
  format?: string;
  /** `diff --base`: the git revision to compare with. */
  base?: string;
  /** `import`: what to import (`bitnami`, `manifests`) and from where, as given after the command. */
  args?: readonly string[];
  /** `import`: `--release`, `--namespace`, `--name`, `--force`. */
  release?: string;
  namespace?: string;
  name?: string;
  force?: boolean;
}

export function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

export interface CommandLine {
  /** The command; absent with `--help` or `--version` alone. */
  command?: string;
  help: boolean;
  version: boolean;
  debug: boolean;
  noColor: boolean;
  options: CommandOptions;
}

interface OptionToken {
  name: string;
  /** As written, for messages (`--bogus`, `-x`). */
  raw: string;
  value?: string;
  /** A value-taking option written last, or followed by another option. */
  missing?: boolean;
  /** `--debug=yes`: a flag given a value. */
  unwanted?: boolean;
}

const byShort = new Map(
  Object.entries(OPTIONS).flatMap(([name, spec]: [string, OptionSpec]) => (spec.short ? [[spec.short, name]] : [])),
);

/** Splits argv into option tokens and positionals, knowing which options take a value. */
function tokenize(argv: readonly string[]): { tokens: OptionToken[]; positionals: string[] } {
  const tokens: OptionToken[] = [];
  const positionals: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const long = arg.startsWith('--');
    const raw = long && eq > 0 ? arg.slice(0, eq) : arg;
    const name = long ? raw.slice(2) : (byShort.get(raw.slice(1)) ?? raw);
    const spec: OptionSpec | undefined = Object.hasOwn(OPTIONS, name) ? OPTIONS[name as OptionName] : undefined;
    const inline = long && eq > 0 ? arg.slice(eq + 1) : undefined;
    if (!spec?.value) {
      tokens.push({ name, raw, ...(inline === undefined ? {} : { unwanted: true }) });
      continue;
    }
    if (inline !== undefined) {
      tokens.push(inline === '' ? { name, raw, missing: true } : { name, raw, value: inline });
      continue;
    }
    const next = argv[i + 1];
    if (next === undefined || next.startsWith('-')) tokens.push({ name, raw, missing: true });
    else {
      tokens.push({ name, raw, value: next });
      i++;
    }
  }
  return { tokens, positionals };
}

/** `import` takes what to import and where from: `bitnami VALUES.yaml` or `manifests PATH|-`. */
function importArguments(command: string | undefined, positionals: readonly string[]): void {
  if (command !== 'import') return;
  const [kind, path] = positionals.slice(1);
  if (kind !== 'bitnami' && kind !== 'manifests') {
    throw new CommandLineError(
      kind === undefined
        ? 'what to import is required: bitnami or manifests'
        : `unknown import '${kind}' (bitnami or manifests)`,
      command,
    );
  }
  if (path === undefined) {
    throw new CommandLineError(
      `import ${kind} needs ${kind === 'bitnami' ? 'a values file' : 'a path, or - for stdin'}`,
      command,
    );
  }
}

/** Parses argv; throws a CommandLineError saying what is wrong with it. */
export function parseCommandLine(argv: readonly string[]): CommandLine {
  const { tokens, positionals } = tokenize(argv);
  const command = positionals[0];
  const has = (name: OptionName) => tokens.some((t) => t.name === name);
  if (command !== undefined && !Object.hasOwn(COMMAND_HELP, command)) {
    throw new CommandLineError(`unknown command '${command}' (the commands: ${Object.keys(COMMAND_HELP).join(', ')})`);
  }
  const spec = command === undefined ? undefined : COMMAND_HELP[command];
  const accepted = (name: string) =>
    spec ? name === 'help' || Object.hasOwn(spec.options, name) : name === 'help' || name === 'version';
  const where = command === undefined ? '' : ` ${command}`;
  // Help wins over every other mistake but an unknown command: whoever asks for it is finding out how.
  if (!has('help')) {
    for (const t of tokens) {
      if (!accepted(t.name)) throw new CommandLineError(`unknown option '${t.raw}'`, command);
      const value = (OPTIONS[t.name as OptionName] as OptionSpec).value;
      if (t.missing) throw new CommandLineError(`option '${t.raw}' needs a value (${t.raw} ${value})`, command);
      if (t.unwanted) throw new CommandLineError(`option '${t.raw}' takes no value`, command);
    }
    importArguments(command, positionals);
    if (positionals.length > (command === 'import' ? 3 : 1)) {
      const extra = positionals[command === 'import' ? 3 : 1];
      throw new CommandLineError(`unexpected argument '${extra}'${where ? ` after${where}` : ''}`, command);
    }
    if (command === undefined && !has('version')) throw new CommandLineError('a command is required');
  }
  const last = (name: OptionName) => tokens.filter((t) => t.name === name).at(-1)?.value;
  const env = tokens.filter((t) => t.name === 'env' && t.value !== undefined).map((t) => t.value as string);
  const format = last('format');
  const base = last('base');
  const named = Object.fromEntries(
    (['release', 'namespace', 'name'] as const).flatMap((k) => (last(k) === undefined ? [] : [[k, last(k)]])),
  );
  return {
    ...(command === undefined ? {} : { command }),
    help: has('help'),
    version: has('version'),
    debug: has('debug'),
    noColor: has('no-color'),
    options: {
      environmentsDir: resolve(last('environments') ?? 'environments'),
      clustersDir: resolve(last('clusters') ?? 'clusters'),
      only: env,
      cache: !has('no-cache'),
      ...(format === undefined ? {} : { format }),
      ...(base === undefined ? {} : { base }),
      ...(command === 'import' ? { args: positionals.slice(1), force: has('force'), ...named } : {}),
    },
  };
}
