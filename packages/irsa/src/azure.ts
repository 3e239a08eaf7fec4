/**
 * Azure: Azure Workload Identity. Each role is a user-assigned managed identity; each ServiceAccount that uses it
 * gets a federated identity credential (the cluster's OIDC issuer, `system:serviceaccount:<ns>:<sa>`, audience
 * `api://AzureADTokenExchange`), and the identity gets a data role on the container.
 */
import { terraformJson, tfRef } from '@thanos-gitops/output';
import type { Environment } from '@thanos-gitops/schema';
import { type CloudRole, cloudRoles, roleSuffix, tfName } from './roles.js';

type AzureIdentity = NonNullable<NonNullable<Environment['identity']>['azure']>;

export function azureIdentity(env: Environment): AzureIdentity | undefined {
  return env.objectStorage.provider === 'azure' ? env.identity?.azure : undefined;
}

export const AZURE_AUDIENCE = 'api://AzureADTokenExchange';

/** The managed identity name of a role: `<prefix>-<writer|reader|compactor|objstore>`. */
export function managedIdentityName(env: Environment, role: CloudRole | CloudRole['key']): string {
  return `${azureIdentity(env)?.identityPrefix}-${roleSuffix(typeof role === 'string' ? role : role.key)}`;
}

/** The client id the environment gives for a role (validated to be present by the rules). */
export function clientIdOf(env: Environment, role: CloudRole | CloudRole['key']): string | undefined {
  const key = typeof role === 'string' ? role : role.key;
  return (azureIdentity(env)?.clientIds as Record<string, string | undefined> | undefined)?.[key];
}

/**
 * Built-in data roles on the container: readers get `Storage Blob Data Reader`; anything that writes gets
 * `Storage Blob Data Contributor`, the narrowest built-in role that writes (it also deletes: Azure has no
 * built-in write-only data role).
 */
export function azureRole(access: CloudRole['access']): string {
  return access.write || access.delete ? 'Storage Blob Data Contributor' : 'Storage Blob Data Reader';
}

export function containerScope(env: Environment): string {
  const az = azureIdentity(env) as AzureIdentity;
  const s = env.objectStorage;
  return (
    `/subscriptions/${az.subscriptionId}/resourceGroups/${az.resourceGroup}/providers/Microsoft.Storage/` +
    `storageAccounts/${s.storageAccount}/blobServices/default/containers/${s.container}`
  );
}

export interface FederatedCredential {
  /** Credential name, unique per identity. */
  name: string;
  identityName: string;
  resourceGroup: string;
  issuer: string;
  subject: string;
  audiences: string[];
}

export function federatedCredentials(env: Environment): FederatedCredential[] {
  const az = azureIdentity(env);
  if (!az) return [];
  return cloudRoles(env).flatMap((role) =>
    role.serviceAccounts.map((sa) => ({
      name: `${env.cluster.name}-${env.namespace}-${sa}`,
      identityName: managedIdentityName(env, role),
      resourceGroup: az.resourceGroup,
      issuer: az.oidcIssuer,
      subject: `system:serviceaccount:${env.namespace}:${sa}`,
      audiences: [AZURE_AUDIENCE],
    })),
  );
}

export interface RoleAssignment {
  identityName: string;
  role: string;
  scope: string;
}

export function roleAssignments(env: Environment): RoleAssignment[] {
  if (!azureIdentity(env)) return [];
  return cloudRoles(env).map((role) => ({
    identityName: managedIdentityName(env, role),
    role: azureRole(role.access),
    scope: containerScope(env),
  }));
}

/** Terraform JSON: the managed identities, their federated credentials and role assignments, and their client ids. */
export function terraformAzure(env: Environment, header: string): Record<string, unknown> {
  const az = azureIdentity(env) as AzureIdentity;
  const rg = tfName(`${env.name}_${az.resourceGroup}`);
  const identities: Record<string, unknown> = {};
  const credentials: Record<string, unknown> = {};
  const assignments: Record<string, unknown> = {};
  const output: Record<string, unknown> = {};
  for (const role of cloudRoles(env)) {
    const id = tfName(managedIdentityName(env, role));
    identities[id] = {
      name: managedIdentityName(env, role),
      resource_group_name: az.resourceGroup,
      location: tfRef(`\${data.azurerm_resource_group.${rg}.location}`),
      tags: { 'app.kubernetes.io/part-of': 'thanos', 'thanos-gitops-environment': env.name },
    };
    assignments[id] = {
      scope: containerScope(env),
      role_definition_name: azureRole(role.access),
      principal_id: tfRef(`\${azurerm_user_assigned_identity.${id}.principal_id}`),
      principal_type: 'ServicePrincipal',
    };
    output[`${id}_client_id`] = {
      description: `identity.azure.clientIds.${role.key} of environments/${env.name}.yaml`,
      value: tfRef(`\${azurerm_user_assigned_identity.${id}.client_id}`),
    };
  }
  for (const c of federatedCredentials(env)) {
    credentials[tfName(c.name)] = {
      name: c.name,
      user_assigned_identity_id: tfRef(`\${azurerm_user_assigned_identity.${tfName(c.identityName)}.id}`),
      issuer: c.issuer,
      subject: c.subject,
      audience: c.audiences,
    };
  }
  return terraformJson({
    '//': header,
    terraform: { required_providers: { azurerm: { source: 'hashicorp/azurerm', version: '~> 5.0' } } },
    data: { azurerm_resource_group: { [rg]: { name: az.resourceGroup } } },
    resource: {
      azurerm_user_assigned_identity: identities,
      azurerm_federated_identity_credential: credentials,
      azurerm_role_assignment: assignments,
    },
    output,
  }) as Record<string, unknown>;
}
