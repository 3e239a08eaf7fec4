/**
 * What the identity (irsa) and TLS (mtls) packages give a component's pod. thanos-components depends on
 * these interfaces only, never on the packages that implement them.
 */

import type { ComponentKind } from '@thanos-gitops/catalog';

export interface EnvVarSpec {
  name: string;
  value?: string;
  valueFrom?: { secretKeyRef?: { name: string; key: string }; fieldRef?: { fieldPath: string } };
}

export interface VolumeSpec {
  name: string;
  secret?: { secretName: string; defaultMode?: number };
  configMap?: { name: string };
  emptyDir?: { sizeLimit?: string };
  projected?: Record<string, unknown>;
}

export interface VolumeMountSpec {
  name: string;
  mountPath: string;
  readOnly?: boolean;
}

/** Cloud identity of a component: what its ServiceAccount and pods carry. */
export interface PodIdentity {
  serviceAccountAnnotations: Record<string, string>;
  podLabels: Record<string, string>;
  env: EnvVarSpec[];
}

export interface IdentityContribution {
  /** Identity of the pods of a component; components that do not touch the bucket get an empty one. */
  forComponent(component: ComponentKind): PodIdentity;
  /** Content of `objstore.yml` (no credentials in it). */
  objstoreConfig: string;
}

/** TLS of a component: flags, and the volumes holding certificates. */
export interface PodTls {
  args: string[];
  volumes: VolumeSpec[];
  mounts: VolumeMountSpec[];
}

/**
 * How an in-namespace client (the stateless ruler) remote-writes to the routers when they require mTLS: the
 * URL scheme and the Prometheus `tls_config` (file paths inside the pod; the files come from `forComponent`).
 */
export interface RemoteWriteClientTls {
  scheme: 'https';
  tlsConfig: Record<string, string>;
}

export interface TlsContribution {
  forComponent(component: ComponentKind): PodTls;
  /** The ruler's remote-write TLS; undefined when the routers take plain HTTP. */
  remoteWriteClient?: RemoteWriteClientTls;
}

export const NO_TLS: PodTls = Object.freeze({ args: [], volumes: [], mounts: [] }) as PodTls;
