/** Shared by the irsa tests: an environment loaded from a few lines of YAML, and Terraform's reference syntax. */
import { loadEnvironments } from '@thanos-gitops/input';
import type { Environment } from '@thanos-gitops/schema';

/** Loads `name: t` on cluster `c` with the given object storage fields and any extra top-level YAML. */
export const load = (extra: string, storage: string): Environment => {
  const text = `name: t\ncluster: { name: c }\nobjectStorage: { ${storage} }\n${extra}`;
  const [l] = loadEnvironments([{ path: 'environments/t.yaml', text }]);
  if (!l) throw new Error('not loaded');
  return l.env;
};

/** A Terraform reference, `${expr}`. */
export const ref = (expr: string) => `${'${'}${expr}}`;
