import { loadEnvironments } from '@thanos-gitops/core-model';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { identity, needsBucket, objstoreConfig, roleArn } from '../src/index.js';

const STORAGE = 'provider: s3, bucket: acme-thanos-t, region: eu-west-1';
const load = (extra = '', storage = STORAGE) => {
  const text = `name: t\ncluster: { name: c }\nobjectStorage: { ${storage} }\n${extra}`;
  const [l] = loadEnvironments([{ path: 'environments/t.yaml', text }]);
  if (!l) throw new Error('not loaded');
  return l.env;
};
const IRSA = 'identity: { aws: { accountId: "123456789012", oidcProvider: oidc.eks.eu-west-1.amazonaws.com/id/X } }\n';

describe('objstore.yml', () => {
  it('names bucket, endpoint and region, uses the AWS SDK chain, and carries no credentials', () => {
    const cfg = parse(objstoreConfig(load()));
    expect(cfg).toEqual({
      type: 'S3',
      config: {
        bucket: 'acme-thanos-t',
        endpoint: 's3.eu-west-1.amazonaws.com',
        region: 'eu-west-1',
        aws_sdk_auth: true,
      },
    });
    for (const key of ['access_key', 'secret_key', 'session_token'])
      expect(objstoreConfig(load(IRSA))).not.toContain(key);
  });

  it('adds SSE-KMS and a prefix when asked', () => {
    const env = load('', `${STORAGE}, kmsKeyId: alias/k, prefix: p/q`);
    const cfg = parse(objstoreConfig(env));
    expect(cfg.config.sse_config).toEqual({ type: 'SSE-KMS', kms_key_id: 'alias/k' });
    expect(cfg.prefix).toBe('p/q');
  });
});

describe('IRSA', () => {
  it('gives each component that touches the bucket its own role, and the others none', () => {
    const env = load(IRSA);
    const id = identity(env);
    expect(id.forComponent('store-gateway').serviceAccountAnnotations['eks.amazonaws.com/role-arn']).toBe(
      'arn:aws:iam::123456789012:role/thanos-t-store-gateway',
    );
    expect(id.forComponent('compactor').serviceAccountAnnotations['eks.amazonaws.com/role-arn']).toBe(
      'arn:aws:iam::123456789012:role/thanos-t-compactor',
    );
    expect(id.forComponent('query').serviceAccountAnnotations).toEqual({});
    expect(id.forComponent('receive-router').serviceAccountAnnotations).toEqual({});
  });

  it('gives a stateless ruler no bucket role and a stateful one a role', () => {
    expect(needsBucket(load(`${IRSA}ruler: { enabled: true, mode: stateless }\n`), 'ruler')).toBe(false);
    expect(needsBucket(load(`${IRSA}ruler: { enabled: true, mode: stateful }\n`), 'ruler')).toBe(true);
  });

  it('has no annotations without an AWS identity', () => {
    expect(identity(load()).forComponent('store-gateway').serviceAccountAnnotations).toEqual({});
    expect(roleArn(load(), 'compactor')).toBeUndefined();
  });

  it('uses the partition of the region', () => {
    const env = load(IRSA, 'provider: s3, bucket: acme-thanos-t, region: cn-north-1');
    expect(roleArn(env, 'compactor')).toMatch(/^arn:aws-cn:iam::123456789012:role\//);
  });
});
