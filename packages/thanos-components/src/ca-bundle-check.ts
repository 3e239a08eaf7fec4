/**
 * A guard against an upstream fail-open. Thanos (pkg/tls `NewServerConfig`, v0.41.0 and v0.42.4) reads a server's
 * client CA file and, when it holds no certificate Go can parse, returns no TLS config and no error (it wraps a
 * nil error): the server then serves plaintext and verifies no client at all. cert-manager leaves `ca.crt` empty
 * for issuers that do not know their chain (ACME, some external issuers), so an existing issuer can trigger it.
 *
 * Every pod whose Thanos container is given a `--*server-tls-client-ca` file gets an init container, on the same
 * image (busybox-based, so it has `/bin/sh` and `grep`), that refuses to let the pod start unless each such file
 * holds a PEM certificate block. A block Go cannot parse still passes this check; an empty or missing bundle,
 * the case cert-manager produces, does not.
 */
import type { VolumeMountSpec } from '@thanos-gitops/model';
import type { IContainer } from 'kubernetes-models/v1/Container';

/** The check, for `/bin/sh -c SCRIPT ca-bundle-check FILE...` (POSIX sh; busybox and dash run it alike). */
export const CA_BUNDLE_CHECK_SCRIPT = [
  'for f in "$@"; do',
  '  if grep -q -e \'-----BEGIN CERTIFICATE-----\' "$f" && grep -q -e \'-----END CERTIFICATE-----\' "$f"; then',
  '    echo "$f: holds a PEM certificate"',
  '  else',
  '    echo "$f: no PEM certificate: Thanos would serve this port without TLS (empty client CA); not starting" >&2',
  '    exit 1',
  '  fi',
  'done',
].join('\n');

/** The client CA files a Thanos server is given (`--grpc-server-tls-client-ca`, `--remote-write.server-...`). */
export function serverClientCaFiles(args: readonly string[]): string[] {
  return args.flatMap((a) => {
    const m = /^--[a-z.-]*server-tls-client-ca=(.+)$/.exec(a);
    return m?.[1] ? [m[1]] : [];
  });
}

/** The init container checking the pod's server client CA files, or none when it has none. */
export function caBundleCheckContainer(
  image: string,
  args: readonly string[],
  mounts: readonly VolumeMountSpec[],
  securityContext: IContainer['securityContext'],
): IContainer | undefined {
  const files = serverClientCaFiles(args);
  if (files.length === 0) return undefined;
  const used = mounts.filter((m) => files.some((f) => f.startsWith(`${m.mountPath}/`)));
  return {
    name: 'ca-bundle-check',
    image,
    imagePullPolicy: 'IfNotPresent',
    command: ['/bin/sh', '-c', CA_BUNDLE_CHECK_SCRIPT, 'ca-bundle-check', ...files],
    resources: { requests: { cpu: '10m', memory: '16Mi' }, limits: { memory: '16Mi' } },
    securityContext,
    terminationMessagePolicy: 'FallbackToLogsOnError',
    volumeMounts: used.map((m) => ({ ...m, readOnly: true })),
  };
}
