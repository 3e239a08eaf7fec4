/**
 * Google Cloud and Azure documents as their tools read them (the Terraform resources and references, the bucket and
 * container roles), the role split for every cloud, what each pod carries, and objstore.yml for a hand-built S3
 * environment. Every test loads and renders for itself (mutation testing's per-test coverage).
 */
import type { Environment } from '@thanos-gitops/schema';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  AZURE_CLIENT_ID_ANNOTATION,
  AZURE_TENANT_ID_ANNOTATION,
  AZURE_USE_LABEL,
  azureIdentity,
  azureRole,
  bucketBindings,
  type CloudRole,
  clientIdOf,
  cloudRoles,
  federatedCredentials,
  GKE_GSA_ANNOTATION,
  gcpIdentity,
  gcsRoles,
  gsaEmail,
  gsaPolicy,
  IRSA_ROLE_ANNOTATION,
  identity,
  managedIdentityName,
  objstoreConfig,
  podIdentity,
  roleArn,
  roleAssignments,
  roleKeyOf,
  roleSplit,
  selfManagedS3,
  serviceAccountOf,
  terraformAzure,
  terraformGcp,
} from '../src/index.js';
import { load, ref } from './support.js';

const GUID = (n: number) => `${String(n).repeat(8)}-0000-0000-0000-000000000000`;
const S3 = 'provider: s3, bucket: acme-thanos-t, region: eu-west-1';
const IRSA = 'identity: { aws: { accountId: "123456789012", oidcProvider: oidc.eks.eu-west-1.amazonaws.com/id/X } }\n';
const GCS = 'provider: gcs, bucket: acme-thanos-t';
const GKE = 'identity: { gcp: { projectId: acme-obs-1 } }\n';
const GKE_SHARED = 'identity: { gcp: { projectId: acme-obs-1, roles: shared } }\n';
const AZURE = 'provider: azure, storageAccount: acmethanos, container: thanos-t';
const AZURE_IDS = `tenantId: ${GUID(1)}, subscriptionId: ${GUID(2)}, resourceGroup: rg-obs, oidcIssuer: "https://oidc.prod-aks.azure.com/abc/"`;
const AZURE_ID = `identity: { azure: { ${AZURE_IDS}, clientIds: { writer: ${GUID(3)}, reader: ${GUID(4)}, compactor: ${GUID(5)} } } }\n`;
const AZURE_SHARED = `identity: { azure: { ${AZURE_IDS}, roles: shared, clientIds: { shared: ${GUID(6)} } } }\n`;
const MINIO =
  'provider: s3, bucket: thanos, region: us-east-1, endpoint: "minio.minio.svc.cluster.local:9000", insecure: true';
const SCOPE = `/subscriptions/${GUID(2)}/resourceGroups/rg-obs/providers/Microsoft.Storage/storageAccounts/acmethanos/blobServices/default/containers/thanos-t`;

function role(env: Environment, key: CloudRole['key']): CloudRole {
  const r = cloudRoles(env).find((x) => x.key === key);
  if (!r) throw new Error(`no role ${key}`);
  return r;
}

describe('the role split, per cloud', () => {
  it('per access unless the identity of any cloud asks for one shared role', () => {
    expect(roleSplit(load(IRSA, S3))).toBe('perAccess');
    expect(roleSplit(load(GKE, GCS))).toBe('perAccess');
    expect(roleSplit(load(GKE_SHARED, GCS))).toBe('shared');
    expect(roleSplit(load(AZURE_SHARED, AZURE))).toBe('shared');
    expect(roleSplit(load('', S3))).toBe('perAccess');
  });

  it('a shared role has the union of every access and every ServiceAccount, sorted', () => {
    const env = load(`${GKE_SHARED}ruler: { enabled: true, mode: stateful }\nbucketWeb: { enabled: true }\n`, GCS);
    expect(cloudRoles(env)).toEqual([
      {
        key: 'shared',
        components: ['receive-ingestor', 'store-gateway', 'compactor', 'ruler', 'bucket-web'],
        access: { read: true, write: true, delete: true },
        serviceAccounts: [
          'thanos-bucket-web',
          'thanos-compact',
          'thanos-receive-ingestor',
          'thanos-rule',
          'thanos-store',
        ],
      },
    ]);
    expect(roleKeyOf(env, 'store-gateway')).toBe('shared');
    expect(roleKeyOf(env, 'query')).toBeUndefined();
  });

  it('per access: read-only roles never write or delete, the writer never deletes', () => {
    const env = load(GKE, GCS);
    expect(cloudRoles(env).map((r) => [r.key, r.access, r.serviceAccounts])).toEqual([
      ['writer', { read: true, write: true, delete: false }, ['thanos-receive-ingestor']],
      ['reader', { read: true, write: false, delete: false }, ['thanos-store']],
      ['compactor', { read: true, write: true, delete: true }, ['thanos-compact']],
    ]);
    expect(serviceAccountOf('compactor')).toBe('thanos-compact');
  });
});

describe('Google Cloud', () => {
  it('bucket roles: objectViewer to read, objectCreator to write, objectUser to delete', () => {
    expect(gcsRoles({ read: true, write: false, delete: false })).toEqual(['roles/storage.objectViewer']);
    expect(gcsRoles({ read: false, write: true, delete: false })).toEqual(['roles/storage.objectCreator']);
    expect(gcsRoles({ read: true, write: true, delete: false })).toEqual([
      'roles/storage.objectViewer',
      'roles/storage.objectCreator',
    ]);
    expect(gcsRoles({ read: true, write: true, delete: true })).toEqual(['roles/storage.objectUser']);
    expect(gcsRoles({ read: false, write: false, delete: false })).toEqual([]);
  });

  it('a shared role is one service account with objectUser, impersonated by every ServiceAccount', () => {
    const env = load(GKE_SHARED, GCS);
    expect(gsaEmail(env, 'shared')).toBe('thanos-t-objstore@acme-obs-1.iam.gserviceaccount.com');
    expect(bucketBindings(env)).toEqual({
      bindings: [
        {
          role: 'roles/storage.objectUser',
          members: ['serviceAccount:thanos-t-objstore@acme-obs-1.iam.gserviceaccount.com'],
        },
      ],
    });
    expect(gsaPolicy(env, role(env, 'shared')).bindings[0]?.members).toEqual([
      'serviceAccount:acme-obs-1.svc.id.goog[thanos/thanos-compact]',
      'serviceAccount:acme-obs-1.svc.id.goog[thanos/thanos-receive-ingestor]',
      'serviceAccount:acme-obs-1.svc.id.goog[thanos/thanos-store]',
    ]);
  });

  it('Terraform: service accounts, Workload Identity members and bucket members, by reference', () => {
    const env = load(GKE, GCS);
    const tf = terraformGcp(env, '# h') as { '//': string; resource: Record<string, Record<string, unknown>> };
    expect(tf['//']).toBe('# h');
    const r = tf.resource;
    expect(Object.keys(r)).toEqual([
      'google_service_account',
      'google_service_account_iam_member',
      'google_storage_bucket_iam_member',
    ]);
    expect(r.google_service_account?.thanos_t_writer).toEqual({
      project: 'acme-obs-1',
      account_id: 'thanos-t-writer',
      display_name: 'Thanos t writer',
      description: 'Thanos t: bucket access of receive-ingestor',
    });
    expect(r.google_service_account_iam_member?.thanos_t_reader_thanos_store).toEqual({
      service_account_id: ref('google_service_account.thanos_t_reader.name'),
      role: 'roles/iam.workloadIdentityUser',
      member: 'serviceAccount:acme-obs-1.svc.id.goog[thanos/thanos-store]',
    });
    expect(Object.keys(r.google_storage_bucket_iam_member ?? {})).toEqual([
      'thanos_t_writer_objectViewer',
      'thanos_t_writer_objectCreator',
      'thanos_t_reader_objectViewer',
      'thanos_t_compactor_objectUser',
    ]);
    expect(r.google_storage_bucket_iam_member?.thanos_t_compactor_objectUser).toEqual({
      bucket: 'acme-thanos-t',
      role: 'roles/storage.objectUser',
      member: `serviceAccount:${ref('google_service_account.thanos_t_compactor.email')}`,
    });
  });
  it('Terraform: a service account of several components names them all', () => {
    const env = load(`${GKE}ruler: { enabled: true, mode: stateful }\n`, GCS);
    const tf = terraformGcp(env, '# h') as { resource: Record<string, Record<string, any>> };
    expect(tf.resource.google_service_account?.thanos_t_writer?.description).toBe(
      'Thanos t: bucket access of receive-ingestor, ruler',
    );
  });

  it('no Google identity for a bucket elsewhere, even if one is attached', () => {
    const s3 = load(IRSA, S3);
    const env = { ...s3, identity: { gcp: load(GKE, GCS).identity?.gcp } } as Environment;
    expect(gcpIdentity(env)).toBeUndefined();
  });
});

describe('Azure', () => {
  it('data roles: Reader to read, Contributor for anything that writes or deletes', () => {
    expect(azureRole({ read: true, write: false, delete: false })).toBe('Storage Blob Data Reader');
    expect(azureRole({ read: true, write: true, delete: false })).toBe('Storage Blob Data Contributor');
    expect(azureRole({ read: false, write: false, delete: true })).toBe('Storage Blob Data Contributor');
  });

  it('one role assignment per identity on the container; one federated credential per ServiceAccount', () => {
    const env = load(AZURE_ID, AZURE);
    expect(roleAssignments(env)).toEqual([
      { identityName: 'thanos-t-writer', role: 'Storage Blob Data Contributor', scope: SCOPE },
      { identityName: 'thanos-t-reader', role: 'Storage Blob Data Reader', scope: SCOPE },
      { identityName: 'thanos-t-compactor', role: 'Storage Blob Data Contributor', scope: SCOPE },
    ]);
    expect(federatedCredentials(env)[1]).toEqual({
      name: 'c-thanos-thanos-store',
      identityName: 'thanos-t-reader',
      resourceGroup: 'rg-obs',
      issuer: 'https://oidc.prod-aks.azure.com/abc/',
      subject: 'system:serviceaccount:thanos:thanos-store',
      audiences: ['api://AzureADTokenExchange'],
    });
    expect(clientIdOf(env, 'reader')).toBe(GUID(4));
    expect(clientIdOf(env, role(env, 'compactor'))).toBe(GUID(5));
  });

  it('nothing Azure for another cloud', () => {
    const env = load(GKE, GCS);
    expect(roleAssignments(env)).toEqual([]);
    expect(federatedCredentials(env)).toEqual([]);
  });

  it('no Azure identity for a bucket elsewhere, even if one is attached', () => {
    const gcs = load(GKE, GCS);
    const env = { ...gcs, identity: { azure: load(AZURE_ID, AZURE).identity?.azure } } as Environment;
    expect(azureIdentity(env)).toBeUndefined();
    expect(roleAssignments(env)).toEqual([]);
    expect(federatedCredentials(env)).toEqual([]);
    expect(podIdentity(env, 'compactor')).toEqual({ serviceAccountAnnotations: {}, podLabels: {}, env: [] });
  });

  it('a shared identity: named objstore, Contributor, its own client id', () => {
    const env = load(AZURE_SHARED, AZURE);
    expect(managedIdentityName(env, 'shared')).toBe('thanos-t-objstore');
    expect(roleAssignments(env)).toEqual([
      { identityName: 'thanos-t-objstore', role: 'Storage Blob Data Contributor', scope: SCOPE },
    ]);
    expect(podIdentity(env, 'store-gateway').serviceAccountAnnotations[AZURE_CLIENT_ID_ANNOTATION]).toBe(GUID(6));
  });

  it('Terraform: the provider, the resource group, identities, credentials, assignments, client-id outputs', () => {
    const env = load(AZURE_ID, AZURE);
    const tf = terraformAzure(env, '# h') as Record<string, any>;
    expect(tf['//']).toBe('# h');
    expect(tf.terraform).toEqual({
      required_providers: { azurerm: { source: 'hashicorp/azurerm', version: '~> 5.0' } },
    });
    expect(tf.data).toEqual({ azurerm_resource_group: { t_rg_obs: { name: 'rg-obs' } } });
    expect(Object.keys(tf.resource)).toEqual([
      'azurerm_user_assigned_identity',
      'azurerm_federated_identity_credential',
      'azurerm_role_assignment',
    ]);
    expect(tf.resource.azurerm_user_assigned_identity.thanos_t_reader).toEqual({
      name: 'thanos-t-reader',
      resource_group_name: 'rg-obs',
      location: ref('data.azurerm_resource_group.t_rg_obs.location'),
      tags: { 'app.kubernetes.io/part-of': 'thanos', 'thanos-gitops-environment': 't' },
    });
    expect(tf.resource.azurerm_federated_identity_credential.c_thanos_thanos_store).toEqual({
      name: 'c-thanos-thanos-store',
      user_assigned_identity_id: ref('azurerm_user_assigned_identity.thanos_t_reader.id'),
      issuer: 'https://oidc.prod-aks.azure.com/abc/',
      subject: 'system:serviceaccount:thanos:thanos-store',
      audience: ['api://AzureADTokenExchange'],
    });
    expect(tf.resource.azurerm_role_assignment.thanos_t_compactor).toEqual({
      scope: SCOPE,
      role_definition_name: 'Storage Blob Data Contributor',
      principal_id: ref('azurerm_user_assigned_identity.thanos_t_compactor.principal_id'),
      principal_type: 'ServicePrincipal',
    });
    expect(tf.output.thanos_t_writer_client_id).toEqual({
      description: 'identity.azure.clientIds.writer of environments/t.yaml',
      value: ref('azurerm_user_assigned_identity.thanos_t_writer.client_id'),
    });
  });
});

describe('what the pods carry', () => {
  it('under the names EKS, GKE and the Azure webhook read', () => {
    expect(Object.keys(podIdentity(load(IRSA, S3), 'compactor').serviceAccountAnnotations)).toContain(
      'eks.amazonaws.com/role-arn',
    );
    expect(Object.keys(podIdentity(load(GKE, GCS), 'compactor').serviceAccountAnnotations)).toEqual([
      'iam.gke.io/gcp-service-account',
    ]);
    const azure = podIdentity(load(AZURE_ID, AZURE), 'compactor');
    expect(Object.keys(azure.serviceAccountAnnotations)).toEqual([
      'azure.workload.identity/client-id',
      'azure.workload.identity/tenant-id',
    ]);
    expect(azure.podLabels).toEqual({ 'azure.workload.identity/use': 'true' });
  });

  it('IRSA: the role ARN and regional STS endpoints on the ServiceAccount, nothing else', () => {
    expect(podIdentity(load(IRSA, S3), 'compactor')).toEqual({
      serviceAccountAnnotations: {
        [IRSA_ROLE_ANNOTATION]: 'arn:aws:iam::123456789012:role/thanos-t-compactor',
        'eks.amazonaws.com/sts-regional-endpoints': 'true',
      },
      podLabels: {},
      env: [],
    });
  });

  it('GKE: the Google service account only', () => {
    expect(podIdentity(load(GKE, GCS), 'receive-ingestor')).toEqual({
      serviceAccountAnnotations: { [GKE_GSA_ANNOTATION]: 'thanos-t-writer@acme-obs-1.iam.gserviceaccount.com' },
      podLabels: {},
      env: [],
    });
    expect(roleArn(load(GKE, GCS), 'compactor')).toBeUndefined();
  });

  it('Azure: client and tenant id, and the label the webhook selects', () => {
    expect(podIdentity(load(AZURE_ID, AZURE), 'compactor')).toEqual({
      serviceAccountAnnotations: { [AZURE_CLIENT_ID_ANNOTATION]: GUID(5), [AZURE_TENANT_ID_ANNOTATION]: GUID(1) },
      podLabels: { [AZURE_USE_LABEL]: 'true' },
      env: [],
    });
  });

  it('a component that never touches the bucket carries nothing, whatever the cloud', () => {
    const none = { serviceAccountAnnotations: {}, podLabels: {}, env: [] };
    for (const env of [load(IRSA, S3), load(GKE, GCS), load(AZURE_ID, AZURE)])
      expect(podIdentity(env, 'query-frontend')).toEqual(none);
  });

  it('a self-managed S3 without a credentials Secret: nothing (the keys come from elsewhere)', () => {
    expect(podIdentity(load('', MINIO), 'compactor')).toEqual({
      serviceAccountAnnotations: {},
      podLabels: {},
      env: [],
    });
  });

  it('identity() gives objstore.yml and the same answer as podIdentity per component', () => {
    const env = load(IRSA, S3);
    const id = identity(env);
    expect(id.objstoreConfig).toBe(objstoreConfig(env));
    expect(id.forComponent('store-gateway')).toEqual(podIdentity(env, 'store-gateway'));
  });
});

describe('objstore.yml, environments built by hand', () => {
  it('an AWS bucket without an endpoint is on AWS: aws_sdk_auth', () => {
    const loaded = load(IRSA, S3);
    const { endpoint: _, ...storage } = loaded.objectStorage;
    const env = { ...loaded, objectStorage: storage } as Environment;
    expect(selfManagedS3(env)).toBe(false);
    expect(parse(objstoreConfig(env)).config.aws_sdk_auth).toBe(true);
  });

  it('GCS and Azure are never a self-managed S3', () => {
    expect(selfManagedS3(load(GKE, GCS))).toBe(false);
    expect(selfManagedS3(load(AZURE_ID, AZURE))).toBe(false);
    expect(selfManagedS3(load('', MINIO))).toBe(true);
  });
});
