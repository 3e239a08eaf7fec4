/**
 * Settings written in the file that cannot apply with the rest of it. A default never counts: only what the file
 * says (`written`), since a setting the user wrote and the generator ignores is a misunderstanding to point at.
 */
import type { FieldPath, ProblemSink } from '@thanos-gitops/problems';
import type { Environment } from '@thanos-gitops/schema';

/** Whether the file itself writes the field at `path` (before any default). */
export type Written = (path: FieldPath) => boolean;

export function inapplicableSettingRules(env: Environment, written: Written, sink: ProblemSink): void {
  const mtls = ['remoteWrite', 'mtls'];
  if (!env.remoteWrite.mtls.enabled && written([...mtls, 'tenancy'])) {
    sink.report(
      [...mtls, 'tenancy'],
      'is only used with remoteWrite.mtls.enabled: true (without mTLS the tenant always comes from the header)',
    );
  }
  issuerSettingRules(env.remoteWrite.mtls.issuer, [...mtls, 'issuer'], written, sink);
  issuerSettingRules(env.remoteWrite.mtls.internalIssuer, [...mtls, 'internalIssuer'], written, sink);
  const tracing = env.tracing;
  if (tracing?.urlPath !== undefined && tracing.protocol !== 'http') {
    sink.report(
      ['tracing', 'urlPath'],
      `is only used with protocol http: gRPC has no URL path (found protocol ${tracing.protocol})`,
    );
  }
}

/** `group` only names an existing issuer, `caDuration` only a bootstrapped CA. */
function issuerSettingRules(
  issuer: Environment['remoteWrite']['mtls']['issuer'],
  at: FieldPath,
  written: Written,
  sink: ProblemSink,
): void {
  if (issuer?.kind === 'bootstrap' && written([...at, 'group'])) {
    sink.report(
      [...at, 'group'],
      'is only used with an existing Issuer or ClusterIssuer: a bootstrapped CA is a cert-manager.io Issuer',
    );
  }
  if (issuer !== undefined && issuer.kind !== 'bootstrap' && written([...at, 'caDuration'])) {
    sink.report(
      [...at, 'caDuration'],
      'is only used with kind bootstrap: an existing issuer has its own CA, whose lifetime the generator does not set',
    );
  }
}
