/** The release table: what the generator renders differently at each supported Thanos release. */
import { SUPPORTED_THANOS_VERSIONS } from '@thanos-gitops/schema';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { RELEASES, release } from '../src/releases.js';
import { argsOf, find, flagValues, type Rendered, render } from './support/render.js';

const at = (version: string, extra = '') => render(`thanos: { version: ${version} }\n${extra}`);

describe('the release table', () => {
  it('has a row for every supported release, and release(env) reads the environment one', () => {
    expect(Object.keys(RELEASES).sort()).toEqual([...SUPPORTED_THANOS_VERSIONS].sort());
    expect(release(at('v0.41.0').env)).toBe(RELEASES['v0.41.0']);
    expect(release(at('v0.42.4').env)).toBe(RELEASES['v0.42.4']);
  });

  it('retries instant queries in the query frontend from v0.42 only', () => {
    const retries = (r: Rendered) =>
      flagValues(argsOf(find(r, 'Deployment', 'thanos-query-frontend')), 'query.max-retries-per-request');
    expect(retries(at('v0.42.4'))).toHaveLength(1);
    expect(retries(at('v0.41.0'))).toEqual([]);
  });

  it('gives an extra endpoint its own plaintext client config from v0.42, with internal mTLS', () => {
    const mtls = `remoteWrite:
  hostname: rw.example.com
  mtls: { enabled: true, issuer: { kind: bootstrap }, internal: true }
  writers: [{ name: alpha, tenant: default-tenant, cluster: alpha-eu }]
query: { extraEndpoints: [sidecar.team-a.svc.cluster.local:10901] }
`;
    const endpoints = parse(find(at('v0.42.4', mtls), 'ConfigMap', 'thanos-query-endpoints').data['endpoints.yaml']);
    expect(endpoints.endpoints).toContainEqual({
      address: 'sidecar.team-a.svc.cluster.local:10901',
      client_config: { tls_config: { enabled: false } },
    });
    // v0.41 ignores the key: the rules refuse the combination instead (see input's query rules).
    expect(RELEASES['v0.41.0'].endpointClientConfig).toBe(false);
  });
});
