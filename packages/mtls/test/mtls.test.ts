import { objectProblems, toPlain } from '@thanos-gitops/manifests';
import { NO_TLS } from '@thanos-gitops/model';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  apsRemoteWritePolicy,
  exposureManifests,
  pkiManifests,
  pkiNames,
  prometheusFragment,
  remoteWriteManifests,
  tls,
  writerFiles,
} from '../src/index.js';
import { envOf, MTLS } from './helpers.js';

type Plain = Record<string, any>;
const plain = (env: ReturnType<typeof envOf>) => remoteWriteManifests(env).map((m) => toPlain(m.object) as Plain);
const byName = (objects: Plain[], kind: string, name: string) => {
  const o = objects.find((x) => x.kind === kind && x.metadata.name === name);
  if (!o) throw new Error(`no ${kind} ${name}`);
  return o;
};

describe('without mTLS', () => {
  it('contributes nothing to any pod and no objects', () => {
    const env = envOf('');
    const contribution = tls(env);
    for (const c of ['receive-router', 'receive-ingestor', 'query', 'store-gateway', 'ruler'] as const) {
      expect(contribution.forComponent(c)).toEqual(NO_TLS);
    }
    expect(contribution.remoteWriteClient).toBeUndefined();
    expect(remoteWriteManifests(env)).toEqual([]);
  });
});

describe('the PKI', () => {
  it('validates against the cert-manager schemas with no unknown fields', () => {
    const env = envOf(MTLS);
    for (const m of remoteWriteManifests(env)) expect(objectProblems(m.object)).toEqual([]);
  });

  it('bootstraps a CA: self-signed Issuer, CA Certificate, CA Issuer backed by its Secret', () => {
    const env = envOf(MTLS);
    const objects = plain(env);
    expect(byName(objects, 'Issuer', pkiNames.selfSigned).spec).toEqual({ selfSigned: {} });
    const ca = byName(objects, 'Certificate', pkiNames.ca).spec;
    expect(ca.isCA).toBe(true);
    expect(ca.issuerRef).toEqual({ name: pkiNames.selfSigned, kind: 'Issuer', group: 'cert-manager.io' });
    expect(byName(objects, 'Issuer', pkiNames.caIssuer).spec).toEqual({ ca: { secretName: ca.secretName } });
  });

  it('gives the server certificate the public hostname and every in-cluster name of the router Service', () => {
    const env = envOf(MTLS);
    const objects = plain(env);
    const spec = byName(objects, 'Certificate', pkiNames.server).spec;
    expect(spec.dnsNames).toEqual([
      'rw.example.com',
      'thanos-receive-router',
      'thanos-receive-router.thanos',
      'thanos-receive-router.thanos.svc',
      'thanos-receive-router.thanos.svc.cluster.local',
    ]);
    expect(spec.usages).toEqual(['digital signature', 'server auth']);
    expect(spec.secretName).toBe(pkiNames.serverSecret);
  });

  it('gives each writer a client certificate carrying its tenant as Organization', () => {
    const env = envOf(MTLS);
    const objects = plain(env);
    for (const [name, tenant] of [
      ['alpha', 'team-a'],
      ['beta', 'team-b'],
    ]) {
      const spec = byName(objects, 'Certificate', pkiNames.writer(name as string)).spec;
      expect(spec.subject.organizations).toEqual([tenant]);
      expect(spec.commonName).toBe(name);
      expect(spec.usages).toEqual(['digital signature', 'client auth']);
      expect(spec.secretName).toBe(pkiNames.writerSecret(name as string));
    }
  });

  it('uses ECDSA keys rotated at every renewal, with duration and renewBefore, for every leaf', () => {
    const env = envOf(MTLS);
    const objects = plain(env);
    for (const c of objects.filter((o) => o.kind === 'Certificate' && !o.spec.isCA)) {
      expect(c.spec.privateKey).toMatchObject({ algorithm: 'ECDSA', size: 256, rotationPolicy: 'Always' });
      expect(c.spec).toMatchObject({ duration: '2160h', renewBefore: '720h' });
      expect(c.spec.issuerRef).toEqual({ name: 'thanos-ca', kind: 'Issuer', group: 'cert-manager.io' });
    }
  });

  it('signs with an existing ClusterIssuer instead, without bootstrapping a CA', () => {
    const vault = envOf(
      MTLS.replace(
        'issuer: { kind: bootstrap }',
        'issuer: { kind: ClusterIssuer, name: vault, group: cert-manager.io }',
      ),
    );
    const objs = plain(vault);
    expect(objs.filter((o) => o.kind === 'Issuer')).toEqual([]);
    for (const c of objs)
      expect(c.spec.issuerRef).toEqual({ name: 'vault', kind: 'ClusterIssuer', group: 'cert-manager.io' });
  });

  it('uses RSA with key encipherment when asked', () => {
    const rsa = envOf(MTLS.replace('  writers:', '    keys: { algorithm: RSA }\n  writers:'));
    const server = byName(plain(rsa), 'Certificate', pkiNames.server).spec;
    expect(server.privateKey).toMatchObject({ algorithm: 'RSA', size: 3072 });
    expect(server.usages).toEqual(['digital signature', 'key encipherment', 'server auth']);
  });
});

describe('the routers', () => {
  it('serve remote-write with the server certificate, the CA as client CA, TLS 1.3 and tenancy from the certificate', () => {
    const env = envOf(MTLS);
    const router = tls(env).forComponent('receive-router');
    expect(router.args).toEqual([
      '--remote-write.server-tls-cert=/etc/thanos/tls/remote-write/tls.crt',
      '--remote-write.server-tls-key=/etc/thanos/tls/remote-write/tls.key',
      '--remote-write.server-tls-client-ca=/etc/thanos/tls/remote-write/ca.crt',
      '--remote-write.server-tls-min-version=1.3',
      '--receive.tenant-certificate-field=organization',
    ]);
  });

  it('mount the whole certificate Secret read-only, never with subPath', () => {
    const env = envOf(MTLS);
    const router = tls(env).forComponent('receive-router');
    expect(router.volumes).toEqual([
      { name: 'remote-write-tls', secret: { secretName: pkiNames.serverSecret, defaultMode: 0o440 } },
    ]);
    expect(router.mounts).toEqual([
      { name: 'remote-write-tls', mountPath: '/etc/thanos/tls/remote-write', readOnly: true },
    ]);
    for (const m of router.mounts) expect(m).not.toHaveProperty('subPath');
  });

  it('take the tenant from the header when tenancy is by header', () => {
    const header = envOf(
      MTLS.replace('    issuer: { kind: bootstrap }\n', '    issuer: { kind: bootstrap }\n    tenancy: header\n'),
    );
    expect(tls(header).forComponent('receive-router').args).not.toContain(
      '--receive.tenant-certificate-field=organization',
    );
    const entry = (prometheusFragment(header, 0).remote_write as Plain[])[0];
    expect(entry?.headers).toEqual({ 'THANOS-TENANT': 'team-a' });
  });
});

describe('internal mTLS', () => {
  it('puts gRPC server TLS on the StoreAPI servers and client TLS on Query and the routers', () => {
    const env = envOf(
      MTLS.replace('    issuer: { kind: bootstrap }\n', '    issuer: { kind: bootstrap }\n    internal: true\n'),
    );
    const t = tls(env);
    for (const c of ['receive-ingestor', 'store-gateway'] as const) {
      expect(t.forComponent(c).args).toContain('--grpc-server-tls-client-ca=/etc/thanos/tls/internal/ca.crt');
    }
    expect(t.forComponent('query').args).toContain('--grpc-client-tls-secure');
    expect(t.forComponent('query').args).toContain('--grpc-client-server-name=thanos-internal.thanos.svc');
    expect(t.forComponent('receive-router').args).toContain('--remote-write.client-tls-secure');
  });

  it("serves the ruler's gRPC with TLS in both modes: Query dials its Rules API with its one client TLS", () => {
    for (const mode of ['stateless', 'stateful']) {
      const ruler = envOf(
        MTLS.replace('    issuer: { kind: bootstrap }\n', '    issuer: { kind: bootstrap }\n    internal: true\n') +
          `ruler: { enabled: true, mode: ${mode} }\n`,
      );
      expect(tls(ruler).forComponent('ruler').args, mode).toContain(
        '--grpc-server-tls-client-ca=/etc/thanos/tls/internal/ca.crt',
      );
    }
  });

  it('keeps two trust domains: writers and internal certificates come from two CAs that share nothing', () => {
    const env = envOf(
      MTLS.replace('    issuer: { kind: bootstrap }\n', '    issuer: { kind: bootstrap }\n    internal: true\n'),
    );
    const objects = plain(env);
    const issuerOf = (cert: string) => byName(objects, 'Certificate', cert).spec.issuerRef.name;
    const caSecretOf = (issuer: string) => byName(objects, 'Issuer', issuer).spec.ca.secretName;
    const writersCa = caSecretOf(issuerOf(pkiNames.server));
    const internalCa = caSecretOf(issuerOf(pkiNames.internal));
    expect(writersCa).toBe(pkiNames.caSecret);
    expect(internalCa).toBe(pkiNames.internalCaSecret);
    expect(writersCa).not.toBe(internalCa);
    for (const w of ['alpha', 'beta']) expect(caSecretOf(issuerOf(pkiNames.writer(w)))).toBe(writersCa);
    const cas = objects.filter((o) => o.kind === 'Certificate' && o.spec.isCA);
    expect(cas.map((c) => [c.metadata.name, c.spec.secretName, c.spec.commonName])).toEqual([
      [pkiNames.ca, pkiNames.caSecret, 'thanos-t remote-write CA'],
      [pkiNames.internalCa, pkiNames.internalCaSecret, 'thanos-t internal CA'],
    ]);
  });

  it("trusts the writers' CA on remote-write only, the internal CA on every internal server only", () => {
    const env = envOf(
      MTLS.replace('    issuer: { kind: bootstrap }\n', '    issuer: { kind: bootstrap }\n    internal: true\n'),
    );
    const t = tls(env);
    const mountOf = (component: Parameters<typeof t.forComponent>[0], flag: string) => {
      const pod = t.forComponent(component);
      const path = pod.args.find((a) => a.startsWith(`${flag}=`))?.split('=')[1] ?? '';
      const mount = pod.mounts.find((m) => path.startsWith(`${m.mountPath}/`));
      return pod.volumes.find((v) => v.name === mount?.name)?.secret?.secretName;
    };
    expect(mountOf('receive-router', '--remote-write.server-tls-client-ca')).toBe(pkiNames.serverSecret);
    for (const c of ['receive-ingestor', 'store-gateway', 'ruler'] as const) {
      expect(mountOf(c, '--grpc-server-tls-client-ca'), c).toBe(pkiNames.internalSecret);
    }
  });

  it("refuses nothing and bootstraps only the writers' CA without internal mTLS", () => {
    const cas = plain(envOf(MTLS)).filter((o) => o.kind === 'Certificate' && o.spec.isCA);
    expect(cas.map((c) => c.metadata.name)).toEqual([pkiNames.ca]);
  });

  it('signs each domain with its own existing issuer when given one', () => {
    const two = envOf(
      MTLS.replace(
        '    issuer: { kind: bootstrap }\n',
        '    issuer: { kind: ClusterIssuer, name: writers-pca, group: awspca.cert-manager.io }\n' +
          '    internal: true\n    internalIssuer: { kind: Issuer, name: mesh-ca }\n',
      ),
    );
    const objects = plain(two);
    expect(objects.filter((o) => o.kind === 'Issuer')).toEqual([]);
    expect(byName(objects, 'Certificate', pkiNames.internal).spec.issuerRef).toEqual({
      name: 'mesh-ca',
      kind: 'Issuer',
      group: 'cert-manager.io',
    });
    expect(byName(objects, 'Certificate', pkiNames.server).spec.issuerRef.name).toBe('writers-pca');
  });

  it('bootstraps the internal CA beside an existing writers issuer', () => {
    const mixed = envOf(
      MTLS.replace(
        '    issuer: { kind: bootstrap }\n',
        '    issuer: { kind: ClusterIssuer, name: vault }\n    internal: true\n',
      ),
    );
    const objects = plain(mixed);
    expect(objects.filter((o) => o.kind === 'Issuer').map((o) => o.metadata.name)).toEqual([
      pkiNames.selfSigned,
      pkiNames.internalCaIssuer,
    ]);
    expect(byName(objects, 'Certificate', pkiNames.internal).spec.issuerRef.name).toBe(pkiNames.internalCaIssuer);
  });

  it('issues the internal certificate for both server and client auth, naming what clients verify', () => {
    const env = envOf(
      MTLS.replace('    issuer: { kind: bootstrap }\n', '    issuer: { kind: bootstrap }\n    internal: true\n'),
    );
    const spec = byName(plain(env), 'Certificate', pkiNames.internal).spec;
    expect(spec.usages).toEqual(['digital signature', 'server auth', 'client auth']);
    expect(spec.dnsNames).toEqual(['thanos-internal.thanos.svc']);
  });
});

describe('exposure', () => {
  it('is an NLB Service for the AWS Load Balancer Controller, with source ranges from remoteWriteCIDRs', () => {
    const env = envOf(
      `networkPolicies: { remoteWriteCIDRs: [198.51.100.0/24] }\n${MTLS}  exposure:\n    type: loadBalancer\n`,
    );
    const [svc] = exposureManifests(env).map((m) => toPlain(m.object) as Plain);
    expect(svc?.spec).toMatchObject({
      type: 'LoadBalancer',
      loadBalancerClass: 'service.k8s.aws/nlb',
      loadBalancerSourceRanges: ['198.51.100.0/24'],
      ports: [{ name: 'remote-write', port: 443, targetPort: 'remote-write', protocol: 'TCP' }],
    });
    expect(svc?.metadata.annotations).toMatchObject({
      'service.beta.kubernetes.io/aws-load-balancer-nlb-target-type': 'ip',
      'service.beta.kubernetes.io/aws-load-balancer-scheme': 'internal',
    });
  });

  it('is a passthrough TLSRoute on the named Gateway, for the hostname, to the remote-write port', () => {
    const env = envOf(
      `${MTLS}  exposure:\n    type: gateway\n    gateway: { name: edge, namespace: gw, sectionName: tls }\n`,
    );
    const [m] = exposureManifests(env);
    expect(m && objectProblems(m.object)).toEqual([]);
    const route = toPlain(m?.object) as Plain;
    expect(route.apiVersion).toBe('gateway.networking.k8s.io/v1');
    expect(route.spec.parentRefs).toEqual([
      { group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'edge', namespace: 'gw', sectionName: 'tls' },
    ]);
    expect(route.spec.hostnames).toEqual(['rw.example.com']);
    expect(route.spec.rules[0].backendRefs[0]).toMatchObject({ name: 'thanos-receive-router', port: 19291 });
  });
});

describe('writers', () => {
  it('each get a prometheus.yml fragment with tls_config on the files of their client Secret', () => {
    const env = envOf(MTLS);
    const { files } = writerFiles(env, 'environments/t.yaml');
    const frag = parse(files.get('writers/alpha/prometheus.yml') ?? '');
    expect(frag.global.external_labels).toEqual({ cluster: 'alpha-eu' });
    expect(frag.remote_write).toEqual([
      {
        name: 'thanos-t',
        url: 'https://thanos-receive-router.thanos.svc.cluster.local:19291/api/v1/receive',
        tls_config: {
          ca_file: '/etc/prometheus/secrets/thanos-writer-alpha-tls/ca.crt',
          cert_file: '/etc/prometheus/secrets/thanos-writer-alpha-tls/tls.crt',
          key_file: '/etc/prometheus/secrets/thanos-writer-alpha-tls/tls.key',
          min_version: 'TLS13',
        },
      },
    ]);
  });

  it('each get a prometheus-operator remoteWrite entry referencing their Secret, valid against its schema', () => {
    const env = envOf(MTLS);
    const { files, objects } = writerFiles(env, 'environments/t.yaml');
    for (const o of objects) expect(objectProblems(o)).toEqual([]);
    const prom = parse(files.get('writers/beta/prometheus-remote-write.yaml') ?? '');
    expect(prom.spec.secrets).toEqual(['thanos-writer-beta-tls']);
    expect(prom.spec.externalLabels).toEqual({ cluster: 'beta', region: 'us-east-1' });
    expect(prom.spec.remoteWrite[0].tlsConfig.keySecret).toEqual({ name: 'thanos-writer-beta-tls', key: 'tls.key' });
  });

  it('get an ExternalSecret copying the client Secret when asked', () => {
    const withEs = writerFiles(envOf(`${MTLS}  externalSecrets: { enabled: true, storeName: pki }\n`), 'e.yaml');
    const es = parse(withEs.files.get('writers/alpha/external-secret.yaml') ?? '');
    expect(es.kind).toBe('ExternalSecret');
    expect(es.metadata).toMatchObject({ name: 'thanos-writer-alpha-tls', namespace: 'monitoring' });
    expect(es.spec.secretStoreRef).toEqual({ kind: 'ClusterSecretStore', name: 'pki' });
    expect(es.spec.dataFrom).toEqual([{ extract: { key: 'thanos-writer-alpha-tls' } }]);
    for (const o of withEs.objects) expect(objectProblems(o)).toEqual([]);
  });

  it('swap to AMP with one value: SigV4 to the workspace instead of a certificate, and the IAM policy', () => {
    const amp = envOf(
      `${MTLS.replace(
        'cluster: alpha-eu }',
        'cluster: alpha-eu, target: amp, roleArn: "arn:aws:iam::123456789012:role/p" }',
      )}  amp: { workspaceId: ws-0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b, region: eu-west-1 }\n`,
    );
    const out = writerFiles(amp, 'environments/t.yaml');
    const frag = parse(out.files.get('writers/alpha/prometheus.yml') ?? '');
    expect(frag.remote_write).toEqual([
      {
        name: 'amp-t',
        url: 'https://aps-workspaces.eu-west-1.amazonaws.com/workspaces/ws-0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b/api/v1/remote_write',
        sigv4: { region: 'eu-west-1', role_arn: 'arn:aws:iam::123456789012:role/p' },
        queue_config: { max_samples_per_send: 1000, max_shards: 200, capacity: 2500 },
      },
    ]);
    expect(parse(out.files.get('writers/alpha/aps-remote-write-policy.json') ?? '')).toEqual(
      apsRemoteWritePolicy(amp, amp.remoteWrite.amp as NonNullable<typeof amp.remoteWrite.amp>),
    );
    expect(apsRemoteWritePolicy(amp, amp.remoteWrite.amp as NonNullable<typeof amp.remoteWrite.amp>).Statement).toEqual(
      [
        {
          Sid: 'AmpRemoteWrite',
          Effect: 'Allow',
          Action: ['aps:RemoteWrite'],
          Resource: 'arn:aws:aps:eu-west-1:123456789012:workspace/ws-0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b',
        },
      ],
    );
    // No client certificate for a writer that does not write to Thanos.
    const names = pkiManifests(amp).map((m) => m.object.metadata?.name);
    expect(names).not.toContain(pkiNames.writer('alpha'));
    expect(names).toContain(pkiNames.writer('beta'));
  });
});
