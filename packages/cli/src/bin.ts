#!/usr/bin/env node
import { writeSync } from 'node:fs';
import { quickAnswer } from './quick.js';

/**
 * The quick answer's report, written straight to file descriptor 1: touching `process.stdout` would load Node's
 * stream and terminal modules, which cost more than the answer. A reader gone away (`| head`) is not an error.
 */
function print(text: string): void {
  try {
    writeSync(1, text);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPIPE') throw err;
  }
}

const argv = process.argv.slice(2);
// `check` and `generate` with nothing to do are answered from the render cache's records before anything else
// loads (bundled: this file alone); every other run loads the command line parser and the command (run.ts).
const quick = quickAnswer(argv, print);
if (quick !== undefined) process.exitCode = quick;
else {
  // `--debug` prints stack traces: with source maps on (set before the command's code loads), they name the lines
  // of the built modules rather than of the bundle (dist/thanos-gitops.mjs).
  if (argv.includes('--debug')) process.setSourceMapsEnabled(true);
  // `thanos-gitops diff | head`: the reader went away, which is not an error. Stop quietly, as Unix tools do.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
      throw err;
    });
  }
  process.exitCode = await (await import('./run.js')).run(argv);
}
