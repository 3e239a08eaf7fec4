/** Names of the PKI objects and where their Secrets are mounted. */
import type { Environment } from '@thanos-gitops/schema';

/** Folder of `clusters/<env>/` holding the PKI and the exposure objects. */
export const FOLDER = 'remote-write';
/** Folder of `clusters/<env>/` holding one folder per writer; Kustomize does not apply it. */
export const WRITERS_FOLDER = 'writers';
/** Folder of `clusters/<env>/` holding one folder per reader (its Grafana datasource); Kustomize does not apply it. */
export const READERS_FOLDER = 'readers';

export const pkiNames = {
  selfSigned: 'thanos-selfsigned',
  /** The writers' CA (remote-write: the routers' server certificate, writers' and the ruler's client ones). */
  ca: 'thanos-ca',
  caSecret: 'thanos-ca',
  caIssuer: 'thanos-ca',
  server: 'thanos-remote-write',
  serverSecret: 'thanos-remote-write-tls',
  writer: (name: string) => `thanos-writer-${name}`,
  writerSecret: (name: string) => `thanos-writer-${name}-tls`,
  ruler: 'thanos-rule-remote-write',
  rulerSecret: 'thanos-rule-remote-write-tls',
  internalCa: 'thanos-internal-ca',
  internalCaSecret: 'thanos-internal-ca',
  internalCaIssuer: 'thanos-internal-ca',
  internal: 'thanos-internal',
  internalSecret: 'thanos-internal-tls',
  /** The name every internal client verifies the servers against (in the internal certificate). */
  internalServerName: (env: Environment) => `thanos-internal.${env.namespace}.svc`,
  routerExternal: 'thanos-receive-router-external',
  /** The readers' CA (the read entry point's server certificate and the readers' client ones). */
  readersCa: 'thanos-readers-ca',
  reader: (name: string) => `thanos-reader-${name}`,
  readerSecret: (name: string) => `thanos-reader-${name}-tls`,
} as const;

/** Mount points: whole Secrets, read-only, never subPath (so renewals reach the files). */
export const MOUNTS = {
  server: '/etc/thanos/tls/remote-write',
  client: '/etc/thanos/tls/remote-write-client',
  internal: '/etc/thanos/tls/internal',
} as const;
