/**
 * Every port of every rendered container, read from the built objects: the listen flags of each Thanos container
 * (given, or left at their 0.0.0.0 default per thanos-components' DEFAULT_LISTENERS), every declared
 * containerPort, and the `--listen-address`-style flags of the other containers. Each is classified from its own
 * args: `pod-local` (bound to 127.0.0.1), `tls` (a client CA is required on it), else `plaintext`.
 */
import { DEFAULT_LISTENERS, thanosCommandOf } from '@thanos-gitops/thanos-components';
import { thanosTag } from './pods.js';
import type { Plain } from './render.js';

export type ListenerClass = 'tls' | 'pod-local' | 'plaintext';

export interface Listener {
  /** `<component label> <container> <flag or :port>`: the key a classification names. */
  key: string;
  workload: string;
  container: string;
  /** The listen flag (without `--`), when the port is opened by one. */
  flag?: string;
  host: string;
  port: number;
  /** What the container's own args make of it. */
  derived: ListenerClass;
  /** The client-CA flag that turns verification on (for `tls`). */
  clientCaFlag?: string;
}

/** The client-CA flag that guards a listen flag of a Thanos server. */
const CLIENT_CA: Record<string, string> = {
  'grpc-address': 'grpc-server-tls-client-ca',
  'remote-write.address': 'remote-write.server-tls-client-ca',
};

function thanosListeners(args: string[]): { flag: string; host: string; port: number }[] {
  const table = DEFAULT_LISTENERS[thanosCommandOf(args) as keyof typeof DEFAULT_LISTENERS] ?? {};
  const flags = new Set([
    ...Object.keys(table),
    ...args.map((a) => /^--([a-z.-]*address)=/.exec(a)?.[1]).filter((f): f is string => f !== undefined),
  ]);
  return [...flags].map((flag) => {
    const given = args.find((a) => a.startsWith(`--${flag}=`))?.split('=')[1] ?? `0.0.0.0:${table[flag]}`;
    const i = given.lastIndexOf(':');
    return { flag, host: given.slice(0, i) || '0.0.0.0', port: Number(given.slice(i + 1)) };
  });
}

function classify(args: string[], flag: string | undefined, host: string): ListenerClass {
  if (host === '127.0.0.1' || host === 'localhost') return 'pod-local';
  const ca = flag ? CLIENT_CA[flag] : undefined;
  return ca && args.some((a) => a.startsWith(`--${ca}=`)) ? 'tls' : 'plaintext';
}

function containerListeners(o: Plain, c: Plain): Listener[] {
  const component = o.spec.template.metadata?.labels?.['app.kubernetes.io/component'] ?? o.metadata.name;
  const args: string[] = [...(c.command?.slice(1) ?? []), ...(c.args ?? [])];
  const base = { workload: o.metadata.name, container: c.name };
  const out: Listener[] = [];
  const opened = thanosTag(String(c.image ?? ''))
    ? thanosListeners(args)
    : args.flatMap((a) => {
        const m = /^--([a-z.-]*listen-address)=(.*):(\d+)$/.exec(a);
        return m?.[1] ? [{ flag: m[1], host: m[2] || '0.0.0.0', port: Number(m[3]) }] : [];
      });
  for (const l of opened) {
    const derived = classify(args, l.flag, l.host);
    const clientCaFlag = derived === 'tls' ? CLIENT_CA[l.flag] : undefined;
    out.push({ ...base, ...l, key: `${component} ${c.name} --${l.flag}`, derived, clientCaFlag });
  }
  for (const p of c.ports ?? []) {
    if (out.some((l) => l.port === p.containerPort)) continue;
    out.push({
      ...base,
      key: `${component} ${c.name} :${p.containerPort}`,
      host: '0.0.0.0',
      port: p.containerPort,
      derived: 'plaintext',
    });
  }
  return out;
}

/** Every listener of every container (init containers included) of every workload of the built objects. */
export function renderedListeners(objects: readonly Plain[]): Listener[] {
  return objects
    .filter((o) => o.kind === 'Deployment' || o.kind === 'StatefulSet')
    .flatMap((o) =>
      [...(o.spec.template.spec.initContainers ?? []), ...o.spec.template.spec.containers].flatMap((c: Plain) =>
        containerListeners(o, c),
      ),
    );
}
