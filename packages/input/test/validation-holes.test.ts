/**
 * The validation holes of issue 20 §5, class by class, through `loadEnvironments`: each case pins the field and
 * the message, and its boundary on the accepted side, so a rule that stops firing or fires one step early fails.
 */
import { spawnSync } from 'node:child_process';
import { InvalidEnvironmentError } from '@thanos-gitops/problems';
import { describe, expect, it } from 'vitest';
import { networkOf } from '../src/cidr.js';
import { loadEnvironments } from '../src/index.js';
import { refNameProblem } from '../src/rules/delivery.js';
import { reservedNamespace, serviceNames } from '../src/rules/environment.js';
import { problemsOf, warningsOf } from './support/problems.js';

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

describe('addresses and names', () => {
  it.each([
    ['10.0.0.1/8', '10.0.0.0/8'],
    ['10.0.0.0/7', undefined],
    ['192.168.1.128/25', undefined],
    ['192.168.1.129/25', '192.168.1.128/25'],
    ['0.0.0.0/0', undefined],
    ['1.2.3.4/0', '0.0.0.0/0'],
    ['1.2.3.4/32', undefined],
    ['2001:db8::/32', undefined],
    ['2001:db8::1/32', '2001:db8::/32'],
    ['2001:db8:0:1::/63', '2001:db8::/63'],
    ['::1/128', undefined],
    ['fe80::1/64', 'fe80::/64'],
  ])('networkOf(%s) is %s', (cidr, network) => {
    expect(networkOf(cidr)).toBe(network);
  });

  it('refuses a range with host bits at its index, and accepts the network', () => {
    const cidrs = (list: string) => `networkPolicies:\n  remoteWriteCIDRs: [${list}]\n`;
    expect(report(cidrs('10.0.0.0/8, 10.0.0.1/8'))).toEqual([
      [
        'networkPolicies.remoteWriteCIDRs[1]',
        'has host bits set: "10.0.0.1/8" is read as 10.0.0.0/8; write the network address 10.0.0.0/8, or /32 for ' +
          'one address',
      ],
    ]);
    expect(problemsOf(cidrs('10.0.0.0/8, 10.0.0.1/32'))).toEqual([]);
  });

  const exposed = (cidrs: string) =>
    'remoteWrite:\n  hostname: rw.example.com\n  mtls: { enabled: true, issuer: { kind: bootstrap } }\n' +
    `  exposure: { type: loadBalancer }\nnetworkPolicies:\n  remoteWriteCIDRs: [${cidrs}]\n`;

  it('refuses IPv6 source ranges only where the IPv4 NLB would use them', () => {
    expect(fields(exposed("203.0.113.0/24, '2001:db8::/32'"))).toEqual(['networkPolicies.remoteWriteCIDRs[1]']);
    expect(problemsOf(exposed('203.0.113.0/24'))).toEqual([]);
    expect(problemsOf("networkPolicies:\n  remoteWriteCIDRs: ['2001:db8::/32']\n")).toEqual([]);
  });

  const host = (name: string) =>
    `remoteWrite:\n  hostname: ${name}\n  mtls: { enabled: true, issuer: { kind: bootstrap } }\n`;

  it.each([`${'a'.repeat(63)}.example.com`, 'rw.example.com', 'rw-1.example.io', '1.example.com', 'rw.1a'])(
    'accepts the hostname %s',
    (name) => {
      expect(problemsOf(host(name))).toEqual([]);
    },
  );

  it.each([
    `${'a'.repeat(64)}.example.com`,
    `rw.${'b'.repeat(64)}`,
    '10.1.2.3',
    'rw.example.123',
    'rw.example.com.',
    'RW.example.com',
    'example',
  ])('refuses the hostname %s', (name) => {
    expect(fields(host(name))).toEqual(['remoteWrite.hostname']);
  });
});

describe('git and delivery', () => {
  const git = (ref: string) => spawnSync('git', ['check-ref-format', '--branch', ref], { encoding: 'utf8' }).status;

  it.each([
    'main',
    'release/v1.2',
    'release.lock',
    'a.lock/b',
    'feature/.hidden',
    '.hidden',
    'feature/',
    '/feature',
    'a//b',
    'ends.',
    'a.b',
    'team/x.lockfile',
  ])('refNameProblem(%s) agrees with git check-ref-format --branch', (ref) => {
    expect(refNameProblem(ref) === undefined).toBe(git(ref) === 0);
  });

  const delivery = (extra: string, tool = 'argocd', url = 'https://github.com/acme/gitops') =>
    `delivery:\n  tool: ${tool}\n  repoURL: ${url}\n${extra}`;

  it('refuses a branch git refuses, at delivery.revision', () => {
    expect(report(delivery('  revision: release.lock\n'))).toEqual([
      ['delivery.revision', `is not a branch name git accepts: "release.lock" has a component ending with '.lock'`],
    ]);
  });

  it.each(['../clusters', 'a/../b', './clusters', 'a/.'])('refuses the path %s', (path) => {
    expect(fields(delivery(`  path: ${path}\n`))).toEqual(['delivery.path']);
  });

  it.each(['clusters', 'deploy/clusters', '.clusters/x', 'a..b'])('accepts the path %s', (path) => {
    expect(problemsOf(delivery(`  path: ${path}\n`))).toEqual([]);
  });

  it('refuses the scp form with Flux, which Argo CD takes, and names the ssh:// URL', () => {
    const scp = 'git@github.com:acme/gitops.git';
    expect(report(delivery('', 'flux', scp))).toEqual([
      [
        'delivery.repoURL',
        `Flux's GitRepository takes http://, https:// or ssh:// URLs, not the scp form "${scp}": write it as ` +
          'ssh://git@github.com/acme/gitops.git',
      ],
    ]);
    expect(problemsOf(delivery('', 'argocd', scp))).toEqual([]);
    expect(problemsOf(delivery('', 'flux', 'ssh://git@github.com/acme/gitops.git'))).toEqual([]);
  });
});

describe('secret refresh and the renewal window', () => {
  const refresh = (interval: string, enabled = 'true') =>
    'remoteWrite:\n  mtls:\n    enabled: true\n    issuer: { kind: bootstrap }\n    renewBefore: 2h\n' +
    `  externalSecrets: { enabled: ${enabled}, refreshInterval: ${interval} }\n`;

  it('refuses a refresh interval as long as renewBefore, accepts a shorter one', () => {
    expect(report(refresh('2h'))).toEqual([
      [
        'remoteWrite.externalSecrets.refreshInterval',
        'must be shorter than remoteWrite.mtls.renewBefore (2h): a renewed client certificate reaches the ' +
          `writer's cluster only at the next refresh, after the old one expired (found "2h")`,
      ],
    ]);
    expect(problemsOf(refresh('119m'))).toEqual([]);
    expect(problemsOf(refresh('3h', 'false'))).toEqual([]);
  });
});

describe('collisions of generated names', () => {
  const rings = (zones: string, second: string) =>
    `receive:\n  replicationFactor: 1\n  zones: [${zones}]\n  hashrings:\n` +
    `    - { name: eu, replicas: 2, tenants: [x] }\n    - { name: ${second}, replicas: 2 }\n`;

  it('refuses a hashring whose name and a zone spell another hashring in another zone', () => {
    expect(report(rings('b, a-b', 'eu-a'))).toEqual([
      [
        'receive.hashrings[1].name',
        'hashring "eu-a" generates "thanos-receive-ingestor-eu-a-b", as receive.hashrings[0] ("eu") does with ' +
          'receive.zones: rename one hashring so that no hashring name plus zone spells another',
      ],
    ]);
  });

  it('accepts the same names without zones, and zones that spell nothing else', () => {
    expect(problemsOf(rings('', 'eu-a'))).toEqual([]);
    expect(problemsOf(rings('b, c', 'eu-x'))).toEqual([]);
  });
});

/** [field, message] of every problem of a whole file `environments/<name>.yaml` (no BASE). */
function reportOf(name: string, yaml: string): string[][] {
  try {
    loadEnvironments([{ path: `environments/${name}.yaml`, text: `name: ${name}\ncluster: { name: c }\n${yaml}` }]);
    return [];
  } catch (e) {
    if (!(e instanceof InvalidEnvironmentError)) throw e;
    return e.problems.map((p) => [p.field, p.message]);
  }
}

describe('cloud identity', () => {
  const gcs = (name: string, extra = '') =>
    reportOf(
      name,
      `objectStorage: { provider: gcs, bucket: acme-thanos-x }\nidentity:\n  gcp:\n    projectId: acme-observability\n${extra}`,
    );

  it('refuses a derived Google service account id over 30 characters, at the prefix', () => {
    // thanos-<13 characters>-compactor is 30 characters; one more is 31.
    expect(gcs('abcdefghijklm')).toEqual([]);
    expect(gcs('abcdefghijklmn')).toEqual([
      [
        'identity.gcp.serviceAccountPrefix',
        'gives the Google service account id "thanos-abcdefghijklmn-compactor" of 31 characters; Google allows 30: ' +
          'set identity.gcp.serviceAccountPrefix to at most 20 characters',
      ],
    ]);
    expect(gcs('abcdefghijklmn', '    serviceAccountPrefix: thanos-short\n')).toEqual([]);
    expect(gcs('abcdefghijklmn', '    roles: shared\n')).toEqual([]);
    expect(gcs('abcdefghijklmno', '    roles: shared\n').map(([f]) => f)).toEqual([
      'identity.gcp.serviceAccountPrefix',
    ]);
  });

  const s3 = (extra: string) =>
    reportOf('s3', `objectStorage:\n  provider: s3\n  bucket: acme-thanos-x\n  region: eu-west-1\n${extra}`);
  const minio = '  endpoint: minio.storage.svc:9000\n';

  it('refuses a KMS key of another region, or with a self-managed store', () => {
    const arn = (region: string) => `arn:aws:kms:${region}:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
    expect(s3(`  kmsKeyId: ${arn('eu-west-1')}\n`)).toEqual([]);
    expect(s3('  kmsKeyId: alias/thanos\n')).toEqual([]);
    expect(s3(`  kmsKeyId: ${arn('us-east-1')}\n`)).toEqual([
      [
        'objectStorage.kmsKeyId',
        'is a key of region us-east-1, but the bucket is in eu-west-1: S3 encrypts only with a KMS key of the ' +
          "bucket's region",
      ],
    ]);
    const self = s3(`${minio}  credentialsSecret: { name: keys }\n  kmsKeyId: alias/thanos\n`);
    expect(self.map(([f]) => f)).toEqual(['objectStorage.kmsKeyId']);
  });

  it('refuses one Secret key for both halves of the key pair', () => {
    const secret = (a: string, b: string) =>
      s3(`${minio}  credentialsSecret: { name: keys, accessKeyIdKey: ${a}, secretAccessKeyKey: ${b} }\n`);
    expect(secret('id', 'secret')).toEqual([]);
    expect(secret('k', 'k').map(([f]) => f)).toEqual(['objectStorage.credentialsSecret.secretAccessKeyKey']);
  });

  it('refuses one Azure client id for two roles with different access', () => {
    const azure = (reader: string) =>
      reportOf(
        'az',
        'objectStorage: { provider: azure, storageAccount: acmethanos, container: thanos }\nidentity:\n  azure:\n' +
          '    tenantId: 11111111-1111-1111-1111-111111111111\n' +
          '    subscriptionId: 22222222-2222-2222-2222-222222222222\n' +
          '    resourceGroup: observability\n    oidcIssuer: https://oidc.example.com/issuer\n' +
          '    clientIds:\n      writer: 33333333-3333-3333-3333-333333333333\n' +
          `      reader: ${reader}\n      compactor: 44444444-4444-4444-4444-444444444444\n`,
      );
    expect(azure('55555555-5555-5555-5555-555555555555')).toEqual([]);
    expect(azure('33333333-3333-3333-3333-333333333333').map(([f]) => f)).toEqual(['identity.azure.clientIds.reader']);
  });
});

describe('store partitions whose derived range is empty', () => {
  const skip = (minTime: string) =>
    `receive: { retention: 15d }\nstoreGateway:\n  overlap: 2h\n  recentBlocks: skip\n  partitions:\n` +
    `    - minTime: ${minTime}\n    - maxTime: ${minTime}\n`;

  it('refuses a newest minTime at or after the derived maxTime (-14d22h), accepts one before', () => {
    expect(report(skip('-14d22h'))).toEqual([
      [
        'storeGateway.partitions[0].minTime',
        'must be before the derived maxTime -14d22h (receive.retention 15d less storeGateway.overlap 2h, with ' +
          'recentBlocks: skip), or the newest partition serves nothing (found "-14d22h")',
      ],
    ]);
    expect(problemsOf(skip('-14d23h'))).toEqual([]);
  });
});

describe('a writer that cannot reach its URL', () => {
  const writer = (cluster: string, exposure = '') =>
    'remoteWrite:\n  hostname: rw.example.com\n  mtls: { enabled: true, issuer: { kind: bootstrap } }\n' +
    `${exposure}  writers:\n    - { name: w, cluster: ${cluster}, tenant: default-tenant }\n`;

  it('warns at a writer in another cluster when remote-write is not exposed', () => {
    expect(warningsOf(writer('other')).map((w) => [w.field, w.line, w.message])).toEqual([
      [
        'remoteWrite.writers[0].cluster',
        8,
        "is another cluster than this environment's (test-cluster), but remote-write is not exposed " +
          '(remoteWrite.exposure.type: none): its URL is an in-cluster address, which it reaches only over a ' +
          'multi-cluster network; expose the routers (loadBalancer or gateway), or run the writer in this cluster',
      ],
    ]);
    expect(warningsOf(writer('test-cluster'))).toEqual([]);
    const lb = '  exposure: { type: loadBalancer }\n';
    expect(warningsOf(`${writer('other', lb)}networkPolicies: { remoteWriteCIDRs: [203.0.113.0/24] }\n`)).toEqual([]);
  });
});

describe("Service names in another cluster domain than the environment's", () => {
  /** Loads an environment on a cluster whose domain is `domain`, with `yaml` appended. */
  const inDomain = (domain: string, yaml: string) => {
    const text =
      `name: test\ncluster: { name: c1, domain: ${domain} }\n` +
      'objectStorage: { provider: s3, bucket: test-bucket, region: eu-west-1 }\n' +
      yaml;
    try {
      const [loaded] = loadEnvironments([{ path: 'environments/test.yaml', text }]);
      return { problems: [], warnings: (loaded?.warnings ?? []).map((w) => [w.field, w.message]) };
    } catch (e) {
      if (!(e instanceof InvalidEnvironmentError)) throw e;
      return { problems: e.problems.map((p) => [p.field, p.message]), warnings: [] };
    }
  };
  const ALERTMANAGERS = (url: string) => `ruler:\n  enabled: true\n  alertmanagers: [${JSON.stringify(url)}]\n`;

  it('finds Service and pod names with their domain, and nothing else', () => {
    expect(serviceNames('dnssrv+http://_web._tcp.am.mon.svc.cluster.local.:9093/x')).toEqual([
      { name: '_web._tcp.am.mon.svc.cluster.local', domain: 'cluster.local' },
    ]);
    expect(serviceNames('s3 at MinIO.minio.svc.K8S.example:9000, and a.b.svc')).toEqual([
      { name: 'minio.minio.svc.k8s.example', domain: 'k8s.example' },
    ]);
    expect(serviceNames('api.svc.example.com web.svc. x.y.svc.')).toEqual([]);
  });

  it('refuses cluster.local in a cluster of another domain, at the field, with both spellings that work', () => {
    expect(inDomain('k8s.example', ALERTMANAGERS('http://am.monitoring.svc.cluster.local:9093')).problems).toEqual([
      [
        'ruler.alertmanagers[0]',
        'names the Service am.monitoring.svc.cluster.local in the cluster domain cluster.local, but this ' +
          "environment's cluster uses k8s.example (cluster.domain): its pods cannot resolve it; write " +
          'am.monitoring.svc.k8s.example, or am.monitoring.svc',
      ],
    ]);
  });

  it("accepts the environment's own domain and the short form, in either domain", () => {
    for (const [domain, url] of [
      ['k8s.example', 'http://am.monitoring.svc.k8s.example:9093'],
      ['k8s.example', 'http://am.monitoring.svc:9093'],
      ['cluster.local', 'http://am.monitoring.svc.cluster.local:9093'],
      ['cluster.local', 'http://alertmanager.example.com:9093'],
    ] as const) {
      expect(inDomain(domain, ALERTMANAGERS(url))).toEqual({ problems: [], warnings: [] });
    }
  });

  it('warns for another domain than cluster.local, which might be a public name with a svc label', () => {
    const r = inDomain('cluster.local', ALERTMANAGERS('http://am.monitoring.svc.corp.example:9093'));
    expect(r.problems).toEqual([]);
    expect(r.warnings).toEqual([
      [
        'ruler.alertmanagers[0]',
        expect.stringMatching(
          /^names the Service am\.monitoring\.svc\.corp\.example in the cluster domain corp\.example.*\(if it is a Service at all\)$/,
        ),
      ],
    ]);
  });

  it('looks into patches too: their pods resolve names in the same cluster', () => {
    const patch =
      'patches:\n  - target: {kind: Deployment, name: thanos-query}\n    patch: |\n' +
      '      - op: add\n        path: /spec/template/spec/containers/0/args/-\n' +
      '        value: --endpoint=dnssrv+_grpc._tcp.store.other.svc.cluster.local\n';
    expect(inDomain('k8s.example', patch).problems.map(([f]) => f)).toEqual(['patches[0].patch']);
  });
});
