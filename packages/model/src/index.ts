/**
 * The model of a deployment: one record per component, names and addresses, derived defaults, the write quorum,
 * durations and quantities, volumes, bucket access and the contributions identity and TLS give a pod.
 */
export { alertmanagerRules, alertmanagerUrl, looksHeadless } from './alertmanagers.js';
export {
  type AccessClass,
  accessClass,
  accessClassesInUse,
  bucketAccessOf,
  bucketComponents,
  touchesBucket,
} from './bucket-access.js';
export { applyCapacity, CAPACITY_CONSTANTS, type CapacityFigure, capacityFigures } from './capacity.js';
export {
  type BucketAccess,
  COMPONENT_RECORDS,
  type ComponentRecord,
  chunkCacheDedicated,
  componentRecord,
  enabledComponents,
  grpcEndpoints,
  hasBucketAccess,
  INSTANCE_LABEL,
  jobsOf,
  MEMCACHED_EXPORTER_PORT,
  NAME_LABEL,
  NO_BUCKET_ACCESS,
  portOf,
  recordVolumes,
  type Sized,
  sizedSections,
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
export {
  applyDerivedDefaults,
  awsS3Endpoint,
  derivedMaxTime,
  resourcesOf,
  sizedWorkloads,
  type WorkloadCommon,
} from './defaults.js';
export { formatDuration, parseDuration, parseTimeBound } from './duration.js';
export {
  CONFIG_FILES,
  EXTERNAL_LABELS,
  type IngestorSet,
  ingestorSets,
  names,
  PORTS,
  podHost,
  queryUrl,
  READERS,
  readersOn,
  readersUrl,
  readUrl,
  remoteWriteExposure,
  remoteWriteMtls,
  remoteWriteUrl,
  routerRemoteWriteUrl,
  type StoreSet,
  serviceHost,
  storeSets,
} from './names.js';
export { parseQuantity } from './quantity.js';
export { writeQuorum } from './quorum.js';
export {
  claimSizes,
  type PreviousVolumes,
  RESIZE_ANCHOR,
  type StorageOption,
  storageOptions,
  volumeShrinks,
} from './volumes.js';
