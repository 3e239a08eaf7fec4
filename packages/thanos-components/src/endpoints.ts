/**
 * The gRPC endpoints Query fans out to, as the `--endpoint.sd-config-file` document: every ingestor hashring,
 * every store gateway shard and the ruler, each discovered through the SRV records of its headless Service so
 * that scaling needs no config change. Query asks each endpoint (Info API) which APIs it serves: the ruler
 * serves the Rules API in both modes (Query's `/api/v1/rules` and `/api/v1/alerts`, Grafana's alert views),
 * and StoreAPI only when stateful (a stateless ruler's results come back through receive).
 */
import { type Environment, names, serviceHost } from '@thanos-gitops/core-model';

/** Headless Services (one per StatefulSet) whose pods serve StoreAPI or the Rules API on their `grpc` port. */
export function queryEndpointServices(env: Environment): string[] {
  const out: string[] = [];
  if (env.receive.enabled) for (const h of env.receive.hashrings) out.push(names.ingestor(h.name));
  if (env.storeGateway.enabled) {
    const parts = env.storeGateway.partitions.length;
    env.storeGateway.partitions.forEach((_, p) => {
      for (let s = 0; s < env.storeGateway.shards; s++) out.push(names.store(p, s, parts));
    });
  }
  if (env.ruler.enabled) out.push(names.ruler);
  return out;
}

/** The endpoint SD document (YAML-ready data). */
export function endpointsConfig(env: Environment): { endpoints: { address: string }[] } {
  return {
    endpoints: [
      ...queryEndpointServices(env).map((svc) => ({ address: `dnssrv+_grpc._tcp.${serviceHost(env, svc)}` })),
      ...env.query.extraEndpoints.map((address) => ({ address })),
    ],
  };
}
