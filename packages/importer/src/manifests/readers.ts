/** The read path and the bucket's other users: query, query-frontend, store gateway, compactor, ruler, bucket web. */
import { claimOf, replicasOf } from './common.js';
import { type ImportContext, note, put } from './context.js';
import { at, objectId } from './objects.js';
import { flag, flags, labelOf, source, type ThanosWorkload } from './workloads.js';

const byCommand = (ctx: ImportContext, command: ThanosWorkload['command']) =>
  ctx.workloads.filter((w) => w.command === command);

export function readQuery(ctx: ImportContext): void {
  const q = byCommand(ctx, 'query')[0];
  if (!q) {
    note(ctx, {
      kind: 'default-differs',
      source: 'input',
      option: 'query',
      detail: 'no query in the input: the project runs one',
    });
    return;
  }
  const hpa = ctx.objects.find(
    (o) => o.kind === 'HorizontalPodAutoscaler' && at(o, 'spec', 'scaleTargetRef', 'name') === q.name,
  );
  put(
    ctx,
    'query.replicas',
    hpa ? Number(at(hpa, 'spec', 'minReplicas') ?? 1) : replicasOf(q.object),
    `${objectId(q.object)}: spec.replicas`,
  );
  if (hpa) autoscaling(ctx, hpa);
  const labels = flags(q, 'query.replica-label');
  if (labels.length > 0) put(ctx, 'query.replicaLabels', labels, source(q, 'query.replica-label'));
  const timeout = flag(q, 'query.timeout');
  if (timeout) put(ctx, 'query.timeout', timeout, source(q, 'query.timeout'));
  const lookback = flag(q, 'query.lookback-delta');
  if (lookback) put(ctx, 'query.lookbackDelta', lookback, source(q, 'query.lookback-delta'));
  ctx.resources.push({ option: 'query', workload: q, preset: 'query' });
}

function autoscaling(ctx: ImportContext, hpa: ImportContext['objects'][number]): void {
  put(ctx, 'query.autoscaling.maxReplicas', at(hpa, 'spec', 'maxReplicas'), `${objectId(hpa)}: spec.maxReplicas`);
  const metrics = at(hpa, 'spec', 'metrics');
  const cpu = Array.isArray(metrics) ? metrics.find((m) => at(m, 'resource', 'name') === 'cpu') : undefined;
  const target = at(cpu, 'resource', 'target', 'averageUtilization');
  if (typeof target === 'number' && target !== 70)
    put(ctx, 'query.autoscaling.targetCPUUtilization', target, objectId(hpa));
}

export function readQueryFrontend(ctx: ImportContext): void {
  const f = byCommand(ctx, 'query-frontend')[0];
  if (!f) {
    put(ctx, 'queryFrontend.enabled', false, 'input', 'no query-frontend in the input');
    return;
  }
  put(ctx, 'queryFrontend.replicas', replicasOf(f.object), `${objectId(f.object)}: spec.replicas`);
  const split = flag(f, 'query-range.split-interval');
  if (split && split !== '24h') put(ctx, 'queryFrontend.splitInterval', split, source(f, 'query-range.split-interval'));
  const retries = flag(f, 'query-range.max-retries-per-request');
  if (retries && retries !== '5')
    put(ctx, 'queryFrontend.maxRetries', Number(retries), source(f, 'query-range.max-retries-per-request'));
  const slow = flag(f, 'query-frontend.log-queries-longer-than');
  if (slow && slow !== '0')
    put(ctx, 'queryFrontend.logQueriesLongerThan', slow, source(f, 'query-frontend.log-queries-longer-than'));
  ctx.caches.push({ option: 'queryFrontend.cache', workload: f, base: 'query-range.response-cache-config' });
  if (!f.flags.has('labels.response-cache-config-file') && !f.flags.has('labels.response-cache-config')) {
    put(ctx, 'queryFrontend.labelsCache', false, source(f), 'labels requests were not cached');
  }
  ctx.resources.push({ option: 'queryFrontend', workload: f, preset: 'query-frontend' });
}

export function readCompactor(ctx: ImportContext): void {
  const c = byCommand(ctx, 'compact')[0];
  if (!c) {
    note(ctx, {
      kind: 'needs-person',
      source: 'input',
      option: 'compactor',
      detail: 'no compactor in the input: the project runs one; make sure no other compactor works on the bucket',
    });
    return;
  }
  for (const [name, option] of [
    ['retention.resolution-raw', 'compactor.retention.raw'],
    ['retention.resolution-5m', 'compactor.retention.5m'],
    ['retention.resolution-1h', 'compactor.retention.1h'],
  ] as const) {
    const value = flag(c, name);
    if (value) put(ctx, option, value, source(c, name));
  }
  const claim = c.kind === 'StatefulSet' ? claimOf(c.object) : undefined;
  if (claim?.storage) put(ctx, 'compactor.storage', claim.storage, `${objectId(c.object)}: volumeClaimTemplates`);
  if (claim?.storageClass)
    put(ctx, 'compactor.storageClass', claim.storageClass, `${objectId(c.object)}: volumeClaimTemplates`);
  ctx.resources.push({ option: 'compactor', workload: c, preset: 'compactor' });
}

export function readRuler(ctx: ImportContext): void {
  const r = byCommand(ctx, 'rule')[0];
  if (!r) return;
  put(ctx, 'ruler.enabled', true, objectId(r.object));
  put(
    ctx,
    'ruler.mode',
    r.flags.has('remote-write.config-file') || r.flags.has('remote-write.config') ? 'stateless' : 'stateful',
    source(r),
  );
  put(ctx, 'ruler.replicas', replicasOf(r.object), `${objectId(r.object)}: spec.replicas`);
  const alertmanagers = flags(r, 'alertmanagers.url');
  if (alertmanagers.length > 0) put(ctx, 'ruler.alertmanagers', alertmanagers, source(r, 'alertmanagers.url'));
  if (r.flags.has('alertmanagers.config') || r.flags.has('alertmanagers.config-file')) {
    note(ctx, {
      kind: 'needs-person',
      source: source(r, 'alertmanagers.config'),
      option: 'ruler.alertmanagers',
      detail: 'an Alertmanager config file: list its URLs in ruler.alertmanagers',
    });
  }
  const maps = new Set(
    flags(r, 'rule-file')
      .map((f) => /^\/etc\/thanos\/rules\/([^/]+)\//.exec(f)?.[1])
      .filter((m) => m !== undefined),
  );
  if (maps.size > 0) put(ctx, 'ruler.ruleConfigMaps', [...maps], source(r, 'rule-file'));
  else if (flags(r, 'rule-file').length > 0) {
    note(ctx, {
      kind: 'needs-person',
      source: source(r, 'rule-file'),
      option: 'ruler.ruleConfigMaps',
      detail:
        'rule files from volumes the project does not know: put them in ConfigMaps and list them in ruler.ruleConfigMaps',
    });
  }
  rulerStorage(ctx, r);
  const cluster = flags(r, 'label')
    .map(labelOf)
    .find(([k]) => k === 'ruler_cluster');
  if (cluster && !ctx.env.cluster) put(ctx, 'cluster.name', cluster[1], source(r, 'label'));
  ctx.resources.push({ option: 'ruler', workload: r, preset: 'ruler' });
}

export function readBucketWeb(ctx: ImportContext): void {
  const b = byCommand(ctx, 'tools bucket web')[0];
  if (!b) return;
  put(ctx, 'bucketWeb.enabled', true, objectId(b.object));
  ctx.resources.push({ option: 'bucketWeb', workload: b, preset: 'bucket-web' });
}

function rulerStorage(ctx: ImportContext, r: ThanosWorkload): void {
  const retention = flag(r, 'tsdb.retention');
  if (retention) put(ctx, 'ruler.retention', retention, source(r, 'tsdb.retention'));
  const interval = flag(r, 'eval-interval');
  if (interval && interval !== '1m') put(ctx, 'ruler.evaluationInterval', interval, source(r, 'eval-interval'));
  const claim = r.kind === 'StatefulSet' ? claimOf(r.object) : undefined;
  if (claim?.storage) put(ctx, 'ruler.storage', claim.storage, `${objectId(r.object)}: volumeClaimTemplates`);
  if (claim?.storageClass)
    put(ctx, 'ruler.storageClass', claim.storageClass, `${objectId(r.object)}: volumeClaimTemplates`);
}
