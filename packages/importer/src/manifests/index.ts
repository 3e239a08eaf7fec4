import type { ImportOptions, ImportSource } from '../options.js';
import type { ImportResult } from '../report.js';

/** Reads rendered manifests (kube-thanos, `helm template`, `kubectl get -o yaml`) into an environment. */
export function importManifests(_source: ImportSource, _options: ImportOptions): ImportResult {
  throw new Error('import manifests: not built yet');
}
