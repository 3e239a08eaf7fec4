/**
 * AWS: the IAM documents of every role (permissions scoped to the bucket, prefix and KMS key; trust for IRSA or
 * EKS Pod Identity), the pod identity associations, and the same as Terraform JSON and ACK `Role` objects.
 */
import { terraformJson, tfRef } from '@thanos-gitops/output';
import type { Environment } from '@thanos-gitops/schema';
import { type CloudRole, cloudRoles, roleSuffix, tfName } from './roles.js';

export type PolicyDocument = { Version: '2012-10-17'; Statement: Statement[] };
export interface Statement {
  Sid: string;
  Effect: 'Allow' | 'Deny';
  Principal?: Record<string, string | string[]>;
  Action: string | string[];
  Resource?: string | string[];
  Condition?: Record<string, Record<string, string | string[]>>;
}

type AwsIdentity = NonNullable<NonNullable<Environment['identity']>['aws']>;

export function awsIdentity(env: Environment): AwsIdentity | undefined {
  return env.objectStorage.provider === 's3' ? env.identity?.aws : undefined;
}

/** The AWS partition of a region: `aws-cn` in China, `aws-us-gov` in GovCloud, else `aws`. */
export function partitionOf(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.includes('-gov-')) return 'aws-us-gov';
  return 'aws';
}

function partition(env: Environment): string {
  return partitionOf(env.objectStorage.region ?? 'us-east-1');
}

export function roleName(env: Environment, role: CloudRole | CloudRole['key']): string {
  const key = typeof role === 'string' ? role : role.key;
  return `${awsIdentity(env)?.roleNamePrefix}-${roleSuffix(key)}`;
}

export function roleArnOf(env: Environment, role: CloudRole | CloudRole['key']): string {
  return `arn:${partition(env)}:iam::${awsIdentity(env)?.accountId}:role/${roleName(env, role)}`;
}

/** S3 actions per kind of access: read is get and list, write is put, delete is delete. */
export function s3Actions(access: CloudRole['access']): { bucket: string[]; objects: string[] } {
  const objects: string[] = [];
  if (access.read) objects.push('s3:GetObject');
  if (access.write) objects.push('s3:PutObject');
  if (access.delete) objects.push('s3:DeleteObject');
  return { bucket: access.read ? ['s3:ListBucket'] : [], objects };
}

/**
 * KMS actions with SSE-KMS: reading decrypts; writing asks for a data key, and multipart uploads (every block
 * file over the part size) also decrypt.
 */
export function kmsActions(access: CloudRole['access']): string[] {
  const out = new Set<string>();
  if (access.read || access.write) out.add('kms:Decrypt');
  if (access.write) out.add('kms:GenerateDataKey');
  return [...out].sort();
}

/**
 * The KMS resource and condition for a key given as key id, key ARN, alias name or alias ARN. IAM cannot name an
 * alias as a resource: an alias becomes "any key of the account and region" narrowed by `kms:ResourceAliases`.
 */
export function kmsResource(env: Environment): {
  resource: string;
  condition?: Record<string, Record<string, string>>;
} {
  const key = env.objectStorage.kmsKeyId ?? '';
  const region = env.objectStorage.region ?? '';
  const account = awsIdentity(env)?.accountId ?? '';
  const arn = /^arn:([a-z-]+):kms:([a-z0-9-]+):([0-9]{12}):(key|alias)\/(.+)$/.exec(key);
  if (arn) {
    const [, part, r, acct, kind, rest] = arn;
    if (kind === 'key') return { resource: key };
    return {
      resource: `arn:${part}:kms:${r}:${acct}:key/*`,
      condition: { 'ForAnyValue:StringEquals': { 'kms:ResourceAliases': `alias/${rest}` } },
    };
  }
  if (key.startsWith('alias/')) {
    return {
      resource: `arn:${partition(env)}:kms:${region}:${account}:key/*`,
      condition: { 'ForAnyValue:StringEquals': { 'kms:ResourceAliases': key } },
    };
  }
  return { resource: `arn:${partition(env)}:kms:${region}:${account}:key/${key}` };
}

const sidOf = (s: string) => s.replace(/[^A-Za-z0-9]/g, '');

/** The permissions policy of a role: the bucket (list, under the prefix), its objects, and the KMS key if any. */
export function permissionsPolicy(env: Environment, role: CloudRole): PolicyDocument {
  const s = env.objectStorage;
  const p = partition(env);
  const { bucket, objects } = s3Actions(role.access);
  const prefix = s.prefix?.replace(/\/+$/, '');
  const statements: Statement[] = [];
  if (bucket.length > 0) {
    statements.push({
      Sid: 'ListBucket',
      Effect: 'Allow',
      Action: bucket,
      Resource: `arn:${p}:s3:::${s.bucket}`,
      ...(prefix ? { Condition: { StringLike: { 's3:prefix': [prefix, `${prefix}/*`] } } } : {}),
    });
  }
  if (objects.length > 0) {
    statements.push({
      Sid: sidOf(`Objects ${roleSuffix(role.key).replace(/^./, (c) => c.toUpperCase())}`),
      Effect: 'Allow',
      Action: objects,
      Resource: `arn:${p}:s3:::${s.bucket}/${prefix ? `${prefix}/` : ''}*`,
    });
  }
  if (s.kmsKeyId) {
    const kms = kmsResource(env);
    statements.push({
      Sid: 'KmsForS3',
      Effect: 'Allow',
      Action: kmsActions(role.access),
      Resource: kms.resource,
      Condition: {
        ...kms.condition,
        StringEquals: { 'kms:ViaService': `s3.${s.region}.amazonaws.com${p === 'aws-cn' ? '.cn' : ''}` },
      },
    });
  }
  return { Version: '2012-10-17', Statement: statements };
}

/** `system:serviceaccount:<namespace>:<name>`, the subject of a ServiceAccount token. */
export function subjectOf(env: Environment, serviceAccount: string): string {
  return `system:serviceaccount:${env.namespace}:${serviceAccount}`;
}

const oneOrMany = (values: string[]): string | string[] => (values.length === 1 ? (values[0] as string) : values);

/** IRSA: the cluster's OIDC provider may assume the role for exactly these ServiceAccounts, for STS only. */
export function irsaTrustPolicy(env: Environment, role: CloudRole): PolicyDocument {
  const aws = awsIdentity(env) as AwsIdentity;
  const oidc = aws.oidcProvider ?? '';
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'IrsaServiceAccounts',
        Effect: 'Allow',
        Principal: { Federated: `arn:${partition(env)}:iam::${aws.accountId}:oidc-provider/${oidc}` },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: {
          StringEquals: {
            [`${oidc}:aud`]: 'sts.amazonaws.com',
            [`${oidc}:sub`]: oneOrMany(role.serviceAccounts.map((sa) => subjectOf(env, sa))),
          },
        },
      },
    ],
  };
}

/**
 * EKS Pod Identity: the EKS service assumes the role and tags the session; the tags it sets (cluster, namespace,
 * ServiceAccount) limit the role to these ServiceAccounts of this cluster, even if someone associates it elsewhere.
 */
export function podIdentityTrustPolicy(env: Environment, role: CloudRole): PolicyDocument {
  const aws = awsIdentity(env) as AwsIdentity;
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'EksPodIdentity',
        Effect: 'Allow',
        Principal: { Service: 'pods.eks.amazonaws.com' },
        Action: ['sts:AssumeRole', 'sts:TagSession'],
        Condition: {
          StringEquals: {
            'aws:RequestTag/eks-cluster-name': aws.eksClusterName ?? env.cluster.name,
            'aws:RequestTag/kubernetes-namespace': env.namespace,
            'aws:RequestTag/kubernetes-service-account': oneOrMany(role.serviceAccounts),
          },
        },
      },
    ],
  };
}

export function trustPolicy(env: Environment, role: CloudRole): PolicyDocument {
  return awsIdentity(env)?.mode === 'podIdentity' ? podIdentityTrustPolicy(env, role) : irsaTrustPolicy(env, role);
}

/** A pod identity association, as `aws eks create-pod-identity-association --cli-input-json` takes it. */
export interface PodIdentityAssociation {
  clusterName: string;
  namespace: string;
  serviceAccount: string;
  roleArn: string;
}

export function podIdentityAssociations(env: Environment): PodIdentityAssociation[] {
  const aws = awsIdentity(env);
  if (aws?.mode !== 'podIdentity') return [];
  return cloudRoles(env).flatMap((role) =>
    role.serviceAccounts.map((serviceAccount) => ({
      clusterName: aws.eksClusterName ?? env.cluster.name,
      namespace: env.namespace,
      serviceAccount,
      roleArn: roleArnOf(env, role),
    })),
  );
}

export function roleDescription(env: Environment, role: CloudRole): string {
  return `Thanos ${env.name}: ${role.key === 'shared' ? 'shared bucket' : `bucket ${role.key}`} role for ${role.components.join(', ')}`;
}

const json = (doc: unknown) => JSON.stringify(doc);

/** Terraform JSON (`*.tf.json`): roles, managed policies, their attachments and the pod identity associations. */
export function terraformAws(env: Environment, header: string): Record<string, unknown> {
  const roles = cloudRoles(env);
  const iamRole: Record<string, unknown> = {};
  const policy: Record<string, unknown> = {};
  const attachment: Record<string, unknown> = {};
  const associations: Record<string, unknown> = {};
  for (const role of roles) {
    const name = roleName(env, role);
    const id = tfName(name);
    iamRole[id] = {
      name,
      description: roleDescription(env, role),
      assume_role_policy: json(trustPolicy(env, role)),
      tags: { 'app.kubernetes.io/part-of': 'thanos', 'thanos-gitops/environment': env.name },
    };
    policy[id] = {
      name: `${name}-bucket`,
      description: roleDescription(env, role),
      policy: json(permissionsPolicy(env, role)),
    };
    attachment[id] = { role: tfRef(`\${aws_iam_role.${id}.name}`), policy_arn: tfRef(`\${aws_iam_policy.${id}.arn}`) };
  }
  for (const a of podIdentityAssociations(env)) {
    const role = roles.find((r) => roleArnOf(env, r) === a.roleArn) as CloudRole;
    associations[tfName(`${env.name}_${a.serviceAccount}`)] = {
      cluster_name: a.clusterName,
      namespace: a.namespace,
      service_account: a.serviceAccount,
      role_arn: tfRef(`\${aws_iam_role.${tfName(roleName(env, role))}.arn}`),
    };
  }
  const resource: Record<string, unknown> = {
    aws_iam_role: iamRole,
    aws_iam_policy: policy,
    aws_iam_role_policy_attachment: attachment,
  };
  if (Object.keys(associations).length > 0) resource.aws_eks_pod_identity_association = associations;
  return terraformJson({ '//': header, resource }) as Record<string, unknown>;
}

/** The ACK `Role` object of a role (iam.services.k8s.aws/v1alpha1), with the permissions as an inline policy. */
export function ackRole(env: Environment, role: CloudRole): Record<string, unknown> {
  const name = roleName(env, role);
  return {
    apiVersion: 'iam.services.k8s.aws/v1alpha1',
    kind: 'Role',
    metadata: {
      name,
      namespace: env.namespace,
      labels: {
        'app.kubernetes.io/name': 'thanos',
        'app.kubernetes.io/instance': `thanos-${env.name}`,
        'app.kubernetes.io/component': 'iam',
        'app.kubernetes.io/part-of': 'thanos',
        'app.kubernetes.io/managed-by': 'thanos-gitops',
      },
    },
    spec: {
      name,
      description: roleDescription(env, role),
      assumeRolePolicyDocument: JSON.stringify(trustPolicy(env, role), null, 2),
      inlinePolicies: { [`${name}-bucket`]: JSON.stringify(permissionsPolicy(env, role), null, 2) },
      tags: [
        { key: 'app.kubernetes.io/part-of', value: 'thanos' },
        { key: 'thanos-gitops/environment', value: env.name },
      ],
    },
  };
}
