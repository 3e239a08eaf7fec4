/**
 * Each writer's files, asserted by what they tell the writer: where it sends, as which tenant, with which
 * certificate or signature. Every test renders for itself (per-test coverage under StrykerJS).
 */
import { objectProblems, toPlain } from '@thanos-gitops/manifests';
import type { Environment } from '@thanos-gitops/schema';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  externalLabels,
  operatorPrometheus,
  prometheusFragment,
  remoteWriteEntry,
  secretDir,
  writerExternalSecret,
  writerFiles,
} from '../src/index.js';
import { operatorPatch, remoteName, sendsTo } from '../src/writers.js';
import { envOf, MTLS } from './helpers.js';

type Plain = Record<string, any>;

const AMP = `  amp: { workspaceId: ws-0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b, region: eu-west-1 }\n`;
const AMP_URL =
  'https://aps-workspaces.eu-west-1.amazonaws.com/workspaces/ws-0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b/api/v1/remote_write';
/** alpha writes to AMP (with a role), beta to Thanos. */
const ampEnv = (role = true) =>
  envOf(
    `${MTLS.replace(
      'cluster: alpha-eu }',
      `cluster: alpha-eu, target: amp${role ? ', roleArn: "arn:aws:iam::123456789012:role/p"' : ''} }`,
    )}${AMP}`,
  );
const HEADER = MTLS.replace(
  '    issuer: { kind: bootstrap }\n',
  '    issuer: { kind: bootstrap }\n    tenancy: header\n',
);
const TLS12 = MTLS.replace(
  '    issuer: { kind: bootstrap }\n',
  '    issuer: { kind: bootstrap }\n    minVersion: "1.2"\n',
);
/** Writers without mTLS: plain http, the tenant in the header. */
const PLAIN = MTLS.replace('    enabled: true\n', '    enabled: false\n');

/** An environment whose writer `index` has a target the rules refuse (they never let one through). */
function withTarget(env: Environment, index: number, target: string): Environment {
  const copy = structuredClone(env);
  (copy.remoteWrite.writers[index] as { target?: string }).target = target;
  return copy;
}

describe('names and labels', () => {
  it('mounts Secrets where prometheus-operator does', () => {
    expect(secretDir('s')).toBe('/etc/prometheus/secrets/s');
  });

  it("names the entry after the environment and what it sends to (Prometheus' remote_name)", () => {
    const env = envOf(MTLS);
    expect(remoteName(env, 'thanos')).toBe('thanos-t');
    expect(remoteName(env, 'amp')).toBe('amp-t');
  });

  it('labels with cluster: <cluster> by default, else with its own labels sorted by name', () => {
    const env = envOf(
      MTLS.replace(
        'externalLabels: { cluster: beta, region: us-east-1 }',
        'externalLabels: { m: "3", z: "1", a: "2" }',
      ),
    );
    expect(externalLabels(env.remoteWrite.writers[0] as never)).toEqual({ cluster: 'alpha-eu' });
    expect(Object.entries(externalLabels(env.remoteWrite.writers[1] as never))).toEqual([
      ['a', '2'],
      ['m', '3'],
      ['z', '1'],
    ]);
  });
});

describe('where a writer sends', () => {
  it('follows its target: thanos, amp, none for gmp, and refuses one it does not know', () => {
    const env = ampEnv();
    expect(sendsTo(env, 0)).toBe('amp');
    expect(sendsTo(env, 1)).toBe('thanos');
    expect(sendsTo(withTarget(env, 1, 'gmp'), 1)).toBeUndefined();
    expect(() => sendsTo(withTarget(env, 1, 'kafka'), 1)).toThrow('unhandled remote-write target: "kafka"');
  });

  it('writes no files for a gmp writer, and refuses to build its entries', () => {
    const env = withTarget(envOf(MTLS), 0, 'gmp');
    const { files } = writerFiles(env, 'e.yaml');
    expect([...files.keys()].some((f) => f.startsWith('writers/alpha/'))).toBe(false);
    expect([...files.keys()].some((f) => f.startsWith('writers/beta/'))).toBe(true);
    expect(() => remoteWriteEntry(env, 0)).toThrow('writer 0: target gmp has no files (the rules refuse it)');
    expect(() => operatorPrometheus(env, 0)).toThrow(/target gmp has no files/);
  });

  it('refuses an AMP writer without the workspace', () => {
    const env = ampEnv();
    const bare = { ...env, remoteWrite: { ...env.remoteWrite, amp: undefined } } as Environment;
    expect(() => remoteWriteEntry(bare, 0)).toThrow('writer alpha: target amp without remoteWrite.amp');
    expect(() => operatorPrometheus(bare, 0)).toThrow('writer alpha: target amp without remoteWrite.amp');
  });
});

describe('the remote_write entry to Thanos', () => {
  it('presents the client certificate with TLS 1.3 and no tenant header under certificate tenancy', () => {
    expect(remoteWriteEntry(envOf(MTLS), 1)).toEqual({
      name: 'thanos-t',
      url: 'https://thanos-receive-router.thanos.svc.cluster.local:19291/api/v1/receive',
      tls_config: {
        ca_file: '/etc/prometheus/secrets/thanos-writer-beta-tls/ca.crt',
        cert_file: '/etc/prometheus/secrets/thanos-writer-beta-tls/tls.crt',
        key_file: '/etc/prometheus/secrets/thanos-writer-beta-tls/tls.key',
        min_version: 'TLS13',
      },
    });
  });

  it('asks for TLS 1.2 when the routers accept it', () => {
    expect((remoteWriteEntry(envOf(TLS12), 0).tls_config as Plain).min_version).toBe('TLS12');
  });

  it('sends the tenant header under header tenancy, beside the certificate', () => {
    const entry = remoteWriteEntry(envOf(HEADER), 1);
    expect(entry.headers).toEqual({ 'THANOS-TENANT': 'team-b' });
    expect(entry.tls_config).toBeDefined();
  });

  it('without mTLS is plain http with the tenant header and no TLS', () => {
    expect(remoteWriteEntry(envOf(PLAIN), 0)).toEqual({
      name: 'thanos-t',
      url: 'http://thanos-receive-router.thanos.svc.cluster.local:19291/api/v1/receive',
      headers: { 'THANOS-TENANT': 'team-a' },
    });
  });

  it('is the one entry of the fragment, beside the external labels', () => {
    expect(prometheusFragment(envOf(MTLS), 0)).toEqual({
      global: { external_labels: { cluster: 'alpha-eu' } },
      remote_write: [remoteWriteEntry(envOf(MTLS), 0)],
    });
  });
});

describe('the remote_write entry to AMP', () => {
  it('signs with SigV4 in the workspace region, with the role when given, and the AMP queue settings', () => {
    const expected = {
      name: 'amp-t',
      url: AMP_URL,
      sigv4: { region: 'eu-west-1', role_arn: 'arn:aws:iam::123456789012:role/p' },
      queue_config: { max_samples_per_send: 1000, max_shards: 200, capacity: 2500 },
    };
    expect(remoteWriteEntry(ampEnv(), 0)).toEqual(expected);
    expect(remoteWriteEntry(ampEnv(false), 0)).toEqual({ ...expected, sigv4: { region: 'eu-west-1' } });
  });

  it('is a prometheus-operator entry with SigV4 and no Secret', () => {
    const prom = toPlain(operatorPrometheus(ampEnv(), 0)) as Plain;
    expect(prom.metadata).toEqual({ name: 'k8s', namespace: 'monitoring' });
    expect(prom.spec).toEqual({
      externalLabels: { cluster: 'alpha-eu' },
      remoteWrite: [
        {
          name: 'amp-t',
          url: AMP_URL,
          sigv4: { region: 'eu-west-1', roleArn: 'arn:aws:iam::123456789012:role/p' },
          queueConfig: { maxSamplesPerSend: 1000, maxShards: 200, capacity: 2500 },
        },
      ],
    });
    const noRole = toPlain(operatorPrometheus(ampEnv(false), 0)) as Plain;
    expect(noRole.spec.remoteWrite[0].sigv4).toEqual({ region: 'eu-west-1' });
  });
});

describe('the prometheus-operator entry to Thanos', () => {
  it('mounts the client Secret and points tlsConfig at its keys, TLS 1.3, no header', () => {
    const prom = toPlain(operatorPrometheus(envOf(MTLS), 0)) as Plain;
    expect(objectProblems(operatorPrometheus(envOf(MTLS), 0))).toEqual([]);
    expect(prom.spec).toEqual({
      externalLabels: { cluster: 'alpha-eu' },
      secrets: ['thanos-writer-alpha-tls'],
      remoteWrite: [
        {
          name: 'thanos-t',
          url: 'https://thanos-receive-router.thanos.svc.cluster.local:19291/api/v1/receive',
          tlsConfig: {
            ca: { secret: { name: 'thanos-writer-alpha-tls', key: 'ca.crt' } },
            cert: { secret: { name: 'thanos-writer-alpha-tls', key: 'tls.crt' } },
            keySecret: { name: 'thanos-writer-alpha-tls', key: 'tls.key' },
            minVersion: 'TLS13',
          },
        },
      ],
    });
  });

  it('asks for TLS 1.2 and sends the tenant header when so configured', () => {
    const tls12 = toPlain(operatorPrometheus(envOf(TLS12), 0)) as Plain;
    expect(tls12.spec.remoteWrite[0].tlsConfig.minVersion).toBe('TLS12');
    const header = toPlain(operatorPrometheus(envOf(HEADER), 0)) as Plain;
    expect(header.spec.remoteWrite[0].headers).toEqual({ 'THANOS-TENANT': 'team-a' });
  });

  it('without mTLS has no Secret and no tlsConfig, and sends the tenant header', () => {
    const prom = toPlain(operatorPrometheus(envOf(PLAIN), 0)) as Plain;
    expect(prom.spec.secrets).toBeUndefined();
    expect(prom.spec.remoteWrite).toEqual([
      {
        name: 'thanos-t',
        url: 'http://thanos-receive-router.thanos.svc.cluster.local:19291/api/v1/receive',
        headers: { 'THANOS-TENANT': 'team-a' },
      },
    ]);
  });
});

describe('the JSON6902 patch', () => {
  it('appends the entry and the Secret and adds each external label by its escaped key', () => {
    const env = envOf(
      MTLS.replace('externalLabels: { cluster: beta, region: us-east-1 }', 'externalLabels: { "a": "x" }'),
    );
    const withSlash = structuredClone(env);
    (withSlash.remoteWrite.writers[1] as { externalLabels: Record<string, string> }).externalLabels = { 'a/b~c': 'x' };
    const patch = operatorPatch(withSlash, 1);
    const spec = operatorPrometheus(withSlash, 1).spec as Plain;
    expect(patch).toEqual([
      { op: 'add', path: '/spec/remoteWrite/-', value: spec.remoteWrite[0] },
      { op: 'add', path: '/spec/secrets/-', value: 'thanos-writer-beta-tls' },
      { op: 'add', path: '/spec/externalLabels/a~1b~0c', value: 'x' },
    ]);
  });

  it('has no Secret to append for an AMP writer', () => {
    expect(operatorPatch(ampEnv(), 0).map((p) => p.path)).toEqual([
      '/spec/remoteWrite/-',
      '/spec/externalLabels/cluster',
    ]);
  });

  it('is written with the kustomization that applies it, naming the target Prometheus', () => {
    const text =
      writerFiles(envOf(MTLS), 'environments/t.yaml').files.get('writers/alpha/prometheus-remote-write.patch.yaml') ??
      '';
    expect(text).toContain('# JSON6902 patch for the Prometheus "k8s" (namespace monitoring) of cluster alpha-eu');
    expect(text).toContain('#     - path: prometheus-remote-write.patch.yaml');
    expect(text).toContain(
      '#       target: { group: monitoring.coreos.com, version: v1, kind: Prometheus, name: k8s, namespace: monitoring }',
    );
    expect(text).toContain(
      "\n# the remote-write entry, the Secret to mount and the external labels, and keeps your own. In that cluster's\n" +
        '# kustomization.yaml:\n#   patches:\n',
    );
    expect(text).toContain(
      '\n# `add` to a list end needs the list: give your Prometheus `remoteWrite: []`, `secrets: []` and\n' +
        '# `externalLabels: {}` when it has none.\n',
    );
    expect(text).toContain('environments/t.yaml');
    expect(parse(text)).toEqual(operatorPatch(envOf(MTLS), 0));
  });
});

describe("a writer's files", () => {
  it('are the fragment, the operator entry and the patch, the fragment saying where and as whom it writes', () => {
    const { files, objects } = writerFiles(envOf(MTLS), 'environments/t.yaml');
    expect([...files.keys()]).toEqual([
      'writers/alpha/prometheus.yml',
      'writers/alpha/prometheus-remote-write.yaml',
      'writers/alpha/prometheus-remote-write.patch.yaml',
      'writers/beta/prometheus.yml',
      'writers/beta/prometheus-remote-write.yaml',
      'writers/beta/prometheus-remote-write.patch.yaml',
    ]);
    expect(objects.map((o) => o.kind)).toEqual(['Prometheus', 'Prometheus']);
    const text = files.get('writers/alpha/prometheus.yml') ?? '';
    expect(text).toContain('environments/t.yaml');
    expect(text).toContain('# Prometheus "alpha" (cluster alpha-eu) remote-writes to Thanos t as tenant team-a.');
    expect(text).toContain('# Merge into that Prometheus configuration; this file is not applied by Kustomize.');
    expect(text).toContain(
      '# The client certificate is Secret thanos-writer-alpha-tls (ca.crt, tls.crt, tls.key), issued in\n' +
        '# namespace thanos of cluster c; put its files in the directory below.',
    );
    expect(parse(text)).toEqual(prometheusFragment(envOf(MTLS), 0));
    expect(parse(files.get('writers/alpha/prometheus-remote-write.yaml') ?? '').spec).toEqual(
      (toPlain(operatorPrometheus(envOf(MTLS), 0)) as Plain).spec,
    );
  });

  it('name no certificate without mTLS, and copy none with ExternalSecrets on', () => {
    const env = envOf(`${PLAIN}  externalSecrets: { enabled: true, storeName: pki }\n`);
    const { files } = writerFiles(env, 'e.yaml');
    expect(files.get('writers/alpha/prometheus.yml')).not.toContain('client certificate');
    expect(files.has('writers/alpha/external-secret.yaml')).toBe(false);
  });

  it('copy the client Secret with an ExternalSecret when asked, for Thanos writers only', () => {
    const env = envOf(
      `${MTLS.replace('cluster: alpha-eu }', 'cluster: alpha-eu, target: amp }')}${AMP}  externalSecrets: { enabled: true, storeName: pki }\n`,
    );
    const { files, objects } = writerFiles(env, 'e.yaml');
    expect(files.has('writers/alpha/external-secret.yaml')).toBe(false);
    expect(parse(files.get('writers/beta/external-secret.yaml') ?? '')).toEqual(
      toPlain(writerExternalSecret(env, env.remoteWrite.writers[1] as never)),
    );
    expect(objects.map((o) => o.kind)).toEqual(['Prometheus', 'Prometheus', 'ExternalSecret']);
  });

  it("say an AMP writer signs with SigV4 to the workspace, with the role's IAM policy as JSON", () => {
    const { files } = writerFiles(ampEnv(), 'e.yaml');
    const text = files.get('writers/alpha/prometheus.yml') ?? '';
    expect(text).toContain(
      '# Prometheus "alpha" (cluster alpha-eu) remote-writes to Amazon Managed Service for Prometheus ' +
        '(workspace ws-0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b), signed with SigV4.',
    );
    expect(text).not.toContain('client certificate');
    const policy = files.get('writers/alpha/aps-remote-write-policy.json') ?? '';
    expect(policy.endsWith('}\n')).toBe(true);
    expect(JSON.parse(policy).Statement[0].Action).toEqual(['aps:RemoteWrite']);
    expect(policy).toContain('\n  "Version"');
    expect(files.has('writers/beta/aps-remote-write-policy.json')).toBe(false);
  });
});

describe("a writer's ExternalSecret", () => {
  it('copies every key of the client Secret into its namespace, owned, at the refresh interval', () => {
    const env = envOf(`${MTLS}  externalSecrets: { enabled: true, storeName: pki }\n`);
    const es = toPlain(writerExternalSecret(env, env.remoteWrite.writers[0] as never)) as Plain;
    expect(es.metadata.name).toBe('thanos-writer-alpha-tls');
    expect(es.metadata.namespace).toBe('monitoring');
    expect(es.metadata.labels['app.kubernetes.io/component']).toBe('remote-write-client');
    expect(es.spec).toEqual({
      refreshInterval: env.remoteWrite.externalSecrets.refreshInterval,
      secretStoreRef: { kind: 'ClusterSecretStore', name: 'pki' },
      target: { name: 'thanos-writer-alpha-tls', creationPolicy: 'Owner' },
      dataFrom: [{ extract: { key: 'thanos-writer-alpha-tls' } }],
    });
    expect(es.spec.refreshInterval).toMatch(/^\d+[hms]/);
  });
});
