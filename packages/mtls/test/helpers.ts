/** Test helpers: an environment from YAML text, with the remote-write section appended. */
import { loadEnvironments } from '@thanos-gitops/input';
import type { Environment } from '@thanos-gitops/schema';

export const BASE = `name: t
cluster: { name: c }
objectStorage: { provider: s3, bucket: acme-b, region: eu-west-1 }
identity:
  aws: { accountId: "123456789012", oidcProvider: oidc.example.com/id/X }
receive:
  hashrings:
    - name: teams
      tenants: [team-a, team-b]
    - name: default
`;

export const MTLS = `remoteWrite:
  hostname: rw.example.com
  mtls:
    enabled: true
    issuer: { kind: bootstrap }
  writers:
    - { name: alpha, tenant: team-a, cluster: alpha-eu }
    - { name: beta, tenant: team-b, cluster: beta-us, externalLabels: { cluster: beta, region: us-east-1 } }
`;

export function envOf(extra: string): Environment {
  const [l] = loadEnvironments([{ path: 'environments/t.yaml', text: `${BASE}${extra}` }]);
  if (!l) throw new Error('no environment');
  return l.env;
}
