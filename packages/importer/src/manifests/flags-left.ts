/** The flags of the input no option took: each reported once per command, as set by the project or not modelled. */
import type { ImportContext } from './context.js';
import { objectId } from './objects.js';

/** Flags the project writes itself (addresses, files it mounts, grace periods, derived settings). */
const GENERATED = new Set([
  'log.level',
  'log.format',
  'grpc-address',
  'http-address',
  'remote-write.address',
  'objstore.config',
  'objstore.config-file',
  'tracing.config',
  'tracing.config-file',
  'label',
  'data-dir',
  'wait',
  'wait-interval',
  'delete-delay',
  'compact.concurrency',
  'downsample.concurrency',
  'deduplication.replica-label',
  'query.auto-downsampling',
  'endpoint',
  'store',
  'query-frontend.downstream-url',
  'query-frontend.compress-responses',
  'labels.split-interval',
  'labels.max-retries-per-request',
  'query.max-retries-per-request',
  'labels.response-cache-config',
  'labels.response-cache-config-file',
  'http-grace-period',
  'grpc-grace-period',
  'alert.label-drop',
  'query',
  'eval-interval',
  'receive.local-endpoint',
  'enable-auto-gomemlimit',
  'store.enable-index-header-lazy-reader',
  'receive.capnproto-address',
  'remote-write.config-file',
  'endpoint.sd-config-file',
  'endpoint.sd-config-reload-interval',
  'query-frontend.downstream-tripper-config',
  'restore-ignored-label',
  'refresh',
  'timeout',
  'disable-admin-operations',
]);

export function reportFlagsLeft(ctx: ImportContext): void {
  const generated = new Map<string, Set<string>>();
  const left = new Map<string, string[]>();
  for (const w of ctx.workloads) {
    const peers = ctx.workloads.filter((p) => p.command === w.command);
    for (const [name, values] of w.flags) {
      if (w.unknownFlags.includes(name)) continue;
      const reader = w.read.has(name) ? w : peers.find((p) => p.read.has(name));
      if (
        reader &&
        reader !== w &&
        reader.kind === w.kind &&
        JSON.stringify(reader.flags.get(name)) !== JSON.stringify(values)
      ) {
        ctx.entries.push({
          kind: 'ignored',
          source: `${objectId(w.object)}: --${name}`,
          detail: `differs from ${objectId(reader.object)}, whose value was taken`,
        });
      }
      if (reader) continue;
      if (GENERATED.has(name)) generated.set(w.command, (generated.get(w.command) ?? new Set()).add(`--${name}`));
      else
        left.set(`${w.command}\u0000${name}`, [...(left.get(`${w.command}\u0000${name}`) ?? []), objectId(w.object)]);
    }
  }
  for (const [command, names] of generated) {
    ctx.entries.push({
      kind: 'ignored',
      source: `thanos ${command}: ${[...names].join(' ')}`,
      detail: 'the project sets these itself',
    });
  }
  for (const [key, objects] of left) {
    const [command, name] = key.split('\u0000') as [string, string];
    const where = objects.length === 1 ? objects[0] : `${objects[0]} (and ${objects.length - 1} more)`;
    ctx.entries.push({
      kind: 'ignored',
      source: `${where}: --${name}`,
      detail: `\`thanos ${command}\`: not modelled; add it to the section's extraArgs to keep it`,
    });
  }
}
