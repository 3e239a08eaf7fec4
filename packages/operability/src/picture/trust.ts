/**
 * The README's "Who can reach what" table, read from the rendered objects only: each ingress rule of each
 * generated NetworkPolicy (who may connect, to which pods and port) with the credential the destination's flags
 * demand on that port (a client certificate and the issuer of its client CA, from the mounted Secret's
 * Certificate), or none, where the NetworkPolicy is the only guard.
 */
import type { PlainObject } from '../rollout/plan.js';

type Plain = PlainObject;

export interface TrustRow {
  /** Who may connect: pods of a component, a namespace, an address range. */
  from: string;
  /** The pods reached, by their `app.kubernetes.io/name`, and the port. */
  to: string;
  port: number;
  /** The credential the server demands on that port. */
  credential: string;
}

const NAME = 'app.kubernetes.io/name';
const INSTANCE = 'app.kubernetes.io/instance';

function peerText(peer: Plain): string {
  if (peer.ipBlock) return `addresses ${peer.ipBlock.cidr}`;
  const ns = peer.namespaceSelector?.matchLabels?.['kubernetes.io/metadata.name'];
  const pods = peer.podSelector?.matchLabels?.[NAME];
  if (ns) return `namespace ${ns}`;
  return pods ? `${pods} pods` : 'any pod';
}

function argsOf(w: Plain): string[] {
  const c = w.spec.template.spec.containers[0] ?? {};
  return [...(c.command ?? []).slice(1), ...(c.args ?? [])];
}

const flagValue = (args: string[], name: string) => args.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];

/** The port a listen flag binds (its default when the flag is not given). */
function portOf(args: string[], flag: string, fallback: number): number {
  return Number(flagValue(args, flag)?.split(':')[1] ?? fallback);
}

/** The issuer of the Certificate whose Secret holds the client CA file `path` of workload `w`. */
function clientCaIssuer(objects: readonly Plain[], w: Plain, path: string): string {
  const pod = w.spec.template.spec;
  const mount = (pod.containers[0].volumeMounts ?? []).find((m: Plain) => path.startsWith(`${m.mountPath}/`));
  const secret = pod.volumes?.find((v: Plain) => v.name === mount?.name)?.secret?.secretName;
  const cert = objects.find((o) => o.kind === 'Certificate' && o.spec.secretName === secret);
  const ref = cert?.spec.issuerRef;
  return ref ? `${ref.kind} ${ref.name}` : `the CA in Secret ${secret}`;
}

/** The volume of workload `w` mounted where `path` lies. */
function volumeOf(w: Plain, path: string): Plain | undefined {
  const pod = w.spec.template.spec;
  const mount = (pod.containers[0].volumeMounts ?? []).find((m: Plain) => path.startsWith(`${m.mountPath}/`));
  return pod.volumes?.find((v: Plain) => v.name === mount?.name);
}

/**
 * The credential the HTTP server demands under `--http.config` (the web configuration in a mounted ConfigMap):
 * a client certificate when its `client_auth_type` requires and verifies one, with the tenant from the certificate
 * when Query takes it from there and enforces it.
 */
function httpCredential(objects: readonly Plain[], w: Plain, args: string[]): string {
  const path = flagValue(args, 'http.config') ?? '';
  const map = volumeOf(w, path)?.configMap?.name;
  const text: string = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === map)?.data?.[
    path.split('/').pop() ?? ''
  ];
  if (!text?.includes('client_auth_type: RequireAndVerifyClientCert')) return 'none';
  const ca = /client_ca_file: (\S+)/.exec(text)?.[1] ?? '';
  const field = flagValue(args, 'query.tenant-certificate-field');
  const tenant = field && args.includes('--query.enforce-tenancy') ? `, reads only the tenant in its ${field}` : '';
  return `client certificate of ${clientCaIssuer(objects, w, ca)}${tenant}`;
}

/** The credential workload `w` demands on `port`. */
function credentialOf(objects: readonly Plain[], w: Plain | undefined, port: number): string {
  if (!w) return 'none';
  const args = argsOf(w);
  if (flagValue(args, 'http.config') && portOf(args, 'http-address', 10902) === port) {
    return httpCredential(objects, w, args);
  }
  const servers: [listen: string, fallback: number, tls: string][] = [
    ['grpc-address', 10901, 'grpc-server-tls'],
    ['remote-write.address', 19291, 'remote-write.server-tls'],
  ];
  for (const [listen, fallback, tls] of servers) {
    if (portOf(args, listen, fallback) !== port || args[0] === undefined) continue;
    const ca = flagValue(args, `${tls}-client-ca`);
    if (!ca) return 'none';
    const tenant = args.includes('--receive.tenant-certificate-field=organization') && tls.startsWith('remote-write');
    return `client certificate of ${clientCaIssuer(objects, w, ca)}${tenant ? ', tenant = its Organization' : ''}`;
  }
  return 'none';
}

/** Every ingress rule of the generated NetworkPolicies, with the credential its destination demands. */
export function trustRows(objects: readonly PlainObject[]): TrustRow[] {
  const all = objects as readonly Plain[];
  const workloads = all.filter((o) => o.kind === 'Deployment' || o.kind === 'StatefulSet');
  const rows: TrustRow[] = [];
  for (const np of all.filter((o) => o.kind === 'NetworkPolicy')) {
    const sel: Record<string, string> = np.spec.podSelector?.matchLabels ?? {};
    if (Object.keys(sel).length === 0) continue;
    const w = workloads.find((x) => Object.entries(sel).every(([k, v]) => x.spec.template.metadata.labels?.[k] === v));
    // A workload that shares its component's name label (the readers' Query) is named by its instance.
    const to = sel[INSTANCE] ?? sel[NAME] ?? np.metadata.name;
    // Each port's credential once: every peer of every rule of the policy reaches the same workload.
    const credentials = new Map<number, string>();
    for (const rule of np.spec.ingress ?? []) {
      const peers: Plain[] = rule.from ?? [];
      if (peers.length === 0) continue;
      for (const p of rule.ports ?? []) {
        let credential = credentials.get(p.port);
        if (credential === undefined) {
          credential = credentialOf(all, w, p.port);
          credentials.set(p.port, credential);
        }
        for (const peer of peers) rows.push({ from: peerText(peer), to, port: p.port, credential });
      }
    }
  }
  return rows;
}
