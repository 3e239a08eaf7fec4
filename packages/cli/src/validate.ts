/** `validate`: check the environment files only; nothing is written. */
import type { CommandOptions } from './args.js';
import { environmentFiles } from './files.js';
import { type Io, printWarnings } from './io.js';
import { renderEnvironments } from './render.js';

export function validate(io: Io, { environmentsDir, only, note }: CommandOptions): number {
  const files = environmentFiles(environmentsDir, only, note);
  // Rendered (in memory, nothing written), since some problems, e.g. unknown extraArgs, are found there.
  printWarnings(io, renderEnvironments(files));
  io.out(`${files.length} environment file(s) valid: ${files.map((f) => f.path).join(', ')}\n`);
  return 0;
}
