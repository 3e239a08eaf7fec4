/**
 * Remote-write exposure and mTLS are not read back into `remoteWrite` (the writers' clusters and labels live in
 * files for other clusters, never in these objects): what is found becomes `needs-person` entries.
 */
import { type ImportContext, note } from './context.js';
import { objectId } from './objects.js';
import { source } from './workloads.js';

export function readRemoteWrite(ctx: ImportContext): void {
  const router = ctx.workloads.find((w) => w.command === 'receive' && w.flags.has('remote-write.server-tls-cert'));
  if (router) {
    note(ctx, {
      kind: 'needs-person',
      source: source(router, 'remote-write.server-tls-cert'),
      option: 'remoteWrite.mtls',
      detail:
        'remote-write is served over TLS: set remoteWrite.hostname, remoteWrite.mtls and remoteWrite.writers (each writer gets its own client certificate)',
    });
  }
  const exposed = ctx.objects.filter(
    (o) =>
      (o.kind === 'Service' && (o.spec as { type?: string } | undefined)?.type === 'LoadBalancer') ||
      o.kind === 'Ingress' ||
      o.kind === 'TLSRoute' ||
      o.kind === 'HTTPRoute',
  );
  for (const o of exposed) {
    note(ctx, {
      kind: 'needs-person',
      source: objectId(o),
      option: 'remoteWrite.exposure',
      detail: `${o.kind} exposure: the project models an NLB or a Gateway TLSRoute (remoteWrite.exposure); anything else stays yours to keep`,
    });
  }
}
