/** `schema`: print the JSON Schema of environment files. */
import { editorSchemaText } from '@thanos-gitops/schema';
import type { Io } from './io.js';

export function schema(io: Io): number {
  io.out(editorSchemaText());
  return 0;
}
