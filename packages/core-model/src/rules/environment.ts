/** Rules of the top-level options (schema/environment.ts): the namespace the generator owns. */
import type { ProblemSink } from '../problems.js';
import type { Environment } from '../schema/environment.js';

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

export function environmentRules(env: Environment, sink: ProblemSink): void {
  const why = reservedNamespace(env.namespace);
  if (why !== undefined) {
    sink.report(
      ['namespace'],
      `must be a namespace of its own (found "${env.namespace}"): ${why}, and the generator labels its ` +
        'namespace Pod Security restricted and denies all traffic it does not name',
    );
  }
}
