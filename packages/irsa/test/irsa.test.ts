import { readFileSync } from 'node:fs';
import type { ComponentKind } from '@thanos-gitops/catalog';
import { loadEnvironments } from '@thanos-gitops/input';
import type { Environment } from '@thanos-gitops/schema';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  AZURE_CLIENT_ID_ANNOTATION,
  AZURE_USE_LABEL,
  cloudRoles,
  documents,
  GKE_GSA_ANNOTATION,
  IRSA_ROLE_ANNOTATION,
  identity,
  kmsResource,
  needsBucket,
  objstoreConfig,
  permissionsPolicy,
  podIdentityAssociations,
  roleArn,
  trustPolicy,
} from '../src/index.js';

const STORAGE = 'provider: s3, bucket: acme-thanos-t, region: eu-west-1';
export const load = (extra = '', storage = STORAGE): Environment => {
  const text = `name: t\ncluster: { name: c }\nobjectStorage: { ${storage} }\n${extra}`;
  const [l] = loadEnvironments([{ path: 'environments/t.yaml', text }]);
  if (!l) throw new Error('not loaded');
  return l.env;
};
export const IRSA =
  'identity: { aws: { accountId: "123456789012", oidcProvider: oidc.eks.eu-west-1.amazonaws.com/id/X } }\n';
export const POD_IDENTITY = 'identity: { aws: { accountId: "123456789012", mode: podIdentity } }\n';
export const GCS = 'provider: gcs, bucket: acme-thanos-t';
export const GKE = 'identity: { gcp: { projectId: acme-obs-1 } }\n';
export const AZURE = 'provider: azure, storageAccount: acmethanos, container: thanos-t';
const GUID = (n: number) => `${String(n).repeat(8)}-0000-0000-0000-000000000000`;
export const AZURE_ID = `identity: { azure: { tenantId: ${GUID(1)}, subscriptionId: ${GUID(2)}, resourceGroup: rg-obs, oidcIssuer: "https://oidc.prod-aks.azure.com/abc/", clientIds: { writer: ${GUID(3)}, reader: ${GUID(4)}, compactor: ${GUID(5)} } } }\n`;
export const MINIO =
  'provider: s3, bucket: thanos, region: us-east-1, endpoint: "minio.minio.svc.cluster.local:9000", insecure: true, credentialsSecret: { name: minio-creds }';

/** The keys of a YAML mapping, recursively, as dotted paths (maps inside `config` and below). */
function keyPaths(value: unknown, prefix = ''): string[] {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return [];
  return Object.entries(value as Record<string, unknown>).flatMap(([k, v]) => {
    const path = prefix ? `${prefix}.${k}` : k;
    return [path, ...keyPaths(v, path)];
  });
}
// The storage configs documented by the pinned release, checked in (copied from the Thanos v0.42.4 reference listings)
// so the test needs nothing outside the repository.
const reference = (provider: string) =>
  new Set(
    keyPaths(parse(readFileSync(new URL(`./reference/v0.42.4/storage-${provider}.yaml`, import.meta.url), 'utf8'))),
  );

describe('objstore.yml', () => {
  it('with IRSA: bucket, endpoint, region and the AWS SDK chain; no credentials', () => {
    const cfg = parse(objstoreConfig(load(IRSA)));
    expect(cfg).toEqual({
      type: 'S3',
      config: {
        bucket: 'acme-thanos-t',
        endpoint: 's3.eu-west-1.amazonaws.com',
        region: 'eu-west-1',
        aws_sdk_auth: true,
      },
    });
  });

  it('with EKS Pod Identity: no aws_sdk_auth (Pod Identity fails with it)', () => {
    const cfg = parse(objstoreConfig(load(POD_IDENTITY)));
    expect(cfg.config).not.toHaveProperty('aws_sdk_auth');
    expect(cfg.config.endpoint).toBe('s3.eu-west-1.amazonaws.com');
  });

  it('uses the .com.cn endpoint in China', () => {
    const cfg = parse(objstoreConfig(load('', 'provider: s3, bucket: acme-thanos-t, region: cn-north-1')));
    expect(cfg.config.endpoint).toBe('s3.cn-north-1.amazonaws.com.cn');
  });

  it('adds SSE-KMS and a prefix when asked', () => {
    const cfg = parse(objstoreConfig(load(IRSA, `${STORAGE}, kmsKeyId: alias/k, prefix: p/q`)));
    expect(cfg.config.sse_config).toEqual({ type: 'SSE-KMS', kms_key_id: 'alias/k' });
    expect(cfg.prefix).toBe('p/q');
  });

  it('for a self-managed S3: endpoint with port, insecure, no aws_sdk_auth, no keys', () => {
    const cfg = parse(objstoreConfig(load('', MINIO)));
    expect(cfg).toEqual({
      type: 'S3',
      config: { bucket: 'thanos', endpoint: 'minio.minio.svc.cluster.local:9000', region: 'us-east-1', insecure: true },
    });
  });

  it('for GCS: the bucket only', () => {
    expect(parse(objstoreConfig(load(GKE, GCS)))).toEqual({ type: 'GCS', config: { bucket: 'acme-thanos-t' } });
  });

  it('for Azure: storage account and container, no key, no container creation', () => {
    expect(parse(objstoreConfig(load(AZURE_ID, AZURE)))).toEqual({
      type: 'AZURE',
      config: { storage_account: 'acmethanos', container: 'thanos-t', storage_create_container: false },
    });
  });

  it.each([
    ['s3', load(IRSA, `${STORAGE}, kmsKeyId: alias/k, prefix: p`)],
    ['s3', load(POD_IDENTITY)],
    ['s3', load('', MINIO)],
    ['gcs', load(GKE, `${GCS}, prefix: p`)],
    ['azure', load(AZURE_ID, AZURE)],
  ])('has only fields the pinned release documents (%s)', (provider, env) => {
    const documented = reference(provider);
    const text = objstoreConfig(env);
    for (const path of keyPaths(parse(text))) expect(documented, `${path} in storage-${provider}.yaml`).toContain(path);
    for (const key of ['access_key', 'secret_key', 'session_token', 'storage_account_key', 'client_secret'])
      expect(text).not.toContain(key);
  });
});

/** What each component may do with the bucket, with and without SSE-KMS: the table the roles must match. */
const ACTIONS: Record<string, { s3: string[]; kms: string[] }> = {
  'receive-ingestor': {
    s3: ['s3:GetObject', 's3:ListBucket', 's3:PutObject'],
    kms: ['kms:Decrypt', 'kms:GenerateDataKey'],
  },
  ruler: { s3: ['s3:GetObject', 's3:ListBucket', 's3:PutObject'], kms: ['kms:Decrypt', 'kms:GenerateDataKey'] },
  'store-gateway': { s3: ['s3:GetObject', 's3:ListBucket'], kms: ['kms:Decrypt'] },
  'bucket-web': { s3: ['s3:GetObject', 's3:ListBucket'], kms: ['kms:Decrypt'] },
  compactor: {
    s3: ['s3:DeleteObject', 's3:GetObject', 's3:ListBucket', 's3:PutObject'],
    kms: ['kms:Decrypt', 'kms:GenerateDataKey'],
  },
};
const ALL_ON = 'ruler: { enabled: true, mode: stateful }\nbucketWeb: { enabled: true }\n';

function actionsOf(env: Environment, component: ComponentKind): { s3: string[]; kms: string[] } {
  const role = cloudRoles(env).find((r) => r.components.includes(component));
  if (!role) throw new Error(`no role for ${component}`);
  const actions = permissionsPolicy(env, role).Statement.flatMap((s) => [s.Action].flat());
  return {
    s3: actions.filter((a) => a.startsWith('s3:')).sort(),
    kms: actions.filter((a) => a.startsWith('kms:')).sort(),
  };
}

describe('least privilege, per component', () => {
  for (const [component, expected] of Object.entries(ACTIONS)) {
    it(`${component}: exactly its S3 actions, and KMS actions only with SSE-KMS`, () => {
      const plain = load(`${IRSA}${ALL_ON}`);
      expect(actionsOf(plain, component as ComponentKind)).toEqual({ s3: expected.s3, kms: [] });
      const kms = load(`${IRSA}${ALL_ON}`, `${STORAGE}, kmsKeyId: alias/thanos`);
      expect(actionsOf(kms, component as ComponentKind)).toEqual(expected);
    });
  }

  it('splits the roles into writer, reader and compactor, and the components that never touch the bucket get none', () => {
    const env = load(`${IRSA}${ALL_ON}`);
    expect(cloudRoles(env).map((r) => [r.key, r.components])).toEqual([
      ['writer', ['receive-ingestor', 'ruler']],
      ['reader', ['store-gateway', 'bucket-web']],
      ['compactor', ['compactor']],
    ]);
    for (const c of ['query', 'query-frontend', 'receive-router'] as const) {
      expect(needsBucket(env, c)).toBe(false);
      expect(identity(env).forComponent(c).serviceAccountAnnotations).toEqual({});
    }
  });

  it('gives a stateless ruler no role', () => {
    expect(needsBucket(load(`${IRSA}ruler: { enabled: true, mode: stateless }\n`), 'ruler')).toBe(false);
    expect(needsBucket(load(`${IRSA}ruler: { enabled: true, mode: stateful }\n`), 'ruler')).toBe(true);
  });

  it('with roles: shared, gives every component one role with the union of the actions', () => {
    const env = load(
      'identity: { aws: { accountId: "123456789012", oidcProvider: oidc.example.com/id/X, roles: shared } }\n',
    );
    const roles = cloudRoles(env);
    expect(roles.map((r) => r.key)).toEqual(['shared']);
    expect(roleArn(env, 'store-gateway')).toBe('arn:aws:iam::123456789012:role/thanos-t-objstore');
    expect(actionsOf(env, 'store-gateway').s3).toEqual(ACTIONS.compactor?.s3);
    const sub = trustPolicy(env, roles[0] as never).Statement[0]?.Condition?.StringEquals?.[
      'oidc.example.com/id/X:sub'
    ];
    expect(sub).toEqual([
      'system:serviceaccount:thanos:thanos-compact',
      'system:serviceaccount:thanos:thanos-receive-ingestor',
      'system:serviceaccount:thanos:thanos-store',
    ]);
  });
});

describe('permissions policy', () => {
  it('scopes list to the prefix and objects to the prefix', () => {
    const env = load(IRSA, `${STORAGE}, prefix: team/a`);
    const reader = cloudRoles(env).find((r) => r.key === 'reader');
    const [list, objects] = permissionsPolicy(env, reader as never).Statement;
    expect(list?.Resource).toBe('arn:aws:s3:::acme-thanos-t');
    expect(list?.Condition).toEqual({ StringLike: { 's3:prefix': ['team/a', 'team/a/*'] } });
    expect(objects?.Resource).toBe('arn:aws:s3:::acme-thanos-t/team/a/*');
  });

  it.each([
    [
      '1234abcd-12ab-34cd-56ef-1234567890ab',
      'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab',
      undefined,
    ],
    [
      'arn:aws:kms:eu-west-1:999999999999:key/mrk-0123456789abcdef0123456789abcdef',
      'arn:aws:kms:eu-west-1:999999999999:key/mrk-0123456789abcdef0123456789abcdef',
      undefined,
    ],
    ['alias/thanos', 'arn:aws:kms:eu-west-1:123456789012:key/*', 'alias/thanos'],
    ['arn:aws:kms:eu-west-1:999999999999:alias/x', 'arn:aws:kms:eu-west-1:999999999999:key/*', 'alias/x'],
  ])('names the KMS key %s as %s', (key, resource, alias) => {
    const env = load(IRSA, `${STORAGE}, kmsKeyId: "${key}"`);
    const k = kmsResource(env);
    expect(k.resource).toBe(resource);
    expect(k.condition?.['ForAnyValue:StringEquals']?.['kms:ResourceAliases']).toBe(alias);
  });

  it('uses the partition of the region', () => {
    const env = load(IRSA, 'provider: s3, bucket: acme-thanos-t, region: cn-north-1');
    expect(roleArn(env, 'compactor')).toMatch(/^arn:aws-cn:iam::123456789012:role\//);
    const role = cloudRoles(env)[0];
    expect(permissionsPolicy(env, role as never).Statement[0]?.Resource).toBe('arn:aws-cn:s3:::acme-thanos-t');
  });
});

describe('IRSA', () => {
  it('annotates each ServiceAccount that touches the bucket with its role', () => {
    const id = identity(load(IRSA));
    expect(id.forComponent('store-gateway').serviceAccountAnnotations[IRSA_ROLE_ANNOTATION]).toBe(
      'arn:aws:iam::123456789012:role/thanos-t-reader',
    );
    expect(id.forComponent('compactor').serviceAccountAnnotations[IRSA_ROLE_ANNOTATION]).toBe(
      'arn:aws:iam::123456789012:role/thanos-t-compactor',
    );
  });

  it('trusts the OIDC provider for exactly the ServiceAccount, audience sts.amazonaws.com', () => {
    const env = load(IRSA);
    const compactor = cloudRoles(env).find((r) => r.key === 'compactor');
    expect(trustPolicy(env, compactor as never).Statement).toEqual([
      {
        Sid: 'IrsaServiceAccounts',
        Effect: 'Allow',
        Principal: { Federated: 'arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/X' },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: {
          StringEquals: {
            'oidc.eks.eu-west-1.amazonaws.com/id/X:aud': 'sts.amazonaws.com',
            'oidc.eks.eu-west-1.amazonaws.com/id/X:sub': 'system:serviceaccount:thanos:thanos-compact',
          },
        },
      },
    ]);
  });

  it('has no annotations and no documents without a cloud identity', () => {
    const env = load();
    expect(identity(env).forComponent('store-gateway').serviceAccountAnnotations).toEqual({});
    expect(roleArn(env, 'compactor')).toBeUndefined();
    expect(documents(env, 'environments/t.yaml').size).toBe(0);
  });
});

describe('EKS Pod Identity', () => {
  const env = load(POD_IDENTITY);
  it('annotates nothing', () => {
    for (const c of ['store-gateway', 'compactor', 'receive-ingestor'] as const)
      expect(identity(env).forComponent(c)).toEqual({ serviceAccountAnnotations: {}, podLabels: {}, env: [] });
  });

  it('trusts pods.eks.amazonaws.com with AssumeRole and TagSession, limited by the session tags', () => {
    const writer = cloudRoles(env).find((r) => r.key === 'writer');
    expect(trustPolicy(env, writer as never).Statement[0]).toMatchObject({
      Principal: { Service: 'pods.eks.amazonaws.com' },
      Action: ['sts:AssumeRole', 'sts:TagSession'],
      Condition: {
        StringEquals: {
          'aws:RequestTag/eks-cluster-name': 'c',
          'aws:RequestTag/kubernetes-namespace': 'thanos',
          'aws:RequestTag/kubernetes-service-account': 'thanos-receive-ingestor',
        },
      },
    });
  });

  it('lists one association per ServiceAccount, as the EKS CLI takes it', () => {
    expect(podIdentityAssociations(env)).toEqual([
      {
        clusterName: 'c',
        namespace: 'thanos',
        serviceAccount: 'thanos-receive-ingestor',
        roleArn: 'arn:aws:iam::123456789012:role/thanos-t-writer',
      },
      {
        clusterName: 'c',
        namespace: 'thanos',
        serviceAccount: 'thanos-store',
        roleArn: 'arn:aws:iam::123456789012:role/thanos-t-reader',
      },
      {
        clusterName: 'c',
        namespace: 'thanos',
        serviceAccount: 'thanos-compact',
        roleArn: 'arn:aws:iam::123456789012:role/thanos-t-compactor',
      },
    ]);
    const files = [...documents(env, 'environments/t.yaml').keys()];
    expect(files.filter((f) => f.includes('pod-identity-associations/'))).toHaveLength(3);
  });
});

describe('GKE Workload Identity', () => {
  const env = load(GKE, GCS);
  it('annotates the ServiceAccounts with the Google service account of their role', () => {
    expect(identity(env).forComponent('store-gateway').serviceAccountAnnotations).toEqual({
      [GKE_GSA_ANNOTATION]: 'thanos-t-reader@acme-obs-1.iam.gserviceaccount.com',
    });
    expect(identity(env).forComponent('query').serviceAccountAnnotations).toEqual({});
  });

  it('binds workloadIdentityUser and the bucket roles by the same split', () => {
    const docs = documents(env, 'environments/t.yaml');
    expect(JSON.parse(docs.get('iam/gcp/thanos-t-reader.iam-policy.json') ?? '')).toEqual({
      bindings: [
        {
          role: 'roles/iam.workloadIdentityUser',
          members: ['serviceAccount:acme-obs-1.svc.id.goog[thanos/thanos-store]'],
        },
      ],
    });
    expect(JSON.parse(docs.get('iam/gcp/bucket-iam-bindings.json') ?? '')).toEqual({
      bindings: [
        {
          role: 'roles/storage.objectCreator',
          members: ['serviceAccount:thanos-t-writer@acme-obs-1.iam.gserviceaccount.com'],
        },
        {
          role: 'roles/storage.objectUser',
          members: ['serviceAccount:thanos-t-compactor@acme-obs-1.iam.gserviceaccount.com'],
        },
        {
          role: 'roles/storage.objectViewer',
          members: [
            'serviceAccount:thanos-t-reader@acme-obs-1.iam.gserviceaccount.com',
            'serviceAccount:thanos-t-writer@acme-obs-1.iam.gserviceaccount.com',
          ],
        },
      ],
    });
  });
});

describe('Azure Workload Identity', () => {
  const env = load(AZURE_ID, AZURE);
  it('annotates the client id, labels the pods, and writes the federated credentials', () => {
    const store = identity(env).forComponent('store-gateway');
    expect(store.serviceAccountAnnotations[AZURE_CLIENT_ID_ANNOTATION]).toBe(GUID(4));
    expect(store.podLabels).toEqual({ [AZURE_USE_LABEL]: 'true' });
    const docs = documents(env, 'environments/t.yaml');
    const cred = JSON.parse(docs.get('iam/azure/federated-credentials/c-thanos-thanos-store.json') ?? '');
    expect(cred).toEqual({
      properties: {
        issuer: 'https://oidc.prod-aks.azure.com/abc/',
        subject: 'system:serviceaccount:thanos:thanos-store',
        audiences: ['api://AzureADTokenExchange'],
      },
    });
  });
});

describe('self-managed S3', () => {
  it('reads the keys from the user-managed Secret as environment variables, and annotates nothing', () => {
    const id = identity(load('', MINIO)).forComponent('compactor');
    expect(id.serviceAccountAnnotations).toEqual({});
    expect(id.env).toEqual([
      { name: 'AWS_ACCESS_KEY_ID', valueFrom: { secretKeyRef: { name: 'minio-creds', key: 'AWS_ACCESS_KEY_ID' } } },
      {
        name: 'AWS_SECRET_ACCESS_KEY',
        valueFrom: { secretKeyRef: { name: 'minio-creds', key: 'AWS_SECRET_ACCESS_KEY' } },
      },
    ]);
    expect(identity(load('', MINIO)).forComponent('query').env).toEqual([]);
  });
});
