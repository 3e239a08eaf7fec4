/**
 * Google Cloud: GKE Workload Identity. Each role is a Google service account that the Kubernetes ServiceAccounts
 * impersonate (`roles/iam.workloadIdentityUser` for `serviceAccount:<project>.svc.id.goog[<ns>/<ksa>]`), with
 * bucket roles by the same least-privilege split as on AWS.
 */
import { terraformJson, tfRef } from '@thanos-gitops/output';
import type { Environment } from '@thanos-gitops/schema';
import { type CloudRole, cloudRoles, roleSuffix, tfName } from './roles.js';

type GcpIdentity = NonNullable<NonNullable<Environment['identity']>['gcp']>;

export function gcpIdentity(env: Environment): GcpIdentity | undefined {
  return env.objectStorage.provider === 'gcs' ? env.identity?.gcp : undefined;
}

export const WORKLOAD_IDENTITY_USER = 'roles/iam.workloadIdentityUser';

/** The Google service account id of a role: `<prefix>-<writer|reader|compactor|objstore>`. */
export function gsaId(env: Environment, role: CloudRole | CloudRole['key']): string {
  return `${gcpIdentity(env)?.serviceAccountPrefix}-${roleSuffix(typeof role === 'string' ? role : role.key)}`;
}

export function gsaEmail(env: Environment, role: CloudRole | CloudRole['key']): string {
  return `${gsaId(env, role)}@${gcpIdentity(env)?.projectId}.iam.gserviceaccount.com`;
}

/** The Workload Identity member of a Kubernetes ServiceAccount. */
export function workloadIdentityMember(env: Environment, serviceAccount: string): string {
  return `serviceAccount:${gcpIdentity(env)?.projectId}.svc.id.goog[${env.namespace}/${serviceAccount}]`;
}

/**
 * Predefined bucket roles per kind of access: read is `objectViewer` (get, list); write adds `objectCreator` (create,
 * never overwrite or delete); delete needs `objectUser` (get, list, create, delete), the narrowest predefined role
 * that deletes.
 */
export function gcsRoles(access: CloudRole['access']): string[] {
  if (access.delete) return ['roles/storage.objectUser'];
  const out: string[] = [];
  if (access.read) out.push('roles/storage.objectViewer');
  if (access.write) out.push('roles/storage.objectCreator');
  return out;
}

export interface IamBinding {
  role: string;
  members: string[];
}

/** The IAM policy of a Google service account: who may impersonate it (`gcloud iam service-accounts set-iam-policy`). */
export function gsaPolicy(env: Environment, role: CloudRole): { bindings: IamBinding[] } {
  return {
    bindings: [
      { role: WORKLOAD_IDENTITY_USER, members: role.serviceAccounts.map((sa) => workloadIdentityMember(env, sa)) },
    ],
  };
}

/** The bucket bindings of every role, merged by bucket role, in IAM policy form. */
export function bucketBindings(env: Environment): { bindings: IamBinding[] } {
  const byRole = new Map<string, string[]>();
  for (const role of cloudRoles(env)) {
    for (const r of gcsRoles(role.access))
      byRole.set(r, [...(byRole.get(r) ?? []), `serviceAccount:${gsaEmail(env, role)}`]);
  }
  return {
    bindings: [...byRole.keys()].sort().map((role) => ({ role, members: [...(byRole.get(role) ?? [])].sort() })),
  };
}

/** Terraform JSON: the Google service accounts, the Workload Identity bindings and the bucket bindings. */
export function terraformGcp(env: Environment, header: string): Record<string, unknown> {
  const gcp = gcpIdentity(env) as GcpIdentity;
  const accounts: Record<string, unknown> = {};
  const saMembers: Record<string, unknown> = {};
  const bucketMembers: Record<string, unknown> = {};
  for (const role of cloudRoles(env)) {
    const id = tfName(gsaId(env, role));
    accounts[id] = {
      project: gcp.projectId,
      account_id: gsaId(env, role),
      display_name: `Thanos ${env.name} ${roleSuffix(role.key)}`,
      description: `Thanos ${env.name}: bucket access of ${role.components.join(', ')}`,
    };
    for (const sa of role.serviceAccounts) {
      saMembers[tfName(`${gsaId(env, role)}_${sa}`)] = {
        service_account_id: tfRef(`\${google_service_account.${id}.name}`),
        role: WORKLOAD_IDENTITY_USER,
        member: workloadIdentityMember(env, sa),
      };
    }
    for (const r of gcsRoles(role.access)) {
      bucketMembers[tfName(`${gsaId(env, role)}_${r.replace('roles/storage.', '')}`)] = {
        bucket: env.objectStorage.bucket,
        role: r,
        member: tfRef(`serviceAccount:\${google_service_account.${id}.email}`),
      };
    }
  }
  return terraformJson({
    '//': header,
    resource: {
      google_service_account: accounts,
      google_service_account_iam_member: saMembers,
      google_storage_bucket_iam_member: bucketMembers,
    },
  }) as Record<string, unknown>;
}
