/**
 * Rules of the `delivery` section (schema/delivery.ts): a branch name git accepts, a path inside the repository,
 * and a repository URL the chosen tool accepts. (Settings shared between environments are checked by the
 * delivery package, which sees them all.)
 */
import type { ProblemSink } from '@thanos-gitops/problems';
import type { Environment } from '@thanos-gitops/schema';

/**
 * Why git refuses `ref` as a branch name (`git check-ref-format --branch`), beyond what the schema's pattern says
 * (its characters, no `..`, no leading `-`); undefined when git accepts it.
 */
export function refNameProblem(ref: string): string | undefined {
  const parts = ref.split('/');
  if (parts.some((p) => p === '')) return "has an empty component: no leading or trailing '/', and no '//'";
  if (parts.some((p) => p.startsWith('.'))) return "has a component starting with '.'";
  if (parts.some((p) => p.endsWith('.lock'))) return "has a component ending with '.lock'";
  if (ref.endsWith('.')) return "ends with '.'";
  return undefined;
}

export function deliveryRules(env: Environment, sink: ProblemSink): void {
  const d = env.delivery;
  const refProblem = refNameProblem(d.revision);
  if (refProblem !== undefined) {
    sink.report(['delivery', 'revision'], `is not a branch name git accepts: "${d.revision}" ${refProblem}`);
  }
  if (d.path.split('/').some((p) => p === '.' || p === '..')) {
    sink.report(
      ['delivery', 'path'],
      `must be a path inside the repository, without '.' or '..' components (found "${d.path}")`,
    );
  }
  if (d.tool === 'flux' && d.repoURL?.startsWith('git@')) {
    sink.report(
      ['delivery', 'repoURL'],
      `Flux's GitRepository takes http://, https:// or ssh:// URLs, not the scp form "${d.repoURL}": write it as ` +
        `${sshForm(d.repoURL)}`,
    );
  }
}

/** The scp form `git@host:path` as the ssh:// URL Flux accepts. */
function sshForm(url: string): string {
  const m = /^git@([^:/]+):(.*)$/.exec(url);
  return m ? `ssh://git@${m[1]}/${m[2]}` : 'ssh://git@<host>/<path>';
}
