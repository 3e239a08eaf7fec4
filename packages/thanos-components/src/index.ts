/**
 * Every Thanos component, one file each. `renderComponents` runs them in a fixed order; each returns
 * its objects tagged with the folder they are written to.
 */
import type { Manifest } from '@thanos-gitops/manifests';
import { alerts } from './alerts.js';
import { bucketWeb } from './bucket-web.js';
import type { BuiltPod } from './built-pod.js';
import { compactor } from './compactor.js';
import type { ComponentRenderer, RenderContext } from './context.js';
import { memcached } from './memcached.js';
import { namespace } from './namespace.js';
import { networkPolicies } from './network-policies.js';
import { checkPodOptions } from './pod-options.js';
import { query } from './query.js';
import { queryFrontend } from './query-frontend.js';
import { queryReaders } from './query-readers.js';
import { receive } from './receive.js';
import { rolloutOperator } from './rollout-operator.js';
import { ruler } from './ruler.js';
import { storeGateway } from './store-gateway.js';
import { tracing } from './tracing.js';

export const COMPONENTS: readonly ComponentRenderer[] = [
  namespace,
  receive,
  query,
  queryReaders,
  queryFrontend,
  storeGateway,
  memcached,
  compactor,
  ruler,
  bucketWeb,
  rolloutOperator,
  tracing,
  networkPolicies,
  alerts,
];

/** Every component's objects; then the escape hatches of each section, once, against every pod built from it. */
export function renderComponents(input: RenderContext): Manifest[] {
  const pods: BuiltPod[] = [];
  const ctx: RenderContext = { ...input, pods };
  const manifests = COMPONENTS.flatMap((render) => render(ctx));
  checkPodOptions(ctx, pods);
  return manifests;
}

export {
  type Alert,
  type AlertGroup,
  alertGroups,
  claimSelector,
  DOWN_ALERTS,
  type Jobs,
  jobSelector,
  KUBELET_VOLUME_METRICS,
  RUNBOOK,
  runbookUrl,
  scrapeJobs,
} from './alerts.js';
export { CA_BUNDLE_CHECK_SCRIPT, serverClientCaFiles } from './ca-bundle-check.js';
export { type UsedMemcached, usedMemcached } from './caches.js';
export type { ComponentRenderer, RenderContext } from './context.js';
export { endpointsConfig, queryEndpointServices } from './endpoints.js';
export { checkThanosArgs, isKnownFlag, type ThanosCommand } from './flags.js';
export { mirrorPath, pinnedImage, pullSecrets, rolloutOperatorImage, thanosImage } from './images.js';
export { DEFAULT_LISTENERS, thanosCommandOf } from './listeners.js';
export { type Flow, flowGraph, OWN_FLOWS, type Peer } from './network-policies.js';
export { readersArgs, readersPeers, readersWebConfig } from './query-readers.js';
export { ingestorDisruptionBudget } from './receive.js';
export { RECORDS, type RecordingGroup, type RecordingRule, recordingGroups } from './recording-rules.js';
export { RELEASES, type ReleaseBehaviour, release } from './releases.js';
export { ROLLOUT_GROUP_LABEL, ROLLOUT_MAX_UNAVAILABLE } from './rollout-operator.js';
export { rulerRetention } from './ruler.js';
