/**
 * Cloud identity without static keys, AWS IRSA first: the pods that touch the bucket run under a
 * ServiceAccount annotated with an IAM role; the object-storage config carries no credentials and lets
 * the AWS SDK pick up the web identity token the EKS webhook injects.
 */
import type { ComponentKind, Environment, IdentityContribution, PodIdentity } from '@thanos-gitops/core-model';
import { yamlText } from '@thanos-gitops/core-model';

/** Components that read or write the bucket, with what they need of it. */
export const BUCKET_ACCESS: Partial<Record<ComponentKind, 'read' | 'write'>> = {
  'receive-ingestor': 'write',
  'store-gateway': 'read',
  compactor: 'write',
  ruler: 'write',
  'bucket-web': 'read',
};

/** Whether the component touches the bucket in this environment: a stateless ruler only remote-writes. */
export function needsBucket(env: Environment, component: ComponentKind): boolean {
  if (component === 'ruler' && env.ruler.mode === 'stateless') return false;
  return BUCKET_ACCESS[component] !== undefined;
}

const NO_IDENTITY: PodIdentity = { serviceAccountAnnotations: {}, podLabels: {}, env: [] };

/** The IAM role a component assumes: `<prefix>-<component>`, per component for least privilege. */
export function roleArn(env: Environment, component: ComponentKind): string | undefined {
  const aws = env.identity?.aws;
  if (!aws) return undefined;
  const partition = env.objectStorage.region.startsWith('cn-')
    ? 'aws-cn'
    : env.objectStorage.region.includes('-gov-')
      ? 'aws-us-gov'
      : 'aws';
  return `arn:${partition}:iam::${aws.accountId}:role/${aws.roleNamePrefix}-${component}`;
}

/** `objstore.yml`: bucket, endpoint and region; credentials come from the pod's identity, never from here. */
export function objstoreConfig(env: Environment): string {
  const s = env.objectStorage;
  const config: Record<string, unknown> = {
    bucket: s.bucket,
    endpoint: s.endpoint,
    region: s.region,
    aws_sdk_auth: true,
  };
  if (s.kmsKeyId) config.sse_config = { type: 'SSE-KMS', kms_key_id: s.kmsKeyId };
  const doc: Record<string, unknown> = { type: 'S3', config };
  if (s.prefix) doc.prefix = s.prefix;
  return yamlText(doc);
}

export function identity(env: Environment): IdentityContribution {
  return {
    objstoreConfig: objstoreConfig(env),
    forComponent(component) {
      const arn = needsBucket(env, component) ? roleArn(env, component) : undefined;
      if (!arn) return NO_IDENTITY;
      return {
        serviceAccountAnnotations: {
          'eks.amazonaws.com/role-arn': arn,
          'eks.amazonaws.com/sts-regional-endpoints': 'true',
        },
        podLabels: {},
        env: [],
      };
    },
  };
}
