/**
 * The Thanos containers of the input: every Deployment and StatefulSet container running a Thanos image, with
 * its subcommand and its flags read back, and the release its image tag names.
 */
import { DEFAULT_THANOS_VERSION, SUPPORTED_THANOS_VERSIONS, type ThanosVersion } from '@thanos-gitops/schema';
import { isKnownFlag, type ThanosCommand } from '@thanos-gitops/thanos-components';
import { at, isPlain, type K8sObject, objectId, type Plain } from './objects.js';

export interface ThanosWorkload {
  object: K8sObject;
  kind: 'Deployment' | 'StatefulSet';
  name: string;
  container: Plain;
  command: ThanosCommand;
  /** Each flag (without `--`) with its values in order; a flag given without a value has `true`. */
  flags: Map<string, string[]>;
  image: string;
  /** The release of the image tag (`v0.39.2`), when the tag names one. */
  tag?: string;
  /** Flags the release's table does not know (under the supported release read against). */
  unknownFlags: string[];
  /** The flags the import read (the others are reported as ignored). */
  read: Set<string>;
}

const COMMANDS: readonly ThanosCommand[] = ['compact', 'query', 'query-frontend', 'receive', 'rule', 'store'];

/** The Thanos workloads among the objects. */
export function thanosWorkloads(objects: readonly K8sObject[]): ThanosWorkload[] {
  const found: ThanosWorkload[] = [];
  for (const o of objects) {
    if (o.kind !== 'Deployment' && o.kind !== 'StatefulSet') continue;
    const containers = at(o, 'spec', 'template', 'spec', 'containers');
    if (!Array.isArray(containers)) continue;
    for (const c of containers) {
      const w = isPlain(c) ? readContainer(o, c) : undefined;
      if (w) found.push(w);
    }
  }
  return found;
}

function readContainer(o: K8sObject, c: Plain): ThanosWorkload | undefined {
  const image = typeof c.image === 'string' ? c.image : '';
  const words = [...strings(c.command), ...strings(c.args)];
  while (words.length > 0 && /(^|\/)thanos$/.test(words[0] ?? '')) words.shift();
  const command = commandOf(words);
  if (!command || !/thanos/.test(image)) return undefined;
  const flags = new Map<string, string[]>();
  for (const word of words.slice(command.split(' ').length)) {
    if (!word.startsWith('--')) continue;
    const eq = word.indexOf('=');
    const name = eq < 0 ? word.slice(2) : word.slice(2, eq);
    flags.set(name, [...(flags.get(name) ?? []), eq < 0 ? 'true' : word.slice(eq + 1)]);
  }
  // quay.io/thanos/thanos:v0.42.4, and Bitnami's docker.io/bitnami/thanos:0.39.2-debian-12-r5.
  const release = /:v?(\d+\.\d+\.\d+)(?:[-@]|$)/.exec(image)?.[1];
  const tag = release ? `v${release}` : undefined;
  const version = supported(tag);
  const unknownFlags = [...flags.keys()].filter((f) => !isKnownFlag(command, f, version));
  const kind = o.kind as 'Deployment' | 'StatefulSet';
  return {
    object: o,
    kind,
    name: o.metadata.name,
    container: c,
    command,
    flags,
    image,
    tag,
    unknownFlags,
    read: new Set(),
  };
}

function commandOf(words: readonly string[]): ThanosCommand | undefined {
  if (words[0] === 'tools' && words[1] === 'bucket' && words[2] === 'web') return 'tools bucket web';
  return COMMANDS.find((c) => c === words[0]);
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

/** The supported release to read flags against: the image's own when supported, else the default. */
export function supported(tag: string | undefined): ThanosVersion {
  return (SUPPORTED_THANOS_VERSIONS as readonly string[]).includes(tag ?? '')
    ? (tag as ThanosVersion)
    : DEFAULT_THANOS_VERSION;
}

/** The first value of a flag. */
export function flag(w: ThanosWorkload | undefined, name: string): string | undefined {
  w?.read.add(name);
  return w?.flags.get(name)?.[0];
}

/** Every value of a repeatable flag. */
export function flags(w: ThanosWorkload | undefined, name: string): string[] {
  w?.read.add(name);
  return w?.flags.get(name) ?? [];
}

/** `StatefulSet/name: --flag`: where a report entry points. */
export function source(w: ThanosWorkload, flagName?: string): string {
  return `${objectId(w.object)}${flagName ? `: --${flagName}` : ''}`;
}

/** Values of a quoted flag (`--label=replica="$(POD_NAME)"` → `replica`, `$(POD_NAME)`). */
export function labelOf(value: string): [string, string] {
  const eq = value.indexOf('=');
  const raw = value.slice(eq + 1);
  return [value.slice(0, eq), raw.startsWith('"') && raw.endsWith('"') ? raw.slice(1, -1) : raw];
}
