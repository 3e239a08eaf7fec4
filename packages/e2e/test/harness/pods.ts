/**
 * From a rendered pod to a process: the program for its image, its container args with `$(VAR)` expanded,
 * listen addresses bound to the pod's own IP, mount paths moved under the pod's folder, and the files of its
 * volumes (ConfigMaps, Secrets, certificates) written there.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { DEFAULT_LISTENERS, thanosCommandOf } from '@thanos-gitops/thanos-components';
import { stringify } from 'yaml';
import { type Cluster, expandEnv, type Pod } from './cluster.js';
import type { Plain } from './render.js';

/**
 * Listen flags with a 0.0.0.0 default, by Thanos command (thanos-components' table, from the releases' --help):
 * when the rendered args leave one out, the pod still listens there, so the harness passes it bound to the pod's
 * own address.
 */
function defaultListeners(args: string[], ip: string): string[] {
  const command = thanosCommandOf(args) as keyof typeof DEFAULT_LISTENERS;
  return Object.entries(DEFAULT_LISTENERS[command] ?? {})
    .filter(([flag]) => !args.some((a) => a.startsWith(`--${flag}=`)))
    .map(([flag, port]) => `--${flag}=${ip}:${port}`);
}

/** The image tag (`v0.42.4`) of a Thanos image reference, digest or not. */
export function thanosTag(image: string): string | undefined {
  return /thanos:(v[0-9][^@]*)/.exec(image)?.[1];
}

function volumeFiles(c: Cluster, v: Plain, bucket: string): Map<string, string> | undefined {
  const files = new Map<string, string>();
  const find = (kind: string, name: string) =>
    c.objects.find((o) => o.kind === kind && o.metadata.name === name) as Plain | undefined;
  if (v.configMap) {
    const cm = find('ConfigMap', v.configMap.name);
    if (!cm && !v.configMap.optional) throw new Error(`ConfigMap ${v.configMap.name} is neither rendered nor optional`);
    for (const [k, text] of Object.entries(cm?.data ?? {})) files.set(k, String(text));
    return files;
  }
  if (v.secret) {
    const s = find('Secret', v.secret.secretName);
    const issued = c.secrets.get(v.secret.secretName);
    if (s && Object.keys(s.stringData ?? s.data ?? {}).some((k) => /^objstore\.ya?ml$/.test(k))) {
      c.note('object storage: Thanos FILESYSTEM provider on a temporary folder instead of the rendered bucket');
      for (const k of Object.keys(s.stringData ?? s.data ?? {})) {
        files.set(k, stringify({ type: 'FILESYSTEM', config: { directory: bucket } }));
      }
      return files;
    }
    if (issued) {
      for (const [k, text] of Object.entries(issued)) files.set(k, text);
      return files;
    }
    for (const [k, text] of Object.entries(s?.stringData ?? {})) files.set(k, String(text));
    for (const [k, text] of Object.entries(s?.data ?? {})) files.set(k, Buffer.from(String(text), 'base64').toString());
    if (!s && !v.secret.optional) throw new Error(`Secret ${v.secret.secretName} is neither rendered nor issued`);
    return files;
  }
  return undefined;
}

/** Moves every mount path under the pod's folder (longest first), in args and in mounted config files. */
function rehome(text: string, mounts: Plain[], root: string): string {
  let out = text;
  for (const m of [...mounts].sort((a, b) => b.mountPath.length - a.mountPath.length)) {
    out = out.split(m.mountPath).join(`\u0000${m.mountPath}`);
  }
  return out.replaceAll('\u0000', root);
}

/** Writes a pod's volumes under its folder; returns nothing, throws on a volume it cannot provide. */
function materialise(c: Cluster, p: Pod, bucket: string): void {
  const mounts: Plain[] = p.container.volumeMounts ?? [];
  for (const m of mounts) {
    const v = p.volumes.find((x) => x.name === m.name);
    const dir = join(p.root, m.mountPath);
    mkdirSync(dir, { recursive: true });
    const files = v ? volumeFiles(c, v, bucket) : undefined;
    for (const [k, text] of files ?? []) {
      if (m.subPath && m.subPath !== k) continue;
      const target = m.subPath ? dir : join(dir, k);
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, rehome(text, mounts, p.root));
    }
  }
  if (mounts.length > 0) c.note('mount paths live under a folder per pod (in args and in mounted config files)');
}

/** Program and args of a rendered pod. */
export function prepare(c: Cluster, p: Pod, bucket: string): void {
  const image = String(p.container.image ?? '');
  const mounts: Plain[] = p.container.volumeMounts ?? [];
  const env = p.container.env;
  let args = [...(p.container.command?.slice(1) ?? []), ...(p.container.args ?? [])].map((a: string) =>
    rehome(expandEnv(a, env, p), mounts, p.root),
  );
  // Every pod binds its ports on all addresses in Kubernetes; here each binds its own address.
  args = args.map((a) => a.replace(/^(--[a-z.-]*address=)(0\.0\.0\.0)?:(\d+)$/, `$1${p.ip}:$3`));
  c.note('listen addresses 0.0.0.0:<port> become <pod IP>:<port>');
  // A pod-local listener (127.0.0.1, reachable from the pod itself only) would collide between pods sharing one
  // network namespace here: it binds the pod's own address instead.
  const local = args.filter((a) => /^--[a-z.-]*address=127\.0\.0\.1:\d+$/.test(a));
  if (local.length > 0) {
    args = args.map((a) => (local.includes(a) ? a.replace('=127.0.0.1:', `=${p.ip}:`) : a));
    c.note('pod-local listeners 127.0.0.1:<port> become <pod IP>:<port> (pods share one network namespace)');
  }
  const tag = thanosTag(image);
  if (tag) {
    const bin = c.options.thanos[tag];
    if (!bin)
      throw new Error(`${p.name}: no Thanos binary for ${tag} (have ${Object.keys(c.options.thanos).join(', ')})`);
    p.program = bin;
    const defaults = defaultListeners(args, p.ip);
    if (defaults.length > 0)
      c.note('listeners the rendered args leave at their 0.0.0.0 default are passed bound to the pod IP');
    args.push(...defaults);
    const extra = c.options.extraArgs?.[p.owner.metadata.name] ?? [];
    if (extra.length > 0) c.note(`${p.owner.metadata.name}: ${extra.join(' ')} added`);
    args.push(...extra);
  } else if (/(^|\/)memcached:/.test(image)) {
    p.program = 'memcached';
    args.push('-l', p.ip, '-u', 'nobody');
    c.note(`memcached ${image.split(':')[1]} -> Debian's memcached, bound to the pod IP (-l), run as nobody (-u)`);
  } else {
    throw new Error(`${p.name}: no local program for image ${image}`);
  }
  p.args = args;
  materialise(c, p, bucket);
  // The pod's writable folders (PVCs, emptyDirs) exist under its folder already; the process runs in it.
}

/** The HTTP URL of a pod's readiness probe, if it has one. */
export function readinessUrl(p: Pod): string | undefined {
  const probe = p.container.readinessProbe?.httpGet;
  if (!probe) return undefined;
  const ports: Plain[] = p.container.ports ?? [];
  const port = typeof probe.port === 'number' ? probe.port : ports.find((x) => x.name === probe.port)?.containerPort;
  return `${(probe.scheme ?? 'HTTP').toLowerCase()}://${p.ip}:${port}${probe.path ?? '/'}`;
}

/** The container port of a pod by name. */
export function portOf(p: Pod, name: string): number {
  const port = (p.container.ports ?? []).find((x: Plain) => x.name === name)?.containerPort;
  if (!port) throw new Error(`${p.name} has no port ${name}`);
  return port;
}
