/** `check`: exit 1 and list the files when clusters/ differs from a fresh render. */
import { relative } from 'node:path';
import { compareTree, type TreeChanges } from '@thanos-gitops/core-model';
import type { CommandOptions } from './args.js';
import type { Io } from './io.js';
import { targetTrees } from './targets.js';

/** Each file `generate` would write or remove, as `<clusters>/<env>/<file> (why)`. */
function outOfDate(clustersDir: string, c: TreeChanges): string[] {
  const shown = relative(process.cwd(), clustersDir) || '.';
  const line = (why: string) => (file: string) => `${shown}/${c.env}/${file} (${why})`;
  return [...c.added.map(line('missing')), ...c.changed.map(line('changed')), ...c.removed.map(line('stale'))];
}

export function check(io: Io, options: CommandOptions): number {
  const { trees } = targetTrees(options);
  const stale = trees.flatMap((t) => outOfDate(options.clustersDir, compareTree(options.clustersDir, t)));
  if (stale.length === 0) {
    io.out(`clusters/ is up to date (${trees.length} environment(s)).\n`);
    return 0;
  }
  io.err(`clusters/ is out of date; run \`pnpm generate\` and commit the result:\n`);
  for (const s of stale) io.err(`  ${s}\n`);
  return 1;
}
