/**
 * The AWS documents as IAM and the tools read them: the whole permissions and trust policies (every Sid, Effect,
 * resource and condition), the partition of the region, the Terraform resources and their references, and the ACK
 * `Role` objects. Every test loads and renders for itself (mutation testing's per-test coverage).
 */
import type { Environment } from '@thanos-gitops/schema';
import { describe, expect, it } from 'vitest';
import {
  ackRole,
  awsIdentity,
  type CloudRole,
  cloudRoles,
  kmsActions,
  kmsResource,
  partitionOf,
  permissionsPolicy,
  podIdentityAssociations,
  roleDescription,
  roleName,
  s3Actions,
  terraformAws,
  trustPolicy,
} from '../src/index.js';
import { load, ref } from './support.js';

const ACCOUNT = '123456789012';
const KEY = '1234abcd-12ab-34cd-56ef-1234567890ab';
const IRSA = `identity: { aws: { accountId: "${ACCOUNT}", oidcProvider: oidc.eks.eu-west-1.amazonaws.com/id/X } }\n`;
const POD_IDENTITY = `identity: { aws: { accountId: "${ACCOUNT}", mode: podIdentity, eksClusterName: eks-prod, ackRoles: true } }\n`;
const S3 = 'provider: s3, bucket: acme-thanos-t, region: eu-west-1';

function role(env: Environment, key: CloudRole['key']): CloudRole {
  const r = cloudRoles(env).find((x) => x.key === key);
  if (!r) throw new Error(`no role ${key}`);
  return r;
}

describe('partition', () => {
  it.each([
    ['eu-west-1', 'aws'],
    ['us-east-1', 'aws'],
    ['cn-north-1', 'aws-cn'],
    ['cn-northwest-1', 'aws-cn'],
    ['us-gov-west-1', 'aws-us-gov'],
    ['us-gov-east-1', 'aws-us-gov'],
    ['ap-southeast-1', 'aws'],
  ])('%s is in %s', (region, partition) => {
    expect(partitionOf(region)).toBe(partition);
  });

  it('names GovCloud resources in aws-us-gov, with the regional KMS service', () => {
    const env = load(IRSA, `provider: s3, bucket: acme-thanos-t, region: us-gov-west-1, kmsKeyId: ${KEY}`);
    const [list, , kms] = permissionsPolicy(env, role(env, 'reader')).Statement;
    expect(list?.Resource).toBe('arn:aws-us-gov:s3:::acme-thanos-t');
    expect(kms?.Resource).toBe(`arn:aws-us-gov:kms:us-gov-west-1:${ACCOUNT}:key/${KEY}`);
    expect(kms?.Condition).toEqual({ StringEquals: { 'kms:ViaService': 's3.us-gov-west-1.amazonaws.com' } });
    expect(trustPolicy(env, role(env, 'reader')).Statement[0]?.Principal).toEqual({
      Federated: `arn:aws-us-gov:iam::${ACCOUNT}:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/X`,
    });
  });
});

describe('permissions policy, whole', () => {
  it('writer with a prefix (trailing slash dropped) and a KMS key id', () => {
    const env = load(IRSA, `${S3}, prefix: "team/a/", kmsKeyId: ${KEY}`);
    expect(permissionsPolicy(env, role(env, 'writer'))).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'ListBucket',
          Effect: 'Allow',
          Action: ['s3:ListBucket'],
          Resource: 'arn:aws:s3:::acme-thanos-t',
          Condition: { StringLike: { 's3:prefix': ['team/a', 'team/a/*'] } },
        },
        {
          Sid: 'ObjectsWriter',
          Effect: 'Allow',
          Action: ['s3:GetObject', 's3:PutObject'],
          Resource: 'arn:aws:s3:::acme-thanos-t/team/a/*',
        },
        {
          Sid: 'KmsForS3',
          Effect: 'Allow',
          Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
          Resource: `arn:aws:kms:eu-west-1:${ACCOUNT}:key/${KEY}`,
          Condition: { StringEquals: { 'kms:ViaService': 's3.eu-west-1.amazonaws.com' } },
        },
      ],
    });
  });

  it('compactor without prefix or key: the whole bucket, no condition, no KMS statement', () => {
    const env = load(IRSA, S3);
    expect(permissionsPolicy(env, role(env, 'compactor'))).toEqual({
      Version: '2012-10-17',
      Statement: [
        { Sid: 'ListBucket', Effect: 'Allow', Action: ['s3:ListBucket'], Resource: 'arn:aws:s3:::acme-thanos-t' },
        {
          Sid: 'ObjectsCompactor',
          Effect: 'Allow',
          Action: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'],
          Resource: 'arn:aws:s3:::acme-thanos-t/*',
        },
      ],
    });
  });

  it('names the objects statement after the role: ObjectsReader, ObjectsObjstore for the shared role', () => {
    const split = load(IRSA, S3);
    expect(permissionsPolicy(split, role(split, 'reader')).Statement.map((s) => s.Sid)).toEqual([
      'ListBucket',
      'ObjectsReader',
    ]);
    const shared = load(
      `identity: { aws: { accountId: "${ACCOUNT}", oidcProvider: o.example.com, roles: shared } }\n`,
      S3,
    );
    expect(permissionsPolicy(shared, role(shared, 'shared')).Statement.map((s) => s.Sid)).toEqual([
      'ListBucket',
      'ObjectsObjstore',
    ]);
  });

  it('in China, the KMS service is s3.<region>.amazonaws.com.cn, the alias narrowed by its condition', () => {
    const env = load(IRSA, 'provider: s3, bucket: acme-thanos-t, region: cn-north-1, kmsKeyId: alias/thanos');
    const kms = permissionsPolicy(env, role(env, 'reader')).Statement.find((s) => s.Sid === 'KmsForS3');
    expect(kms).toEqual({
      Sid: 'KmsForS3',
      Effect: 'Allow',
      Action: ['kms:Decrypt'],
      Resource: `arn:aws-cn:kms:cn-north-1:${ACCOUNT}:key/*`,
      Condition: {
        'ForAnyValue:StringEquals': { 'kms:ResourceAliases': 'alias/thanos' },
        StringEquals: { 'kms:ViaService': 's3.cn-north-1.amazonaws.com.cn' },
      },
    });
  });

  it('a key ARN keeps its own partition, region and account; an alias ARN becomes any key there', () => {
    const keyArn = `arn:aws-cn:kms:cn-north-1:999999999999:key/${KEY}`;
    const byKey = load(IRSA, `provider: s3, bucket: acme-thanos-t, region: cn-north-1, kmsKeyId: "${keyArn}"`);
    expect(kmsResource(byKey)).toEqual({ resource: keyArn });
    const aliasArn = 'arn:aws-cn:kms:cn-north-1:999999999999:alias/team/x';
    const byAlias = load(IRSA, `provider: s3, bucket: acme-thanos-t, region: cn-north-1, kmsKeyId: "${aliasArn}"`);
    expect(kmsResource(byAlias)).toEqual({
      resource: 'arn:aws-cn:kms:cn-north-1:999999999999:key/*',
      condition: { 'ForAnyValue:StringEquals': { 'kms:ResourceAliases': 'alias/team/x' } },
    });
  });

  it('drops every trailing slash of the prefix', () => {
    const env = load(IRSA, `${S3}, prefix: "team/a//"`);
    const [list, objects] = permissionsPolicy(env, role(env, 'reader')).Statement;
    expect(list?.Condition).toEqual({ StringLike: { 's3:prefix': ['team/a', 'team/a/*'] } });
    expect(objects?.Resource).toBe('arn:aws:s3:::acme-thanos-t/team/a/*');
  });

  it('a role that does not read may not list or get; a role without access gets no statement', () => {
    expect(s3Actions({ read: false, write: true, delete: true })).toEqual({
      bucket: [],
      objects: ['s3:PutObject', 's3:DeleteObject'],
    });
    const env = load(IRSA, S3);
    const writeOnly: CloudRole = {
      key: 'writer',
      components: ['receive-ingestor'],
      access: { read: false, write: true, delete: false },
      serviceAccounts: ['thanos-receive-ingestor'],
    };
    expect(permissionsPolicy(env, writeOnly).Statement.map((x) => [x.Sid, x.Action])).toEqual([
      ['ObjectsWriter', ['s3:PutObject']],
    ]);
    const none = { ...writeOnly, access: { read: false, write: false, delete: false } };
    expect(permissionsPolicy(env, none).Statement).toEqual([]);
  });

  it('KMS: reading decrypts, writing also generates data keys, nothing else', () => {
    expect(kmsActions({ read: true, write: false, delete: false })).toEqual(['kms:Decrypt']);
    expect(kmsActions({ read: false, write: true, delete: false })).toEqual(['kms:Decrypt', 'kms:GenerateDataKey']);
    expect(kmsActions({ read: false, write: false, delete: true })).toEqual([]);
  });
});

describe('trust policy, whole', () => {
  it('IRSA: the Version and one statement', () => {
    const env = load(IRSA, S3);
    expect(trustPolicy(env, role(env, 'reader'))).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'IrsaServiceAccounts',
          Effect: 'Allow',
          Principal: { Federated: `arn:aws:iam::${ACCOUNT}:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/X` },
          Action: 'sts:AssumeRoleWithWebIdentity',
          Condition: {
            StringEquals: {
              'oidc.eks.eu-west-1.amazonaws.com/id/X:aud': 'sts.amazonaws.com',
              'oidc.eks.eu-west-1.amazonaws.com/id/X:sub': 'system:serviceaccount:thanos:thanos-store',
            },
          },
        },
      ],
    });
  });

  it('Pod Identity: the EKS cluster name given, not the cluster name', () => {
    const env = load(POD_IDENTITY, S3);
    expect(trustPolicy(env, role(env, 'compactor'))).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'EksPodIdentity',
          Effect: 'Allow',
          Principal: { Service: 'pods.eks.amazonaws.com' },
          Action: ['sts:AssumeRole', 'sts:TagSession'],
          Condition: {
            StringEquals: {
              'aws:RequestTag/eks-cluster-name': 'eks-prod',
              'aws:RequestTag/kubernetes-namespace': 'thanos',
              'aws:RequestTag/kubernetes-service-account': 'thanos-compact',
            },
          },
        },
      ],
    });
  });

  it('Pod Identity with a shared role: every ServiceAccount in the session-tag condition', () => {
    const env = load(`identity: { aws: { accountId: "${ACCOUNT}", mode: podIdentity, roles: shared } }\n`, S3);
    const tags = trustPolicy(env, role(env, 'shared')).Statement[0]?.Condition?.StringEquals;
    expect(tags?.['aws:RequestTag/kubernetes-service-account']).toEqual([
      'thanos-compact',
      'thanos-receive-ingestor',
      'thanos-store',
    ]);
    expect(tags?.['aws:RequestTag/eks-cluster-name']).toBe('c');
  });
});

describe('pod identity associations', () => {
  it('none with IRSA', () => {
    expect(podIdentityAssociations(load(IRSA, S3))).toEqual([]);
  });

  it('no AWS identity for a bucket elsewhere, even if one is attached: no associations', () => {
    const gcs = load('identity: { gcp: { projectId: acme-obs-1 } }\n', 'provider: gcs, bucket: acme-thanos-t');
    const aws = load(POD_IDENTITY, S3).identity?.aws;
    const env = { ...gcs, identity: { aws } } as Environment;
    expect(awsIdentity(env)).toBeUndefined();
    expect(podIdentityAssociations(env)).toEqual([]);
    expect(podIdentityAssociations(gcs)).toEqual([]);
  });

  it('name the EKS cluster given', () => {
    const env = load(POD_IDENTITY, S3);
    expect(podIdentityAssociations(env).map((a) => a.clusterName)).toEqual(['eks-prod', 'eks-prod', 'eks-prod']);
  });
});

describe('names and descriptions', () => {
  it('a role is <prefix>-<suffix>, described by its bucket access and components', () => {
    const env = load(`${IRSA}ruler: { enabled: true, mode: stateful }\n`, S3);
    expect(roleName(env, 'writer')).toBe('thanos-t-writer');
    expect(roleDescription(env, role(env, 'writer'))).toBe('Thanos t: bucket writer role for receive-ingestor, ruler');
    const shared = load(
      `identity: { aws: { accountId: "${ACCOUNT}", oidcProvider: o.example.com, roles: shared } }\n`,
      S3,
    );
    expect(roleName(shared, 'shared')).toBe('thanos-t-objstore');
    expect(roleDescription(shared, role(shared, 'shared'))).toBe(
      'Thanos t: shared bucket role for receive-ingestor, store-gateway, compactor',
    );
  });
});

describe('Terraform JSON', () => {
  it('one role, one managed policy and their attachment per role; the header as comment', () => {
    const env = load(IRSA, S3);
    const tf = terraformAws(env, '# the header') as { '//': string; resource: Record<string, any> };
    expect(tf['//']).toBe('# the header');
    const { resource } = tf;
    expect(Object.keys(resource)).toEqual(['aws_iam_role', 'aws_iam_policy', 'aws_iam_role_policy_attachment']);
    const reader = role(env, 'reader');
    expect(resource.aws_iam_role.thanos_t_reader).toEqual({
      name: 'thanos-t-reader',
      description: 'Thanos t: bucket reader role for store-gateway',
      assume_role_policy: JSON.stringify(trustPolicy(env, reader)),
      tags: { 'app.kubernetes.io/part-of': 'thanos', 'thanos-gitops/environment': 't' },
    });
    expect(resource.aws_iam_policy.thanos_t_reader).toEqual({
      name: 'thanos-t-reader-bucket',
      description: 'Thanos t: bucket reader role for store-gateway',
      policy: JSON.stringify(permissionsPolicy(env, reader)),
    });
    expect(resource.aws_iam_role_policy_attachment.thanos_t_reader).toEqual({
      role: ref('aws_iam_role.thanos_t_reader.name'),
      policy_arn: ref('aws_iam_policy.thanos_t_reader.arn'),
    });
    expect(Object.keys(resource.aws_iam_role)).toEqual(['thanos_t_writer', 'thanos_t_reader', 'thanos_t_compactor']);
  });

  it('with Pod Identity: one association per ServiceAccount, referring to its role', () => {
    const env = load(POD_IDENTITY, S3);
    const { resource } = terraformAws(env, '# h') as { resource: Record<string, any> };
    expect(resource.aws_eks_pod_identity_association).toEqual({
      t_thanos_receive_ingestor: {
        cluster_name: 'eks-prod',
        namespace: 'thanos',
        service_account: 'thanos-receive-ingestor',
        role_arn: ref('aws_iam_role.thanos_t_writer.arn'),
      },
      t_thanos_store: {
        cluster_name: 'eks-prod',
        namespace: 'thanos',
        service_account: 'thanos-store',
        role_arn: ref('aws_iam_role.thanos_t_reader.arn'),
      },
      t_thanos_compact: {
        cluster_name: 'eks-prod',
        namespace: 'thanos',
        service_account: 'thanos-compact',
        role_arn: ref('aws_iam_role.thanos_t_compactor.arn'),
      },
    });
  });
});

describe('ACK Role', () => {
  it('names the role, labels it, and carries both policies as indented JSON', () => {
    const env = load(POD_IDENTITY, `${S3}, kmsKeyId: ${KEY}`);
    const writer = role(env, 'writer');
    expect(ackRole(env, writer)).toEqual({
      apiVersion: 'iam.services.k8s.aws/v1alpha1',
      kind: 'Role',
      metadata: {
        name: 'thanos-t-writer',
        namespace: 'thanos',
        labels: {
          'app.kubernetes.io/name': 'thanos',
          'app.kubernetes.io/instance': 'thanos-t',
          'app.kubernetes.io/component': 'iam',
          'app.kubernetes.io/part-of': 'thanos',
          'app.kubernetes.io/managed-by': 'thanos-gitops',
        },
      },
      spec: {
        name: 'thanos-t-writer',
        description: 'Thanos t: bucket writer role for receive-ingestor',
        assumeRolePolicyDocument: JSON.stringify(trustPolicy(env, writer), null, 2),
        inlinePolicies: { 'thanos-t-writer-bucket': JSON.stringify(permissionsPolicy(env, writer), null, 2) },
        tags: [
          { key: 'app.kubernetes.io/part-of', value: 'thanos' },
          { key: 'thanos-gitops/environment', value: 't' },
        ],
      },
    });
  });
});
