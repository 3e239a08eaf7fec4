/**
 * The chart's read path, compactor, ruler and bucket web sections, each onto the environment's section of the
 * same job. None of them holds data the new deployment needs: the store gateway's and compactor's disks are
 * caches and scratch space rebuilt from the bucket; the ruler's not yet uploaded blocks are its only state.
 */
import type { Json, Values } from './values.js';
import { persistence, replicas, workloadOptions } from './workload.js';

type Section = Record<string, unknown>;

const PROJECT_REPLICA_LABELS = ['prometheus_replica', 'rule_replica', 'replica'];

function enabled(v: Values, from: string, to: string, otherwise: boolean, into: Section): boolean {
  const on = v.bool(`${from}.enabled`, otherwise);
  into.enabled = on;
  v.add('mapped', `${from}.enabled`, on ? 'deployed' : 'not deployed', `${to}.enabled`);
  if (!on) v.touch(from);
  return on;
}

function endpoints(v: Values, domain: string): string[] {
  const out: string[] = [];
  const service = v.str('query.dnsDiscovery.sidecarsService');
  const ns = v.str('query.dnsDiscovery.sidecarsNamespace');
  if (v.bool('query.dnsDiscovery.enabled', true) && service && ns) {
    out.push(`dnssrv+_grpc._tcp.${service}.${ns}.svc.${domain}`);
    v.add(
      'mapped',
      'query.dnsDiscovery',
      'the sidecars stay endpoints of Query (by their SRV records)',
      'query.extraEndpoints',
    );
  }
  for (const store of v.list('query.stores')) {
    if (typeof store === 'string') out.push(store);
  }
  if (v.has('query.stores'))
    v.add(
      'mapped',
      'query.stores',
      'kept as endpoints of Query (the project finds its own components itself)',
      'query.extraEndpoints',
    );
  if (v.has('query.sdConfig') || v.has('query.existingSDConfigmap')) {
    v.add(
      'needs-person',
      v.has('query.sdConfig') ? 'query.sdConfig' : 'query.existingSDConfigmap',
      'file service discovery: list those endpoints in `query.extraEndpoints`',
    );
  }
  return out;
}

export function mapQuery(v: Values, domain: string): Section {
  const q: Section = {};
  replicas(v, 'query', 'query', q);
  const raw = v.get('query.replicaLabel');
  const old = (Array.isArray(raw) ? raw : [raw ?? 'replica']).filter((x): x is string => typeof x === 'string');
  const labels = [...new Set([...PROJECT_REPLICA_LABELS, ...old])];
  if (labels.length !== PROJECT_REPLICA_LABELS.length) {
    q.replicaLabels = labels;
    v.add('mapped', 'query.replicaLabel', "kept, beside the project's own", 'query.replicaLabels');
  } else
    v.add(
      'default-differs',
      'query.replicaLabel',
      `Query deduplicates on ${PROJECT_REPLICA_LABELS.join(', ')} (\`${old.join(', ')}\` before)`,
      'query.replicaLabels',
    );
  const extra = endpoints(v, domain);
  if (extra.length > 0) q.extraEndpoints = extra;
  v.touch('query.dnsDiscovery', 'query.enabled');
  workloadOptions(v, 'query', 'query', q);
  return q;
}

export function mapQueryFrontend(v: Values): Section {
  const f: Section = {};
  if (!enabled(v, 'queryFrontend', 'queryFrontend', true, f)) return f;
  replicas(v, 'queryFrontend', 'queryFrontend', f);
  if (v.has('queryFrontend.config') || v.has('queryFrontend.existingConfigmap')) {
    v.add(
      'ignored',
      v.has('queryFrontend.config') ? 'queryFrontend.config' : 'queryFrontend.existingConfigmap',
      "the results cache is the project's memcached (`queryFrontend.cache`)",
    );
  }
  workloadOptions(v, 'queryFrontend', 'queryFrontend', f);
  return f;
}

function partitions(v: Values, s: Section): void {
  const parts = v.list('storegateway.sharded.timePartitioning').flatMap((p: Json) => {
    if (typeof p !== 'object' || p === null || Array.isArray(p)) return [];
    const min = typeof p.min === 'string' && p.min !== '' ? { minTime: p.min } : {};
    const max = typeof p.max === 'string' && p.max !== '' ? { maxTime: p.max } : {};
    return [{ ...min, ...max }];
  });
  if (parts.length === 0) return;
  s.partitions = parts;
  v.add(
    'mapped',
    'storegateway.sharded.timePartitioning',
    'kept, each partition with its own shards (the partitions must be listed newest first)',
    'storeGateway.partitions',
  );
}

/** The store gateway StatefulSets the chart made: one, or `<fullname>-storegateway-<index>` per shard × partition. */
export function chartStoreSets(v: Values, fullname: string): string[] {
  const name = `${fullname}-storegateway`;
  if (!v.bool('storegateway.sharded.enabled', false)) return [name];
  const hash = Math.max(v.num('storegateway.sharded.hashPartitioning.shards') ?? 1, 1);
  const time = Math.max(v.list('storegateway.sharded.timePartitioning').length, 1);
  return [...Array(hash * time).keys()].map((i) => `${name}-${i}`);
}

export function mapStoreGateway(v: Values): Section {
  const s: Section = {};
  if (!enabled(v, 'storegateway', 'storeGateway', false, s)) return s;
  replicas(v, 'storegateway', 'storeGateway', s, 'replicasPerShard');
  if (v.bool('storegateway.sharded.enabled', false)) {
    v.add(
      'mapped',
      'storegateway.sharded.enabled',
      'sharded: one StatefulSet per shard and partition, as before',
      'storeGateway.shards',
    );
    const shards = v.num('storegateway.sharded.hashPartitioning.shards');
    if (shards !== undefined && shards > 1) {
      s.shards = shards;
      v.add(
        'mapped',
        'storegateway.sharded.hashPartitioning.shards',
        'kept: blocks split by `__block_id` as before',
        'storeGateway.shards',
      );
    }
    partitions(v, s);
  }
  v.touch('storegateway.sharded', 'storegateway.config', 'storegateway.existingConfigmap');
  if (v.has('storegateway.config'))
    v.add('ignored', 'storegateway.config', "the index cache is the project's memcached (`storeGateway.indexCache`)");
  if (v.has('indexCacheConfig') || v.has('bucketCacheConfig')) {
    v.add(
      'ignored',
      v.has('indexCacheConfig') ? 'indexCacheConfig' : 'bucketCacheConfig',
      "the caches are the project's memcached (`storeGateway.indexCache`, `storeGateway.bucketCache`)",
    );
  }
  persistence(
    v,
    'storegateway',
    'storeGateway',
    s,
    'kept; the volume holds index headers only, rebuilt from the bucket',
  );
  v.touch('storegateway.persistence');
  workloadOptions(v, 'storegateway', 'storeGateway', s);
  return s;
}

export function mapCompactor(v: Values): Section {
  const c: Section = {};
  if (!enabled(v, 'compactor', 'compactor', false, c)) return c;
  const retention: Section = {};
  for (const [key, res] of [
    ['retentionResolutionRaw', 'raw'],
    ['retentionResolution5m', '5m'],
    ['retentionResolution1h', '1h'],
  ] as const) {
    const value = v.str(`compactor.${key}`);
    if (value === undefined) continue;
    retention[res] = value;
    v.add('mapped', `compactor.${key}`, 'kept: the bucket keeps the same history', `compactor.retention.${res}`);
  }
  if (Object.keys(retention).length > 0) c.retention = retention;
  if (v.bool('compactor.cronJob.enabled', false))
    v.add(
      'default-differs',
      'compactor.cronJob.enabled',
      'the compactor runs continuously (`--wait`), not as a CronJob',
    );
  v.touch('compactor.cronJob');
  persistence(v, 'compactor', 'compactor', c, 'kept; scratch space, rebuilt');
  v.touch('compactor.persistence');
  workloadOptions(v, 'compactor', 'compactor', c);
  return c;
}
