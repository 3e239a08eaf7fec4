#!/usr/bin/env node
// Regenerates packages/thanos-components/src/data/thanos-flags/<version>.json: the flags each `thanos <command>`
// of one Thanos release accepts. One file per release the generator supports.
//
// Usage: node scripts/thanos-flags.mjs [--check] [--out=DIR] [referenceDir ...]
//
//   referenceDir  directory holding `<command>.help.txt` (verbatim `thanos <command> --help` output),
//                 hidden-flags.json and, optionally, SOURCE.md. The version is read from SOURCE.md or from the
//                 directory name (`v0.42.4`). Without one, every release that has a data file is regenerated
//                 from $THANOS_REFERENCE_ROOT/<version> (default packages/thanos-components/test/fixtures/thanos-help,
//                 the listings shipped with the flag-data test).
//                 `scripts/thanos-help.mjs` writes such a directory from a thanos binary or image.
//   --check       do not write; exit 1 when a file on disk differs from a fresh generation.
//   --out=DIR     write (or check) the data files in DIR instead of packages/thanos-components/src/data/thanos-flags.
//
// What is recorded per flag: { boolean, hidden, repeatable }.
//   boolean     the listing shows `--[no-]name`, so `--name` and `--no-name` are both valid and take no value.
//   repeatable  the listing shows a trailing ` ...` after the placeholder (`--name=VALUE ...`).
//   hidden      the flag is absent from --help but listed in hidden-flags.json.
//
// Commands: the key is the subcommand as typed after `thanos`, taken from the `usage:` line of each listing
// (`receive`, `query-frontend`, `tools bucket web`, ...). Listings of command groups (`thanos tools`,
// `thanos tools bucket`: their usage line asks for a `<command>`) are parsed but not emitted, because such a
// group cannot be run on its own; their flags are repeated in every leaf command's listing anyway.
//
// Hidden flags (hidden-flags.json) are keyed by the command's source file. A key matches the command of the same
// name, or every command whose leading words joined by '-' equal it (`tools-bucket` -> `tools bucket *`).
// The '*' key holds flags registered in cmd/thanos/main.go or cmd/thanos/config.go. Where they apply
// (checked against cmd/thanos/*.go at the v0.42.4 tag):
//   - main.go registers `debug.name` on the application itself, so kingpin accepts it for every command;
//   - config.go registers the rest inside shared flag groups. A command has such a hidden flag exactly when it
//     registers the group, which shows in its listing as a visible flag of the same group (the "anchor" below):
//       shipper group (shipper.*)            anchor `shipper.meta-file-name`  -> rule, sidecar
//       rule's query-API group (query.*)     anchor `query.sd-dns-interval`   -> rule
//     (receive registers its own two hidden shipper flags; they are listed under the `receive` key.)
//   A '*' flag not named in SHARED_HIDDEN_ANCHORS is applied to every command (it then most likely comes from
//   main.go), and a warning is printed so the table can be reviewed.
//
// hidden-flags.json gives only names, so the kind of each hidden flag (boolean / repeatable / plain value) comes
// from HIDDEN_FLAG_KINDS, read from the same source files (`.Bool()`/`BoolVar` -> boolean, `Strings`/`Addrs`
// -> repeatable). Generation fails when a hidden flag is missing from that table, so that a new version is
// never recorded with a guessed kind.

import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';

const scriptDir = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(scriptDir, '..');
const referenceRoot = resolve(
  process.env.THANOS_REFERENCE_ROOT ?? resolve(repoRoot, 'packages/thanos-components/test/fixtures/thanos-help'),
);
let outDir = resolve(repoRoot, 'packages/thanos-components/src/data/thanos-flags');

/** '*' hidden flag -> visible flag whose presence in a listing shows that the command registers its group. */
const SHARED_HIDDEN_ANCHORS = {
  'debug.name': null, // registered on the app in main.go: every command
  'query.only-prometheus-params': 'query.sd-dns-interval',
  'query.sd-dns-resolver': 'query.sd-dns-interval',
  'shipper.allow-out-of-order-uploads': 'shipper.meta-file-name',
  'shipper.ignore-unequal-block-size': 'shipper.meta-file-name',
  'shipper.skip-corrupted-blocks': 'shipper.meta-file-name',
};

/** Kind of every hidden flag: 'boolean', 'repeatable' or 'value'. */
const HIDDEN_FLAG_KINDS = {
  'compact.block-max-index-size': 'value',
  'compact.enable-vertical-compaction': 'boolean',
  'compact.skip-block-with-out-of-order-chunks': 'boolean',
  'debug.accept-malformed-index': 'boolean',
  'debug.advertise-compatibility-label': 'boolean',
  'debug.estimated-max-chunk-size': 'value',
  'debug.estimated-max-series-size': 'value',
  'debug.halt-on-error': 'boolean',
  'debug.max-compaction-level': 'value',
  'debug.name': 'value',
  'debug.series-batch-size': 'value',
  'endpoint.info-timeout': 'value',
  'exemplar.partial-response': 'boolean',
  'grpc.proxy-strategy': 'value',
  'inject-test-addresses': 'repeatable',
  'metric-metadata.partial-response': 'boolean',
  'query-frontend.default-tenant-id': 'value',
  'query-frontend.tenant-certificate-field': 'value',
  'query-frontend.tenant-header': 'value',
  'query.disable-fallback': 'boolean',
  'query.distributed-with-overlapping-interval': 'boolean',
  'query.dynamic-lookback-delta': 'boolean',
  'query.instant.default.max_source_resolution': 'value',
  'query.lazy-retrieval-max-buffered-responses': 'value',
  'query.only-prometheus-params': 'boolean',
  'query.sd-dns-resolver': 'value',
  'receive-forward-max-backoff': 'value',
  'receive-forward-timeout': 'value',
  'receive.artificial-max-delay': 'value',
  'receive.limits-config': 'value',
  'receive.limits-config-file': 'value',
  'receive.limits-config-reload-timer': 'value',
  'rule.partial-response': 'boolean',
  'shipper.allow-out-of-order-uploads': 'boolean',
  'shipper.ignore-unequal-block-size': 'boolean',
  'shipper.skip-corrupted-blocks': 'boolean',
  'status.partial-response': 'boolean',
  'store.caching-bucket.config': 'value',
  'store.caching-bucket.config-file': 'value',
  'store.index-header-lazy-reader-idle-timeout': 'value',
  'store.index-header-posting-offsets-in-mem-sampling': 'value',
  'store.sd-dns-resolver': 'value',
  'target.partial-response': 'boolean',
  'tsdb.max-block-duration': 'value',
  'tsdb.memory-snapshot-on-shutdown': 'boolean',
  'tsdb.min-block-duration': 'value',
  'tsdb.write-queue-size': 'value',
  'writer.intern': 'boolean',
};

// `  -h, --[no-]help   Show ...`, `      --grpc-address="0.0.0.0:10901"`, `      --label=key="value" ...`,
// `      --enable-feature= ...`: 2 spaces, optional short flag (or 4 spaces), the long flag, an optional
// `=placeholder` (quoted, or any non-blank run, possibly empty) with an optional ` ...`, then the description.
const FLAG_LINE =
  /^ {2}(?:-[A-Za-z0-9], | {4})--(\[no-\])?([A-Za-z0-9][A-Za-z0-9._-]*)(?:=("[^"]*"|\S*)( \.\.\.)?)?(?: {2,}.*)?$/;
const FLAG_LINE_START = /^ {2}(?:-[A-Za-z0-9], | {4})--/;

function fail(message) {
  process.stderr.write(`thanos-flags: ${message}\n`);
  process.exit(2);
}

function parseArgs(argv) {
  let check = false;
  const referenceDirs = [];
  for (const arg of argv) {
    if (arg === '--check') {
      check = true;
    } else if (arg.startsWith('--out=')) {
      outDir = resolve(arg.slice('--out='.length));
    } else if (arg === '-h' || arg === '--help') {
      process.stdout.write('usage: node scripts/thanos-flags.mjs [--check] [--out=DIR] [referenceDir ...]\n');
      process.exit(0);
    } else if (arg.startsWith('-')) {
      fail(`unknown option ${arg}`);
    } else {
      referenceDirs.push(resolve(arg));
    }
  }
  if (referenceDirs.length === 0) {
    let known = [];
    try {
      known = readdirSync(outDir).filter((name) => /^v\d+\.\d+\.\d+.*\.json$/.test(name));
    } catch {
      // no data yet
    }
    if (known.length === 0) fail(`no release in ${outDir}: name a reference directory`);
    for (const name of known.sort()) referenceDirs.push(resolve(referenceRoot, name.slice(0, -'.json'.length)));
  }
  return { check, referenceDirs };
}

/** Parses one `--help` listing into { command, isGroup, flags: Map<name, {boolean, repeatable}> }. */
function parseListing(file, text) {
  const lines = text.split(/\r?\n/);
  const usage = lines.find((line) => line.startsWith('usage: thanos'));
  if (usage === undefined) fail(`${file}: no "usage: thanos ..." line`);
  const words = [];
  for (const word of usage.slice('usage: thanos'.length).trim().split(/\s+/)) {
    if (/^[a-z][a-z0-9-]*$/.test(word)) words.push(word);
    else break;
  }
  if (words.length === 0) fail(`${file}: no command in "${usage}"`);
  const isGroup = /<command>/.test(usage);

  const flags = new Map();
  let inFlags = false;
  for (const line of lines) {
    if (line === 'Flags:') {
      inFlags = true;
      continue;
    }
    if (/^\S/.test(line)) {
      inFlags = false; // another section (Subcommands:, Args:, ...)
      continue;
    }
    if (!inFlags || !FLAG_LINE_START.test(line)) continue;
    const match = FLAG_LINE.exec(line);
    if (match === null) fail(`${file}: cannot parse flag line: ${line.trim()}`);
    const [, negatable, name, , ellipsis] = match;
    if (flags.has(name)) fail(`${file}: flag --${name} listed twice`);
    flags.set(name, { boolean: negatable !== undefined, repeatable: ellipsis !== undefined });
  }
  if (flags.size === 0) fail(`${file}: no flags found`);
  return { command: words.join(' '), isGroup, flags };
}

/** Commands a hidden-flags.json key applies to (see the header comment). */
function commandsForHiddenKey(key, commands) {
  return commands.filter((command) => {
    const words = command.split(' ');
    for (let i = 1; i <= words.length; i++) {
      if (words.slice(0, i).join('-') === key) return true;
    }
    return false;
  });
}

function readVersionAndCommit(referenceDir) {
  let version = /^v\d+\.\d+\.\d+/.test(referenceDir.split(/[\\/]/).pop() ?? '')
    ? referenceDir.split(/[\\/]/).pop()
    : undefined;
  let commit;
  let listings;
  try {
    const sourceMd = readFileSync(resolve(referenceDir, 'SOURCE.md'), 'utf8');
    listings = /^- Listings: (.+)$/m.exec(sourceMd)?.[1];
    version = /Version:\s*\*\*(v[0-9][^*\s]*)\*\*/.exec(sourceMd)?.[1] ?? version;
    commit = /Tag `v[^`]+` is commit `([0-9a-f]{40})`/.exec(sourceMd)?.[1];
  } catch {
    // SOURCE.md is optional; the directory name gives the version.
  }
  if (version === undefined) fail(`cannot tell the Thanos version of ${referenceDir}`);
  return { version, commit, listings };
}

function sortKeys(value) {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    const sorted = {};
    for (const key of Object.keys(value).sort()) sorted[key] = sortKeys(value[key]);
    return sorted;
  }
  return value;
}

function generate(referenceDir) {
  let files;
  try {
    files = readdirSync(referenceDir)
      .filter((name) => name.endsWith('.help.txt'))
      .sort();
  } catch (error) {
    fail(`cannot read reference directory ${referenceDir}: ${error.message}`);
  }
  if (files.length === 0) fail(`no *.help.txt in ${referenceDir}`);

  /** @type {Map<string, Map<string, {boolean: boolean, repeatable: boolean, hidden: boolean}>>} */
  const commands = new Map();
  const groups = [];
  for (const file of files) {
    const listing = parseListing(file, readFileSync(resolve(referenceDir, file), 'utf8'));
    if (listing.isGroup) {
      groups.push(listing.command);
      continue;
    }
    if (commands.has(listing.command)) fail(`${file}: command "${listing.command}" listed twice`);
    const flags = new Map();
    for (const [name, spec] of listing.flags) flags.set(name, { ...spec, hidden: false });
    commands.set(listing.command, flags);
  }
  const commandNames = [...commands.keys()].sort();

  const hiddenFile = resolve(referenceDir, 'hidden-flags.json');
  const hidden = JSON.parse(readFileSync(hiddenFile, 'utf8')).hidden ?? {};
  const sharedTargets = {};
  for (const key of Object.keys(hidden).sort()) {
    for (const name of [...hidden[key]].sort()) {
      const kind = HIDDEN_FLAG_KINDS[name];
      if (kind === undefined) fail(`hidden flag --${name} (key "${key}") has no entry in HIDDEN_FLAG_KINDS`);
      let targets;
      if (key === '*') {
        const anchor = Object.hasOwn(SHARED_HIDDEN_ANCHORS, name) ? SHARED_HIDDEN_ANCHORS[name] : null;
        if (!Object.hasOwn(SHARED_HIDDEN_ANCHORS, name)) {
          process.stderr.write(`thanos-flags: warning: shared hidden flag --${name} applied to every command\n`);
        }
        targets = anchor === null ? commandNames : commandNames.filter((c) => commands.get(c).has(anchor));
        if (targets.length === 0) fail(`shared hidden flag --${name}: no command lists its anchor --${anchor}`);
        sharedTargets[name] = targets;
      } else {
        targets = commandsForHiddenKey(key, commandNames);
        if (targets.length === 0) fail(`hidden-flags.json key "${key}" matches no command`);
      }
      for (const command of targets) {
        const flags = commands.get(command);
        if (flags.has(name)) continue; // visible in the listing already: the listing wins
        flags.set(name, { boolean: kind === 'boolean', hidden: true, repeatable: kind === 'repeatable' });
      }
    }
  }

  const { version, commit, listings } = readVersionAndCommit(referenceDir);
  const at = commit === undefined ? version : `${version} (${commit})`;
  const data = {
    version,
    source:
      listings === undefined
        ? `thanos-io/thanos ${at}: \`thanos <command> --help\` listings from docs/components/*.md, plus hidden ` +
          'flags registered in cmd/thanos/*.go. Generated by scripts/thanos-flags.mjs; do not edit.'
        : `thanos ${version}: ${listings} Hidden flags from hidden-flags.json. Generated by ` +
          'scripts/thanos-flags.mjs; do not edit.',
    commands: {},
  };
  for (const command of commandNames) data.commands[command] = Object.fromEntries(commands.get(command));
  return { json: `${JSON.stringify(sortKeys(data), null, 2)}\n`, version, commands, groups, sharedTargets };
}

function main() {
  const { check, referenceDirs } = parseArgs(process.argv.slice(2));
  let stale = 0;
  for (const referenceDir of referenceDirs) {
    const { json, version, commands, groups, sharedTargets } = generate(referenceDir);
    const outFile = resolve(outDir, `${version}.json`);
    const shown = relative(process.cwd(), outFile) || outFile;

    if (check) {
      let current = '';
      try {
        current = readFileSync(outFile, 'utf8');
      } catch {
        // missing file: differs
      }
      if (current !== json) {
        process.stderr.write(`${shown} is out of date; run: node scripts/thanos-flags.mjs ${referenceDir}\n`);
        stale++;
      } else {
        process.stdout.write(`${shown} is up to date\n`);
      }
      continue;
    }

    mkdirSync(dirname(outFile), { recursive: true });
    writeFileSync(outFile, json);
    const counts = [...commands].map(([command, flags]) => {
      const hiddenCount = [...flags.values()].filter((flag) => flag.hidden).length;
      return `  ${command}: ${flags.size} flags (${hiddenCount} hidden)`;
    });
    const shared = Object.entries(sharedTargets).map(([name, targets]) => `  --${name}: ${targets.join(', ')}`);
    process.stdout.write(
      [
        `wrote ${shown}`,
        ...counts.sort(),
        `skipped command groups: ${groups.sort().join(', ') || 'none'}`,
        "'*' hidden flags applied to:",
        ...shared,
        '',
      ].join('\n'),
    );
  }
  if (stale > 0) process.exit(1);
}

main();
