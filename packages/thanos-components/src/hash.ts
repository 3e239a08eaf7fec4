import { createHash } from 'node:crypto';

/** A short, stable content hash for pod annotations that roll a workload when its config changes. */
export function contentHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}
