/**
 * The components by their one name: the closed set that the schema (traced components, size presets) and the
 * component records (components.ts) are both keyed by. It imports nothing, so the schema can read it.
 */

/** The Thanos components, by their one name. */
export const THANOS_COMPONENTS = [
  'receive-router',
  'receive-ingestor',
  'query',
  'query-frontend',
  'store-gateway',
  'compactor',
  'ruler',
  'bucket-web',
] as const;
export type ThanosComponent = (typeof THANOS_COMPONENTS)[number];

/** The components that run pods: the Thanos components and the memcached caches. The one name of each. */
export type ComponentKind =
  | ThanosComponent
  | 'memcached-index'
  | 'memcached-chunks'
  | 'memcached-results'
  | 'rollout-operator';

/** The components whose resources come from the environment's size preset (see `SIZE_PRESETS`): Thanos'. */
export type SizedWorkload = ThanosComponent;

/** Whether the component runs Thanos (not memcached or the rollout-operator). */
export function isThanosComponent(kind: ComponentKind): kind is ThanosComponent {
  return (THANOS_COMPONENTS as readonly string[]).includes(kind);
}
