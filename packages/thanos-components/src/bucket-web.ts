/** TODO(issue 3): bucket-web. Renders nothing yet. */
import type { Manifest } from '@thanos-gitops/core-model';
import type { RenderContext } from './context.js';

export function bucketWeb(_ctx: RenderContext): Manifest[] {
  return [];
}
