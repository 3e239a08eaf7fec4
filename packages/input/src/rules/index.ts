/**
 * Rules that span several fields, checked after the schema and reported at the field they concern: one file per
 * schema section, as the schema is (`receive.ts` for schema/receive.ts, …); `workloads.ts` holds the rules of the
 * options every workload shares, checked once per section that defines them.
 */
import { accessClassesInUse } from '@thanos-gitops/model';
import type { ProblemSink } from '@thanos-gitops/problems';
import type { Environment } from '@thanos-gitops/schema';
import { identityRules } from '../identity-rules.js';
import { compactorRules } from './compactor.js';
import { deliveryRules } from './delivery.js';
import { environmentRules } from './environment.js';
import { ingestionRules } from './ingestion-rules.js';
import { queryRules } from './query.js';
import { readersRules } from './readers.js';
import { receiveRules } from './receive.js';
import { remoteWriteRules } from './remote-write.js';
import { rulerRules } from './ruler.js';
import { storeRules } from './store-gateway.js';
import { escapeHatchRules } from './workloads.js';

export { inapplicableSettingRules, type Written } from './inapplicable.js';
export { type TenantGlob, tenantGlob } from './tenant-glob.js';
export { resourceRules } from './workloads.js';

export function crossFieldRules(env: Environment, sink: ProblemSink): void {
  environmentRules(env, sink);
  receiveRules(env, sink);
  ingestionRules(env, sink);
  storeRules(env, sink);
  escapeHatchRules(env, sink);
  compactorRules(env, sink);
  rulerRules(env, sink);
  identityRules(env, sink, accessClassesInUse(env));
  queryRules(env, sink);
  remoteWriteRules(env, sink);
  readersRules(env, sink);
  deliveryRules(env, sink);
}
