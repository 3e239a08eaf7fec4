export {
  type AdoptionSummary,
  adoptionSummary,
  claimNames,
  formatAdoption as formatAdoptionSummary,
  type NewObject,
} from './adoption.js';
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
export {
  formatReport,
  type ImportReport,
  type ImportResult,
  type OldObject,
  type ReportEntry,
  type ReportKind,
} from './report.js';
export { migrationRunbook, type RunbookFacts } from './runbook.js';
