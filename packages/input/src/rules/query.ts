/** Rules of the `query` section (schema/query.ts). */

import { remoteWriteMtls } from '@thanos-gitops/model';
import type { ProblemSink } from '@thanos-gitops/problems';
import type { Environment } from '@thanos-gitops/schema';

/**
 * Releases whose endpoint file has no per-endpoint `client_config` (TLS other than Query's flags); the same fact
 * as `endpointClientConfig: false` in thanos-components' release table.
 */
const NO_PER_ENDPOINT_TLS: ReadonlySet<string> = new Set(['v0.41.0']);

/**
 * With internal mTLS, Query's one client TLS is the internal certificate: an extra endpoint outside the
 * deployment gets plaintext through its own `client_config`, which Thanos honours for static `host:port`
 * addresses only, and only from v0.42.
 */
function extraEndpointRules(env: Environment, sink: ProblemSink): void {
  if (!remoteWriteMtls(env) || !env.remoteWrite.mtls.internal) return;
  env.query.extraEndpoints.forEach((address, i) => {
    if (NO_PER_ENDPOINT_TLS.has(env.thanos.version)) {
      sink.report(
        ['query', 'extraEndpoints', i],
        `Thanos ${env.thanos.version} dials every endpoint with Query's internal client certificate ` +
          '(remoteWrite.mtls.internal), which an endpoint outside this deployment cannot verify: use v0.42 or later',
      );
    } else if (/^dns(srv)?\+/.test(address)) {
      sink.report(
        ['query', 'extraEndpoints', i],
        `with remoteWrite.mtls.internal, Thanos dials ${address.split('+')[0]}+ endpoints with Query's internal ` +
          'client certificate (its per-endpoint TLS applies to static addresses only): give it as host:port',
      );
    }
  });
}

export function queryRules(env: Environment, sink: ProblemSink): void {
  extraEndpointRules(env, sink);
  if (env.query.autoscaling && env.query.autoscaling.maxReplicas < env.query.replicas) {
    sink.report(
      ['query', 'autoscaling', 'maxReplicas'],
      `must be >= query.replicas (${env.query.replicas}) (found ${env.query.autoscaling.maxReplicas})`,
    );
  }
}
