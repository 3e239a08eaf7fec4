/** `validate`: check the environment files only; nothing is written. */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { CommandOptions } from './args.js';
import { environmentSelection } from './files.js';
import { githubWarnings, jsonReport, problemFormat, warningsJson } from './format.js';
import { type Io, pathText, plural, printWarnings } from './io.js';
import { type RenderedTree, renderSelected, scopeOf } from './render.js';
import { committedVolumes } from './volumes.js';

/** How many environments are rendered between two full garbage collections. */
const COLLECT_EVERY = 50;

/**
 * V8's full garbage collection, exposed for this run; a no-op where it cannot be. Each environment's render is
 * garbage once checked, but lives long enough to reach the old generation, which V8 lets grow to several times
 * what is alive before collecting it: at 1000 environments the heap reached ~340 MiB with ~60 MiB alive.
 */
export function fullCollection(): () => void {
  try {
    setFlagsFromString('--expose-gc');
    const gc: unknown = runInNewContext('gc');
    if (typeof gc === 'function') return () => gc();
  } catch {
    // Not exposed: V8 collects on its own schedule.
  }
  return () => undefined;
}

export function validate(io: Io, { environmentsDir, clustersDir, only, note, format }: CommandOptions): number {
  const f = problemFormat(format);
  const { all, selected: files } = environmentSelection(environmentsDir, only, note);
  // Rendered (in memory, nothing written), since some problems, e.g. unknown extraArgs, are found there; and
  // compared with the volumes committed in clusters/, which may not shrink. One environment at a time: only its
  // warnings are kept, so memory does not grow with the number of environments.
  const rendered: { warnings: RenderedTree['warnings'] }[] = [];
  const steps = renderSelected(all, () => true, false, committedVolumes(clustersDir), scopeOf(files));
  // Collected every COLLECT_EVERY environments, so peak memory stays flat in their number.
  const collect = all.length > COLLECT_EVERY ? fullCollection() : () => undefined;
  for (let r = steps.next(); !r.done; r = steps.next()) {
    rendered.push({ warnings: r.value.warnings });
    if (rendered.length % COLLECT_EVERY === 0) collect();
  }
  printWarnings(io, rendered);
  if (f === 'github') githubWarnings(io, rendered);
  if (f === 'json') {
    io.out(jsonReport('validate', true, { files: files.map((x) => x.path), warnings: warningsJson(rendered) }));
  } else
    io.out(`${plural(files.length, 'environment file')} valid: ${files.map((x) => pathText(x.path)).join(', ')}\n`);
  return 0;
}
