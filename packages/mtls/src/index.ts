/**
 * Remote-write security: the cert-manager PKI, TLS flags and volumes for the components, the exposure of the
 * routers, and the per-writer files (Prometheus fragments, prometheus-operator entries, ExternalSecrets, the
 * AMP IAM policy). With mTLS off this contributes nothing to the pods.
 */
import type { Manifest } from '@thanos-gitops/manifests';
import type { Environment } from '@thanos-gitops/schema';
import { exposureManifests } from './exposure.js';
import { pkiManifests } from './pki.js';
import { readerFiles, readersExposureManifests } from './readers.js';
import { type WriterFiles, writerFiles } from './writers.js';

export { remoteWriteUrl } from '@thanos-gitops/model';
export { ampRemoteWriteUrl, ampWorkspaceArn, apsRemoteWritePolicy, awsPartition } from './amp.js';
export { exposureManifests, nlbAnnotations } from './exposure.js';
export { FOLDER, MOUNTS, pkiNames, READERS_FOLDER, WRITERS_FOLDER } from './names.js';
export {
  bootstrapNames,
  domainIssuer,
  internalDnsNames,
  issuerRef,
  pkiManifests,
  readerCertificate,
  readersDnsNames,
  routerServiceNames,
  rulerNeedsClientCert,
  serverDnsNames,
  type TrustDomain,
  thanosWriters,
  usages,
  writerCertificate,
} from './pki.js';
export {
  grafanaDatasource,
  readerExternalSecret,
  readerFiles,
  readerSecretDir,
  readersExposureManifests,
} from './readers.js';
export { mtlsOn, tls } from './tls.js';
export {
  externalLabels,
  operatorPrometheus,
  prometheusFragment,
  remoteWriteEntry,
  secretDir,
  type WriterFiles,
  writerExternalSecret,
  writerFiles,
} from './writers.js';

/** The objects of `clusters/<env>/remote-write/`: PKI and exposure. */
export function remoteWriteManifests(env: Environment): Manifest[] {
  return [...pkiManifests(env), ...exposureManifests(env), ...readersExposureManifests(env)];
}

/**
 * The files for other clusters, in the tree but not in kustomization.yaml: each writer's (`writers/<name>/`) and
 * each reader's (`readers/<name>/`).
 */
export function outsideFiles(env: Environment, environmentFile: string): WriterFiles {
  const w = writerFiles(env, environmentFile);
  const r = readerFiles(env, environmentFile);
  return { files: new Map([...w.files, ...r.files]), objects: [...w.objects, ...r.objects] };
}
