/** TODO(issue 3): memcached. Renders nothing yet. */
import type { Manifest } from '@thanos-gitops/core-model';
import type { RenderContext } from './context.js';

export function memcached(_ctx: RenderContext): Manifest[] {
  return [];
}
