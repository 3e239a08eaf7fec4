/** `generate`: render every environment and write clusters/ (all or nothing). */
import { type TreeChanges, TreeWriter } from '@thanos-gitops/output';
import type { CommandOptions } from './args.js';
import { githubWarnings, jsonReport, problemFormat, warningsJson } from './format.js';
import { DIM, type Io, paint, pathText, plural, printWarnings } from './io.js';
import { plan } from './plan.js';

export async function generate(io: Io, options: CommandOptions): Promise<number> {
  const format = problemFormat(options.format);
  // Each rendered environment is staged beside clusters/ at once (one in memory at a time); nothing is swapped in
  // unless every environment rendered and was staged, and any failure removes what was staged (TreeWriter).
  const writer = new TreeWriter(options.clustersDir, { signals: true });
  let planned: Awaited<ReturnType<typeof plan>>;
  try {
    planned = await plan(options, (tree) => writer.stageAsync(tree));
  } catch (err) {
    writer.abort();
    throw err;
  }
  const { entries, remember } = planned;
  printWarnings(io, entries);
  if (format === 'github') githubWarnings(io, entries);
  await writer.commitAsync();
  const changes = new Map(entries.flatMap((e) => (e.changes ? [[e.env, e.changes] as const] : [])));
  remember();
  if (format === 'json') {
    const folders = entries.map((e) => {
      const c = changes.get(e.env);
      return {
        folder: e.env,
        objects: e.objects,
        written: c ? [...c.added, ...c.changed] : [],
        unchanged: c ? c.unchanged.length : (e.upToDate?.unchanged.length ?? 0),
        removed: c ? c.removed : [],
        foreign: c ? c.foreign : (e.upToDate?.foreign ?? []),
      };
    });
    io.out(jsonReport('generate', true, { files: planned.files, folders, warnings: warningsJson(entries) }));
    return 0;
  }
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
    const count = c.added.length + c.changed.length;
    if (e.gone && c.removed.length > 0) {
      io.err(
        `${c.env}: REMOVED: its environment file is gone, so ${c.removed.length} generated file(s) of clusters/${c.env} ` +
          'were deleted. Restore the file and run generate again to undo.\n',
      );
    }
    io.out(
      `${c.env}: ${plural(e.objects, 'object')}, ${plural(count, 'file')} written, ` +
        `${c.unchanged.length} unchanged, ${c.removed.length} removed\n`,
    );
    if (c.foreign.length > 0)
      io.out(dim(`${c.env}: not generated, left alone: ${c.foreign.map(pathText).join(', ')}\n`));
  }
  if (writer.interrupted) {
    io.err(`thanos-gitops: ${writer.interrupted} arrived while swapping in the new trees: the write finished.\n`);
  }
  return 0;
}
