/**
 * `objstore.yml` per provider, with only fields the pinned Thanos release documents and never a credential:
 * the pods' identity (or, for a self-managed S3, environment variables from a Secret) supplies those.
 */
import { unhandled } from '@thanos-gitops/catalog';
import { isAwsEndpoint } from '@thanos-gitops/input';
import { yamlText } from '@thanos-gitops/manifests';
import type { Environment } from '@thanos-gitops/schema';

/**
 * Whether the bucket is on a self-managed S3 (MinIO, Ceph RGW) rather than on AWS: only an endpoint that is not
 * Amazon's says so (an S3 bucket without one is on AWS, as the derived defaults give it the regional endpoint).
 */
export function selfManagedS3(env: Environment): boolean {
  const endpoint = env.objectStorage.endpoint;
  return env.objectStorage.provider === 's3' && endpoint !== undefined && !isAwsEndpoint(endpoint);
}

function s3Config(env: Environment): Record<string, unknown> {
  const s = env.objectStorage;
  const config: Record<string, unknown> = { bucket: s.bucket, endpoint: s.endpoint, region: s.region };
  // IRSA: the AWS SDK chain reads the web identity token. EKS Pod Identity fails with `aws_sdk_auth` (see
  // ../shared/reference/thanos/v0.42.4/storage-s3-auth-notes.md): left unset, the minio-go chain takes the
  // container credentials the Pod Identity webhook injects. A self-managed store gets AWS_ACCESS_KEY_ID and
  // AWS_SECRET_ACCESS_KEY from the user's Secret, which the same chain reads first.
  if (!selfManagedS3(env) && env.identity?.aws?.mode !== 'podIdentity') config.aws_sdk_auth = true;
  if (s.insecure) config.insecure = true;
  if (s.kmsKeyId) config.sse_config = { type: 'SSE-KMS', kms_key_id: s.kmsKeyId };
  return config;
}

/** `objstore.yml`: where the bucket is; credentials come from the pod's identity, never from here. */
export function objstoreConfig(env: Environment): string {
  const s = env.objectStorage;
  const doc = providerConfig(env);
  if (s.prefix) doc.prefix = s.prefix;
  return yamlText(doc);
}

/** Thanos' `type` and `config` of the bucket's provider: one case per provider, none taken for another's. */
function providerConfig(env: Environment): Record<string, unknown> {
  const s = env.objectStorage;
  const provider = s.provider;
  switch (provider) {
    case 's3':
      return { type: 'S3', config: s3Config(env) };
    case 'gcs':
      return { type: 'GCS', config: { bucket: s.bucket } };
    case 'azure':
      // Container creation needs more than the data roles the identities get: the container is created beforehand.
      return {
        type: 'AZURE',
        config: { storage_account: s.storageAccount, container: s.container, storage_create_container: false },
      };
    default:
      return unhandled(provider, 'object storage provider');
  }
}
