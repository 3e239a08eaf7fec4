/** `storeGateway`: shards from the hashmod relabel config, time partitions from --min-time/--max-time. */
import { parse } from 'yaml';
import { claimOf, replicasOf } from './common.js';
import { type ImportContext, note, put } from './context.js';
import { at, objectId } from './objects.js';
import { flag, source, type ThanosWorkload } from './workloads.js';

export function readStore(ctx: ImportContext): void {
  const stores = ctx.workloads.filter((w) => w.command === 'store');
  const first = stores[0];
  if (!first) {
    put(ctx, 'storeGateway.enabled', false, 'input', 'no store gateway in the input');
    return;
  }
  const shards = Math.max(...stores.map(modulus));
  if (shards > 1)
    put(ctx, 'storeGateway.shards', shards, source(first, 'selector.relabel-config'), `${shards} (hashmod modulus)`);
  const replicas = replicasOf(first.object);
  if (replicas !== 1) put(ctx, 'storeGateway.replicasPerShard', replicas, `${objectId(first.object)}: spec.replicas`);
  const partitions = partitionsOf(stores);
  if (partitions.length > 1 || Object.keys(partitions[0] ?? {}).length > 0) {
    put(
      ctx,
      'storeGateway.partitions',
      partitions,
      stores.map((s) => objectId(s.object)).join(', '),
      'time partitions (--min-time/--max-time)',
    );
  }
  if (stores.length !== shards * partitions.length) {
    note(ctx, {
      kind: 'needs-person',
      source: 'store gateways',
      option: 'storeGateway',
      detail: `${stores.length} store gateways are not ${partitions.length} partitions × ${shards} shards: check the imported layout`,
    });
  }
  const claim = first.kind === 'StatefulSet' ? claimOf(first.object) : undefined;
  if (claim?.storage)
    put(ctx, 'storeGateway.storage', claim.storage, `${objectId(first.object)}: volumeClaimTemplates`);
  if (claim?.storageClass)
    put(ctx, 'storeGateway.storageClass', claim.storageClass, `${objectId(first.object)}: volumeClaimTemplates`);
  ctx.caches.push({ option: 'storeGateway.indexCache', workload: first, base: 'index-cache.config' });
  ctx.caches.push({ option: 'storeGateway.bucketCache', workload: first, base: 'store.caching-bucket.config' });
  ctx.resources.push({ option: 'storeGateway', workload: first, preset: 'store-gateway' });
}

/** The hashmod modulus of a store's selector relabel config (1 without one). */
function modulus(w: ThanosWorkload): number {
  const text = flag(w, 'selector.relabel-config');
  if (!text) return 1;
  const rules = parse(text) as unknown;
  const hashmod = Array.isArray(rules) ? rules.find((r) => at(r, 'action') === 'hashmod') : undefined;
  return Number(at(hashmod, 'modulus') ?? 1);
}

/** The distinct (min, max) time ranges, in the order the stores came (the project's newest first). */
function partitionsOf(stores: ThanosWorkload[]): { minTime?: string; maxTime?: string }[] {
  const seen = new Map<string, { minTime?: string; maxTime?: string }>();
  for (const s of stores) {
    const minTime = flag(s, 'min-time');
    const maxTime = flag(s, 'max-time');
    const key = `${minTime}|${maxTime}`;
    if (!seen.has(key)) seen.set(key, { ...(minTime ? { minTime } : {}), ...(maxTime ? { maxTime } : {}) });
  }
  return [...seen.values()];
}
