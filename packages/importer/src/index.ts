export { importBitnami } from './bitnami/index.js';
export {
  type AdoptionDiff,
  type AdoptionEntry,
  adoptionDiff,
  formatAdoption,
  importManifests,
  type ManifestsOptions,
  readObjects,
  withAdoption,
} from './manifests/index.js';
export type { ImportOptions, ImportSource } from './options.js';
export { formatReport, type ImportReport, type ImportResult, type ReportEntry, type ReportKind } from './report.js';
