/** TODO(issue 3): ruler. Renders nothing yet. */
import type { Manifest } from '@thanos-gitops/core-model';
import type { RenderContext } from './context.js';

export function ruler(_ctx: RenderContext): Manifest[] {
  return [];
}
