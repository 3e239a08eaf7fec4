/** TODO(issue 3): alerts. Renders nothing yet. */
import type { Manifest } from '@thanos-gitops/core-model';
import type { RenderContext } from './context.js';

export function alerts(_ctx: RenderContext): Manifest[] {
  return [];
}
