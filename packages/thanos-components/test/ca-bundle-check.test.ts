/**
 * The init container that refuses to start a pod whose server client CA file holds no certificate
 * (ca-bundle-check.ts); cli/test/ca-bundle-check.test.ts runs its script in real shells on real bundles.
 */
import { describe, expect, it } from 'vitest';
import { CA_BUNDLE_CHECK_SCRIPT, caBundleCheckContainer, serverClientCaFiles } from '../src/ca-bundle-check.js';

const SECURITY = { runAsNonRoot: true };
const MOUNTS = [
  { name: 'grpc-tls', mountPath: '/etc/thanos/tls/grpc' },
  { name: 'rw-tls', mountPath: '/etc/thanos/tls/rw', readOnly: false },
  { name: 'other', mountPath: '/etc/thanos/tls/grpc-other' },
  { name: 'data', mountPath: '/var/thanos' },
];

describe('serverClientCaFiles', () => {
  it('finds every server client CA flag, gRPC and remote-write, and nothing else', () => {
    expect(
      serverClientCaFiles([
        'receive',
        '--grpc-server-tls-client-ca=/etc/thanos/tls/grpc/ca.crt',
        '--grpc-server-tls-cert=/etc/thanos/tls/grpc/tls.crt',
        '--remote-write.server-tls-client-ca=/etc/thanos/tls/rw/ca.crt',
        '--grpc-client-tls-ca=/etc/thanos/tls/grpc/ca.crt',
        'x--grpc-server-tls-client-ca=/nope',
        '--grpc-server-tls-client-ca=',
      ]),
    ).toEqual(['/etc/thanos/tls/grpc/ca.crt', '/etc/thanos/tls/rw/ca.crt']);
  });
});

describe('caBundleCheckContainer', () => {
  it('is not there when no server is given a client CA', () => {
    expect(caBundleCheckContainer('img', ['--grpc-client-tls-ca=/a/ca.crt'], MOUNTS, SECURITY)).toBeUndefined();
  });

  it('runs the check on the same image over each file, with the mounts that hold them, read-only', () => {
    const c = caBundleCheckContainer(
      'quay.io/thanos/thanos:v0.42.4',
      [
        '--grpc-server-tls-client-ca=/etc/thanos/tls/grpc/ca.crt',
        '--remote-write.server-tls-client-ca=/etc/thanos/tls/rw/ca.crt',
      ],
      MOUNTS,
      SECURITY,
    );
    expect(c).toEqual({
      name: 'ca-bundle-check',
      image: 'quay.io/thanos/thanos:v0.42.4',
      imagePullPolicy: 'IfNotPresent',
      command: [
        '/bin/sh',
        '-c',
        CA_BUNDLE_CHECK_SCRIPT,
        'ca-bundle-check',
        '/etc/thanos/tls/grpc/ca.crt',
        '/etc/thanos/tls/rw/ca.crt',
      ],
      resources: { requests: { cpu: '10m', memory: '16Mi' }, limits: { memory: '16Mi' } },
      securityContext: SECURITY,
      terminationMessagePolicy: 'FallbackToLogsOnError',
      volumeMounts: [
        { name: 'grpc-tls', mountPath: '/etc/thanos/tls/grpc', readOnly: true },
        { name: 'rw-tls', mountPath: '/etc/thanos/tls/rw', readOnly: true },
      ],
    });
  });

  it('checks for both ends of a PEM certificate block and fails otherwise', () => {
    expect(CA_BUNDLE_CHECK_SCRIPT).toContain('grep -q -e \'-----BEGIN CERTIFICATE-----\' "$f"');
    expect(CA_BUNDLE_CHECK_SCRIPT).toContain('grep -q -e \'-----END CERTIFICATE-----\' "$f"');
    expect(CA_BUNDLE_CHECK_SCRIPT).toContain('exit 1');
  });
});
