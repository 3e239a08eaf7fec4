/**
 * The validation holes of issue 20 §5, class by class, through `loadEnvironments`: each case pins the field and
 * the message, and its boundary on the accepted side, so a rule that stops firing or fires one step early fails.
 */
import { describe, expect, it } from 'vitest';
import { reservedNamespace } from '../src/rules/environment.js';
import { problemsOf } from './support/problems.js';

const report = (yaml: string) => problemsOf(yaml).map((p) => [p.field, p.message]);
const fields = (yaml: string) => problemsOf(yaml).map((p) => p.field);

const AWS = 'identity:\n  aws:\n    accountId: "111111111111"\n';
const OIDC = '    oidcProvider: oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLE\n';

describe('a field required with the default mode', () => {
  it('wants identity.aws.oidcProvider when mode is left to its default, irsa', () => {
    expect(fields(AWS)).toEqual(['identity.aws.oidcProvider']);
    expect(fields(`${AWS}    mode: irsa\n`)).toEqual(['identity.aws.oidcProvider']);
    expect(problemsOf(`${AWS}${OIDC}`)).toEqual([]);
  });

  it('does not want it with podIdentity, and refuses it there', () => {
    expect(problemsOf(`${AWS}    mode: podIdentity\n`)).toEqual([]);
    expect(report(`${AWS}    mode: podIdentity\n${OIDC}`)).toEqual([
      [
        'identity.aws.oidcProvider',
        'is only used with mode irsa: with podIdentity the roles trust pods.eks.amazonaws.com, not the OIDC provider',
      ],
    ]);
  });
});

describe('reserved namespaces', () => {
  it.each(['kube-system', 'kube-public', 'kube-node-lease', 'kube-flannel'])('refuses %s', (ns) => {
    expect(report(`namespace: ${ns}\n`)).toEqual([
      [
        'namespace',
        `must be a namespace of its own (found "${ns}"): kube- namespaces are reserved for Kubernetes itself, and ` +
          'the generator labels its namespace Pod Security restricted and denies all traffic it does not name',
      ],
    ]);
  });

  it('refuses default, which the API server Service shares', () => {
    expect(reservedNamespace('default')).toBe(
      'default is shared with the API server Service and everything deployed without a namespace',
    );
    expect(fields('namespace: default\n')).toEqual(['namespace']);
  });

  it.each(['kube', 'kubernetes', 'kubex-system', 'thanos', 'defaults', 'my-kube-system'])('accepts %s', (ns) => {
    expect(reservedNamespace(ns)).toBeUndefined();
    expect(problemsOf(`namespace: ${ns}\n`)).toEqual([]);
  });
});

describe('sizes take a unit, and the hint leads somewhere', () => {
  const storage = (v: string) => `receive:\n  hashrings:\n    - name: default\n      storage: ${v}\n`;
  const words = 'must be a size in bytes with its unit, such as 512Mi, 50Gi or 1G';

  it('does not suggest quoting a number that quoted would still be wrong', () => {
    expect(report(storage('100'))).toEqual([['receive.hashrings[0].storage', `${words} (found 100, a number)`]]);
    expect(report(storage('"100"'))).toEqual([['receive.hashrings[0].storage', `${words} (found "100")`]]);
  });

  it('still suggests quoting where the quoted text is valid', () => {
    const message = problemsOf(`identity:\n  aws:\n    accountId: 111111111111\n${OIDC}`)[0]?.message;
    expect(message).toMatch(/a number: quote it to make it a string\)$/);
  });

  it.each(['100Gi', '1G', '1.5Ti', '512k', '1Ei'])('accepts %s', (v) => {
    expect(problemsOf(storage(v))).toEqual([]);
  });

  it.each(['100m', '100', '10 Gi', 'Gi'])('refuses %s as a size', (v) => {
    expect(fields(storage(`"${v}"`))).toEqual(['receive.hashrings[0].storage']);
  });

  it('applies to memory, emptyDir size limits, the ruler volume and in-memory caches, not to cpu', () => {
    expect(fields('query:\n  resources: { limits: { memory: "512", cpu: "2" } }\n')).toEqual([
      'query.resources.limits.memory',
    ]);
    expect(fields('ruler:\n  storage: "10"\n')).toEqual(['ruler.storage']);
    expect(fields('storeGateway:\n  indexCache: { size: "256" }\n')).toEqual(['storeGateway.indexCache.size']);
  });
});

describe('settings that cannot apply', () => {
  const mtls = '    enabled: true\n    issuer:\n      kind: bootstrap\n';

  it('refuses certificate or header tenancy written without mTLS, not the default', () => {
    expect(report('remoteWrite:\n  mtls:\n    tenancy: certificate\n')).toEqual([
      [
        'remoteWrite.mtls.tenancy',
        'is only used with remoteWrite.mtls.enabled: true (without mTLS the tenant always comes from the header)',
      ],
    ]);
    expect(problemsOf('remoteWrite:\n  mtls:\n    enabled: false\n')).toEqual([]);
    expect(problemsOf(`remoteWrite:\n  mtls:\n${mtls}    tenancy: header\n`)).toEqual([]);
  });

  it('refuses an issuer group or a CA lifetime where they do not apply', () => {
    expect(report(`remoteWrite:\n  mtls:\n${mtls}      group: awspca.cert-manager.io\n`)).toEqual([
      [
        'remoteWrite.mtls.issuer.group',
        'is only used with an existing Issuer or ClusterIssuer: a bootstrapped CA is a cert-manager.io Issuer',
      ],
    ]);
    const existing = 'remoteWrite:\n  mtls:\n    enabled: true\n    issuer: { kind: ClusterIssuer, name: ca';
    expect(problemsOf(`${existing}, group: awspca.cert-manager.io }\n`)).toEqual([]);
    expect(fields(`${existing}, caDuration: 8760h }\n`)).toEqual(['remoteWrite.mtls.issuer.caDuration']);
  });

  it('refuses a URL path with gRPC tracing, written or by default', () => {
    const tracing = 'tracing:\n  endpoint: otel.obs.svc:4317\n  urlPath: /v1/traces\n';
    expect(report(tracing)).toEqual([
      ['tracing.urlPath', 'is only used with protocol http: gRPC has no URL path (found protocol grpc)'],
    ]);
    expect(fields(`${tracing}  protocol: grpc\n`)).toEqual(['tracing.urlPath']);
    expect(problemsOf(`${tracing}  protocol: http\n`)).toEqual([]);
  });
});

describe('lifetimes', () => {
  const cert = (ca: string, duration: string) =>
    `remoteWrite:\n  mtls:\n    enabled: true\n    issuer: { kind: bootstrap, caDuration: ${ca} }\n` +
    `    duration: ${duration}\n    renewBefore: 1h\n`;

  it('refuses a certificate that outlives its bootstrapped CA', () => {
    expect(report(cert('100h', '101h'))).toEqual([
      [
        'remoteWrite.mtls.duration',
        "must not be longer than the CA's lifetime, issuer.caDuration (100h): cert-manager cuts a certificate at " +
          `its CA's expiry, so it would be renewed early and the CA expire under it (found "101h")`,
      ],
    ]);
  });

  it('accepts a certificate as long as its CA', () => {
    expect(problemsOf(cert('100h', '100h'))).toEqual([]);
  });
});
