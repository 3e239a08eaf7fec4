/**
 * Derived defaults (src/defaults.ts): what a loaded environment holds for every option whose default depends on
 * other fields, and the size presets as the README and the schema describe them. Each case loads an
 * environment inside the test and checks the resulting values, so a default that changes fails here.
 */

import { memcachedMemoryLimitMi, SIZE_PRESETS, sizePresetRows, sizePresetTable } from '@thanos-gitops/catalog';
import { loadEnvironments } from '@thanos-gitops/input';
import { awsS3Endpoint, resourcesOf, sizedWorkloads } from '@thanos-gitops/model';
import type { Environment } from '@thanos-gitops/schema';
import { describe, expect, it } from 'vitest';

const BASE = 'name: test\ncluster: { name: test-cluster }\n';
const S3 = 'objectStorage: { provider: s3, bucket: test-bucket, region: eu-west-1 }\n';

function load(yaml: string, storage = S3): Environment {
  const [loaded] = loadEnvironments([{ path: 'environments/test.yaml', text: `${BASE}${storage}${yaml}` }]);
  if (!loaded) throw new Error('not loaded');
  return loaded.env;
}

describe('size presets', () => {
  it('give every workload its preset requests and memory limit, and no cpu limit', () => {
    for (const size of ['small', 'medium', 'large'] as const) {
      const env = load(`size: ${size}\nreceive:\n  hashrings: [{ name: a, tenants: [x] }, { name: b }]\n`);
      const workloads = sizedWorkloads(env);
      expect(workloads.map(([path, kind]) => [path.join('.'), kind])).toEqual([
        ['receive.router', 'receive-router'],
        ['receive.hashrings.0', 'receive-ingestor'],
        ['receive.hashrings.1', 'receive-ingestor'],
        ['query', 'query'],
        ['queryFrontend', 'query-frontend'],
        ['storeGateway', 'store-gateway'],
        ['compactor', 'compactor'],
        ['ruler', 'ruler'],
        ['bucketWeb', 'bucket-web'],
      ]);
      for (const [, kind, options] of workloads) {
        expect(options.resources, `${size} ${kind}`).toEqual(SIZE_PRESETS[size][kind]);
        expect(resourcesOf(options).limits).not.toHaveProperty('cpu');
      }
    }
  });

  it('hold the figures the README documents', () => {
    expect(sizePresetRows()).toEqual([
      ['receive router (`receive.router`)', '100m / 128Mi / 512Mi', '500m / 512Mi / 2Gi', '1 / 1Gi / 4Gi'],
      ['receive ingestor (`receive.hashrings[]`)', '250m / 512Mi / 2Gi', '1 / 4Gi / 8Gi', '2 / 16Gi / 32Gi'],
      ['query', '100m / 256Mi / 1Gi', '500m / 1Gi / 4Gi', '2 / 4Gi / 16Gi'],
      ['query frontend', '50m / 128Mi / 512Mi', '250m / 512Mi / 2Gi', '500m / 1Gi / 4Gi'],
      ['store gateway', '100m / 512Mi / 2Gi', '500m / 2Gi / 8Gi', '2 / 8Gi / 32Gi'],
      ['compactor', '250m / 512Mi / 2Gi', '1 / 2Gi / 8Gi', '2 / 8Gi / 16Gi'],
      ['ruler', '100m / 256Mi / 1Gi', '500m / 1Gi / 4Gi', '1 / 2Gi / 8Gi'],
      ['bucket web', '50m / 64Mi / 256Mi', '100m / 128Mi / 512Mi', '100m / 128Mi / 512Mi'],
      [
        'chunk cache memcached (`storeGateway.bucketCache.memcached`), pods ×',
        '1 × 100m / 640Mi / 640Mi',
        '2 × 500m / 2458Mi / 2458Mi',
        '3 × 1 / 9831Mi / 9831Mi',
      ],
      [
        'store gateway request limits (`storeGateway.limits`), series / samples',
        '250,000 / 25,000,000',
        '1,000,000 / 100,000,000',
        '5,000,000 / 500,000,000',
      ],
      [
        'query limits (`query.limits`), series / samples / concurrent / concurrent selects',
        '250,000 / 25,000,000 / 10 / 4',
        '1,000,000 / 100,000,000 / 20 / 4',
        '5,000,000 / 500,000,000 / 40 / 8',
      ],
    ]);
    const table = sizePresetTable().split('\n');
    expect(table.slice(0, 3)).toEqual([
      '| workload | small | medium | large |',
      '| --- | --- | --- | --- |',
      '| receive router (`receive.router`) | 100m / 128Mi / 512Mi | 500m / 512Mi / 2Gi | 1 / 1Gi / 4Gi |',
    ]);
    expect(table).toHaveLength(2 + 11);
  });

  it('fill only what the user left out, keeping a given cpu limit', () => {
    const env = load(
      'size: medium\nquery:\n  resources: { requests: { memory: 2Gi }, limits: { cpu: "3" } }\n' +
        'compactor:\n  resources: { requests: { cpu: 1500m }, limits: { memory: 9Gi } }\n',
    );
    expect(env.query.resources).toEqual({
      requests: { cpu: '500m', memory: '2Gi' },
      limits: { cpu: '3', memory: '4Gi' },
    });
    expect(env.compactor.resources).toEqual({ requests: { cpu: '1500m', memory: '2Gi' }, limits: { memory: '9Gi' } });
  });

  it('are the precondition of resourcesOf, which says so when missing', () => {
    expect(() => resourcesOf({})).toThrow(/filled by applyDerivedDefaults/);
    expect(() => resourcesOf({ resources: { requests: { cpu: '1' }, limits: { memory: '1Gi' } } })).toThrow();
    expect(() => resourcesOf({ resources: { requests: { memory: '1Gi' }, limits: { memory: '1Gi' } } })).toThrow();
    expect(() => resourcesOf({ resources: { requests: { cpu: '1', memory: '1Gi' }, limits: {} } })).toThrow();
    const full = { requests: { cpu: '1', memory: '1Gi' }, limits: { memory: '2Gi' } };
    expect(resourcesOf({ resources: full })).toBe(full);
  });
});

describe('the chunk cache memcached', () => {
  it('gets pods, item memory and cpu by size, unless given', () => {
    const chunks = (yaml: string) => load(yaml).storeGateway.bucketCache.memcached;
    expect(chunks('')).toMatchObject({ replicas: 1, memoryLimitMb: 512, cpu: '100m' });
    expect(chunks('size: medium\n')).toMatchObject({ replicas: 2, memoryLimitMb: 2048, cpu: '500m' });
    expect(chunks('size: large\n')).toMatchObject({ replicas: 3, memoryLimitMb: 8192, cpu: '1' });
    const given =
      'size: large\nstoreGateway:\n  bucketCache:\n    memcached: { replicas: 5, memoryLimitMb: 100, cpu: 50m }\n';
    expect(chunks(given)).toMatchObject({ replicas: 5, memoryLimitMb: 100, cpu: '50m' });
  });

  it('has a memory limit of its item memory plus a fifth, at least 128 MiB more', () => {
    expect([100, 640, 641, 645, 2048].map(memcachedMemoryLimitMi)).toEqual([228, 768, 770, 774, 2458]);
  });
});

describe('object storage', () => {
  it('derives the regional S3 endpoint, .cn in the China regions', () => {
    expect(awsS3Endpoint('eu-west-1')).toBe('s3.eu-west-1.amazonaws.com');
    expect(awsS3Endpoint('cn-north-1')).toBe('s3.cn-north-1.amazonaws.com.cn');
    expect(awsS3Endpoint('us-east-1-cn')).toBe('s3.us-east-1-cn.amazonaws.com');
    expect(load('').objectStorage).toMatchObject({ endpoint: 's3.eu-west-1.amazonaws.com' });
  });

  it('keeps an endpoint the user gives, and derives none for other providers', () => {
    const minio =
      'objectStorage: { provider: s3, bucket: thanos, region: us-east-1, endpoint: "minio.minio.svc:9000", insecure: true, credentialsSecret: { name: minio-creds } }\n';
    expect(load('', minio).objectStorage).toMatchObject({ endpoint: 'minio.minio.svc:9000' });
    const gcs = load(
      'identity: { gcp: { projectId: acme-obs-1 } }\n',
      'objectStorage: { provider: gcs, bucket: acme-thanos-t }\n',
    );
    expect(gcs.objectStorage).not.toHaveProperty('endpoint');
  });
});

describe('cloud identity', () => {
  it('names AWS roles after the environment and takes the EKS cluster name from the cluster', () => {
    const aws = load(
      'identity: { aws: { accountId: "123456789012", oidcProvider: oidc.eks.eu-west-1.amazonaws.com/id/X } }\n',
    );
    expect(aws.identity?.aws).toMatchObject({ roleNamePrefix: 'thanos-test', eksClusterName: 'test-cluster' });
    const given = load(
      'identity: { aws: { accountId: "123456789012", oidcProvider: oidc.eks.eu-west-1.amazonaws.com/id/X, roleNamePrefix: obs, eksClusterName: eks-1 } }\n',
    );
    expect(given.identity?.aws).toMatchObject({ roleNamePrefix: 'obs', eksClusterName: 'eks-1' });
  });

  it('names GCP service accounts and Azure identities after the environment', () => {
    const gcs = 'objectStorage: { provider: gcs, bucket: acme-thanos-t }\n';
    expect(load('identity: { gcp: { projectId: acme-obs-1 } }\n', gcs).identity?.gcp?.serviceAccountPrefix).toBe(
      'thanos-test',
    );
    const G = (n: number) => `${String(n).repeat(8)}-0000-0000-0000-000000000000`;
    const azure = `identity: { azure: { tenantId: ${G(1)}, subscriptionId: ${G(2)}, resourceGroup: rg-obs, oidcIssuer: "https://oidc.prod-aks.azure.com/abc/", clientIds: { writer: ${G(3)}, reader: ${G(4)}, compactor: ${G(5)} } } }\n`;
    const env = load(azure, 'objectStorage: { provider: azure, storageAccount: acmethanos, container: thanos-t }\n');
    expect(env.identity?.azure?.identityPrefix).toBe('thanos-test');
    expect(env.identity?.aws).toBeUndefined();
  });
});

describe('compactor deduplication', () => {
  it('merges the copies of replicated receive exactly, on the ingestors replica label', () => {
    const env = load('receive:\n  replicationFactor: 3\n  hashrings: [{ name: default, replicas: 3 }]\n');
    expect(env.compactor.deduplicationReplicaLabels).toEqual(['replica']);
    expect(env.compactor.deduplicationFunc).toBe('exact');
  });

  it('merges nothing without replication, or without receive', () => {
    for (const yaml of ['', 'receive:\n  enabled: false\n  replicationFactor: 3\n']) {
      const env = load(yaml);
      expect(env.compactor.deduplicationReplicaLabels).toEqual([]);
      expect(env.compactor.deduplicationFunc).toBe('exact');
    }
  });

  it('uses the penalty merger for any other replica label, and keeps what the user sets', () => {
    const other = load('compactor:\n  deduplicationReplicaLabels: [replica, prometheus_replica]\n');
    expect(other.compactor.deduplicationFunc).toBe('penalty');
    const given = load('compactor:\n  deduplicationReplicaLabels: [prometheus_replica]\n  deduplicationFunc: exact\n');
    expect(given.compactor).toMatchObject({
      deduplicationReplicaLabels: ['prometheus_replica'],
      deduplicationFunc: 'exact',
    });
  });
});

describe('newest store partition with recentBlocks: skip', () => {
  it('ends at -(receive.retention - overlap)', () => {
    const env = load('receive:\n  retention: 15d\nstoreGateway:\n  recentBlocks: skip\n  overlap: 6h\n');
    expect(env.storeGateway.partitions).toEqual([{ maxTime: '-14d18h' }]);
  });

  it('ends at -0 when the overlap reaches past the retention', () => {
    const env = load('receive:\n  retention: 1d\nstoreGateway:\n  recentBlocks: skip\n  overlap: 2d\n');
    expect(env.storeGateway.partitions[0]?.maxTime).toBe('-0s');
  });

  it('is left alone when set, when serving recent blocks, or without receive', () => {
    const set = load('storeGateway:\n  recentBlocks: skip\n  partitions: [{ maxTime: -3d }]\n');
    expect(set.storeGateway.partitions).toEqual([{ maxTime: '-3d' }]);
    expect(load('storeGateway:\n  recentBlocks: serve\n').storeGateway.partitions).toEqual([{}]);
    expect(load('receive:\n  enabled: false\nstoreGateway:\n  recentBlocks: skip\n').storeGateway.partitions).toEqual([
      {},
    ]);
    expect(load('storeGateway:\n  recentBlocks: skip\n  partitions: []\n').storeGateway.partitions).toEqual([]);
  });

  it('applies to the newest partition only', () => {
    const env = load('storeGateway:\n  recentBlocks: skip\n  partitions: [{ minTime: -90d }, { maxTime: -90d }]\n');
    expect(env.storeGateway.partitions).toEqual([{ minTime: '-90d', maxTime: '-14d18h' }, { maxTime: '-90d' }]);
  });
});
