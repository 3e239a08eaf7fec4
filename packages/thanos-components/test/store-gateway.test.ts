import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { argsOf, find, flagValues, problemsOf, render } from './support/render.js';

const stores = (r: ReturnType<typeof render>) =>
  r.objects.filter((o) => o.kind === 'StatefulSet' && o.metadata.name.startsWith('thanos-store'));

describe('store gateway', () => {
  it('serves up to now by default, overlapping the ingestors, so recent history survives an ingestor volume', () => {
    const r = render('receive: { retention: 15d }\n');
    const args = argsOf(find(r, 'StatefulSet', 'thanos-store-0'));
    expect(flagValues(args, 'max-time')).toEqual([]);
    expect(flagValues(args, 'min-time')).toEqual([]);
    // Query reaches both, and deduplicates on the ingestors' replica label.
    const endpoints = parse(find(r, 'ConfigMap', 'thanos-query-endpoints').data['endpoints.yaml']).endpoints;
    expect(JSON.stringify(endpoints)).toContain('thanos-store-0');
    expect(JSON.stringify(endpoints)).toContain('thanos-receive-ingestor-default');
    const replica = flagValues(argsOf(find(r, 'StatefulSet', 'thanos-receive-ingestor-default')), 'label')
      .find((l) => l.endsWith('"$(POD_NAME)"'))
      ?.split('=')[0];
    expect(flagValues(argsOf(find(r, 'Deployment', 'thanos-query')), 'query.replica-label')).toContain(replica);
  });

  it('with recentBlocks: skip, serves only what is older than the receive retention, reaching `overlap` into it', () => {
    const r = render('receive: { retention: 15d }\nstoreGateway: { recentBlocks: skip, overlap: 6h }\n');
    const args = argsOf(find(r, 'StatefulSet', 'thanos-store-0'));
    expect(flagValues(args, 'max-time')).toEqual(['-14d18h']);
    expect(flagValues(args, 'min-time')).toEqual([]);
  });

  it('serves everything when there is no receive path', () => {
    const r = render('receive: { enabled: false }\n');
    expect(flagValues(argsOf(find(r, 'StatefulSet', 'thanos-store-0')), 'max-time')).toEqual([]);
  });

  it('splits blocks between shards by __block_id, each shard keeping exactly its own share', () => {
    const r = render('storeGateway: { shards: 3 }\n');
    const sets = stores(r);
    expect(sets.map((s) => s.metadata.name)).toEqual(['thanos-store-0', 'thanos-store-1', 'thanos-store-2']);
    const kept = sets.map((s) => {
      const [hashmod, keep] = parse(flagValues(argsOf(s), 'selector.relabel-config')[0] ?? '');
      expect(hashmod).toMatchObject({ action: 'hashmod', source_labels: ['__block_id'], modulus: 3 });
      expect(keep).toMatchObject({ action: 'keep', source_labels: [hashmod.target_label] });
      return keep.regex;
    });
    expect(kept).toEqual(['0', '1', '2']);
  });

  it('gives each time partition its own shards and range, newest first', () => {
    const r = render('storeGateway: { shards: 2, partitions: [{ minTime: -90d }, { maxTime: -89d }] }\n');
    const byName = Object.fromEntries(stores(r).map((s) => [s.metadata.name, argsOf(s)]));
    expect(Object.keys(byName).sort()).toEqual([
      'thanos-store-p0-0',
      'thanos-store-p0-1',
      'thanos-store-p1-0',
      'thanos-store-p1-1',
    ]);
    expect(flagValues(byName['thanos-store-p0-0']!, 'min-time')).toEqual(['-90d']);
    expect(flagValues(byName['thanos-store-p0-0']!, 'max-time')).toEqual([]);
    expect(flagValues(byName['thanos-store-p1-1']!, 'max-time')).toEqual(['-89d']);
    expect(flagValues(byName['thanos-store-p1-1']!, 'min-time')).toEqual([]);
  });

  it('has a headless Service per StatefulSet, which Query discovers through SRV records', () => {
    const r = render('storeGateway: { shards: 2 }\n');
    const endpoints = parse(find(r, 'ConfigMap', 'thanos-query-endpoints').data['endpoints.yaml']).endpoints.map(
      (e: { address: string }) => e.address,
    );
    for (const sts of stores(r)) {
      const svc = find(r, 'Service', sts.metadata.name);
      expect(svc.spec.clusterIP).toBe('None');
      expect(svc.spec.selector).toEqual(sts.spec.selector.matchLabels);
      expect(svc.spec.ports.map((p: { name: string }) => p.name)).toContain('grpc');
      expect(endpoints).toContain(`dnssrv+_grpc._tcp.${sts.metadata.name}.thanos.svc.cluster.local`);
    }
  });

  it('refuses partitions that leave a gap in time, at the field that causes it', () => {
    const gap = problemsOf('storeGateway: { partitions: [{ minTime: -90d }, { maxTime: -120d }] }\n');
    expect(gap.map((p) => p.field)).toEqual(['storeGateway.partitions[1].maxTime']);
    expect(gap[0]?.message).toMatch(/gap/);
    const behind = problemsOf('receive: { retention: 15d }\nstoreGateway: { partitions: [{ maxTime: -20d }] }\n');
    expect(behind.map((p) => p.field)).toEqual(['storeGateway.partitions[0].maxTime']);
  });

  it('renders nothing when disabled', () => {
    expect(stores(render('storeGateway: { enabled: false }\n'))).toEqual([]);
  });
});
