/**
 * The security posture of objects, as facts that can only be weakened by a change: a privileged container, a host
 * namespace, a hostPath volume, an added capability, a pod that may run as root, a container that may escalate
 * its privileges, a Service reachable from outside the cluster, a NetworkPolicy removed or changed. Used twice:
 * to refuse a patch that weakens the posture (unless its `acknowledge` says so), and by `diff` to call it out.
 */
import { isDeepStrictEqual } from 'node:util';
import type { PATCH_ACKNOWLEDGEMENTS } from '@thanos-gitops/schema';

// biome-ignore lint/suspicious/noExplicitAny: objects of any kind, as plain data
type Plain = Record<string, any>;

/** The acknowledgements a patch may give, one per kind of weakening (`patches[].acknowledge`). */
export type PostureKind = (typeof PATCH_ACKNOWLEDGEMENTS)[number];

export interface Weakening {
  kind: PostureKind;
  /** What changed, for messages: `container query is privileged`. */
  what: string;
}

const POD_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'ReplicaSet']);

/** The pod spec an object runs, if any. */
function podSpec(o: Plain): Plain | undefined {
  if (o.kind === 'Pod') return o.spec;
  if (o.kind === 'CronJob') return o.spec?.jobTemplate?.spec?.template?.spec;
  return POD_KINDS.has(o.kind) ? o.spec?.template?.spec : undefined;
}

function containerFacts(pod: Plain, facts: Map<string, PostureKind>): void {
  const podSc = pod.securityContext ?? {};
  const containers: Plain[] = [...(pod.initContainers ?? []), ...(pod.containers ?? [])];
  for (const c of containers) {
    const sc = c.securityContext ?? {};
    const name = `container ${c.name}`;
    if (sc.privileged === true) facts.set(`${name} is privileged`, 'privileged');
    for (const cap of sc.capabilities?.add ?? []) facts.set(`${name} adds capability ${cap}`, 'capabilities');
    for (const p of c.ports ?? []) {
      if (p?.hostPort) facts.set(`${name} binds host port ${p.hostPort}`, 'hostNamespaces');
    }
    if (sc.allowPrivilegeEscalation !== false) {
      facts.set(`${name} does not forbid privilege escalation`, 'privilegeEscalation');
    }
    const user = sc.runAsUser ?? podSc.runAsUser;
    if (user === 0) facts.set(`${name} runs as user 0 (root)`, 'root');
    if ((sc.runAsNonRoot ?? podSc.runAsNonRoot) !== true) {
      facts.set(`${name} does not require a non-root user (runAsNonRoot)`, 'root');
    }
  }
}

/** Every posture fact of one object, each with the kind of acknowledgement it needs. */
export function postureFacts(o: Plain): Map<string, PostureKind> {
  const facts = new Map<string, PostureKind>();
  const pod = podSpec(o);
  if (pod) {
    for (const ns of ['hostNetwork', 'hostPID', 'hostIPC']) {
      if (pod[ns] === true) facts.set(`the pods use the host's namespace (${ns})`, 'hostNamespaces');
    }
    for (const v of pod.volumes ?? []) {
      if (v?.hostPath) facts.set(`volume ${v.name} mounts host path ${v.hostPath.path}`, 'hostPath');
    }
    containerFacts(pod, facts);
  }
  if (o.kind === 'Service' && ['LoadBalancer', 'NodePort'].includes(o.spec?.type)) {
    facts.set(`it is a Service of type ${o.spec.type}`, 'exposedService');
  }
  if (o.kind === 'Service' && (o.spec?.externalIPs ?? []).length > 0) {
    facts.set(`the Service has external IPs ${o.spec.externalIPs.join(', ')}`, 'exposedService');
  }
  return facts;
}

/** How `after` (undefined: removed) is weaker than `before` (undefined: added). */
export function weakenings(before: Plain | undefined, after: Plain | undefined): Weakening[] {
  if ((before ?? after)?.kind === 'NetworkPolicy') {
    if (before && !after) return [{ kind: 'networkPolicy', what: 'the NetworkPolicy is removed' }];
    if (before && after && !isDeepStrictEqual(before.spec, after.spec)) {
      return [{ kind: 'networkPolicy', what: 'the NetworkPolicy rules change' }];
    }
    return [];
  }
  if (!after) return [];
  const was = before ? postureFacts(before) : new Map<string, PostureKind>();
  return [...postureFacts(after)].filter(([what]) => !was.has(what)).map(([what, kind]) => ({ kind, what }));
}
