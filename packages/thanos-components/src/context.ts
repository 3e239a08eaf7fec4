/** What every component renderer receives: the environment and what identity and TLS give its pods. */
import type { Manifest } from '@thanos-gitops/manifests';
import type { IdentityContribution, TlsContribution } from '@thanos-gitops/model';
import type { FieldPath } from '@thanos-gitops/problems';
import type { Environment } from '@thanos-gitops/schema';
import type { BuiltPod } from './built-pod.js';

export interface RenderContext {
  env: Environment;
  /** The environment file, as named in generated headers and messages. */
  file: string;
  identity: IdentityContribution;
  tls: TlsContribution;
  /** Records a problem with the environment at a field; rendering goes on so all problems are reported. */
  report(path: FieldPath, message: string): void;
  /**
   * Where `thanosPodTemplate` records the pods it builds, so that `renderComponents` checks the escape hatches of
   * each section once, against all of its pods (`checkPodOptions`). Set by `renderComponents`.
   */
  pods?: BuiltPod[];
}

/** A component renderer: one file of this package each, named after the component. */
export type ComponentRenderer = (ctx: RenderContext) => Manifest[];
