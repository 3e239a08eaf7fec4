/**
 * Rules of the top-level options (schema/environment.ts): the namespace the generator owns, and the address
 * ranges of the NetworkPolicies.
 */

import type { FieldPath, ProblemSink } from '@thanos-gitops/problems';
import type { Environment } from '@thanos-gitops/schema';
import { isIpv6Cidr, networkOf } from '../cidr.js';

/**
 * Why a namespace cannot be Thanos's, or undefined when it can. The generator labels its namespace Pod Security
 * `restricted` and default-denies it: in `kube-system` (and every other `kube-` namespace, reserved for
 * Kubernetes itself) that stops the cluster's own components; `default` holds the API server's `kubernetes`
 * Service and whatever else was deployed without a namespace, which would all be cut off.
 */
export function reservedNamespace(namespace: string): string | undefined {
  if (namespace.startsWith('kube-')) return 'kube- namespaces are reserved for Kubernetes itself';
  if (namespace === 'default') {
    return 'default is shared with the API server Service and everything deployed without a namespace';
  }
  return undefined;
}

/** Every range names its network: no host bits set. */
export function cidrRules(cidrs: readonly string[], path: FieldPath, sink: ProblemSink): void {
  cidrs.forEach((cidr, i) => {
    const network = networkOf(cidr);
    if (network !== undefined) {
      sink.report(
        [...path, i],
        `has host bits set: "${cidr}" is read as ${network}; write the network address ${network}, or ` +
          `${isIpv6Cidr(cidr) ? '/128' : '/32'} for one address`,
      );
    }
  });
}

export function environmentRules(env: Environment, sink: ProblemSink): void {
  const np = env.networkPolicies;
  for (const field of ['objectStorageCIDRs', 'remoteWriteCIDRs', 'apiServerCIDRs'] as const) {
    cidrRules(np[field], ['networkPolicies', field], sink);
  }
  if (env.remoteWrite.exposure.type === 'loadBalancer') {
    np.remoteWriteCIDRs.forEach((cidr, i) => {
      if (isIpv6Cidr(cidr)) {
        sink.report(
          ['networkPolicies', 'remoteWriteCIDRs', i],
          `is an IPv6 range, but the generated NLB is IPv4 only (found "${cidr}"): the load balancer controller ` +
            'refuses IPv6 source ranges on it; list the IPv4 ranges of the writers',
        );
      }
    });
  }
  const why = reservedNamespace(env.namespace);
  if (why !== undefined) {
    sink.report(
      ['namespace'],
      `must be a namespace of its own (found "${env.namespace}"): ${why}, and the generator labels its ` +
        'namespace Pod Security restricted and denies all traffic it does not name',
    );
  }
}
