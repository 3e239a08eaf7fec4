/** `check`: exit 1 and list the files when clusters/ differs from a fresh render. */
import { relative } from 'node:path';
import { leftovers, lockHolder, type TreeChanges } from '@thanos-gitops/output';
import type { CommandOptions } from './args.js';
import { committedComparer } from './committed.js';
import { githubAnnotation, jsonReport, problemFormat, warningsJson } from './format.js';
import { type Io, plural } from './io.js';
import { plan } from './plan.js';

/** Each file `generate` would write or remove, as `<clusters>/<env>/<file> (why)`. */
function outOfDate(clustersDir: string, c: TreeChanges): string[] {
  const shown = relative(process.cwd(), clustersDir) || '.';
  const line = (why: string) => (file: string) => `${shown}/${c.env}/${file} (${why})`;
  return [...c.added.map(line('missing')), ...c.changed.map(line('changed')), ...c.removed.map(line('stale'))];
}

export async function check(io: Io, options: CommandOptions): Promise<number> {
  const format = problemFormat(options.format);
  // Each rendered tree is compared as soon as it is rendered, then dropped: by git's blob ids where git vouches for
  // the folder's files, else by reading them (committed.ts). Folders the render cache shows up to date were
  // compared with what their last render produced (hashes).
  const planned = await plan(options, committedComparer(options.clustersDir));
  const { entries, remember } = planned;
  const stale = entries.flatMap((e) => (e.changes ? outOfDate(options.clustersDir, e.changes) : []));
  remember();
  // Working folders of an interrupted or failed generate: clusters/ is not what a finished run leaves.
  const shown = relative(process.cwd(), options.clustersDir) || '.';
  const holder = lockHolder(options.clustersDir);
  const why = holder?.running
    ? `being written by a generate running now: process ${holder.pid} on ${holder.host}`
    : 'left over from an interrupted generate';
  stale.push(...leftovers(options.clustersDir).map((e) => `${shown}/${e} (${why})`));
  if (format === 'json') {
    const outOfDate = stale.map((s) => {
      const [, file = s, why = ''] = /^(.*) \(([^)]*)\)$/.exec(s) ?? [];
      return { file, why };
    });
    io.out(
      jsonReport('check', stale.length === 0, { files: planned.files, outOfDate, warnings: warningsJson(entries) }),
    );
    return stale.length === 0 ? 0 : 1;
  }
  if (format === 'github') {
    for (const s of stale) {
      const [, file, why] = /^(.*) \(([^)]*)\)$/.exec(s) ?? [];
      io.out(
        githubAnnotation(
          'error',
          { file, title: 'clusters/ out of date' },
          `${file} is ${why === 'changed' ? 'not what generate renders' : why === 'missing' ? 'missing' : 'no longer generated'}: run \`pnpm generate\` and commit the result`,
        ),
      );
    }
  }
  if (stale.length === 0) {
    io.out(`clusters/ is up to date (${plural(entries.length, 'folder')}).\n`);
    return 0;
  }
  io.err(`clusters/ is out of date; run \`pnpm generate\` and commit the result:\n`);
  for (const s of stale) io.err(`  ${s}\n`);
  return 1;
}
