/**
 * Assembles an environment's objects into its Kustomize base: one YAML file per object in a folder per
 * component, and the `kustomization.yaml` that lists them and applies the environment's patches.
 */
import { type Manifest, manifestFile, manifestYaml, yamlText } from '@thanos-gitops/manifests';
import {
  type EnvironmentTree,
  generatedHeader,
  isGenerated,
  KUSTOMIZATION_FILE,
  OWNED_INDEX,
  ownedIndexText,
} from '@thanos-gitops/output';
import type { Environment } from '@thanos-gitops/schema';

export const KUSTOMIZATION = KUSTOMIZATION_FILE;

/** `kustomization.yaml` data for the given resource files. */
export function kustomization(env: Environment, resources: readonly string[]): Record<string, unknown> {
  const k: Record<string, unknown> = {
    apiVersion: 'kustomize.config.k8s.io/v1beta1',
    kind: 'Kustomization',
    resources: [...resources].sort(),
  };
  if (env.patches.length > 0) {
    k.patches = env.patches.map((p) => ({
      target: { ...p.target },
      patch: p.patch,
    }));
  }
  return k;
}

/**
 * The file tree of `clusters/<env>/`. Throws when two objects would land in the same file, which
 * would mean two objects with the same kind and name. `documents` are files outside what Kustomize applies
 * (IAM documents under `iam/`, …): written as given, not listed in `kustomization.yaml`; those without the
 * generated header (JSON) are listed in the ownership index so that `generate` keeps owning them.
 */
export function assembleTree(
  env: Environment,
  environmentFile: string,
  manifests: readonly Manifest[],
  documents: ReadonlyMap<string, string> = new Map(),
  /** The objects as plain data (`toPlain`), when the caller has them already: each object is converted once. */
  plain?: readonly Record<string, unknown>[],
  /** Their YAML (`manifestBody`), when the caller has it already: each object is written once. */
  bodies?: readonly string[],
): EnvironmentTree {
  const files = new Map<string, string>();
  for (const [i, m] of manifests.entries()) {
    const path = manifestFile(m);
    if (files.has(path)) throw new Error(`two objects render to ${path}: ${m.object.kind} ${m.object.metadata?.name}`);
    files.set(path, manifestYaml(m.object, environmentFile, plain?.[i], bodies?.[i]));
  }
  const k = kustomization(env, [...files.keys()]);
  files.set(KUSTOMIZATION, `${generatedHeader(environmentFile)}\n${yamlText(k)}`);
  const headerless: string[] = [];
  for (const [path, text] of documents) {
    if (files.has(path) || path === OWNED_INDEX) throw new Error(`document ${path} collides with a generated file`);
    files.set(path, text);
    if (!isGenerated(text)) headerless.push(path);
  }
  if (headerless.length > 0) files.set(OWNED_INDEX, ownedIndexText(generatedHeader(environmentFile), headerless));
  return { env: env.name, files: new Map([...files].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) };
}
