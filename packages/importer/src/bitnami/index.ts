import type { ImportOptions, ImportSource } from '../options.js';
import type { ImportResult } from '../report.js';

/** Reads a values file of the Bitnami `thanos` chart (17.x) into an environment, its report and its runbook. */
export function importBitnami(_source: ImportSource, _options: ImportOptions): ImportResult {
  throw new Error('import bitnami: not built yet');
}
