import { basename } from 'node:path';

/**
 * Folder names under `clusters/` that hold the Argo CD and Flux objects, outside every environment's base. No
 * environment may be named after one of them.
 */
export const RESERVED_CLUSTERS_FOLDERS = ['argocd', 'flux'] as const;

/** A YAML file name (`.yaml` or `.yml`), as environment files and generated manifests are named. */
export const YAML_FILE = /\.ya?ml$/;

/** The environment a file defines: its base name without `.yaml` or `.yml` (`environments/prod.yaml` → `prod`). */
export function environmentName(path: string): string {
  return basename(path).replace(YAML_FILE, '');
}

/** The Kustomize file of every generated folder; every other file of an environment tree is one object. */
export const KUSTOMIZATION_FILE = 'kustomization.yaml';
