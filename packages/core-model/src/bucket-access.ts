/**
 * Which components touch the bucket, and how: the one table the IAM roles (irsa), the object-storage wiring of the
 * pods and the NetworkPolicies' object-storage egress all read.
 */
import type { ComponentKind } from './contributions.js';
import type { Environment } from './schema/environment.js';

/** What a component does with the bucket. */
export interface BucketAccess {
  /** Get and list objects. */
  read: boolean;
  /** Put objects (blocks, markers). */
  write: boolean;
  /** Delete objects (retention, compacted and deletion-marked blocks). */
  delete: boolean;
}

const READ: BucketAccess = Object.freeze({ read: true, write: false, delete: false });
const READ_WRITE: BucketAccess = Object.freeze({ read: true, write: true, delete: false });
const READ_WRITE_DELETE: BucketAccess = Object.freeze({ read: true, write: true, delete: true });

/**
 * Bucket access per component. Ingestors and a stateful ruler upload the blocks they cut; the store gateway and
 * bucket web only read; the compactor rewrites, marks and deletes. The others never touch the bucket.
 */
export const BUCKET_ACCESS: Readonly<Partial<Record<ComponentKind, BucketAccess>>> = Object.freeze({
  'receive-ingestor': READ_WRITE,
  ruler: READ_WRITE,
  'store-gateway': READ,
  'bucket-web': READ,
  compactor: READ_WRITE_DELETE,
});

/** The kind of access a role grants: the least-privilege split of the roles. */
export type AccessClass = 'writer' | 'reader' | 'compactor';

export function accessClass(access: BucketAccess): AccessClass {
  if (access.delete) return 'compactor';
  return access.write ? 'writer' : 'reader';
}

/** Whether the component runs in this environment and touches the bucket (a stateless ruler only remote-writes). */
export function touchesBucket(env: Environment, component: ComponentKind): boolean {
  if (!BUCKET_ACCESS[component]) return false;
  switch (component) {
    case 'receive-ingestor':
      return env.receive.enabled;
    case 'ruler':
      return env.ruler.enabled && env.ruler.mode === 'stateful';
    case 'store-gateway':
      return env.storeGateway.enabled;
    case 'bucket-web':
      return env.bucketWeb.enabled;
    case 'compactor':
      return env.compactor.enabled;
    default:
      return true;
  }
}

/** The components of this environment that touch the bucket, in table order. */
export function bucketComponents(env: Environment): ComponentKind[] {
  return (Object.keys(BUCKET_ACCESS) as ComponentKind[]).filter((c) => touchesBucket(env, c));
}

/** The kinds of access in use, in the order writer, reader, compactor. */
export function accessClassesInUse(env: Environment): AccessClass[] {
  const used = new Set(bucketComponents(env).map((c) => accessClass(BUCKET_ACCESS[c] as BucketAccess)));
  return (['writer', 'reader', 'compactor'] as const).filter((c) => used.has(c));
}
