/**
 * What each TLS role's pods get, asserted whole (flags, volumes, mounts), each test rendering for itself so that
 * per-test coverage runs every mutant of tls.ts against the tests that state it.
 */
import { NO_TLS } from '@thanos-gitops/model';
import { describe, expect, it } from 'vitest';
import { mtlsOn, pkiNames, tls } from '../src/index.js';
import { envOf, MTLS } from './helpers.js';

const INTERNAL = MTLS.replace(
  '    issuer: { kind: bootstrap }\n',
  '    issuer: { kind: bootstrap }\n    internal: true\n',
);
const ruler = (mode: 'stateless' | 'stateful') => `ruler: { enabled: true, mode: ${mode} }\n`;

const INTERNAL_VOLUME = { name: 'internal-tls', secret: { secretName: 'thanos-internal-tls', defaultMode: 0o440 } };
const INTERNAL_MOUNT = { name: 'internal-tls', mountPath: '/etc/thanos/tls/internal', readOnly: true };
const SERVER_VOLUME = {
  name: 'remote-write-tls',
  secret: { secretName: 'thanos-remote-write-tls', defaultMode: 0o440 },
};
const SERVER_MOUNT = { name: 'remote-write-tls', mountPath: '/etc/thanos/tls/remote-write', readOnly: true };
const ROUTER_SERVER_ARGS = [
  '--remote-write.server-tls-cert=/etc/thanos/tls/remote-write/tls.crt',
  '--remote-write.server-tls-key=/etc/thanos/tls/remote-write/tls.key',
  '--remote-write.server-tls-client-ca=/etc/thanos/tls/remote-write/ca.crt',
  '--remote-write.server-tls-min-version=1.3',
  '--receive.tenant-certificate-field=organization',
];
const GRPC_SERVER_ARGS = [
  '--grpc-server-tls-cert=/etc/thanos/tls/internal/tls.crt',
  '--grpc-server-tls-key=/etc/thanos/tls/internal/tls.key',
  '--grpc-server-tls-client-ca=/etc/thanos/tls/internal/ca.crt',
  '--grpc-server-tls-min-version=1.3',
];

describe('mtlsOn', () => {
  it('holds only with mTLS enabled, an issuer and receive on', () => {
    expect(mtlsOn(envOf(MTLS))).toBe(true);
    expect(mtlsOn(envOf(''))).toBe(false);
    expect(mtlsOn(envOf(MTLS.replace('enabled: true', 'enabled: false')))).toBe(false);
  });
});

describe('with mTLS on the routers only', () => {
  it('gives the routers the server TLS flags, the writers CA and the whole Secret mounted read-only', () => {
    expect(tls(envOf(MTLS)).forComponent('receive-router')).toEqual({
      args: ROUTER_SERVER_ARGS,
      volumes: [SERVER_VOLUME],
      mounts: [SERVER_MOUNT],
    });
  });

  it('leaves the tenant to the header, with no certificate field, under header tenancy', () => {
    const env = envOf(
      MTLS.replace('    issuer: { kind: bootstrap }\n', '    issuer: { kind: bootstrap }\n    tenancy: header\n'),
    );
    expect(tls(env).forComponent('receive-router').args).toEqual(ROUTER_SERVER_ARGS.slice(0, 4));
  });

  it('passes the minimum TLS version to the routers', () => {
    const env = envOf(
      MTLS.replace('    issuer: { kind: bootstrap }\n', '    issuer: { kind: bootstrap }\n    minVersion: "1.2"\n'),
    );
    expect(tls(env).forComponent('receive-router').args).toContain('--remote-write.server-tls-min-version=1.2');
  });

  it('gives the StoreAPI servers, Query and the stateful ruler nothing', () => {
    const t = tls(envOf(MTLS + ruler('stateful')));
    for (const c of ['receive-ingestor', 'store-gateway', 'query', 'ruler', 'compactor', 'query-frontend'] as const) {
      expect(t.forComponent(c), c).toEqual(NO_TLS);
    }
    expect(t.remoteWriteClient).toBeUndefined();
  });

  it("mounts the stateless ruler's client certificate and gives it an https remote-write client", () => {
    const t = tls(envOf(MTLS + ruler('stateless')));
    expect(t.forComponent('ruler')).toEqual({
      args: [],
      volumes: [{ name: 'remote-write-tls', secret: { secretName: pkiNames.rulerSecret, defaultMode: 0o440 } }],
      mounts: [{ name: 'remote-write-tls', mountPath: '/etc/thanos/tls/remote-write-client', readOnly: true }],
    });
    expect(t.remoteWriteClient).toEqual({
      scheme: 'https',
      tlsConfig: {
        ca_file: '/etc/thanos/tls/remote-write-client/ca.crt',
        cert_file: '/etc/thanos/tls/remote-write-client/tls.crt',
        key_file: '/etc/thanos/tls/remote-write-client/tls.key',
      },
    });
  });
});

describe('with internal mTLS', () => {
  it('gives the routers the server TLS and the client TLS towards the ingestors, two Secrets', () => {
    expect(tls(envOf(INTERNAL)).forComponent('receive-router')).toEqual({
      args: [
        ...ROUTER_SERVER_ARGS,
        '--remote-write.client-tls-secure',
        '--remote-write.client-tls-cert=/etc/thanos/tls/internal/tls.crt',
        '--remote-write.client-tls-key=/etc/thanos/tls/internal/tls.key',
        '--remote-write.client-tls-ca=/etc/thanos/tls/internal/ca.crt',
        '--remote-write.client-server-name=thanos-internal.thanos.svc',
      ],
      volumes: [SERVER_VOLUME, INTERNAL_VOLUME],
      mounts: [SERVER_MOUNT, INTERNAL_MOUNT],
    });
  });

  it('gives the ingestors and store gateways the gRPC server TLS on the internal Secret', () => {
    const t = tls(envOf(INTERNAL));
    for (const c of ['receive-ingestor', 'store-gateway'] as const) {
      expect(t.forComponent(c), c).toEqual({
        args: GRPC_SERVER_ARGS,
        volumes: [INTERNAL_VOLUME],
        mounts: [INTERNAL_MOUNT],
      });
    }
  });

  it('gives Query the gRPC client TLS verifying the internal server name', () => {
    expect(tls(envOf(INTERNAL)).forComponent('query')).toEqual({
      args: [
        '--grpc-client-tls-secure',
        '--grpc-client-tls-cert=/etc/thanos/tls/internal/tls.crt',
        '--grpc-client-tls-key=/etc/thanos/tls/internal/tls.key',
        '--grpc-client-tls-ca=/etc/thanos/tls/internal/ca.crt',
        '--grpc-client-server-name=thanos-internal.thanos.svc',
      ],
      volumes: [INTERNAL_VOLUME],
      mounts: [INTERNAL_MOUNT],
    });
  });

  it('gives the components outside the gRPC mesh nothing', () => {
    const t = tls(envOf(INTERNAL));
    for (const c of ['compactor', 'query-frontend', 'bucket-web'] as const)
      expect(t.forComponent(c), c).toEqual(NO_TLS);
  });

  it('serves the stateful ruler with gRPC server TLS only', () => {
    expect(tls(envOf(INTERNAL + ruler('stateful'))).forComponent('ruler')).toEqual({
      args: GRPC_SERVER_ARGS,
      volumes: [INTERNAL_VOLUME],
      mounts: [INTERNAL_MOUNT],
    });
  });

  it('serves the stateless ruler with gRPC server TLS and mounts its remote-write client certificate', () => {
    expect(tls(envOf(INTERNAL + ruler('stateless'))).forComponent('ruler')).toEqual({
      args: GRPC_SERVER_ARGS,
      volumes: [
        INTERNAL_VOLUME,
        { name: 'remote-write-tls', secret: { secretName: pkiNames.rulerSecret, defaultMode: 0o440 } },
      ],
      mounts: [
        INTERNAL_MOUNT,
        { name: 'remote-write-tls', mountPath: '/etc/thanos/tls/remote-write-client', readOnly: true },
      ],
    });
  });
});
