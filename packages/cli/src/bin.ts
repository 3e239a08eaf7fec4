#!/usr/bin/env node
// `--debug` prints stack traces: with source maps on (set before the command's code loads), they name the lines of
// the built modules rather than of the bundle (dist/thanos-gitops.mjs).
if (process.argv.includes('--debug')) process.setSourceMapsEnabled(true);

const { colorFor } = await import('./io.js');
const { main } = await import('./main.js');

// `thanos-gitops diff | head`: the reader went away, which is not an error. Stop quietly, as Unix tools do.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw err;
  });
}

process.exitCode = await main(process.argv.slice(2), {
  out: (t) => process.stdout.write(t),
  err: (t) => process.stderr.write(t),
  color: colorFor(process.stdout),
  errColor: colorFor(process.stderr),
});
