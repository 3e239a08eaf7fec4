/**
 * The writer kit's JSON6902 patch, applied by real kustomize to a writer's Prometheus that already has a
 * remote-write target, a Secret and external labels of its own: the patch appends, it never replaces them (a
 * strategic merge of `prometheus-remote-write.yaml` would replace the `remoteWrite` list).
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadEnvironments } from '@thanos-gitops/input';
import { writerFiles } from '@thanos-gitops/mtls';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments, stringify } from 'yaml';
import { findKustomize, KUSTOMIZE_REQUIRED, tempDir } from './helpers.js';

const kustomize = findKustomize();
const ENV = `name: kit
cluster: { name: thanos-cluster }
objectStorage: { provider: s3, bucket: acme-kit, region: eu-west-1 }
remoteWrite:
  hostname: rw.example.com
  mtls: { enabled: true, issuer: { kind: bootstrap } }
  writers:
    - name: payments
      tenant: default-tenant
      cluster: payments-eu
      externalLabels: { cluster: payments-eu, region: eu-west-1 }
`;

describe('the writer kit patch', () => {
  const [loaded] = loadEnvironments([{ path: 'environments/kit.yaml', text: ENV }]);
  const files = writerFiles(loaded!.env, 'environments/kit.yaml').files;
  const patch = files.get('writers/payments/prometheus-remote-write.patch.yaml') ?? '';

  it('is a list of JSON6902 add operations that append to the lists', () => {
    const ops = parse(patch) as { op: string; path: string }[];
    expect(ops.map((o) => `${o.op} ${o.path}`)).toEqual([
      'add /spec/remoteWrite/-',
      'add /spec/secrets/-',
      'add /spec/externalLabels/cluster',
      'add /spec/externalLabels/region',
    ]);
    expect(patch).toContain('target: { group: monitoring.coreos.com, version: v1, kind: Prometheus, name: k8s');
  });

  it.skipIf(!kustomize && !KUSTOMIZE_REQUIRED)('keeps the Prometheus’ own targets, Secrets and labels', () => {
    expect(kustomize, 'no kustomize on this machine').toBeDefined();
    const dir = tempDir('thanos-gitops-writer-patch-');
    const own = {
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'Prometheus',
      metadata: { name: 'k8s', namespace: 'monitoring' },
      spec: {
        externalLabels: { env: 'prod' },
        secrets: ['other-tls'],
        remoteWrite: [{ url: 'https://other.example.com/api/v1/write' }],
      },
    };
    writeFileSync(join(dir, 'prometheus.yaml'), stringify(own));
    writeFileSync(join(dir, 'prometheus-remote-write.patch.yaml'), patch);
    const target = { group: 'monitoring.coreos.com', version: 'v1', kind: 'Prometheus', name: 'k8s' };
    writeFileSync(
      join(dir, 'kustomization.yaml'),
      stringify({ resources: ['prometheus.yaml'], patches: [{ path: 'prometheus-remote-write.patch.yaml', target }] }),
    );
    const run = spawnSync(kustomize!.command, [...kustomize!.args, dir], { encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
    const built = parseAllDocuments(run.stdout).map((d) => d.toJS())[0];
    expect(built.spec.remoteWrite.map((r: { url: string }) => r.url)).toEqual([
      'https://other.example.com/api/v1/write',
      expect.stringMatching(/\/api\/v1\/receive$/),
    ]);
    expect(built.spec.secrets).toEqual(['other-tls', 'thanos-writer-payments-tls']);
    expect(built.spec.externalLabels).toEqual({ env: 'prod', cluster: 'payments-eu', region: 'eu-west-1' });
  });
});
