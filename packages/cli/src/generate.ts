/** `generate`: render every environment and write clusters/ (all or nothing). */
import { writeTrees } from '@thanos-gitops/core-model';
import type { CommandOptions } from './args.js';
import { DIM, type Io, paint, printWarnings } from './io.js';
import { targetTrees } from './targets.js';

export function generate(io: Io, options: CommandOptions): number {
  const { trees, objects, warnings } = targetTrees(options);
  printWarnings(io, warnings);
  const changes = writeTrees(options.clustersDir, trees);
  const dim = paint(io, DIM);
  for (const c of changes) {
    const written = c.added.length + c.changed.length;
    io.out(
      `${c.env}: ${objects.get(c.env) ?? 0} objects, ${written} files written, ${c.unchanged.length} unchanged, ` +
        `${c.removed.length} removed\n`,
    );
    if (c.foreign.length > 0) io.out(dim(`${c.env}: not generated, left alone: ${c.foreign.join(', ')}\n`));
  }
  return 0;
}
