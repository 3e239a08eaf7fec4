/**
 * `objectStorage` and `identity`: the objstore config is read, never copied where it holds a credential: a static
 * key becomes a `needs-person` entry pointing at the identity options.
 */
import { parse } from 'yaml';
import { configOf, type ImportContext, note, put } from './context.js';
import { at, isPlain, objectId, type Plain } from './objects.js';
import { source, type ThanosWorkload } from './workloads.js';

const KEY_FIELDS = [
  'access_key',
  'secret_key',
  'session_token',
  'service_account',
  'storage_account_key',
  'client_secret',
];

export function readObjectStorage(ctx: ImportContext): void {
  const users = ctx.workloads.filter((w) => w.flags.has('objstore.config-file') || w.flags.has('objstore.config'));
  const w = users[0];
  const text = w ? configOf(ctx, w, 'objstore.config') : undefined;
  if (!w || !text) {
    put(
      ctx,
      'objectStorage',
      { provider: 's3', bucket: 'replace-me', region: 'us-east-1' },
      w ? source(w, 'objstore.config-file') : 'input',
      'placeholder',
    );
    note(ctx, {
      kind: 'needs-person',
      source: w ? source(w, 'objstore.config-file') : 'input',
      option: 'objectStorage',
      detail:
        'the objstore config is not in the input (an existing Secret?): fill objectStorage from it; keep the bucket and prefix the blocks are in',
    });
    return;
  }
  const config = parse(text) as Plain;
  const where = source(w, w.flags.has('objstore.config-file') ? 'objstore.config-file' : 'objstore.config');
  const type = String(config.type ?? '').toUpperCase();
  const c = isPlain(config.config) ? config.config : {};
  if (type === 'S3') s3(ctx, c, where);
  else if (type === 'GCS')
    put(ctx, 'objectStorage', { provider: 'gcs', bucket: c.bucket }, where, `GCS bucket \`${String(c.bucket)}\``);
  else if (type === 'AZURE')
    put(
      ctx,
      'objectStorage',
      { provider: 'azure', storageAccount: c.storage_account, container: c.container },
      where,
      'Azure container',
    );
  else
    note(ctx, {
      kind: 'needs-person',
      source: where,
      option: 'objectStorage',
      detail: `objstore type ${type} is not supported: choose s3, gcs or azure`,
    });
  if (typeof config.prefix === 'string' && config.prefix)
    put(ctx, 'objectStorage.prefix', config.prefix, where, `\`${config.prefix}\`: the blocks stay where they are`);
  for (const key of KEY_FIELDS) {
    if (c[key]) {
      note(ctx, {
        kind: 'needs-person',
        source: `${where}: config.${key}`,
        option: 'identity',
        detail: `a static credential (not copied): give the pods a cloud identity (identity.aws / identity.gcp / identity.azure) or, for a self-managed S3, objectStorage.credentialsSecret`,
      });
    }
  }
  credentialsSecret(ctx, w);
}

function s3(ctx: ImportContext, c: Plain, where: string): void {
  const region =
    typeof c.region === 'string' && c.region
      ? c.region
      : /s3[.-]([a-z0-9-]+)\.amazonaws\.com/.exec(String(c.endpoint))?.[1];
  const storage: Plain = { provider: 's3', bucket: c.bucket, region: region ?? 'us-east-1' };
  if (typeof c.endpoint === 'string' && c.endpoint !== `s3.${region}.amazonaws.com`) storage.endpoint = c.endpoint;
  if (c.insecure === true) storage.insecure = true;
  const kms = at(c, 'sse_config', 'kms_key_id');
  if (typeof kms === 'string') storage.kmsKeyId = kms;
  put(ctx, 'objectStorage', storage, where, `S3 bucket \`${String(c.bucket)}\``);
  if (!region)
    note(ctx, {
      kind: 'needs-person',
      source: where,
      option: 'objectStorage.region',
      detail: 'no region in the config: us-east-1 assumed',
    });
}

/** AWS keys given to the container from a Secret: the project's `credentialsSecret` (self-managed S3). */
function credentialsSecret(ctx: ImportContext, w: ThanosWorkload): void {
  const env = (w.container.env ?? []) as Plain[];
  const ref = (name: string) =>
    at(
      env.find((e) => e.name === name),
      'valueFrom',
      'secretKeyRef',
    ) as Plain | undefined;
  const id = ref('AWS_ACCESS_KEY_ID');
  const secret = ref('AWS_SECRET_ACCESS_KEY');
  if (!id || !secret) return;
  const option: Plain = { name: id.name };
  if (id.key !== 'AWS_ACCESS_KEY_ID') option.accessKeyIdKey = id.key;
  if (secret.key !== 'AWS_SECRET_ACCESS_KEY') option.secretAccessKeyKey = secret.key;
  put(
    ctx,
    'objectStorage.credentialsSecret',
    option,
    `${objectId(w.object)}: env AWS_ACCESS_KEY_ID`,
    `Secret \`${String(id.name)}\` (referenced, not read)`,
  );
}

/** IRSA or Workload Identity from the ServiceAccounts' annotations. */
export function readIdentity(ctx: ImportContext): void {
  const annotations = ctx.objects
    .filter((o) => o.kind === 'ServiceAccount')
    .map((o) => [o, o.metadata.annotations ?? {}] as const);
  const aws = annotations.find(([, a]) => a['eks.amazonaws.com/role-arn']);
  const arn = aws?.[1]['eks.amazonaws.com/role-arn'];
  const account = arn ? /^arn:aws[a-z-]*:iam::(\d{12}):role\//.exec(arn)?.[1] : undefined;
  if (aws && account) {
    const region = String(at(ctx.env, 'objectStorage', 'region') ?? 'us-east-1');
    put(ctx, 'identity.aws.accountId', account, `${objectId(aws[0])}: eks.amazonaws.com/role-arn`);
    put(
      ctx,
      'identity.aws.oidcProvider',
      `oidc.eks.${region}.amazonaws.com/id/REPLACE_ME`,
      objectId(aws[0]),
      'placeholder',
    );
    note(ctx, {
      kind: 'needs-person',
      source: objectId(aws[0]),
      option: 'identity.aws.oidcProvider',
      detail:
        'the cluster OIDC provider is not in the manifests: set it (`aws eks describe-cluster --query cluster.identity.oidc.issuer`); the project writes its own roles (clusters/<env>/iam/aws/)',
    });
    return;
  }
  if (podIdentity(ctx)) {
    put(
      ctx,
      'identity.aws',
      { accountId: '000000000000', mode: 'podIdentity' },
      'NetworkPolicy egress to 169.254.170.23',
      'EKS Pod Identity (placeholder account)',
    );
    note(ctx, {
      kind: 'needs-person',
      source: 'NetworkPolicy egress to 169.254.170.23',
      option: 'identity.aws.accountId',
      detail: 'EKS Pod Identity: the manifests do not carry the AWS account: set identity.aws.accountId',
    });
    return;
  }
  const gcp = annotations.find(([, a]) => a['iam.gke.io/gcp-service-account']);
  const project = gcp
    ? /@([^.]+)\.iam\.gserviceaccount\.com$/.exec(gcp[1]['iam.gke.io/gcp-service-account'] ?? '')?.[1]
    : undefined;
  if (gcp && project)
    put(ctx, 'identity.gcp.projectId', project, `${objectId(gcp[0])}: iam.gke.io/gcp-service-account`);
}

/** The EKS Pod Identity agent's address, which pods using Pod Identity must reach. */
const POD_IDENTITY_AGENT = '169.254.170.23/32';

function podIdentity(ctx: ImportContext): boolean {
  return ctx.objects.some(
    (o) => o.kind === 'NetworkPolicy' && JSON.stringify(o.spec ?? {}).includes(POD_IDENTITY_AGENT),
  );
}
