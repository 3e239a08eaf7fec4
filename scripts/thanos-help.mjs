#!/usr/bin/env node
// Captures the `--help` listing of every Thanos command from a thanos binary or container image into a reference
// directory that scripts/thanos-flags.mjs turns into flag data. This is how a new release is added without the
// upstream docs: see docs/upgrade-thanos.md "Adding a Thanos release".
//
// Usage:
//   node scripts/thanos-help.mjs --binary ./thanos --out DIR [--hidden FILE]
//   node scripts/thanos-help.mjs --image quay.io/thanos/thanos:v0.43.0 [--runtime docker|podman] --out DIR [--hidden FILE]
//
//   --out DIR      where to write `<command words joined by ->.help.txt`, hidden-flags.json and SOURCE.md
//   --hidden FILE  hidden flags (absent from --help, accepted by the binary): a JSON file
//                  `{ "hidden": { "<command or source-file key>": ["flag.name", ...] } }` as in the reference
//                  listings. Without it, the hidden flags of the newest release already in
//                  packages/thanos-components/src/data/thanos-flags/ are carried over, and a warning asks you to
//                  review them against the new release's CHANGELOG and cmd/thanos/*.go (`.Hidden()`).
//
// The commands captured are those of the newest release's flag data, plus the `tools` and `tools bucket` groups.
// A command the new release lacks fails the capture (the generator would need changing).

import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const dataDir = resolve(repoRoot, 'packages/thanos-components/src/data/thanos-flags');
const GROUPS = ['tools', 'tools bucket'];

function fail(message) {
  process.stderr.write(`thanos-help: ${message}\n`);
  process.exit(2);
}

function parseArgs(argv) {
  const opts = { runtime: 'docker' };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) fail(`${arg} needs a value`);
      return v;
    };
    if (arg === '--binary') opts.binary = resolve(value());
    else if (arg === '--image') opts.image = value();
    else if (arg === '--runtime') opts.runtime = value();
    else if (arg === '--out') opts.out = resolve(value());
    else if (arg === '--hidden') opts.hidden = resolve(value());
    else if (arg === '-h' || arg === '--help') {
      process.stdout.write(
        'usage: node scripts/thanos-help.mjs (--binary PATH | --image IMAGE [--runtime docker|podman]) --out DIR [--hidden FILE]\n',
      );
      process.exit(0);
    } else fail(`unknown argument ${arg}`);
  }
  if ((opts.binary === undefined) === (opts.image === undefined)) fail('give exactly one of --binary and --image');
  if (opts.out === undefined) fail('--out DIR is required');
  return opts;
}

/** Runs thanos with `args`; kingpin prints help on stdout or stderr depending on the version: both are kept. */
function thanos(opts, args) {
  const [command, prefix] = opts.binary !== undefined ? [opts.binary, []] : [opts.runtime, ['run', '--rm', opts.image]];
  const result = spawnSync(command, [...prefix, ...args], { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
  if (result.error) fail(`cannot run ${command}: ${result.error.message}`);
  if (result.status !== 0) fail(`\`thanos ${args.join(' ')}\` exited ${result.status}: ${result.stderr.trim()}`);
  return `${result.stdout}${result.stderr}`;
}

function newestData() {
  const files = readdirSync(dataDir)
    .filter((f) => /^v\d+\.\d+\.\d+\.json$/.test(f))
    .sort((a, b) => {
      const pa = a.slice(1, -5).split('.').map(Number);
      const pb = b.slice(1, -5).split('.').map(Number);
      return pb[0] - pa[0] || pb[1] - pa[1] || pb[2] - pa[2];
    });
  if (files.length === 0) fail(`no flag data in ${dataDir}`);
  return JSON.parse(readFileSync(resolve(dataDir, files[0]), 'utf8'));
}

function main() {
  const opts = parseArgs(process.argv.slice(2));
  const newest = newestData();
  const versionText = thanos(opts, ['--version']);
  const version = /version (\d+\.\d+\.\d+(?:-[0-9A-Za-z.]+)?)/.exec(versionText)?.[1];
  if (version === undefined) fail(`cannot read the version from \`thanos --version\`: ${versionText.trim()}`);

  mkdirSync(opts.out, { recursive: true });
  const commands = [...GROUPS, ...Object.keys(newest.commands)].sort();
  for (const command of commands) {
    const words = command.split(' ');
    const text = thanos(opts, [...words, '--help']);
    if (!text.startsWith(`usage: thanos ${command}`)) fail(`\`thanos ${command} --help\` printed no usage line`);
    writeFileSync(resolve(opts.out, `${words.join('-')}.help.txt`), text.endsWith('\n') ? text : `${text}\n`);
  }

  let hidden;
  if (opts.hidden !== undefined) {
    hidden = JSON.parse(readFileSync(opts.hidden, 'utf8'));
  } else {
    const byCommand = {};
    for (const [command, flags] of Object.entries(newest.commands)) {
      const names = Object.entries(flags)
        .filter(([, spec]) => spec.hidden)
        .map(([name]) => name)
        .sort();
      if (names.length > 0) byCommand[command.split(' ').join('-')] = names;
    }
    hidden = { source: `carried over from ${newest.version} by scripts/thanos-help.mjs; review`, hidden: byCommand };
    process.stderr.write(
      `thanos-help: warning: hidden flags carried over from ${newest.version}; review them against the ` +
        `CHANGELOG and cmd/thanos/*.go of v${version} (flags registered with .Hidden())\n`,
    );
  }
  writeFileSync(resolve(opts.out, 'hidden-flags.json'), `${JSON.stringify(hidden, null, 1)}\n`);
  const from = opts.binary !== undefined ? `the binary ${opts.binary}` : `the image ${opts.image}`;
  writeFileSync(
    resolve(opts.out, 'SOURCE.md'),
    `# Source of these reference files\n\n- Version: **v${version}**\n- Listings: \`thanos <command> --help\` of ${from}, captured by scripts/thanos-help.mjs.\n`,
  );
  process.stdout.write(`wrote ${commands.length} listings of thanos v${version} to ${opts.out}\n`);
}

main();
