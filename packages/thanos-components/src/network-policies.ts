/** TODO(issue 3): network-policies. Renders nothing yet. */
import type { Manifest } from '@thanos-gitops/core-model';
import type { RenderContext } from './context.js';

export function networkPolicies(_ctx: RenderContext): Manifest[] {
  return [];
}
