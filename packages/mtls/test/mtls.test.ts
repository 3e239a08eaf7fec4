import { loadEnvironments, NO_TLS } from '@thanos-gitops/core-model';
import { describe, expect, it } from 'vitest';
import { tls } from '../src/index.js';

describe('tls', () => {
  it('contributes nothing to any component while receive mTLS is not configured', () => {
    const [l] = loadEnvironments([
      {
        path: 'environments/t.yaml',
        text: 'name: t\ncluster: { name: c }\nobjectStorage: { provider: s3, bucket: acme-b, region: eu-west-1 }\n',
      },
    ]);
    const contribution = tls(l!.env);
    for (const c of ['receive-router', 'receive-ingestor', 'query', 'store-gateway'] as const) {
      expect(contribution.forComponent(c)).toEqual(NO_TLS);
    }
  });
});
