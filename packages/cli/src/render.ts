/**
 * The pipeline, in memory and free of side effects: environment files in, one file tree per environment
 * out. Identity and TLS are computed first and handed to the components; overlays assemble the tree.
 */
import {
  type EnvironmentTree,
  formatProblem,
  InvalidEnvironmentError,
  loadEnvironments,
  type Manifest,
  objectProblems,
  type Problem,
  type SourceFile,
  sortProblems,
} from '@thanos-gitops/core-model';
import { identity } from '@thanos-gitops/irsa';
import { tls } from '@thanos-gitops/mtls';
import { assembleTree } from '@thanos-gitops/overlays';
import { renderComponents } from '@thanos-gitops/thanos-components';

export interface RenderedEnvironment {
  env: string;
  file: string;
  manifests: Manifest[];
  tree: EnvironmentTree;
}

/** Renders every environment, or throws InvalidEnvironmentError with every problem of every file. */
export function renderEnvironments(files: readonly SourceFile[]): RenderedEnvironment[] {
  const loaded = loadEnvironments(files);
  const problems: Problem[] = [];
  const rendered: RenderedEnvironment[] = [];
  for (const l of loaded) {
    const sink = l.sink(problems);
    const manifests = renderComponents({
      env: l.env,
      file: l.file,
      identity: identity(l.env),
      tls: tls(l.env),
      report: (path, message) => sink.report(path, message),
    });
    const invalid = manifests.flatMap((m) => objectProblems(m.object));
    if (invalid.length > 0) {
      throw new Error(`generated objects failed validation (a bug in thanos-gitops):\n  ${invalid.join('\n  ')}`);
    }
    rendered.push({ env: l.env.name, file: l.file, manifests, tree: assembleTree(l.env, l.file, manifests) });
  }
  if (problems.length > 0) {
    // A problem with a shared option is found once per pod that uses it (e.g. every store shard): keep one.
    const unique = new Map(problems.map((p) => [formatProblem(p), p]));
    throw new InvalidEnvironmentError(sortProblems([...unique.values()]));
  }
  return rendered;
}
