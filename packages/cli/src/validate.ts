/** `validate`: check the environment files only; nothing is written. */
import type { CommandOptions } from './args.js';
import { environmentSelection } from './files.js';
import { githubWarnings, jsonReport, problemFormat, warningsJson } from './format.js';
import { type Io, pathText, plural, printWarnings } from './io.js';
import { type RenderedTree, renderSelected, scopeOf } from './render.js';
import { committedVolumes } from './volumes.js';

export function validate(io: Io, { environmentsDir, clustersDir, only, note, format }: CommandOptions): number {
  const f = problemFormat(format);
  const { all, selected: files } = environmentSelection(environmentsDir, only, note);
  // Rendered (in memory, nothing written), since some problems, e.g. unknown extraArgs, are found there; and
  // compared with the volumes committed in clusters/, which may not shrink. One environment at a time: only its
  // warnings are kept, so memory does not grow with the number of environments.
  const rendered: { warnings: RenderedTree['warnings'] }[] = [];
  const steps = renderSelected(all, () => true, false, committedVolumes(clustersDir), scopeOf(files));
  for (let r = steps.next(); !r.done; r = steps.next()) rendered.push({ warnings: r.value.warnings });
  printWarnings(io, rendered);
  if (f === 'github') githubWarnings(io, rendered);
  if (f === 'json') {
    io.out(jsonReport('validate', true, { files: files.map((x) => x.path), warnings: warningsJson(rendered) }));
  } else
    io.out(`${plural(files.length, 'environment file')} valid: ${files.map((x) => pathText(x.path)).join(', ')}\n`);
  return 0;
}
