/**
 * The request-limit flags of the read path (`storeGateway.limits`, `query.limits`, filled from the size preset by
 * model's `applyDerivedDefaults`). Both flags exist on every StoreAPI server of the supported releases.
 */
import type { Environment } from '@thanos-gitops/schema';

type SeriesLimits = { requestSeries?: number; requestSamples?: number };

/** `--store.limits.request-series` and `-samples`, each written when set. */
export function storeLimitArgs(l: SeriesLimits): string[] {
  return [
    ...(l.requestSeries === undefined ? [] : [`--store.limits.request-series=${l.requestSeries}`]),
    ...(l.requestSamples === undefined ? [] : [`--store.limits.request-samples=${l.requestSamples}`]),
  ];
}

/** Query's limits: per request to its StoreAPIs, and the queries and selects it runs at once. */
export function queryLimitArgs(l: Environment['query']['limits']): string[] {
  return [
    ...storeLimitArgs(l),
    ...(l.maxConcurrent === undefined ? [] : [`--query.max-concurrent=${l.maxConcurrent}`]),
    ...(l.maxConcurrentSelect === undefined ? [] : [`--query.max-concurrent-select=${l.maxConcurrentSelect}`]),
  ];
}
