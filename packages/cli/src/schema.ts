/** `schema`: print the JSON Schema of environment files. */
import { editorSchemaText } from '@thanos-gitops/core-model';
import type { Io } from './io.js';

export function schema(io: Io): number {
  io.out(editorSchemaText());
  return 0;
}
