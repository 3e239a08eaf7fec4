/** `generate`: render every environment and write clusters/ (all or nothing). */
import { type TreeChanges, writeTrees } from '@thanos-gitops/core-model/output';
import type { CommandOptions } from './args.js';
import { DIM, type Io, paint, printWarnings } from './io.js';
import { plan } from './plan.js';

export async function generate(io: Io, options: CommandOptions): Promise<number> {
  const { entries, remember } = await plan(options);
  printWarnings(io, entries);
  const trees = entries.flatMap((e) => (e.tree ? [e.tree] : []));
  const changes = new Map(writeTrees(options.clustersDir, trees).map((c) => [c.env, c]));
  remember();
  const dim = paint(io, DIM);
  for (const e of entries) {
    const c: TreeChanges = changes.get(e.env) ?? {
      env: e.env,
      added: [],
      changed: [],
      unchanged: e.upToDate?.unchanged ?? [],
      removed: [],
      foreign: e.upToDate?.foreign ?? [],
    };
    const written = c.added.length + c.changed.length;
    io.out(
      `${c.env}: ${e.objects} objects, ${written} files written, ${c.unchanged.length} unchanged, ` +
        `${c.removed.length} removed\n`,
    );
    if (c.foreign.length > 0) io.out(dim(`${c.env}: not generated, left alone: ${c.foreign.join(', ')}\n`));
  }
  return 0;
}
