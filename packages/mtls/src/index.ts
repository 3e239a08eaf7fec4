/**
 * TLS for Thanos components. Until receive mTLS is configured in the environment, components talk plain
 * gRPC inside the namespace (fenced by the NetworkPolicies) and this contributes nothing.
 */
import { type Environment, NO_TLS, type TlsContribution } from '@thanos-gitops/core-model';

export function tls(_env: Environment): TlsContribution {
  return { forComponent: () => NO_TLS };
}
