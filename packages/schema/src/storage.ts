/**
 * Where blocks are stored (`objectStorage`) and how pods prove who they are to the store (`identity`): AWS (IRSA or
 * EKS Pod Identity), Google Cloud (GKE Workload Identity), Azure (Azure Workload Identity), or, for a self-managed
 * S3 such as MinIO or Ceph, access keys from a Secret the user manages. Never a key in the file.
 */
import { Type } from '@sinclair/typebox';
import {
  AWS_ACCOUNT_ID,
  AWS_REGION,
  AZURE_CONTAINER,
  AZURE_GUID,
  AZURE_RESOURCE_GROUP,
  AZURE_STORAGE_ACCOUNT,
  DATA_KEY,
  DnsLabel,
  GCP_PROJECT_ID,
  GCP_SA_PREFIX,
  HOST_PORT,
  HTTPS_URL,
  IAM_ROLE_PREFIX,
  KMS_KEY,
  OBJECT_PREFIX,
  Obj,
  OIDC_PROVIDER,
  S3_BUCKET,
  withDefault,
} from './common.js';

/**
 * Keys a required field needs when a discriminating field has a value (JSON Schema if/then). When `value` is the
 * field's default, the condition also holds with the field left out: a requirement of the default mode applies
 * whether or not the mode is written.
 */
const requiredWhen = (field: string, value: string, required: string[], isDefault = false) =>
  // biome-ignore lint/suspicious/noThenProperty: `then` is the JSON Schema keyword, not a promise.
  ({ if: { properties: { [field]: { const: value } }, required: isDefault ? [] : [field] }, then: { required } });

export const CredentialsSecret = Obj(
  {
    name: DnsLabel('Name of the Secret, in the environment namespace. Not generated: you create and rotate it.', 253),
    accessKeyIdKey: Type.String(
      withDefault({
        pattern: DATA_KEY,
        default: 'AWS_ACCESS_KEY_ID',
        description: 'Key of the Secret holding the access key id.',
      }),
    ),
    secretAccessKeyKey: Type.String(
      withDefault({
        pattern: DATA_KEY,
        default: 'AWS_SECRET_ACCESS_KEY',
        description: 'Key of the Secret holding the secret access key.',
      }),
    ),
  },
  'Self-managed S3 (MinIO, Ceph RGW): the Secret holding the access keys, managed by you (External Secrets, SOPS, ' +
    'Sealed Secrets). The generator references it and never creates it: the pods that touch the bucket read the ' +
    'two keys as the environment variables `AWS_ACCESS_KEY_ID` and `AWS_SECRET_ACCESS_KEY`, and `objstore.yml` ' +
    'carries no key.',
);

export const ObjectStorage = Obj(
  {
    provider: Type.Union([Type.Literal('s3'), Type.Literal('gcs'), Type.Literal('azure')], {
      description:
        'Object storage provider: `s3` (Amazon S3, or any S3-compatible store such as MinIO or Ceph RGW through ' +
        '`endpoint`), `gcs` (Google Cloud Storage) or `azure` (Azure Blob Storage).',
    }),
    bucket: Type.Optional(
      Type.String({
        pattern: S3_BUCKET,
        description:
          'Bucket name, by the S3 naming rules: 3-63 lower-case letters, digits, dots and hyphens, starting and ' +
          'ending with a letter or digit; no `..`, `.-` or `-.`; not an IP address; not starting with `xn--`, ' +
          '`sthree-` or `amzn-s3-demo-`; not ending with `-s3alias`, `--ol-s3`, `.mrap`, `--x-s3` or `--table-s3`. ' +
          'Required with `s3` and `gcs`; with `azure` use `container`.',
      }),
    ),
    region: Type.Optional(
      Type.String({
        pattern: AWS_REGION,
        description: 'With `s3`: the AWS region of the bucket, e.g. `eu-west-1` (MinIO accepts `us-east-1`). Required.',
      }),
    ),
    endpoint: Type.Optional(
      Type.String({
        pattern: HOST_PORT,
        description:
          'With `s3`: endpoint host and optional port, e.g. `minio.minio.svc.cluster.local:9000`. Default ' +
          '`s3.<region>.amazonaws.com` (`.amazonaws.com.cn` in China). A host that is not an AWS endpoint is a ' +
          'self-managed store: name its keys in `credentialsSecret`. The NetworkPolicies allow object-storage ' +
          'egress to this port (443, or 80 with `insecure`, when none is given).',
      }),
    ),
    insecure: Type.Boolean(
      withDefault({
        default: false,
        description:
          'With `s3`: talk plain HTTP to `endpoint` (`insecure` in `objstore.yml`), for a self-managed store inside ' +
          'the cluster that serves no TLS. Refused for AWS endpoints.',
      }),
    ),
    credentialsSecret: Type.Optional(CredentialsSecret),
    storageAccount: Type.Optional(
      Type.String({
        pattern: AZURE_STORAGE_ACCOUNT,
        description: 'With `azure`: the storage account (3-24 lower-case letters and digits). Required.',
      }),
    ),
    container: Type.Optional(
      Type.String({
        pattern: AZURE_CONTAINER,
        description:
          'With `azure`: the blob container. Required. It must exist: the generator turns off container ' +
          'creation, which needs more than the data roles the pods get.',
      }),
    ),
    prefix: Type.Optional(
      Type.String({
        pattern: OBJECT_PREFIX,
        description: 'Key prefix inside the bucket; none by default. On AWS the IAM policies are scoped to it as well.',
      }),
    ),
    kmsKeyId: Type.Optional(
      Type.String({
        pattern: KMS_KEY,
        description:
          'With `s3` on AWS: encrypt objects with this KMS key (SSE-KMS): a key id, key ARN, alias name ' +
          '(`alias/…`) or alias ARN. The roles then get the KMS actions they need on that key, and only then. ' +
          'SSE-S3 otherwise.',
      }),
    ),
  },
  'Where blocks are stored. No access keys here: pods get credentials from their cloud identity (see `identity`), or, ' +
    'for a self-managed S3, from a Secret you manage (`credentialsSecret`).',
  {
    allOf: [
      requiredWhen('provider', 's3', ['bucket', 'region']),
      requiredWhen('provider', 'gcs', ['bucket']),
      requiredWhen('provider', 'azure', ['storageAccount', 'container']),
    ],
  },
);

const RoleSplit = (what: string) =>
  Type.Union(
    [Type.Literal('perAccess'), Type.Literal('shared')],
    withDefault({
      default: 'perAccess',
      description:
        `\`perAccess\`: one ${what} per kind of bucket access, least privilege: \`writer\` (receive ingestors and a ` +
        'stateful ruler: read and write), `reader` (store gateway and bucket web: read only) and `compactor` (read, ' +
        `write and delete). \`shared\`: one ${what} with the union of what the components need.`,
    }),
  );

export const AwsIdentity = Obj(
  {
    accountId: Type.String({ pattern: AWS_ACCOUNT_ID, description: 'AWS account id (12 digits).' }),
    mode: Type.Union(
      [Type.Literal('irsa'), Type.Literal('podIdentity')],
      withDefault({
        default: 'irsa',
        description:
          'How pods get AWS credentials. `irsa` (IAM Roles for Service Accounts): the ServiceAccounts carry the ' +
          'role ARN and the roles trust the cluster OIDC provider. `podIdentity` (EKS Pod Identity): no annotation; ' +
          'the roles trust `pods.eks.amazonaws.com` and a pod identity association ties each ServiceAccount to its ' +
          'role (written under `clusters/<env>/iam/aws/`).',
      }),
    ),
    oidcProvider: Type.Optional(
      Type.String({
        pattern: OIDC_PROVIDER,
        description:
          'With `irsa`: the OIDC provider of the EKS cluster, without `https://` ' +
          '(`oidc.eks.<region>.amazonaws.com/id/<id>`). Required with `irsa`.',
      }),
    ),
    eksClusterName: Type.Optional(
      DnsLabel(
        'Name of the EKS cluster, for pod identity associations and trust policies. Default `cluster.name`.',
        100,
      ),
    ),
    roleNamePrefix: Type.Optional(
      Type.String({
        pattern: IAM_ROLE_PREFIX,
        description: 'Prefix of the IAM role names (`<prefix>-writer`, …). Default `thanos-<env>`.',
      }),
    ),
    roles: RoleSplit('IAM role'),
    ackRoles: Type.Boolean(
      withDefault({
        default: false,
        description:
          'Also write the roles as AWS Controllers for Kubernetes `Role` objects (`iam.services.k8s.aws/v1alpha1`) ' +
          'under `clusters/<env>/iam/aws/ack/`, with a kustomization of their own, for teams that manage IAM in ' +
          'GitOps. They are not part of the environment base.',
      }),
    ),
  },
  'AWS identity of the pods that read or write the bucket.',
  { allOf: [requiredWhen('mode', 'irsa', ['oidcProvider'], true)] },
);

export const GcpIdentity = Obj(
  {
    projectId: Type.String({
      pattern: GCP_PROJECT_ID,
      description:
        'Google Cloud project of the cluster and the service accounts; its Workload Identity pool is ' +
        '`<projectId>.svc.id.goog`.',
    }),
    serviceAccountPrefix: Type.Optional(
      Type.String({
        pattern: GCP_SA_PREFIX,
        description:
          'Prefix of the Google service account ids (`<prefix>-writer@<projectId>.iam.gserviceaccount.com`, …). ' +
          'Default `thanos-<env>`.',
      }),
    ),
    roles: RoleSplit('Google service account'),
  },
  'GKE Workload Identity: each ServiceAccount that touches the bucket impersonates a Google service account ' +
    '(`iam.gke.io/gcp-service-account`); the bindings to make are written under `clusters/<env>/iam/gcp/`.',
);

const Guid = (description: string) => Type.String({ pattern: AZURE_GUID, description });

export const AzureIdentity = Obj(
  {
    tenantId: Guid('Microsoft Entra tenant id.'),
    subscriptionId: Guid('Subscription of the storage account and the managed identities.'),
    resourceGroup: Type.String({
      pattern: AZURE_RESOURCE_GROUP,
      description: 'Resource group of the storage account and the managed identities.',
    }),
    oidcIssuer: Type.String({
      pattern: HTTPS_URL,
      description: 'OIDC issuer URL of the AKS cluster (`az aks show --query oidcIssuerProfile.issuerUrl`).',
    }),
    identityPrefix: Type.Optional(
      DnsLabel(
        'Prefix of the user-assigned managed identity names (`<prefix>-writer`, …). Default `thanos-<env>`.',
        100,
      ),
    ),
    roles: RoleSplit('user-assigned managed identity'),
    clientIds: Type.Optional(
      Obj(
        {
          writer: Type.Optional(Guid('Client id of the writer identity.')),
          reader: Type.Optional(Guid('Client id of the reader identity.')),
          compactor: Type.Optional(Guid('Client id of the compactor identity.')),
          shared: Type.Optional(Guid('Client id of the one identity, with `roles: shared`.')),
        },
        'Client ids of the managed identities (shown by `az identity show --query clientId` once created): one per ' +
          'kind of access in use with `roles: perAccess`, `shared` alone with `roles: shared`.',
      ),
    ),
  },
  'Azure Workload Identity: each ServiceAccount that touches the bucket carries the client id of a user-assigned ' +
    'managed identity (`azure.workload.identity/client-id`), its pods the label `azure.workload.identity/use`; the ' +
    'federated credentials and role assignments to make are written under `clusters/<env>/iam/azure/`.',
);

export const Identity = Obj(
  {
    aws: Type.Optional(AwsIdentity),
    gcp: Type.Optional(GcpIdentity),
    azure: Type.Optional(AzureIdentity),
  },
  'Cloud identity without static keys: exactly one of `aws` (with provider `s3` on AWS), `gcp` (with `gcs`) or ' +
    '`azure` (with `azure`). Leave it out only for a self-managed S3 with `objectStorage.credentialsSecret`.',
);
