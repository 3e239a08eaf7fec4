export {
  type Adoption,
  type AdoptionEntry,
  type AdoptionStatus,
  adoption,
  claimNames,
  formatAdoption,
  type OldDelivery,
  oldObjectsOf,
  withAdoption,
} from './adoption.js';
export { importBitnami } from './bitnami/index.js';
export { importManifests, type ManifestsOptions, readObjects } from './manifests/index.js';
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
