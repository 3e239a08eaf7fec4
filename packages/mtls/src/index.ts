/**
 * Remote-write security: the cert-manager PKI, TLS flags and volumes for the components, the exposure of the
 * routers, and the per-writer files (Prometheus fragments, prometheus-operator entries, ExternalSecrets, the
 * AMP IAM policy). With mTLS off this contributes nothing to the pods.
 */
import type { Manifest } from '@thanos-gitops/manifests';
import type { Environment } from '@thanos-gitops/schema';
import { exposureManifests } from './exposure.js';
import { pkiManifests } from './pki.js';

export { remoteWriteUrl } from '@thanos-gitops/model';
export { ampRemoteWriteUrl, ampWorkspaceArn, apsRemoteWritePolicy, awsPartition } from './amp.js';
export { exposureManifests, nlbAnnotations } from './exposure.js';
export { FOLDER, MOUNTS, pkiNames, WRITERS_FOLDER } from './names.js';
export {
  bootstrapNames,
  domainIssuer,
  internalDnsNames,
  issuerRef,
  pkiManifests,
  routerServiceNames,
  rulerNeedsClientCert,
  serverDnsNames,
  type TrustDomain,
  thanosWriters,
  usages,
  writerCertificate,
} from './pki.js';
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
  return [...pkiManifests(env), ...exposureManifests(env)];
}
