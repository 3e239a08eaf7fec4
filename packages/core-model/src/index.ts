export { alertmanagerUrl, looksHeadless } from './alertmanagers.js';
export {
  type AccessClass,
  accessClass,
  accessClassesInUse,
  bucketAccessOf,
  bucketComponents,
  touchesBucket,
} from './bucket-access.js';
export {
  type BucketAccess,
  COMPONENT_RECORDS,
  type ComponentKind,
  type ComponentRecord,
  chunkCacheDedicated,
  componentRecord,
  enabledComponents,
  grpcEndpoints,
  hasBucketAccess,
  INSTANCE_LABEL,
  isThanosComponent,
  jobsOf,
  MEMCACHED_EXPORTER_PORT,
  NAME_LABEL,
  NO_BUCKET_ACCESS,
  portOf,
  recordVolumes,
  type Sized,
  type SizedWorkload,
  sizedSections,
  sizedTitles,
  THANOS_COMPONENTS,
  type ThanosComponent,
  TLS_ROLES,
  type TlsRole,
  type WorkloadSection,
  zonedRollout,
} from './components.js';
export {
  type EnvVarSpec,
  type IdentityContribution,
  NO_TLS,
  type PodIdentity,
  type PodTls,
  type RemoteWriteClientTls,
  type TlsContribution,
  type VolumeMountSpec,
  type VolumeSpec,
} from './contributions.js';
export { CREDENTIAL_SHAPES, type CredentialHit, findCredentials, pathOfString, redact } from './credentials.js';
export {
  applyDerivedDefaults,
  awsS3Endpoint,
  CHUNK_CACHE_PRESETS,
  CHUNK_CACHE_TITLE,
  type MemcachedPreset,
  memcachedMemoryLimitMi,
  type ResourceSpec,
  resourcesOf,
  SIZE_PRESETS,
  type Size,
  sizedWorkloads,
  sizePresetRows,
  sizePresetTable,
  type WorkloadCommon,
} from './defaults.js';
export { formatDuration, parseDuration, parseTimeBound } from './duration.js';
export { editDistance } from './edit-distance.js';
export { emitYaml, YAML_OPTIONS } from './emit.js';
export * from './encode/index.js';
export { unhandled } from './exhaustive.js';
export { isSystemError, systemErrorLine } from './fs-errors.js';
export { isAwsEndpoint } from './identity-rules.js';
export { isCredentialName, MAX_ANNOTATIONS_BYTES, nested, normalPath } from './input-rules.js';
export { modelFor, modelKinds } from './kinds.js';
export { environmentName, KUSTOMIZATION_FILE, YAML_FILE } from './layout.js';
export { closest, type LoadedEnvironment, loadEach, loadEnvironments, type SourceFile, sortProblems } from './load.js';
export {
  type KubeObject,
  type LabelSpec,
  MANAGED_BY,
  type Manifest,
  manifestFile,
  type ObjectMeta,
  objectId,
  objectProblems,
  PART_OF,
  selectorLabels,
  standardLabels,
  toPlain,
} from './manifest.js';
export {
  CONFIG_FILES,
  DNS_LABEL_MAX,
  EXTERNAL_LABELS,
  type IngestorSet,
  ingestorSets,
  names,
  PORTS,
  podHost,
  queryUrl,
  readUrl,
  remoteWriteExposure,
  remoteWriteMtls,
  remoteWriteUrl,
  routerRemoteWriteUrl,
  STATEFULSET_NAME_MAX,
  type StoreSet,
  serviceHost,
  storeSets,
} from './names.js';
export {
  type FieldPath,
  fieldName,
  formatProblem,
  InvalidEnvironmentError,
  type Problem,
  type ProblemSink,
} from './problems.js';
export { parseQuantity } from './quantity.js';
export { writeQuorum } from './quorum.js';
export { tenantIsKnown, writerTarget } from './rules/remote-write.js';
export { RESERVED_CLUSTERS_FOLDERS } from './schema/delivery.js';
export {
  DEFAULT_THANOS_VERSION,
  type Environment,
  EnvironmentSchema,
  PATCH_ACKNOWLEDGEMENTS,
  SUPPORTED_THANOS_VERSIONS,
  type ThanosVersion,
} from './schema/environment.js';
export { editorSchema, editorSchemaText } from './schema/export.js';
export { hasKnownFields, unknownFields } from './strict-fields.js';
export {
  claimSizes,
  type PreviousVolumes,
  RESIZE_ANCHOR,
  type StorageOption,
  storageOptions,
  volumeShrinks,
} from './volumes.js';
export {
  acquireLock,
  compareTree,
  type EnvironmentTree,
  existingEnvironments,
  handWrittenExtras,
  InterruptedError,
  LOCK_FILE,
  leftovers,
  lockHolder,
  OWNED_INDEX,
  ownedIndexText,
  ownedPaths,
  readTree,
  recoverInterrupted,
  type TreeChanges,
  TreeWriter,
  WriteRefusedError,
  writerFs,
  writeTrees,
  writeTreesAsync,
} from './writer.js';
export {
  conventionalOrder,
  GENERATED_MARK,
  GENERATED_MARKDOWN_MARK,
  generatedHeader,
  generatedMarkdownHeader,
  isGenerated,
  manifestYaml,
  yamlText,
} from './yaml.js';
