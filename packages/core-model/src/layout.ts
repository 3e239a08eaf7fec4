/**
 * Folder names under `clusters/` that hold the Argo CD and Flux objects, outside every environment's base. No
 * environment may be named after one of them.
 */
export const RESERVED_CLUSTERS_FOLDERS = ['argocd', 'flux'] as const;
