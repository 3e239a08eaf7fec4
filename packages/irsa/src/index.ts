/**
 * Cloud identity without static keys. The pods that touch the bucket run under ServiceAccounts tied to a cloud
 * role per kind of access (AWS IRSA or EKS Pod Identity, GKE Workload Identity, Azure Workload Identity); the
 * object-storage config carries no credentials; and the documents that create the roles are written under
 * `clusters/<env>/iam/`, outside what Kustomize applies.
 */
import type { ComponentKind } from '@thanos-gitops/catalog';
import type { IdentityContribution, PodIdentity } from '@thanos-gitops/model';
import type { Environment } from '@thanos-gitops/schema';
import { awsIdentity, roleArnOf } from './aws.js';
import { azureIdentity, clientIdOf } from './azure.js';
import { gcpIdentity, gsaEmail } from './gcp.js';
import { objstoreConfig, selfManagedS3 } from './objstore.js';
import { roleKeyOf } from './roles.js';

export * from './aws.js';
export * from './azure.js';
export { documents, IAM_FOLDER } from './documents.js';
export * from './gcp.js';
export { objstoreConfig, selfManagedS3 } from './objstore.js';
export * from './roles.js';

const NO_IDENTITY: PodIdentity = Object.freeze({
  serviceAccountAnnotations: {},
  podLabels: {},
  env: [],
}) as PodIdentity;

/** ServiceAccount annotation of IRSA. */
export const IRSA_ROLE_ANNOTATION = 'eks.amazonaws.com/role-arn';
export const GKE_GSA_ANNOTATION = 'iam.gke.io/gcp-service-account';
export const AZURE_CLIENT_ID_ANNOTATION = 'azure.workload.identity/client-id';
export const AZURE_TENANT_ID_ANNOTATION = 'azure.workload.identity/tenant-id';
export const AZURE_USE_LABEL = 'azure.workload.identity/use';

/** The role ARN a component's ServiceAccount carries with IRSA (none with Pod Identity or without AWS identity). */
export function roleArn(env: Environment, component: ComponentKind): string | undefined {
  const key = roleKeyOf(env, component);
  if (!key || !awsIdentity(env)) return undefined;
  return roleArnOf(env, key);
}

/** What the pods of a component carry: annotations on its ServiceAccount, labels and environment variables. */
export function podIdentity(env: Environment, component: ComponentKind): PodIdentity {
  const key = roleKeyOf(env, component);
  if (!key) return NO_IDENTITY;
  const aws = awsIdentity(env);
  if (aws) {
    if (aws.mode === 'podIdentity') return NO_IDENTITY;
    return {
      serviceAccountAnnotations: {
        [IRSA_ROLE_ANNOTATION]: roleArnOf(env, key),
        'eks.amazonaws.com/sts-regional-endpoints': 'true',
      },
      podLabels: {},
      env: [],
    };
  }
  if (gcpIdentity(env)) {
    return { serviceAccountAnnotations: { [GKE_GSA_ANNOTATION]: gsaEmail(env, key) }, podLabels: {}, env: [] };
  }
  const az = azureIdentity(env);
  if (az) {
    return {
      serviceAccountAnnotations: {
        [AZURE_CLIENT_ID_ANNOTATION]: clientIdOf(env, key) ?? '',
        [AZURE_TENANT_ID_ANNOTATION]: az.tenantId,
      },
      podLabels: { [AZURE_USE_LABEL]: 'true' },
      env: [],
    };
  }
  const secret = env.objectStorage.credentialsSecret;
  if (selfManagedS3(env) && secret) {
    const from = (key: string) => ({ secretKeyRef: { name: secret.name, key } });
    return {
      serviceAccountAnnotations: {},
      podLabels: {},
      env: [
        { name: 'AWS_ACCESS_KEY_ID', valueFrom: from(secret.accessKeyIdKey) },
        { name: 'AWS_SECRET_ACCESS_KEY', valueFrom: from(secret.secretAccessKeyKey) },
      ],
    };
  }
  return NO_IDENTITY;
}

/** Whether the component touches the bucket in this environment. */
export function needsBucket(env: Environment, component: ComponentKind): boolean {
  return roleKeyOf(env, component) !== undefined;
}

export function identity(env: Environment): IdentityContribution {
  return {
    objstoreConfig: objstoreConfig(env),
    forComponent: (component) => podIdentity(env, component),
  };
}
