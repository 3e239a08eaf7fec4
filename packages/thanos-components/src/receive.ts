/** TODO(issue 3): receive. Renders nothing yet. */
import type { Manifest } from '@thanos-gitops/core-model';
import type { RenderContext } from './context.js';

export function receive(_ctx: RenderContext): Manifest[] {
  return [];
}
