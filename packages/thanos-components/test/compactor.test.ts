import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { argsOf, find, flagValues, problemsOf, type Rendered, render } from './support/render.js';

const statefulSets = (r: Rendered) =>
  r.objects.filter((o) => o.kind === 'StatefulSet' && o.metadata.name.startsWith('thanos-compact'));

describe('compactor', () => {
  it('runs one pod continuously with the retention of each resolution', () => {
    const r = render('compactor: { retention: { raw: 14d, 5m: 90d, 1h: 2y }, deleteDelay: 24h }\n');
    expect(r.problems).toEqual([]);
    expect(statefulSets(r).map((s) => s.metadata.name)).toEqual(['thanos-compact']);
    const sts = find(r, 'StatefulSet', 'thanos-compact');
    expect(sts.spec.replicas).toBe(1);
    const args = argsOf(sts);
    expect(args[0]).toBe('compact');
    expect(args).toContain('--wait');
    expect(flagValues(args, 'retention.resolution-raw')).toEqual(['14d']);
    expect(flagValues(args, 'retention.resolution-5m')).toEqual(['90d']);
    expect(flagValues(args, 'retention.resolution-1h')).toEqual(['2y']);
    expect(flagValues(args, 'delete-delay')).toEqual(['24h']);
    expect(flagValues(args, 'objstore.config-file')).toEqual(['/etc/thanos/objstore/objstore.yml']);
    expect(args).not.toContain('--downsampling.disable');
    expect(args.some((a) => a.startsWith('--selector.relabel-config'))).toBe(false);
  });

  it('keeps its working copy on a persistent volume', () => {
    const sts = find(render('compactor: { storage: 200Gi, storageClass: gp3 }\n'), 'StatefulSet', 'thanos-compact');
    expect(sts.spec.volumeClaimTemplates).toHaveLength(1);
    expect(sts.spec.volumeClaimTemplates[0].spec).toMatchObject({
      storageClassName: 'gp3',
      resources: { requests: { storage: '200Gi' } },
    });
    expect(flagValues(argsOf(sts), 'data-dir')).toEqual(['/var/thanos/compact']);
  });

  it('disables downsampling on request', () => {
    const args = argsOf(find(render('compactor: { downsampling: false }\n'), 'StatefulSet', 'thanos-compact'));
    expect(args).toContain('--downsampling.disable');
  });

  it('reports retentions too short for downsampling, and accepts them without it', () => {
    const short = problemsOf('compactor: { retention: { raw: 1d, 5m: 7d } }\n');
    expect(short.map((p) => p.field)).toEqual(['compactor.retention.raw', 'compactor.retention.5m']);
    expect(short[0]?.message).toContain('at least 40h');
    expect(short[1]?.message).toContain('at least 10d');
    expect(problemsOf('compactor: { downsampling: false, retention: { raw: 1d, 5m: 7d } }\n')).toEqual([]);
    expect(problemsOf('compactor: { retention: { raw: 0d, 5m: 0d } }\n')).toEqual([]);
    expect(problemsOf('compactor: { retention: { raw: 40h, 5m: 10d } }\n')).toEqual([]);
  });

  it('deduplicates replicas with the penalty algorithm unless told they are exact copies', () => {
    const penalty = argsOf(
      find(
        render('compactor: { deduplicationReplicaLabels: [replica, rule_replica] }\n'),
        'StatefulSet',
        'thanos-compact',
      ),
    );
    expect(flagValues(penalty, 'deduplication.replica-label')).toEqual(['replica', 'rule_replica']);
    expect(flagValues(penalty, 'deduplication.func')).toEqual(['penalty']);
    const exact = argsOf(
      find(
        render('compactor: { deduplicationReplicaLabels: [replica], deduplicationFunc: exact }\n'),
        'StatefulSet',
        'thanos-compact',
      ),
    );
    expect(flagValues(exact, 'deduplication.replica-label')).toEqual(['replica']);
    expect(flagValues(exact, 'deduplication.func')).toEqual([]);
    const none = argsOf(find(render(), 'StatefulSet', 'thanos-compact'));
    expect(none.some((a) => a.startsWith('--deduplication.'))).toBe(false);
  });

  it('merges receive replicas one-to-one by default when receive replicates (the label the ingestors set)', () => {
    const rf3 = 'receive: { replicationFactor: 3, hashrings: [{ name: default, replicas: 3 }] }\n';
    const r = render(rf3);
    expect(r.problems).toEqual([]);
    // The label the compactor merges on is the external label that tells the ingestors' copies apart.
    const ingestorLabels = flagValues(argsOf(find(r, 'StatefulSet', 'thanos-receive-ingestor-default')), 'label');
    const replicaLabel = ingestorLabels.find((l) => l.endsWith('"$(POD_NAME)"'))?.split('=')[0];
    const args = argsOf(find(r, 'StatefulSet', 'thanos-compact'));
    expect(flagValues(args, 'deduplication.replica-label')).toEqual([replicaLabel]);
    // Receive replicas hold identical samples: Thanos' default 1:1 merger (no --deduplication.func).
    expect(flagValues(args, 'deduplication.func')).toEqual([]);
    expect(r.env.compactor.deduplicationFunc).toBe('exact');
    // No replication: nothing to merge. An explicit empty list keeps every copy.
    const rf1 = argsOf(find(render(), 'StatefulSet', 'thanos-compact'));
    expect(rf1.some((a) => a.startsWith('--deduplication.'))).toBe(false);
    const kept = argsOf(
      find(render(`${rf3}compactor: { deduplicationReplicaLabels: [] }\n`), 'StatefulSet', 'thanos-compact'),
    );
    expect(kept.some((a) => a.startsWith('--deduplication.'))).toBe(false);
    // Any other replica label (Prometheus HA pairs, stateful rulers) gets the penalty algorithm.
    const other = argsOf(
      find(
        render('compactor: { deduplicationReplicaLabels: [prometheus_replica] }\n'),
        'StatefulSet',
        'thanos-compact',
      ),
    );
    expect(flagValues(other, 'deduplication.func')).toEqual(['penalty']);
  });

  it('shards into N single-pod StatefulSets whose selectors split every label value exactly once', () => {
    const r = render('compactor: { sharding: { shards: 3, label: tenant_id } }\n');
    expect(r.problems).toEqual([]);
    const sets = statefulSets(r);
    expect(sets.map((s) => s.metadata.name)).toEqual(['thanos-compact-0', 'thanos-compact-1', 'thanos-compact-2']);
    const cm = find(r, 'ConfigMap', 'thanos-compact-shards');
    const keeps = new Map<number, number>();
    for (const sts of sets) {
      expect(sts.spec.replicas).toBe(1);
      const files = flagValues(argsOf(sts), 'selector.relabel-config-file');
      expect(files).toHaveLength(1);
      const key = files[0]?.split('/').pop() ?? '';
      const pod = sts.spec.template.spec;
      const volume = pod.volumes.find((v: { configMap?: { name: string } }) => v.configMap?.name === cm.metadata.name);
      const mount = pod.containers[0].volumeMounts.find((m: { name: string }) => m.name === volume.name);
      expect(`${mount.mountPath}/${key}`).toBe(files[0]);
      const [mod, keep] = parse(cm.data[key]);
      expect(mod).toMatchObject({ action: 'hashmod', source_labels: ['tenant_id'], modulus: 3 });
      expect(keep).toMatchObject({ action: 'keep', source_labels: [mod.target_label] });
      keeps.set(Number(keep.regex), Number(sts.metadata.name.split('-').pop()));
      expect(sts.spec.template.metadata.annotations['thanos-gitops/selector-hash']).toMatch(/^[0-9a-f]{16}$/);
    }
    // hashmod yields 0..N-1; shards keep each of those exactly once, so every block stream has one compactor.
    expect([...keeps.keys()].sort()).toEqual([0, 1, 2]);
    for (const [kept, shard] of keeps) expect(kept).toBe(shard);
  });

  it('reports a shard label that is also a deduplication replica label', () => {
    const problems = problemsOf(
      'compactor: { sharding: { shards: 2, label: replica }, deduplicationReplicaLabels: [replica] }\n',
    );
    expect(problems.map((p) => p.field)).toEqual(['compactor.sharding.label']);
  });

  it('gives every shard a disruption budget and a headless Service, and scrapes them all', () => {
    const r = render('compactor: { sharding: { shards: 2, label: tenant_id } }\n');
    for (const name of ['thanos-compact-0', 'thanos-compact-1']) {
      expect(find(r, 'PodDisruptionBudget', name).spec.maxUnavailable).toBe(1);
      expect(find(r, 'Service', name).spec.clusterIP).toBe('None');
    }
    const monitor = find(r, 'ServiceMonitor', 'thanos-compact');
    expect(monitor.spec.selector.matchLabels).toEqual({ 'app.kubernetes.io/name': 'thanos-compact' });
  });

  it('renders nothing when disabled', () => {
    expect(statefulSets(render('compactor: { enabled: false }\n'))).toEqual([]);
  });
});

describe('compactor: one pod at a time, at its own pace', () => {
  it('compacts and downsamples one block at a time, every 5m, and has 300 s to stop', () => {
    const sts = find(render(), 'StatefulSet', 'thanos-compact');
    const args = argsOf(sts);
    expect(flagValues(args, 'wait-interval')).toEqual(['5m']);
    expect(flagValues(args, 'compact.concurrency')).toEqual(['1']);
    expect(flagValues(args, 'downsample.concurrency')).toEqual(['1']);
    expect(flagValues(args, 'http-address')).toEqual(['0.0.0.0:10902']);
    expect(sts.spec.template.spec.terminationGracePeriodSeconds).toBe(300);
    expect(sts.spec.template.spec.serviceAccountName).toBe('thanos-compact');
    expect(sts.spec.podManagementPolicy ?? 'OrderedReady').toBe('OrderedReady');
    // The working copy is scratch: the claim goes with the StatefulSet.
    expect(sts.spec.persistentVolumeClaimRetentionPolicy).toEqual({ whenDeleted: 'Delete', whenScaled: 'Delete' });
    expect(find(render(), 'Service', 'thanos-compact').spec.ports).toEqual([
      expect.objectContaining({ name: 'http', port: 10902 }),
    ]);
  });

  it('merges overlapping blocks vertically when out-of-order samples are accepted without a replica label', () => {
    const vertical = (yaml: string) =>
      argsOf(find(render(yaml), 'StatefulSet', 'thanos-compact')).includes('--compact.enable-vertical-compaction');
    expect(vertical('receive: { outOfOrderTimeWindow: 30m }\ncompactor: { deduplicationReplicaLabels: [] }\n')).toBe(
      true,
    );
    expect(vertical('compactor: { deduplicationReplicaLabels: [] }\n')).toBe(false);
    expect(
      vertical('receive: { outOfOrderTimeWindow: 30m }\ncompactor: { deduplicationReplicaLabels: [replica] }\n'),
    ).toBe(false);
  });

  it('mounts the shard selectors read-only, and only on a sharded compactor', () => {
    const pod = find(
      render('compactor: { sharding: { shards: 2, label: tenant_id } }\n'),
      'StatefulSet',
      'thanos-compact-1',
    ).spec.template.spec;
    expect(pod.volumes).toContainEqual({ name: 'shards', configMap: { name: 'thanos-compact-shards' } });
    expect(pod.containers[0].volumeMounts).toContainEqual({
      name: 'shards',
      mountPath: '/etc/thanos/compact-shards',
      readOnly: true,
    });
    const one = find(render(), 'StatefulSet', 'thanos-compact').spec.template.spec;
    expect(one.volumes.some((v: { name: string }) => v.name === 'shards')).toBe(false);
    expect(find(render(), 'StatefulSet', 'thanos-compact').spec.template.metadata.annotations ?? {}).not.toHaveProperty(
      'thanos-gitops/selector-hash',
    );
  });
});

describe('compactor: what an unsharded compactor has, and how it deduplicates', () => {
  it('has no shard selectors: no ConfigMap, no selector flag, only its data volume mounted', () => {
    const r = render();
    expect(r.objects.some((o) => o.kind === 'ConfigMap' && o.metadata.name === 'thanos-compact-shards')).toBe(false);
    const sts = find(r, 'StatefulSet', 'thanos-compact');
    const pod = sts.spec.template.spec;
    expect(pod.volumes.map((v: { name: string }) => v.name)).toEqual(['objstore']);
    expect(pod.containers[0].volumeMounts.map((m: { name: string }) => m.name)).toEqual(['data', 'objstore']);
    expect(flagValues(argsOf(sts), 'selector.relabel-config-file')).toEqual([]);
  });

  it('asks for the penalty algorithm only when it has a replica label to merge on', () => {
    const args = argsOf(
      find(
        render('compactor: { deduplicationReplicaLabels: [], deduplicationFunc: penalty }\n'),
        'StatefulSet',
        'thanos-compact',
      ),
    );
    expect(args.some((a) => a.startsWith('--deduplication.'))).toBe(false);
  });
});
