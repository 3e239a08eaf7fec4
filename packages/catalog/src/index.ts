/**
 * What the schema and the model are both keyed by, importing nothing of either: the components by name, the size
 * presets, the Kubernetes name limits.
 */
export {
  type ComponentKind,
  isThanosComponent,
  type SizedWorkload,
  THANOS_COMPONENTS,
  type ThanosComponent,
} from './component-kinds.js';
export { unhandled } from './exhaustive.js';
export { DNS_LABEL_MAX, STATEFULSET_NAME_MAX } from './name-limits.js';
export {
  CHUNK_CACHE_PRESETS,
  CHUNK_CACHE_TITLE,
  groupedDigits,
  type MemcachedPreset,
  memcachedMemoryLimitMi,
  REQUEST_LIMIT_PRESETS,
  REQUEST_LIMIT_TITLES,
  type RequestLimitPreset,
  type ResourceSpec,
  SIZE_PRESETS,
  type Size,
  sizePresetRows,
  sizePresetTable,
} from './size-presets.js';
