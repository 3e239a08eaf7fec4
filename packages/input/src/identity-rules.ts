/**
 * Rules of `objectStorage` and `identity`: the identity matches the provider, a self-managed S3 names its
 * credentials Secret, and no static credential is written anywhere in an environment file.
 */
import { unhandled } from '@thanos-gitops/catalog';
import type { AccessClass } from '@thanos-gitops/model';
import type { FieldPath, ProblemSink } from '@thanos-gitops/problems';
import type { Environment } from '@thanos-gitops/schema';
import { isCredentialName } from './input-rules.js';

/** True for the endpoints of Amazon S3 (regional, dual-stack, FIPS, VPC endpoints, China). */
export function isAwsEndpoint(endpoint: string): boolean {
  const host = endpoint.replace(/:[0-9]+$/, '');
  return /(^|\.)amazonaws\.com(\.cn)?$/.test(host);
}

const S3_ONLY = ['region', 'endpoint', 'credentialsSecret', 'kmsKeyId'] as const;
const AZURE_ONLY = ['storageAccount', 'container'] as const;

export function identityRules(env: Environment, sink: ProblemSink, classesInUse: readonly AccessClass[]): void {
  const s = env.objectStorage;
  const id = env.identity ?? {};
  const given = Object.keys(id).filter((k) => (id as Record<string, unknown>)[k] !== undefined);
  if (given.length > 1) {
    sink.report(['identity', given[1] ?? ''], `only one cloud identity may be given (found ${given.join(' and ')})`);
  }
  if (s.insecure && s.provider !== 's3')
    sink.report(at('insecure'), `is only used with provider s3 (found provider ${s.provider})`);
  providerRules(env, sink, classesInUse);
  staticCredentialRule(env, sink);
}

/** The rules of the bucket's provider: one case per provider, so a new one does not compile until it has rules. */
function providerRules(env: Environment, sink: ProblemSink, classesInUse: readonly AccessClass[]): void {
  const check = providerChecks(env, sink);
  const provider = env.objectStorage.provider;
  switch (provider) {
    case 's3':
      s3Rules(env, sink, check);
      break;
    case 'gcs':
      gcsRules(env, sink, check);
      gcpNameRule(env, sink, classesInUse);
      break;
    case 'azure':
      azureRules(env, sink, check, classesInUse);
      break;
    default:
      unhandled(provider, 'object storage provider');
  }
}

const at = (...p: (string | number)[]): FieldPath => ['objectStorage', ...p];

/** The checks every provider makes: fields of other providers unset, no identity of another cloud. */
interface ProviderChecks {
  onlyWith(fields: readonly string[], provider: string): void;
  wrongIdentity(kind: 'aws' | 'gcp' | 'azure', why: string): void;
}

function providerChecks(env: Environment, sink: ProblemSink): ProviderChecks {
  const s = env.objectStorage;
  const id = env.identity ?? {};
  return {
    onlyWith(fields, provider) {
      for (const f of fields) {
        if ((s as Record<string, unknown>)[f] !== undefined)
          sink.report(at(f), `is only used with provider ${provider} (found provider ${s.provider})`);
      }
    },
    wrongIdentity(kind, why) {
      if (id[kind]) sink.report(['identity', kind], why);
    },
  };
}

/** S3: AWS endpoints take an IAM role and HTTPS; a self-managed store takes its keys from a named Secret. */
function s3Rules(env: Environment, sink: ProblemSink, check: ProviderChecks): void {
  const s = env.objectStorage;
  const id = env.identity ?? {};
  check.onlyWith(AZURE_ONLY, 'azure');
  const endpoint = s.endpoint ?? '';
  check.wrongIdentity('gcp', 'GKE Workload Identity gives access to Google Cloud Storage: use provider gcs');
  check.wrongIdentity('azure', 'Azure Workload Identity gives access to Azure Blob Storage: use provider azure');
  if (id.aws?.mode === 'podIdentity' && id.aws.oidcProvider !== undefined) {
    sink.report(
      ['identity', 'aws', 'oidcProvider'],
      'is only used with mode irsa: with podIdentity the roles trust pods.eks.amazonaws.com, not the OIDC provider',
    );
  }
  kmsRule(env, sink);
  const secret = s.credentialsSecret;
  if (secret && secret.accessKeyIdKey === secret.secretAccessKeyKey) {
    sink.report(
      at('credentialsSecret', 'secretAccessKeyKey'),
      `is also accessKeyIdKey ("${secret.accessKeyIdKey}"): the access key id and the secret access key are two ` +
        'values, so they are two keys of the Secret',
    );
  }
  if (isAwsEndpoint(endpoint)) {
    if (s.insecure) sink.report(at('insecure'), `must be false for an AWS endpoint (${endpoint}): AWS serves HTTPS`);
    if (s.credentialsSecret) {
      sink.report(
        at('credentialsSecret'),
        'is for self-managed S3 (MinIO, Ceph); on AWS give the pods an IAM role with identity.aws (IRSA or ' +
          'EKS Pod Identity) instead of long-lived access keys',
      );
    }
  } else {
    if (id.aws) {
      sink.report(
        ['identity', 'aws'],
        `IAM roles give access to Amazon S3, but objectStorage.endpoint (${endpoint}) is not an AWS endpoint: ` +
          'for a self-managed store name its keys in objectStorage.credentialsSecret',
      );
    }
    if (!s.credentialsSecret) {
      sink.warn?.(
        at('endpoint'),
        `${endpoint} is not an AWS endpoint and no objectStorage.credentialsSecret is named: the pods will find ` +
          'no credentials unless the store allows anonymous access',
      );
    }
  }
}

/**
 * A KMS key (SSE-KMS) is an AWS key: a self-managed S3 store cannot use it, and S3 only encrypts with a key of
 * the bucket's own region.
 */
function kmsRule(env: Environment, sink: ProblemSink): void {
  const s = env.objectStorage;
  const key = s.kmsKeyId;
  if (key === undefined) return;
  if (!isAwsEndpoint(s.endpoint ?? '')) {
    sink.report(
      at('kmsKeyId'),
      `is an AWS KMS key, but objectStorage.endpoint (${s.endpoint}) is not an AWS endpoint: a self-managed S3 ` +
        'store encrypts with its own keys',
    );
    return;
  }
  const region = /^arn:[^:]+:kms:([^:]+):/.exec(key)?.[1];
  if (region !== undefined && region !== s.region) {
    sink.report(
      at('kmsKeyId'),
      `is a key of region ${region}, but the bucket is in ${s.region}: S3 encrypts only with a KMS key of the ` +
        "bucket's region",
    );
  }
}

/** GCS: reached only through GKE Workload Identity. */
function gcsRules(env: Environment, sink: ProblemSink, check: ProviderChecks): void {
  const id = env.identity ?? {};
  check.onlyWith([...S3_ONLY, ...AZURE_ONLY], 's3 or azure');
  check.wrongIdentity('aws', 'IAM roles give access to Amazon S3: use provider s3');
  check.wrongIdentity('azure', 'Azure Workload Identity gives access to Azure Blob Storage: use provider azure');
  if (!id.gcp) {
    sink.report(
      ['objectStorage', 'provider'],
      'gcs needs identity.gcp (GKE Workload Identity): the generator writes no service account key',
    );
  }
}

/** Google's limit on a service account id (the part before `@`): 6 to 30 characters. */
export const GCP_SERVICE_ACCOUNT_ID_MAX = 30;

/**
 * The Google service account ids the generator derives, `<prefix>-<role>`, fit Google's 30 characters: the default
 * prefix `thanos-<env>` does not go through the schema's pattern, and a long environment name overflows it.
 */
function gcpNameRule(env: Environment, sink: ProblemSink, classesInUse: readonly AccessClass[]): void {
  const gcp = env.identity?.gcp;
  if (!gcp) return;
  const suffixes = gcp.roles === 'shared' ? ['objstore'] : [...classesInUse];
  const prefix = gcp.serviceAccountPrefix ?? '';
  const longest = suffixes.map((x) => `${prefix}-${x}`).sort((a, b) => b.length - a.length)[0];
  if (longest === undefined || longest.length <= GCP_SERVICE_ACCOUNT_ID_MAX) return;
  sink.report(
    ['identity', 'gcp', 'serviceAccountPrefix'],
    `gives the Google service account id "${longest}" of ${longest.length} characters; Google allows ` +
      `${GCP_SERVICE_ACCOUNT_ID_MAX}: set identity.gcp.serviceAccountPrefix to at most ` +
      `${GCP_SERVICE_ACCOUNT_ID_MAX - longest.length + prefix.length} characters`,
  );
}

/** Azure: Azure Workload Identity, with the client id of every managed identity the roles need. */
function azureRules(
  env: Environment,
  sink: ProblemSink,
  check: ProviderChecks,
  classesInUse: readonly AccessClass[],
): void {
  const s = env.objectStorage;
  const id = env.identity ?? {};
  check.onlyWith(S3_ONLY, 's3');
  if (s.bucket !== undefined) sink.report(at('bucket'), 'is not used with provider azure: name the container');
  check.wrongIdentity('aws', 'IAM roles give access to Amazon S3: use provider s3');
  check.wrongIdentity('gcp', 'GKE Workload Identity gives access to Google Cloud Storage: use provider gcs');
  const az = id.azure;
  if (!az) {
    sink.report(
      ['objectStorage', 'provider'],
      'azure needs identity.azure (Azure Workload Identity): the generator writes no storage account key',
    );
  } else {
    const ids = az.clientIds ?? {};
    const needed: string[] = az.roles === 'shared' ? ['shared'] : [...classesInUse];
    for (const key of needed) {
      if (!(ids as Record<string, string | undefined>)[key]) {
        sink.report(
          ['identity', 'azure', 'clientIds', key],
          `is required: the client id of the managed identity "${az.identityPrefix}-${key === 'shared' ? 'objstore' : key}" ` +
            '(a GUID, from `az identity show --query clientId`; create the identity first, see clusters/<env>/iam/azure/)',
        );
      }
    }
    for (const key of Object.keys(ids)) {
      if (!needed.includes(key))
        sink.report(['identity', 'azure', 'clientIds', key], `is not used with roles ${az.roles}`);
    }
    reusedClientIdRule(ids as Record<string, string | undefined>, needed, sink);
  }
}

/**
 * With `roles: perAccess` each kind of access has its own managed identity: one client id given for two of them
 * makes the reader a writer (or the writer a compactor that deletes), which the split exists to prevent.
 */
function reusedClientIdRule(ids: Record<string, string | undefined>, needed: readonly string[], sink: ProblemSink) {
  const seen = new Map<string, string>();
  for (const key of needed) {
    const id = ids[key]?.toLowerCase();
    if (id === undefined) continue;
    const first = seen.get(id);
    if (first === undefined) seen.set(id, key);
    else {
      sink.report(
        ['identity', 'azure', 'clientIds', key],
        `is the client id of ${first} too: one managed identity for roles with different access gives each the ` +
          'access of both; create one identity per role, or set roles: shared',
      );
    }
  }
}

/** Shapes of static credentials. A match anywhere in an environment file is an error: the file is committed. */
const CREDENTIAL_VALUES: readonly [RegExp, string][] = [
  [/\b(AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}\b/, 'an AWS access key id'],
  [/-----BEGIN [A-Z ]*PRIVATE KEY-----/, 'a private key'],
  [/(^|[^A-Za-z0-9+/])[A-Za-z0-9+/]{86}==/, 'an Azure storage account key'],
  [/AccountKey=|SharedAccessSignature=|[?&]sig=[A-Za-z0-9%]{20,}/, 'an Azure connection string or SAS token'],
];

/** Field names that carry a static credential in objstore configs, SDK settings and env vars. */
const CREDENTIAL_NAMES =
  /(^|[^a-z])(access_?key(_id)?|secret_?(access_?)?key|session_?token|storage_?account_?key|client_?secret|private_?key(_id)?|aws_secret_access_key|aws_access_key_id|aws_session_token|storage_connection_string)\s*([:=]|$)/i;

/** Any of CREDENTIAL_VALUES, in one pass: most strings match none, and then need no other test. */
const ANY_CREDENTIAL_VALUE = new RegExp(CREDENTIAL_VALUES.map(([re]) => `(?:${re.source})`).join('|'));
/** A word every alternative of CREDENTIAL_NAMES holds: a string without one has no credential name. */
const CREDENTIAL_WORD = /key|token|secret|connection/i;

/** Whether a string may hold a credential by shape or by a name in free text (a quick test, then the exact ones). */
function mayHoldCredential(value: string): boolean {
  return ANY_CREDENTIAL_VALUE.test(value) || (/[:=]/.test(value) && CREDENTIAL_WORD.test(value));
}

function staticCredentialRule(env: Environment, sink: ProblemSink): void {
  const hint =
    'keys never go into environment files, which are committed: use identity (IRSA, EKS Pod Identity, GKE or Azure ' +
    'Workload Identity), or objectStorage.credentialsSecret naming a Secret you manage for a self-managed S3';
  // A child's path is made only for a collection or a string that may hold a credential: most values are neither.
  const visit = (v: unknown) => (typeof v === 'string' ? mayHoldCredential(v) : typeof v === 'object' && v !== null);
  const walk = (value: unknown, path: FieldPath) => {
    if (typeof value === 'string') {
      for (const [re, what] of CREDENTIAL_VALUES) {
        if (re.test(value)) {
          sink.report(path, `holds what looks like ${what}: ${hint}`);
          return;
        }
      }
      // Keys written inside free text: a patch or a flag that embeds an objstore config.
      for (const line of value.split('\n')) {
        const m = CREDENTIAL_NAMES.exec(line.replace(/^[\s"'{,-]+/, ''));
        if (m && /[:=]/.test(line) && !isReference(line)) {
          sink.report(path, `sets ${m[2]}, a static credential: ${hint}`);
          return;
        }
      }
    } else if (Array.isArray(value)) {
      value.forEach((v, i) => {
        if (visit(v)) walk(v, [...path, i]);
      });
    } else if (value && typeof value === 'object') {
      for (const k of Object.keys(value)) {
        // A literal `extraEnv` value of a credential name is the input rule's to report, with its secretKeyRef
        // hint: one secret, one report, at the option that carries it.
        if (k === 'value' && isLiteralCredentialEnv(value)) continue;
        if (CREDENTIAL_NAMES.test(k)) {
          sink.report([...path, k], `is a static credential field: ${hint}`);
          continue;
        }
        const v = (value as Record<string, unknown>)[k];
        if (visit(v)) walk(v, [...path, k]);
      }
    }
  };
  walk(env, []);
}

/** An `extraEnv` entry `{ name, value }` whose name carries a credential (input-rules.ts refuses its literal value). */
function isLiteralCredentialEnv(entry: object): boolean {
  const { name, value } = entry as { name?: unknown; value?: unknown };
  return typeof name === 'string' && typeof value === 'string' && value !== '' && isCredentialName(name);
}

/** A line that names where a credential comes from (`secretKeyRef`, `valueFrom`), not the credential itself. */
function isReference(line: string): boolean {
  return /secretKeyRef|valueFrom|secretName|_FILE\b|_file\b/.test(line);
}
