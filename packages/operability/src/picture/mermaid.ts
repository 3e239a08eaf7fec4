/**
 * The two Mermaid diagrams of an environment's README: the topology (writers → routers → hashrings → bucket →
 * store partitions → Query → Query Frontend → Grafana, with the ruler, compactor and caches) and the data-age
 * timeline. Built from the environment and the same component data the manifests use.
 */
import { formatDuration, names, remoteWriteMtls, storeSets } from '@thanos-gitops/model';
import { mermaidLabel } from '@thanos-gitops/output';
import type { Environment } from '@thanos-gitops/schema';
import { queryEndpointServices, usedMemcached } from '@thanos-gitops/thanos-components';
import { ageText, type Timeline } from './timeline.js';

/** A Mermaid label: through the one Mermaid encoder (entity codes for anything but plain characters). */
export const label = mermaidLabel;

function times(n: number, what: string): string {
  return `${n} ${what}${n === 1 ? '' : 's'}`;
}

function range(min: number, max: number | undefined): string {
  return max !== undefined && max > min ? `${min}–${max}` : String(min);
}

/** `n pods`, or `min–max pods` for a workload its HPA scales. */
function podRange(min: number, max: number | undefined): string {
  return max !== undefined && max > min ? `${min}–${max} pods` : times(min, 'pod');
}

/** A Mermaid flowchart being written: its lines, and how nodes and edges are spelled. */
class Flowchart {
  readonly lines = ['flowchart LR'];
  node(id: string, text: string, shape: 'box' | 'db' | 'round' = 'box'): void {
    this.lines.push(`  ${id}${shape === 'db' ? `[(${text})]` : shape === 'round' ? `([${text}])` : `[${text}]`}`);
  }
  edge(from: string, to: string, text?: string, dotted = false): void {
    this.lines.push(`  ${from} ${dotted ? '-.->' : '-->'}${text ? `|${label(text)}|` : ''} ${to}`);
  }
}

/**
 * Where the routers take the tenant from, as their flags say: the client certificate's Organization with mTLS and
 * certificate tenancy (the header is then ignored), else the tenant header.
 */
export function tenancyText(env: Environment): string {
  return remoteWriteMtls(env) && env.remoteWrite.mtls.tenancy === 'certificate'
    ? 'mTLS, tenant from the client certificate (O)'
    : `remote-write with header ${env.receive.tenantHeader}`;
}

/** Writers → routers → the hashrings (one node `hr<i>` each, with its tenants, ingestors and zones). */
function writePath(f: Flowchart, env: Environment): void {
  const r = env.receive;
  f.node('writers', label('Writers', tenancyText(env)), 'round');
  f.node(
    'router',
    label(
      'Receive routers',
      podRange(r.router.replicas, r.router.autoscaling?.maxReplicas),
      `replication factor ${r.replicationFactor}`,
    ),
  );
  f.edge('writers', 'router');
  f.lines.push(`  subgraph hashrings[${label('Hashrings')}]`);
  r.hashrings.forEach((h, i) => {
    const tenants = h.tenants && h.tenants.length > 0 ? `tenants: ${h.tenants.join(', ')}` : 'every other tenant';
    // With zones: one StatefulSet per zone, each pinned to its zone, the same number of ingestors in each.
    const zones = r.zones.length > 0 ? [`${h.replicas / r.zones.length} in each of ${r.zones.join(', ')}`] : [];
    f.lines.push(
      `    hr${i}[${label(`hashring ${h.name}`, tenants, `${times(h.replicas, 'ingestor')}, keep ${r.retention}`, ...zones)}]`,
    );
  });
  f.lines.push('  end');
  r.hashrings.forEach((_, i) => {
    f.edge('router', `hr${i}`);
  });
}

/** The bucket, the ingestors' uploads into it, and the compactor that keeps it. */
function bucketAndCompactor(f: Flowchart, env: Environment, timelineData: Timeline): void {
  const r = env.receive;
  f.node(
    'bucket',
    label(`bucket ${env.objectStorage.bucket}`, `${env.objectStorage.provider} ${env.objectStorage.region}`),
    'db',
  );
  if (r.enabled) {
    for (let i = 0; i < r.hashrings.length; i++) f.edge(`hr${i}`, 'bucket', 'blocks every 2h');
  }
  if (env.compactor.enabled) {
    const c = env.compactor;
    const ret = timelineData.retention.map(
      (x) => `${x.resolution} ${x.ms === undefined ? 'forever' : formatDuration(x.ms)}`,
    );
    f.node(
      'compactor',
      label('Compactor', c.sharding ? times(c.sharding.shards, 'shard') : '1 pod', `keeps ${ret.join(', ')}`),
    );
    f.edge('compactor', 'bucket', 'compacts, downsamples, deletes');
  }
}

/** Query, the store partitions it reads from the bucket, and the ingestors it asks; `endpoints` as Query lists them. */
function readPath(f: Flowchart, env: Environment, timelineData: Timeline, endpoints: ReadonlySet<string>): void {
  const r = env.receive;
  const s = env.storeGateway;
  const q = env.query;
  f.node('query', label('Query', `${range(q.replicas, q.autoscaling?.maxReplicas)} pods`));
  if (s.enabled) {
    f.lines.push(`  subgraph stores[${label('Store gateways')}]`);
    const lanes = timelineData.lanes.filter((l) => l.id.startsWith('store-'));
    lanes.forEach((l, i) => {
      f.lines.push(
        `    sp${i}[${label(
          s.partitions.length === 1 ? 'all shards' : `partition ${i}`,
          `${ageText(l.newest)} … ${ageText(l.oldest)}`,
          `${times(s.shards, 'shard')} × ${times(s.replicasPerShard, 'replica')}`,
        )}]`,
      );
    });
    f.lines.push('  end');
    lanes.forEach((_, i) => {
      f.edge('bucket', `sp${i}`);
      const shards = storeSets(env).flatMap((set) => (set.partition === i ? [set.name] : []));
      if (shards.some((svc) => endpoints.has(svc))) f.edge(`sp${i}`, 'query', 'StoreAPI');
    });
  }
  if (r.enabled) {
    r.hashrings.forEach((h, i) => {
      if (endpoints.has(names.ingestor(h.name))) f.edge(`hr${i}`, 'query', 'StoreAPI');
    });
  }
}

/** The ruler: what it asks Query, where a stateless ruler writes, and what Query asks it. */
function ruler(f: Flowchart, env: Environment, endpoints: ReadonlySet<string>): void {
  const ru = env.ruler;
  f.node('ruler', label('Ruler', `${times(ru.replicas, 'pod')}, ${ru.mode}`, `every ${ru.evaluationInterval}`));
  f.edge('query', 'ruler', 'rule queries');
  if (ru.mode === 'stateless' && env.receive.enabled) f.edge('ruler', 'router', 'remote-write results');
  if (endpoints.has(names.ruler)) {
    f.edge('ruler', 'query', ru.mode === 'stateful' ? 'StoreAPI, Rules API' : 'Rules API');
  }
}

/** The read entry point (the query frontend, else Query) and Grafana behind it. */
function entryPoint(f: Flowchart, env: Environment): void {
  let entry = 'query';
  if (env.queryFrontend.enabled) {
    f.node(
      'frontend',
      label(
        'Query Frontend',
        podRange(env.queryFrontend.replicas, env.queryFrontend.autoscaling?.maxReplicas),
        `split ${env.queryFrontend.splitInterval}`,
      ),
    );
    f.edge('query', 'frontend');
    entry = 'frontend';
  }
  f.node('grafana', label('Grafana', 'dashboards, users'), 'round');
  f.edge(entry, 'grafana');
}

/** Each memcached the environment runs, linked to the component it serves. */
function caches(f: Flowchart, env: Environment): void {
  usedMemcached(env).forEach((c, i) => {
    f.node(
      `cache${i}`,
      label(`memcached ${c.cache}`, times(c.options.replicas, 'pod'), `${c.options.memoryLimitMb} MiB each`),
      'db',
    );
    // The results cache serves the query frontend; every other cache the store gateways.
    const user = c.cache === 'results' ? 'frontend' : 'stores';
    if (c.cache === 'results' ? env.queryFrontend.enabled : env.storeGateway.enabled) {
      f.edge(user, `cache${i}`, 'cache', true);
    }
  });
}

/** The topology diagram: the write path, the bucket, the read path, the ruler, the entry point and the caches. */
export function topologyMermaid(env: Environment, timelineData: Timeline): string {
  const f = new Flowchart();
  // What Query fans out to, as its endpoint file lists it: the edges into Query follow the component data.
  const endpoints = new Set(queryEndpointServices(env));
  if (env.receive.enabled) writePath(f, env);
  bucketAndCompactor(f, env, timelineData);
  readPath(f, env, timelineData, endpoints);
  if (env.ruler.enabled) ruler(f, env, endpoints);
  entryPoint(f, env);
  if (env.bucketWeb.enabled) {
    f.node('bucketweb', label('Bucket Web UI'));
    f.edge('bucket', 'bucketweb');
  }
  caches(f, env);
  return `${f.lines.join('\n')}\n`;
}

/** The timeline as a chain from now to the oldest data kept, one node per lane; gaps drawn in red. */
export function timelineMermaid(t: Timeline): string {
  const out = ['flowchart LR', `  now([${label('now')}])`];
  let prev = 'now';
  if (t.newestFromOutside) {
    out.push(`  outside[${label('newest data: StoreAPIs outside this deployment', '(receive is disabled)')}]`);
    out.push(`  ${prev} -.-> outside`);
    prev = 'outside';
  }
  t.lanes.forEach((l, i) => {
    out.push(`  l${i}[${label(l.who, `${ageText(l.newest)} … ${ageText(l.oldest)}`)}]`);
    out.push(`  ${prev} ${l.partial ? '-.->' : '-->'} l${i}`);
    if (!l.partial) prev = `l${i}`;
  });
  t.gaps.forEach((g, i) => {
    const to = g.toMs === 'oldest' ? 'the oldest block' : `${formatDuration(g.toMs)} ago`;
    const from = g.fromMs === 0 ? 'now' : `${formatDuration(g.fromMs)} ago`;
    out.push(`  gap${i}[${label('GAP: nothing answers', `${from} … ${to}`)}]`);
    out.push(`  style gap${i} fill:#f88,stroke:#c00`);
  });
  const horizon = !t.servesBucket
    ? 'older blocks are not served (store gateway disabled)'
    : t.horizonMs === undefined
      ? 'kept forever (a resolution has retention 0d)'
      : `deleted after ${formatDuration(t.horizonMs)}`;
  out.push(`  oldest([${label('oldest data', horizon)}])`);
  out.push(`  ${prev} --> oldest`);
  out.push(`  subgraph retention[${label('Compactor retention per resolution')}]`);
  for (const x of t.retention) {
    out.push(
      `    ret${x.resolution}[${label(`${x.resolution}: ${x.ms === undefined ? 'forever' : formatDuration(x.ms)}`)}]`,
    );
  }
  out.push('  end');
  return `${out.join('\n')}\n`;
}
