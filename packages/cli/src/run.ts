/**
 * The command's whole path: loads the command line parser and the command's module, runs it and returns its exit
 * code. `bin.ts` loads this only when the quick answer (`quick.ts`) could not settle the run.
 */
import { colorFor } from './io.js';
import { main } from './main.js';

/** For the build's warm-up, which makes the bundle's code cache after a render (tier-up.ts). */
export { defaultTiering } from './tier-up.js';

export function run(argv: readonly string[]): Promise<number> {
  return main(argv, {
    out: (t) => process.stdout.write(t),
    err: (t) => process.stderr.write(t),
    color: colorFor(process.stdout),
    errColor: colorFor(process.stderr),
  });
}
