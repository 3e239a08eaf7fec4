/**
 * The two Mermaid diagrams of an environment's README: the topology (writers → routers → hashrings → bucket →
 * store partitions → Query → Query Frontend → Grafana, with the ruler, compactor and caches) and the data-age
 * timeline. Built from the environment and the same component data the manifests use.
 */
import { type Environment, formatDuration, names } from '@thanos-gitops/core-model';
import { queryEndpointServices, usedMemcached } from '@thanos-gitops/thanos-components';
import { ageText, type Timeline } from './timeline.js';

/** A Mermaid label: quoted, with quotes and angle brackets escaped, lines joined by `<br/>`. */
export function label(...lines: string[]): string {
  const esc = (s: string) =>
    s.replaceAll('&', '#amp;').replaceAll('"', '#quot;').replaceAll('<', '#lt;').replaceAll('>', '#gt;');
  return `"${lines.map(esc).join('<br/>')}"`;
}

function times(n: number, what: string): string {
  return `${n} ${what}${n === 1 ? '' : 's'}`;
}

function range(min: number, max: number | undefined): string {
  return max !== undefined && max > min ? `${min}–${max}` : String(min);
}

export function topologyMermaid(env: Environment, timelineData: Timeline): string {
  const out = ['flowchart LR'];
  const node = (id: string, text: string, shape: 'box' | 'db' | 'round' = 'box') =>
    out.push(`  ${id}${shape === 'db' ? `[(${text})]` : shape === 'round' ? `([${text}])` : `[${text}]`}`);
  const edge = (from: string, to: string, text?: string, dotted = false) =>
    out.push(`  ${from} ${dotted ? '-.->' : '-->'}${text ? `|${label(text)}|` : ''} ${to}`);
  const r = env.receive;
  const s = env.storeGateway;
  const q = env.query;
  const caches = usedMemcached(env);
  // What Query fans out to, as its endpoint file lists it: the edges into Query follow the component data.
  const endpoints = new Set(queryEndpointServices(env));

  if (r.enabled) {
    node('writers', label('Writers', `remote-write with header ${r.tenantHeader}`), 'round');
    node(
      'router',
      label('Receive routers', times(r.router.replicas, 'pod'), `replication factor ${r.replicationFactor}`),
    );
    edge('writers', 'router');
    out.push(`  subgraph hashrings[${label('Hashrings')}]`);
    r.hashrings.forEach((h, i) => {
      const tenants = h.tenants && h.tenants.length > 0 ? `tenants: ${h.tenants.join(', ')}` : 'every other tenant';
      // With zones: one StatefulSet per zone, each pinned to its zone, the same number of ingestors in each.
      const zones = r.zones.length > 0 ? [`${h.replicas / r.zones.length} in each of ${r.zones.join(', ')}`] : [];
      out.push(
        `    hr${i}[${label(`hashring ${h.name}`, tenants, `${times(h.replicas, 'ingestor')}, keep ${r.retention}`, ...zones)}]`,
      );
    });
    out.push('  end');
    r.hashrings.forEach((_, i) => {
      edge('router', `hr${i}`);
    });
  }
  node(
    'bucket',
    label(`bucket ${env.objectStorage.bucket}`, `${env.objectStorage.provider} ${env.objectStorage.region}`),
    'db',
  );
  if (r.enabled) {
    for (let i = 0; i < r.hashrings.length; i++) edge(`hr${i}`, 'bucket', 'blocks every 2h');
  }
  if (env.compactor.enabled) {
    const c = env.compactor;
    const ret = timelineData.retention.map(
      (x) => `${x.resolution} ${x.ms === undefined ? 'forever' : formatDuration(x.ms)}`,
    );
    node(
      'compactor',
      label('Compactor', c.sharding ? times(c.sharding.shards, 'shard') : '1 pod', `keeps ${ret.join(', ')}`),
    );
    edge('compactor', 'bucket', 'compacts, downsamples, deletes');
  }
  node('query', label('Query', `${range(q.replicas, q.autoscaling?.maxReplicas)} pods`));
  if (s.enabled) {
    out.push(`  subgraph stores[${label('Store gateways')}]`);
    const lanes = timelineData.lanes.filter((l) => l.id.startsWith('store-'));
    lanes.forEach((l, i) => {
      out.push(
        `    sp${i}[${label(
          s.partitions.length === 1 ? 'all shards' : `partition ${i}`,
          `${ageText(l.newest)} … ${ageText(l.oldest)}`,
          `${times(s.shards, 'shard')} × ${times(s.replicasPerShard, 'replica')}`,
        )}]`,
      );
    });
    out.push('  end');
    lanes.forEach((_, i) => {
      edge('bucket', `sp${i}`);
      const shards = [...Array(s.shards).keys()].map((shard) => names.store(i, shard, s.partitions.length));
      if (shards.some((svc) => endpoints.has(svc))) edge(`sp${i}`, 'query', 'StoreAPI');
    });
  }
  if (r.enabled) {
    r.hashrings.forEach((h, i) => {
      if (endpoints.has(names.ingestor(h.name))) edge(`hr${i}`, 'query', 'StoreAPI');
    });
  }
  if (env.ruler.enabled) {
    const ru = env.ruler;
    node('ruler', label('Ruler', `${times(ru.replicas, 'pod')}, ${ru.mode}`, `every ${ru.evaluationInterval}`));
    edge('query', 'ruler', 'rule queries');
    if (ru.mode === 'stateless' && r.enabled) edge('ruler', 'router', 'remote-write results');
    if (endpoints.has(names.ruler)) {
      edge('ruler', 'query', ru.mode === 'stateful' ? 'StoreAPI, Rules API' : 'Rules API');
    }
  }
  let entry = 'query';
  if (env.queryFrontend.enabled) {
    node(
      'frontend',
      label('Query Frontend', times(env.queryFrontend.replicas, 'pod'), `split ${env.queryFrontend.splitInterval}`),
    );
    edge('query', 'frontend');
    entry = 'frontend';
  }
  node('grafana', label('Grafana', 'dashboards, users'), 'round');
  edge(entry, 'grafana');
  if (env.bucketWeb.enabled) {
    node('bucketweb', label('Bucket Web UI'));
    edge('bucket', 'bucketweb');
  }
  caches.forEach((c, i) => {
    node(
      `cache${i}`,
      label(`memcached ${c.cache}`, times(c.options.replicas, 'pod'), `${c.options.memoryLimitMb} MiB each`),
      'db',
    );
    // The results cache serves the query frontend; every other cache the store gateways.
    const user = c.cache === 'results' ? 'frontend' : 'stores';
    if (c.cache === 'results' ? env.queryFrontend.enabled : s.enabled) edge(user, `cache${i}`, 'cache', true);
  });
  return `${out.join('\n')}\n`;
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
