/**
 * What mTLS gives each component's pod: flags, and the certificate Secrets mounted read-only as whole
 * directories (never subPath, so the kubelet's updates after a renewal reach the files Thanos re-reads).
 *
 * - Routers: `--remote-write.server-tls-*` with the environment CA as client CA, which makes Thanos require and
 *   verify a client certificate; the tenant comes from the certificate's Organization when tenancy is by
 *   certificate. With internal mTLS also `--remote-write.client-tls-*` towards the ingestors.
 * - Internal mTLS: `--grpc-server-tls-*` on every gRPC server Query reaches (ingestors, store gateways, and the
 *   ruler in both modes: a stateless ruler serves no StoreAPI but Query reads its Rules API with the same client
 *   TLS), `--grpc-client-tls-*` on Query; everyone verifies the fixed internal server name. The
 *   minimum TLS version is enforced by the servers (clients' `*-tls-min-version` flags are not in every
 *   supported release).
 * - Stateless ruler: a client certificate for its remote-write to the routers (see `remoteWriteClient`).
 *
 * Which of these a component gets is its record's `tls` role; the switch over roles is exhaustive.
 */

import type { ComponentKind } from '@thanos-gitops/catalog';
import { unhandled } from '@thanos-gitops/catalog';
import {
  componentRecord,
  NO_TLS,
  type PodTls,
  type RemoteWriteClientTls,
  remoteWriteMtls,
  type TlsContribution,
  type TlsRole,
} from '@thanos-gitops/model';
import type { Environment } from '@thanos-gitops/schema';
import { MOUNTS, pkiNames } from './names.js';
import { rulerNeedsClientCert } from './pki.js';

/** Whether the routers serve remote-write with mTLS. */
export function mtlsOn(env: Environment): boolean {
  return remoteWriteMtls(env);
}

/** A TLS Secret mounted read-only: the volume's name, the Secret and where it is mounted. */
function secretVolume({
  volume,
  secretName,
  mountPath,
}: {
  volume: string;
  secretName: string;
  mountPath: string;
}): Pick<PodTls, 'volumes' | 'mounts'> {
  return {
    volumes: [{ name: volume, secret: { secretName, defaultMode: 0o440 } }],
    mounts: [{ name: volume, mountPath, readOnly: true }],
  };
}

const file = (dir: string, name: 'tls.crt' | 'tls.key' | 'ca.crt') => `${dir}/${name}`;

function combine(...parts: PodTls[]): PodTls {
  return {
    args: parts.flatMap((p) => p.args),
    volumes: parts.flatMap((p) => p.volumes),
    mounts: parts.flatMap((p) => p.mounts),
  };
}

/** The routers' remote-write server TLS and tenancy flags. */
export function routerServerTls(env: Environment): PodTls {
  const m = env.remoteWrite.mtls;
  const dir = MOUNTS.server;
  return {
    args: [
      `--remote-write.server-tls-cert=${file(dir, 'tls.crt')}`,
      `--remote-write.server-tls-key=${file(dir, 'tls.key')}`,
      `--remote-write.server-tls-client-ca=${file(dir, 'ca.crt')}`,
      `--remote-write.server-tls-min-version=${m.minVersion}`,
      ...(m.tenancy === 'certificate' ? ['--receive.tenant-certificate-field=organization'] : []),
    ],
    ...secretVolume({ volume: 'remote-write-tls', secretName: pkiNames.serverSecret, mountPath: dir }),
  };
}

function internalVolume(): Pick<PodTls, 'volumes' | 'mounts'> {
  return secretVolume({ volume: 'internal-tls', secretName: pkiNames.internalSecret, mountPath: MOUNTS.internal });
}

/** `--grpc-server-tls-*`: a StoreAPI server that requires Query's internal client certificate. */
export function internalGrpcServer(env: Environment): PodTls {
  const dir = MOUNTS.internal;
  return {
    args: [
      `--grpc-server-tls-cert=${file(dir, 'tls.crt')}`,
      `--grpc-server-tls-key=${file(dir, 'tls.key')}`,
      `--grpc-server-tls-client-ca=${file(dir, 'ca.crt')}`,
      `--grpc-server-tls-min-version=${env.remoteWrite.mtls.minVersion}`,
    ],
    ...internalVolume(),
  };
}

/** The routers' client TLS towards the ingestors. */
export function routerClientTls(env: Environment): PodTls {
  const dir = MOUNTS.internal;
  return {
    args: [
      '--remote-write.client-tls-secure',
      `--remote-write.client-tls-cert=${file(dir, 'tls.crt')}`,
      `--remote-write.client-tls-key=${file(dir, 'tls.key')}`,
      `--remote-write.client-tls-ca=${file(dir, 'ca.crt')}`,
      `--remote-write.client-server-name=${pkiNames.internalServerName(env)}`,
    ],
    ...internalVolume(),
  };
}

/** Query's client TLS towards every StoreAPI. */
export function queryClientTls(env: Environment): PodTls {
  const dir = MOUNTS.internal;
  return {
    args: [
      '--grpc-client-tls-secure',
      `--grpc-client-tls-cert=${file(dir, 'tls.crt')}`,
      `--grpc-client-tls-key=${file(dir, 'tls.key')}`,
      `--grpc-client-tls-ca=${file(dir, 'ca.crt')}`,
      `--grpc-client-server-name=${pkiNames.internalServerName(env)}`,
    ],
    ...internalVolume(),
  };
}

/** The stateless ruler's remote-write client: https to the routers with its own certificate. */
export function rulerRemoteWriteClient(): RemoteWriteClientTls {
  const dir = MOUNTS.client;
  return {
    scheme: 'https',
    tlsConfig: {
      ca_file: file(dir, 'ca.crt'),
      cert_file: file(dir, 'tls.crt'),
      key_file: file(dir, 'tls.key'),
    },
  };
}

/** What a TLS role's pods get, with mTLS on. */
function roleTls(env: Environment, role: TlsRole): PodTls {
  const internal = env.remoteWrite.mtls.internal;
  switch (role) {
    case 'router':
      return internal ? combine(routerServerTls(env), routerClientTls(env)) : routerServerTls(env);
    case 'endpoint':
      return internal ? internalGrpcServer(env) : NO_TLS;
    case 'query':
      return internal ? queryClientTls(env) : NO_TLS;
    case 'ruler': {
      const parts: PodTls[] = [];
      // Query dials every endpoint of its file with its one client TLS, the ruler's Rules API included.
      if (internal) parts.push(internalGrpcServer(env));
      if (rulerNeedsClientCert(env)) {
        parts.push({
          args: [],
          ...secretVolume({ volume: 'remote-write-tls', secretName: pkiNames.rulerSecret, mountPath: MOUNTS.client }),
        });
      }
      return parts.length > 0 ? combine(...parts) : NO_TLS;
    }
    case 'none':
      return NO_TLS;
    default:
      return unhandled(role, 'TLS role');
  }
}

/** Each component's TLS, by the role its record gives it (`ComponentRecord.tls`). */
export function tls(env: Environment): TlsContribution {
  if (!mtlsOn(env)) return { forComponent: () => NO_TLS };
  return {
    forComponent: (component: ComponentKind) => roleTls(env, componentRecord(component).tls),
    ...(rulerNeedsClientCert(env) ? { remoteWriteClient: rulerRemoteWriteClient() } : {}),
  };
}
