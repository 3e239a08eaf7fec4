/**
 * The gRPC endpoints Query fans out to, as the `--endpoint.sd-config-file` document: every ingestor hashring,
 * every store gateway shard and the ruler, each discovered through the SRV records of its headless Service so
 * that scaling needs no config change. Query asks each endpoint (Info API) which APIs it serves: the ruler
 * serves the Rules API in both modes (Query's `/api/v1/rules` and `/api/v1/alerts`, Grafana's alert views),
 * and StoreAPI only when stateful (a stateless ruler's results come back through receive).
 */
import { grpcEndpoints, remoteWriteMtls, serviceHost } from '@thanos-gitops/model';
import type { Environment } from '@thanos-gitops/schema';
import { release } from './releases.js';

/**
 * Headless Services (one per StatefulSet) whose pods serve StoreAPI or the Rules API on their `grpc` port: the
 * component records' `queryEndpoints` (ingestor hashrings, store shards, the ruler), in record order.
 */
export function queryEndpointServices(env: Environment): string[] {
  return grpcEndpoints(env);
}

/** An entry of the endpoint SD document; `client_config` overrides Query's `--grpc-client-tls-*` for it. */
export interface EndpointEntry {
  address: string;
  client_config?: { tls_config: { enabled: boolean } };
}

/**
 * The endpoint SD document (YAML-ready data). With internal mTLS, Query's client TLS (internal CA and
 * certificate) is for this deployment's servers only: an extra endpoint outside it holds no certificate of the
 * internal CA, so it is dialed in plaintext, as without internal mTLS. Thanos applies an entry's `client_config`
 * to static `host:port` addresses only; the rules refuse `dns+`/`dnssrv+` extra endpoints with internal mTLS.
 */
export function endpointsConfig(env: Environment): { endpoints: EndpointEntry[] } {
  const internal = remoteWriteMtls(env) && env.remoteWrite.mtls.internal && release(env).endpointClientConfig;
  return {
    endpoints: [
      ...queryEndpointServices(env).map((svc) => ({ address: `dnssrv+_grpc._tcp.${serviceHost(env, svc)}` })),
      ...env.query.extraEndpoints.map((address) =>
        internal ? { address, client_config: { tls_config: { enabled: false } } } : { address },
      ),
    ],
  };
}
