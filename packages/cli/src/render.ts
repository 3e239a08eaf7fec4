/**
 * The pipeline, in memory and free of side effects: environment files in, one file tree per environment
 * out. Identity and TLS are computed first and handed to the components; delivery annotates the objects for
 * Argo CD or Flux; overlays assemble the tree. The Argo CD and Flux objects themselves come from every
 * environment at once (`renderDelivery`).
 */

import {
  type Environment,
  type EnvironmentTree,
  formatProblem,
  InvalidEnvironmentError,
  loadEnvironments,
  type Manifest,
  objectProblems,
  type Problem,
  type SourceFile,
  sortProblems,
  toPlain,
} from '@thanos-gitops/core-model';
import { annotateForDelivery, checkDelivery, type DeliveryEnvironment, deliveryTrees } from '@thanos-gitops/delivery';
import { documents, identity } from '@thanos-gitops/irsa';
import { tls } from '@thanos-gitops/mtls';
import { assembleTree } from '@thanos-gitops/overlays';
import { renderComponents } from '@thanos-gitops/thanos-components';

export interface RenderedEnvironment {
  env: string;
  file: string;
  /** The validated, defaulted environment. */
  environment: Environment;
  manifests: Manifest[];
  tree: EnvironmentTree;
  /** Located warnings: printed, never fatal. */
  warnings: readonly Problem[];
}

/** Renders every environment, or throws InvalidEnvironmentError with every problem of every file. */
export function renderEnvironments(files: readonly SourceFile[]): RenderedEnvironment[] {
  const loaded = loadEnvironments(files);
  const problems: Problem[] = [];
  const rendered: RenderedEnvironment[] = [];
  const delivery: DeliveryEnvironment[] = [];
  for (const l of loaded) {
    const sink = l.sink(problems);
    delivery.push({ env: l.env, file: l.file, report: (path, message) => sink.report(path, message) });
    const manifests = renderComponents({
      env: l.env,
      file: l.file,
      identity: identity(l.env),
      tls: tls(l.env),
      report: (path, message) => sink.report(path, message),
    });
    annotateForDelivery(l.env, manifests);
    // Each object is converted to plain data once, for its checks and for its YAML.
    const plain = manifests.map((m) => toPlain(m.object));
    const invalid = manifests.flatMap((m, i) => objectProblems(m.object, plain[i]));
    if (invalid.length > 0) {
      throw new Error(`generated objects failed validation (a bug in thanos-gitops):\n  ${invalid.join('\n  ')}`);
    }
    rendered.push({
      env: l.env.name,
      file: l.file,
      environment: l.env,
      manifests,
      tree: assembleTree(l.env, l.file, manifests, documents(l.env, l.file), plain),
      warnings: l.warnings,
    });
  }
  checkDelivery(delivery);
  if (problems.length > 0) {
    // A problem with a shared option is found once per pod that uses it (e.g. every store shard): keep one.
    const unique = new Map(problems.map((p) => [formatProblem(p), p]));
    throw new InvalidEnvironmentError(sortProblems([...unique.values()]));
  }
  return rendered;
}

/** The trees of `clusters/argocd/` and `clusters/flux/` for these rendered environments (all of them). */
export function renderDelivery(rendered: readonly RenderedEnvironment[]): EnvironmentTree[] {
  return deliveryTrees(rendered.map((r) => ({ env: r.environment, file: r.file })));
}
