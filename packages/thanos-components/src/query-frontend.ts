/** TODO(issue 3): query-frontend. Renders nothing yet. */
import type { Manifest } from '@thanos-gitops/core-model';
import type { RenderContext } from './context.js';

export function queryFrontend(_ctx: RenderContext): Manifest[] {
  return [];
}
