/**
 * The cloud roles of an environment, from the bucket access of each component's record (model): one role per kind of access
 * (`writer`, `reader`, `compactor`), or one `shared` role, each with the ServiceAccounts that assume it.
 */
import type { ComponentKind } from '@thanos-gitops/catalog';
import {
  type AccessClass,
  type BucketAccess,
  bucketAccessOf,
  bucketComponents,
  accessClass as classOf,
  componentRecord,
} from '@thanos-gitops/model';
import type { Environment } from '@thanos-gitops/schema';

export type RoleKey = AccessClass | 'shared';

export interface CloudRole {
  /** `writer`, `reader`, `compactor`, or `shared` with `roles: shared`. */
  key: RoleKey;
  /** The components whose pods assume it, in table order. */
  components: ComponentKind[];
  /** The union of their access. */
  access: BucketAccess;
  /** Their ServiceAccounts (namespace is the environment's), sorted. */
  serviceAccounts: string[];
}

/** The suffix of a role's name: `<prefix>-<suffix>`. */
export function roleSuffix(key: RoleKey): string {
  return key === 'shared' ? 'objstore' : key;
}

/** The ServiceAccount of a component (its record's application name): every pod of the component runs under it. */
export function serviceAccountOf(component: ComponentKind): string {
  return componentRecord(component).app;
}

/** How the roles are split: per kind of access unless the environment's identity asks for one shared role. */
export function roleSplit(env: Environment): 'perAccess' | 'shared' {
  const id = env.identity;
  return id?.aws?.roles ?? id?.gcp?.roles ?? id?.azure?.roles ?? 'perAccess';
}

/** The role a component assumes, or undefined when it does not touch the bucket in this environment. */
export function roleKeyOf(env: Environment, component: ComponentKind): RoleKey | undefined {
  if (!bucketComponents(env).includes(component)) return undefined;
  if (roleSplit(env) === 'shared') return 'shared';
  return classOf(bucketAccessOf(env, component));
}

/** Every role the environment needs, in the order writer, reader, compactor (or the one shared role). */
export function cloudRoles(env: Environment): CloudRole[] {
  const byKey = new Map<RoleKey, CloudRole>();
  for (const component of bucketComponents(env)) {
    const key = roleKeyOf(env, component) as RoleKey;
    const access = bucketAccessOf(env, component);
    const role = byKey.get(key) ?? {
      key,
      components: [],
      access: { read: false, write: false, delete: false },
      serviceAccounts: [],
    };
    role.components.push(component);
    role.access = {
      read: role.access.read || access.read,
      write: role.access.write || access.write,
      delete: role.access.delete || access.delete,
    };
    const sa = serviceAccountOf(component);
    if (!role.serviceAccounts.includes(sa)) role.serviceAccounts = [...role.serviceAccounts, sa].sort();
    byKey.set(key, role);
  }
  const order: RoleKey[] = ['writer', 'reader', 'compactor', 'shared'];
  return order.flatMap((k) => {
    const r = byKey.get(k);
    return r ? [r] : [];
  });
}

/** A Terraform resource name for `s`: anything but letters, digits and `_` becomes `_`. */
export const tfName = (s: string) => s.replace(/[^A-Za-z0-9_]/g, '_');
