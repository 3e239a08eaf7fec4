/**
 * What differs between the Thanos releases the generator supports, in one table. A component asks
 * `release(env)` instead of comparing version strings, so supporting a release is one row here plus its flag
 * data (`data/thanos-flags/<version>.json`). Flag existence itself is checked from the flag data, not here:
 * this table records the behaviour the generator adapts to.
 */
import type { Environment, ThanosVersion } from '@thanos-gitops/schema';

export interface ReleaseBehaviour {
  /**
   * `thanos query-frontend --query.max-retries-per-request`: retries of instant queries (added in v0.42.0). Older
   * releases retry range queries only (`--query-range.max-retries-per-request`).
   */
  readonly instantQueryRetries: boolean;
  /**
   * The endpoint SD file of Query understands `default_client_config` / per-endpoint `client_config` (TLS per
   * endpoint, v0.42.0). Older releases ignore those keys silently and use the `--grpc-client-tls-*` flags.
   */
  readonly endpointClientConfig: boolean;
}

/** One row per supported release, newest first. */
export const RELEASES: Readonly<Record<ThanosVersion, ReleaseBehaviour>> = {
  'v0.42.4': {
    instantQueryRetries: true,
    endpointClientConfig: true,
  },
  'v0.41.0': {
    instantQueryRetries: false,
    endpointClientConfig: false,
  },
};

/** The behaviour of the release `env` runs. */
export function release(env: Pick<Environment, 'thanos'>): ReleaseBehaviour {
  return RELEASES[env.thanos.version];
}
