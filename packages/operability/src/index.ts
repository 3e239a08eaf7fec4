/**
 * Operability: what lets a person see the deployment work. Grafana dashboards (and a datasource) built from the
 * same component data as the manifests, and the README of each environment with its topology and data-age
 * timeline as Mermaid diagrams.
 */
export { dashboardSpecs } from './dashboards/definitions/index.js';
export { DASHBOARD_PART, jobsOf as dashboardJobs } from './dashboards/definitions/jobs.js';
export { dashboardJson, dashboardUid, environmentTag, grafanaDashboard } from './dashboards/grafana.js';
export { DATASOURCE_LABEL, dashboards, datasourceProvisioning } from './dashboards/manifests.js';
export {
  type DashboardSpec,
  expressions,
  type Panel,
  panelCount,
  type Query,
  RATE,
  type Row,
} from './dashboards/spec.js';
export { label, timelineMermaid, topologyMermaid } from './picture/mermaid.js';
export {
  environmentReadme,
  mermaidBlocks,
  README,
  topologyChange,
} from './picture/readme.js';
export { environmentRunbook, RUNBOOK } from './picture/runbook.js';
export { ageText, type Edge, type Gap, gapsOf, type Lane, type Timeline, timeline } from './picture/timeline.js';
export { type TrustRow, trustRows } from './picture/trust.js';
export { RESIZE_HEADING, volumesSection } from './picture/volumes.js';
export {
  type HashringRollout,
  type PlainObject,
  type RolloutGroup,
  type RolloutMechanism,
  type RolloutPlan,
  type RolloutStep,
  rolloutPlan,
  seriesCopiesDown,
} from './rollout/plan.js';
