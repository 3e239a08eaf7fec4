/**
 * Amazon Managed Service for Prometheus: the workspace's remote-write URL and the IAM policy a writer's role
 * needs to push to it (`aps:RemoteWrite` on that workspace only). Kept small and standalone so that the IAM
 * documents of the environment can adopt it.
 */
import type { Environment } from '@thanos-gitops/schema';

type Amp = NonNullable<Environment['remoteWrite']['amp']>;

/** The AWS partition of a region. */
export function awsPartition(region: string): 'aws' | 'aws-cn' | 'aws-us-gov' {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.includes('-gov-')) return 'aws-us-gov';
  return 'aws';
}

export function ampRemoteWriteUrl(amp: Amp): string {
  const domain = amp.region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com';
  return `https://aps-workspaces.${amp.region}.${domain}/workspaces/${amp.workspaceId}/api/v1/remote_write`;
}

export function ampWorkspaceArn(env: Environment, amp: Amp): string {
  const account = amp.accountId ?? env.identity?.aws?.accountId ?? '';
  return `arn:${awsPartition(amp.region)}:aps:${amp.region}:${account}:workspace/${amp.workspaceId}`;
}

/** The IAM policy document allowing remote-write into the workspace, and nothing else. */
export function apsRemoteWritePolicy(env: Environment, amp: Amp) {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'AmpRemoteWrite',
        Effect: 'Allow',
        Action: ['aps:RemoteWrite'],
        Resource: ampWorkspaceArn(env, amp),
      },
    ],
  };
}
