/**
 * Rules of the top-level options (schema/environment.ts): the namespace the generator owns, the address
 * ranges of the NetworkPolicies, and Service names written in another cluster domain than `cluster.domain`.
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

/**
 * The Service DNS names in a string (`<service>.<namespace>.svc.<domain>`, pods' `<pod>.<service>.<namespace>…`
 * too) with their cluster domain: the string is cut at every character no host name holds (no regular expression
 * that could backtrack), and a name needs two labels before `.svc.` and a domain after it.
 */
export function serviceNames(text: string): { name: string; domain: string }[] {
  const out: { name: string; domain: string }[] = [];
  const lower = text.toLowerCase();
  // Only a token holding `.svc.` names a Service, and `.svc.` is never cut: most strings hold none.
  // Stryker disable next-line all: a shortcut only; without it the loop below finds no such token either.
  if (!lower.includes('.svc.')) return out;
  for (const token of lower.split(/[^a-z0-9._-]+/)) {
    const at = token.lastIndexOf('.svc.');
    if (at < 0 || !token.slice(0, at).includes('.')) continue;
    const domain = token.slice(at + '.svc.'.length).replace(/\.$/, '');
    if (domain !== '') out.push({ name: token.replace(/\.$/, ''), domain });
  }
  return out;
}

/**
 * A Service name written with another cluster domain than the environment's does not resolve from its pods
 * (`x.ns.svc.cluster.local` in a cluster whose domain is `k8s.example`): refused when it names `cluster.local`,
 * the default copied from examples; a warning for any other domain, which might be a public name with a `svc` label.
 */
export function serviceDomainRules(value: unknown, path: FieldPath, domain: string, sink: ProblemSink): void {
  if (typeof value === 'string') {
    const other = serviceNames(value).find((n) => n.domain !== domain);
    if (other === undefined) return;
    const local = other.name.slice(0, other.name.length - other.domain.length);
    const message =
      `names the Service ${other.name} in the cluster domain ${other.domain}, but this environment's cluster uses ` +
      `${domain} (cluster.domain): its pods cannot resolve it; write ${local}${domain}, or ${local.slice(0, -1)}`;
    if (other.domain === 'cluster.local') sink.report(path, message);
    else sink.warn?.(path, `${message} (if it is a Service at all)`);
    return;
  }
  // A child's path is made only for a collection or a string that may name a Service: most values are neither.
  // Stryker disable next-line all: a shortcut only; a visit of any other value reports nothing.
  const visit = (v: unknown) => (typeof v === 'string' ? v.includes('.') : typeof v === 'object' && v !== null);
  if (Array.isArray(value)) {
    value.forEach((v, i) => {
      if (visit(v)) serviceDomainRules(v, [...path, i], domain, sink);
    });
  } else if (value && typeof value === 'object') {
    for (const key of Object.keys(value)) {
      const v = (value as Record<string, unknown>)[key];
      if (!(path.length === 0 && key === 'cluster') && visit(v)) serviceDomainRules(v, [...path, key], domain, sink);
    }
  }
}

export function environmentRules(env: Environment, sink: ProblemSink): void {
  serviceDomainRules(env, [], env.cluster.domain, sink);
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
