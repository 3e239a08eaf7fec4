/**
 * The hashrings file the receive routers read (`--receive.hashrings-file`): one entry per declared hashring,
 * in order, listing the stable DNS name of every ingestor pod of that hashring. It is computed from the
 * environment alone, so it changes exactly when the hashrings or their sizes change.
 */
import { type Environment, names, PORTS, podHost } from '@thanos-gitops/core-model';

/**
 * An endpoint as Thanos v0.42 reads it. A plain `"host:port"` string is accepted too; the object form is
 * used so that `az` (zone-aware ketama) can be added later without changing the format. The Cap'n Proto
 * address is left to Thanos, which derives it from `address` when replication uses that protocol.
 */
export interface HashringEndpoint {
  address: string;
}

export interface HashringEntry {
  hashring: string;
  /** Absent on the catch-all hashring, which takes every tenant no earlier hashring matched. */
  tenants?: string[];
  /** Only `glob` is written: Thanos treats an absent matcher as `exact`. */
  tenant_matcher_type?: 'glob';
  endpoints: HashringEndpoint[];
}

type Hashring = Environment['receive']['hashrings'][number];

/** The gRPC address of every ingestor pod of a hashring: where routers forward writes. */
export function ingestorEndpoints(env: Environment, h: Hashring): HashringEndpoint[] {
  const sts = names.ingestor(h.name);
  return Array.from({ length: h.replicas }, (_, i) => ({ address: `${podHost(env, sts, i)}:${PORTS.grpc}` }));
}

/** The hashrings document, in declaration order (routers take the first hashring matching a tenant). */
export function hashringsConfig(env: Environment): HashringEntry[] {
  return env.receive.hashrings.map((h) => ({
    hashring: h.name,
    ...(h.tenants.length > 0 ? { tenants: [...h.tenants] } : {}),
    ...(h.tenants.length > 0 && h.tenantMatcher === 'glob' ? { tenant_matcher_type: 'glob' as const } : {}),
    endpoints: ingestorEndpoints(env, h),
  }));
}

/** The text of `hashrings.json`. */
export function hashringsJson(env: Environment): string {
  return `${JSON.stringify(hashringsConfig(env), null, 2)}\n`;
}
