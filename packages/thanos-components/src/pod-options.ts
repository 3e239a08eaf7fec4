/**
 * Rules of the escape hatches every Thanos workload section has (`extraArgs`, `extraVolumes`), that need what
 * the generator puts into the pods (its flags, volumes and mount paths) and the flags of the environment's Thanos
 * release, so they cannot run with the other rules in input. Each is checked once, where the option is
 * defined: one section feeds many pods (every store shard and partition, every compactor shard), and an entry
 * gets each distinct problem it has with any of them, once.
 */
import { nested, normalPath } from '@thanos-gitops/input';
import type { BuiltPod, GeneratedPod } from './built-pod.js';
import type { RenderContext } from './context.js';
import { checkThanosArgs, flagName, twinOf } from './flags.js';

/** Checks the escape hatches of every section the pods were built from, once per section. */
export function checkPodOptions(ctx: RenderContext, pods: readonly BuiltPod[]): void {
  const sections = new Map<string, BuiltPod[]>();
  for (const pod of pods) {
    const key = JSON.stringify(pod.optionsPath);
    sections.set(key, [...(sections.get(key) ?? []), pod]);
  }
  for (const built of sections.values()) {
    const { optionsPath, options } = built[0] as BuiltPod;
    const generated = built.map((b) => b.generated);
    options.extraArgs.forEach((_, i) => {
      const at = [...optionsPath, 'extraArgs', i];
      for (const message of distinct(generated, (pod) => extraArgProblem(ctx, options.extraArgs, i, pod))) {
        ctx.report(at, message);
      }
    });
    options.extraVolumes.forEach((v, i) => {
      const at = [...optionsPath, 'extraVolumes', i];
      for (const message of distinct(generated, (pod) => volumeNameProblem(v.name, pod))) {
        ctx.report([...at, 'name'], message);
      }
      for (const message of distinct(generated, (pod) => mountPathProblem(v.mountPath, pod))) {
        ctx.report([...at, 'mountPath'], message);
      }
    });
  }
}

/** The distinct problems an entry has with the pods, in the order the pods first show them. */
function distinct(pods: readonly GeneratedPod[], problem: (pod: GeneratedPod) => string | undefined): Set<string> {
  return new Set(pods.map(problem).filter((m): m is string => m !== undefined));
}

/**
 * The problem of `extraArgs[i]` in a pod: a flag the release does not know (or a malformed one), the twin of an
 * earlier entry, the twin of a generated flag, or a generated flag set again that may not repeat.
 */
function extraArgProblem(
  ctx: RenderContext,
  extraArgs: readonly string[],
  i: number,
  pod: GeneratedPod,
): string | undefined {
  const version = ctx.env.thanos.version;
  const arg = extraArgs[i] ?? '';
  const own = checkThanosArgs(pod.command, [arg], version);
  if (own.length > 0) return own.join('; ');
  const name = flagName(arg);
  const earlier = extraArgs.slice(0, i).findIndex((a) => twinOf(name, new Set([flagName(a)])));
  if (earlier >= 0) {
    return (
      `${name} would compete with ${flagName(extraArgs[earlier] ?? '')} of extraArgs[${earlier}]: ` +
      'Thanos reads only one of the two; keep one'
    );
  }
  const generatedNames = new Set(pod.args.map(flagName));
  const twin = twinOf(name, generatedNames);
  if (twin) {
    return (
      `${name} would compete with --${twin}, which the generator sets: Thanos reads only one of the two. ` +
      'Change the modelled option instead (credentials never go into flags: pods get them from their identity)'
    );
  }
  if (generatedNames.has(name) && checkThanosArgs(pod.command, [...pod.args, arg], version).length > 0) {
    return `${name} is already set by the generator; change the modelled option instead`;
  }
  return undefined;
}

function volumeNameProblem(name: string, pod: GeneratedPod): string | undefined {
  if (pod.volumes.some((g) => g.name === name) || pod.mounts.some((m) => m.name === name)) {
    return `"${name}" is a volume the generator creates in this pod; choose another name`;
  }
  return undefined;
}

function mountPathProblem(mountPath: string, pod: GeneratedPod): string | undefined {
  const path = normalPath(mountPath);
  const taken = pod.mounts.find((m) => nested(path, normalPath(m.mountPath)));
  if (!taken) return undefined;
  return (
    `"${path}" ${path === normalPath(taken.mountPath) ? 'is' : 'overlaps'} "${taken.mountPath}", where the ` +
    `generator mounts volume "${taken.name}"; mount it elsewhere`
  );
}
