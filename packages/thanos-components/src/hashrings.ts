/**
 * The hashrings file the receive routers read (`--receive.hashrings-file`): one entry per declared hashring,
 * in order, listing the stable DNS name of every ingestor pod of that hashring, with its zone (`az`) when the
 * environment lists `receive.zones`. It is computed from the environment alone, so it changes exactly when the
 * hashrings, their sizes or the zones change.
 */
import { ingestorSets, PORTS, podHost } from '@thanos-gitops/model';
import type { Environment } from '@thanos-gitops/schema';

/**
 * An endpoint as Thanos v0.42 reads it (`receive.Endpoint`). A plain `"host:port"` string is accepted too; the
 * object form carries `az`, the zone ketama spreads each series' copies over (Thanos' hashmod refuses it). The
 * Cap'n Proto address is left to Thanos, which derives it from `address` when replication uses that protocol.
 */
export interface HashringEndpoint {
  address: string;
  /** The zone the ingestor's StatefulSet is pinned to; only with `receive.zones`. */
  az?: string;
}

export interface HashringEntry {
  hashring: string;
  /** Absent on the catch-all hashring, which takes every tenant no earlier hashring matched. */
  tenants?: string[];
  /** Only `glob` is written: Thanos treats an absent matcher as `exact`. */
  tenant_matcher_type?: 'glob';
  endpoints: HashringEndpoint[];
  /** The hashring's own algorithm (`receive.hashrings[].algorithm`), over the routers' `--receive.hashrings-algorithm`. */
  algorithm?: 'ketama' | 'hashmod';
}

type Hashring = Environment['receive']['hashrings'][number];

/**
 * The gRPC address of every ingestor pod of a hashring, where routers forward writes: each pod's stable name
 * under the hashring's headless Service, zone by zone, with the zone its StatefulSet is pinned to.
 */
export function ingestorEndpoints(env: Environment, h: Hashring): HashringEndpoint[] {
  return ingestorSets(env, h).flatMap((set) =>
    Array.from({ length: set.replicas }, (_, i) => ({
      address: `${podHost(env, set.name, i, set.service)}:${PORTS.grpc}`,
      ...(set.zone === undefined ? {} : { az: set.zone }),
    })),
  );
}

/** The hashrings document, in declaration order (routers take the first hashring matching a tenant). */
export function hashringsConfig(env: Environment): HashringEntry[] {
  return env.receive.hashrings.map((h) => ({
    hashring: h.name,
    ...(h.tenants.length > 0 ? { tenants: [...h.tenants] } : {}),
    ...(h.tenants.length > 0 && h.tenantMatcher === 'glob' ? { tenant_matcher_type: 'glob' as const } : {}),
    endpoints: ingestorEndpoints(env, h),
    ...(h.algorithm === undefined ? {} : { algorithm: h.algorithm }),
  }));
}

/** The text of `hashrings.json`. */
export function hashringsJson(env: Environment): string {
  return `${JSON.stringify(hashringsConfig(env), null, 2)}\n`;
}
