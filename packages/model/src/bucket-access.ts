/**
 * Which components touch the bucket, and how, in this environment: read from each component's record (its
 * `bucket` access, see components.ts), for the IAM roles (irsa), the pods' object-storage wiring and the
 * NetworkPolicies' object-storage egress.
 */
import type { ComponentKind } from '@thanos-gitops/catalog';
import type { Environment } from '@thanos-gitops/schema';
import {
  type BucketAccess,
  componentRecord,
  enabledComponents,
  hasBucketAccess,
  NO_BUCKET_ACCESS,
} from './components.js';

export type { BucketAccess } from './components.js';

/** The kind of access a role grants: the least-privilege split of the roles. */
export type AccessClass = 'writer' | 'reader' | 'compactor';

export function accessClass(access: Readonly<BucketAccess>): AccessClass {
  if (access.delete) return 'compactor';
  return access.write ? 'writer' : 'reader';
}

/** What the component does with the bucket in this environment: nothing when it does not run. */
export function bucketAccessOf(env: Environment, component: ComponentKind): Readonly<BucketAccess> {
  const record = componentRecord(component);
  return record.enabled(env) ? record.bucket(env) : NO_BUCKET_ACCESS;
}

/** Whether the component runs in this environment and touches the bucket (a stateless ruler only remote-writes). */
export function touchesBucket(env: Environment, component: ComponentKind): boolean {
  return hasBucketAccess(bucketAccessOf(env, component));
}

/** The components of this environment that touch the bucket, in record order. */
export function bucketComponents(env: Environment): ComponentKind[] {
  return enabledComponents(env)
    .map((c) => c.kind)
    .filter((c) => touchesBucket(env, c));
}

/** The kinds of access in use, in the order writer, reader, compactor. */
export function accessClassesInUse(env: Environment): AccessClass[] {
  const used = new Set(bucketComponents(env).map((c) => accessClass(bucketAccessOf(env, c))));
  return (['writer', 'reader', 'compactor'] as const).filter((c) => used.has(c));
}
