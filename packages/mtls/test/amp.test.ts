/** AMP: the partition of a region, the workspace's remote-write URL and ARN, the one-statement IAM policy. */
import type { Environment } from '@thanos-gitops/schema';
import { describe, expect, it } from 'vitest';
import { ampRemoteWriteUrl, ampWorkspaceArn, apsRemoteWritePolicy, awsPartition } from '../src/index.js';
import { envOf, MTLS } from './helpers.js';

type Amp = NonNullable<Environment['remoteWrite']['amp']>;
const WS = 'ws-0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b';

describe('AMP', () => {
  it('knows the partition of China and GovCloud regions', () => {
    expect(awsPartition('eu-west-1')).toBe('aws');
    expect(awsPartition('cn-north-1')).toBe('aws-cn');
    expect(awsPartition('us-gov-west-1')).toBe('aws-us-gov');
    expect(awsPartition('eu-cn-1')).toBe('aws');
  });

  it("writes to the workspace's regional endpoint, in China's own domain", () => {
    expect(ampRemoteWriteUrl({ workspaceId: WS, region: 'eu-west-1' } as Amp)).toBe(
      `https://aps-workspaces.eu-west-1.amazonaws.com/workspaces/${WS}/api/v1/remote_write`,
    );
    expect(ampRemoteWriteUrl({ workspaceId: WS, region: 'cn-north-1' } as Amp)).toBe(
      `https://aps-workspaces.cn-north-1.amazonaws.com.cn/workspaces/${WS}/api/v1/remote_write`,
    );
  });

  it("names the workspace in its partition and account: the workspace's own, else the environment's", () => {
    const env = envOf(MTLS);
    expect(ampWorkspaceArn(env, { workspaceId: WS, region: 'us-gov-west-1', accountId: '210987654321' } as Amp)).toBe(
      `arn:aws-us-gov:aps:us-gov-west-1:210987654321:workspace/${WS}`,
    );
    expect(ampWorkspaceArn(env, { workspaceId: WS, region: 'eu-west-1' } as Amp)).toBe(
      `arn:aws:aps:eu-west-1:123456789012:workspace/${WS}`,
    );
    for (const identity of [undefined, {}]) {
      const noAws = structuredClone(env);
      noAws.identity = identity as never;
      expect(ampWorkspaceArn(noAws, { workspaceId: WS, region: 'eu-west-1' } as Amp)).toBe(
        `arn:aws:aps:eu-west-1::workspace/${WS}`,
      );
    }
  });

  it('allows aps:RemoteWrite on that workspace and nothing else', () => {
    const amp = { workspaceId: WS, region: 'eu-west-1' } as Amp;
    expect(apsRemoteWritePolicy(envOf(MTLS), amp)).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'AmpRemoteWrite',
          Effect: 'Allow',
          Action: ['aps:RemoteWrite'],
          Resource: `arn:aws:aps:eu-west-1:123456789012:workspace/${WS}`,
        },
      ],
    });
  });
});
