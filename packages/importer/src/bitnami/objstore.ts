/**
 * The object storage: `objstoreConfig` (the Thanos objstore.yml, as text or a mapping) or `existingObjstoreSecret`.
 * The bucket and prefix must come out the same, or the new deployment starts an empty history. A static key is
 * never copied: it becomes a `needs-person` entry at its key, pointing at the identity options.
 */
import { parse } from 'yaml';
import type { Json, Values } from './values.js';

/** Objstore keys that hold a credential, by provider type. */
const SECRET_KEYS = [
  'access_key',
  'secret_key',
  'session_token',
  'service_account',
  'storage_account_key',
  'msi_resource',
];

const IDENTITY_HINT =
  'it is not copied: pods get their access from a cloud identity (`identity.aws`, `identity.gcp`, `identity.azure`) ' +
  'or, for a self-managed S3, from a Secret you manage (`objectStorage.credentialsSecret`)';

/** Placeholders that load but must be replaced: every one has a `needs-person` entry. */
export const PLACEHOLDER = {
  bucket: 'replace-with-the-old-bucket',
  awsAccount: '000000000000',
  oidc: (region: string) => `oidc.eks.${region}.amazonaws.com/id/REPLACE-WITH-THE-CLUSTER-OIDC-ID`,
  gcpProject: 'replace-with-project',
  azureTenant: '00000000-0000-0000-0000-000000000000',
} as const;

export interface StorageResult {
  objectStorage: Record<string, unknown>;
  identity?: Record<string, unknown>;
}

function config(v: Values): Record<string, Json> | undefined {
  const raw = v.get('objstoreConfig');
  if (typeof raw === 'string' && raw.trim() !== '') {
    const parsed = parse(raw) as unknown;
    return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, Json>) : undefined;
  }
  return typeof raw === 'object' && raw !== null && !Array.isArray(raw) ? raw : undefined;
}

const str = (x: Json | undefined) => (typeof x === 'string' && x !== '' ? x : undefined);

/** `s3.eu-west-1.amazonaws.com` → `eu-west-1`; an AWS endpoint is also one left out. */
function awsRegion(endpoint: string | undefined): string | undefined {
  return endpoint === undefined ? undefined : /^s3[.-]([a-z0-9-]+)\.amazonaws\.com(\.cn)?$/.exec(endpoint)?.[1];
}

function isAws(endpoint: string | undefined): boolean {
  return endpoint === undefined || /(^|\.)amazonaws\.com(\.cn)?$/.test(endpoint.replace(/:[0-9]+$/, ''));
}

function s3(v: Values, c: Record<string, Json>, fullname: string): StorageResult {
  const at = (k: string) => `objstoreConfig.config.${k}`;
  const endpoint = str(c.endpoint);
  const region = str(c.region) ?? awsRegion(endpoint) ?? 'us-east-1';
  if (!str(c.region))
    v.add('default-differs', at('region'), `no region given: \`${region}\` is set (check it)`, 'objectStorage.region');
  const out: Record<string, unknown> = { provider: 's3', bucket: str(c.bucket) ?? PLACEHOLDER.bucket, region };
  if (isAws(endpoint)) {
    v.add(
      'needs-person',
      at('endpoint'),
      `AWS S3: give the ingestors, compactor, store gateway and ruler a role through \`identity.aws\` (IRSA or EKS Pod Identity): the account id and OIDC provider written are placeholders`,
      'identity.aws',
    );
    return {
      objectStorage: out,
      identity: { aws: { accountId: PLACEHOLDER.awsAccount, oidcProvider: PLACEHOLDER.oidc(region) } },
    };
  }
  out.endpoint = endpoint;
  if (c.insecure === true) out.insecure = true;
  out.credentialsSecret = { name: `${fullname}-objstore-keys` };
  v.add(
    'needs-person',
    at('endpoint'),
    `self-managed S3 (${endpoint}): create the Secret \`${fullname}-objstore-keys\` with the keys \`AWS_ACCESS_KEY_ID\` and \`AWS_SECRET_ACCESS_KEY\` (External Secrets, SOPS, Sealed Secrets) before the new pods start`,
    'objectStorage.credentialsSecret',
  );
  return { objectStorage: out };
}

function gcs(v: Values, c: Record<string, Json>): StorageResult {
  v.add(
    'needs-person',
    'objstoreConfig.type',
    'GCS: bind the Kubernetes ServiceAccounts to Google service accounts with `identity.gcp` (GKE Workload Identity); the project id written is a placeholder',
    'identity.gcp',
  );
  return {
    objectStorage: { provider: 'gcs', bucket: str(c.bucket) ?? PLACEHOLDER.bucket },
    identity: { gcp: { projectId: PLACEHOLDER.gcpProject } },
  };
}

function azure(v: Values, c: Record<string, Json>): StorageResult {
  v.add(
    'needs-person',
    'objstoreConfig.type',
    'Azure: give the pods managed identities through `identity.azure` (Azure Workload Identity); the tenant id written is a placeholder',
    'identity.azure',
  );
  return {
    objectStorage: {
      provider: 'azure',
      storageAccount: str(c.storage_account) ?? 'replacewithaccount',
      container: str(c.container) ?? PLACEHOLDER.bucket,
    },
    identity: { azure: { tenantId: PLACEHOLDER.azureTenant } },
  };
}

/** Reports every key of `config`: the credentials at their own key, the rest as mapped or ignored. */
function reportKeys(v: Values, c: Record<string, Json>, type: string): void {
  const mapped: Record<string, string> = {
    bucket: 'objectStorage.bucket',
    region: 'objectStorage.region',
    endpoint: 'objectStorage.endpoint',
    insecure: 'objectStorage.insecure',
    storage_account: 'objectStorage.storageAccount',
    container: 'objectStorage.container',
  };
  for (const key of Object.keys(c)) {
    const source = `objstoreConfig.config.${key}`;
    if (SECRET_KEYS.includes(key)) v.add('needs-person', source, `a static credential (${type}): ${IDENTITY_HINT}`);
    else if (key === 'endpoint' && isAws(str(c.endpoint)))
      v.add('mapped', source, 'an AWS endpoint: derived from the region', 'objectStorage.region');
    else if (mapped[key])
      v.add(
        'mapped',
        source,
        key === 'bucket' || key === 'container' ? 'kept: the blocks stay where they are' : 'kept',
        mapped[key],
      );
    else
      v.add(
        'ignored',
        source,
        'the project writes objstore.yml itself from `objectStorage`; carry it in a patch if you need it',
      );
  }
}

/** The object storage and identity for the chart's objstore settings. */
export function mapStorage(v: Values, fullname: string): StorageResult {
  const existing = v.str('existingObjstoreSecret');
  if (v.has('existingObjstoreSecretItems'))
    v.add(
      'ignored',
      'existingObjstoreSecretItems',
      'the key of the old Secret: the environment writes its own objstore.yml',
    );
  const c = config(v);
  if (existing !== undefined || c === undefined) {
    v.add(
      'needs-person',
      existing ? 'existingObjstoreSecret' : 'objstoreConfig',
      `${existing ? `the bucket is configured in the Secret \`${existing}\` (read it with \`kubectl get secret ${existing} -o jsonpath='{.data.objstore\\.yml}' | base64 -d\`)` : 'no object storage is configured'}: set \`objectStorage\` to the same bucket and prefix (a placeholder bucket is written), and the identity; a key in that Secret is not carried over`,
      'objectStorage.bucket',
    );
    return {
      objectStorage: { provider: 's3', bucket: PLACEHOLDER.bucket, region: 'us-east-1' },
      identity: { aws: { accountId: PLACEHOLDER.awsAccount, oidcProvider: PLACEHOLDER.oidc('us-east-1') } },
    };
  }
  const type = String(c.type ?? 'S3').toUpperCase();
  v.add('mapped', 'objstoreConfig.type', type, 'objectStorage.provider');
  const conf = (
    typeof c.config === 'object' && c.config !== null && !Array.isArray(c.config) ? c.config : {}
  ) as Record<string, Json>;
  reportKeys(v, conf, type);
  const result = type === 'GCS' ? gcs(v, conf) : type === 'AZURE' ? azure(v, conf) : s3(v, conf, fullname);
  const prefix = str(c.prefix);
  if (prefix !== undefined) {
    result.objectStorage.prefix = prefix;
    v.add('mapped', 'objstoreConfig.prefix', 'kept: the blocks stay where they are', 'objectStorage.prefix');
  }
  if (!['S3', 'GCS', 'AZURE'].includes(type))
    v.add(
      'needs-person',
      'objstoreConfig.type',
      `provider ${type} is not supported (s3, gcs, azure): s3 is written`,
      'objectStorage.provider',
    );
  return result;
}
