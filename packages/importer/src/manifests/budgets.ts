/** PodDisruptionBudgets: the project writes its own; the ingestors' is compared with what ran. */
import { ingestorDisruptionBudget } from '@thanos-gitops/thanos-components';
import { type ImportContext, note } from './context.js';
import { at, objectId } from './objects.js';

export function readDisruptionBudgets(ctx: ImportContext): void {
  const rf = Number(at(ctx.env, 'receive', 'replicationFactor') ?? 1);
  const ingestors = new Set(
    ctx.workloads.filter((w) => w.command === 'receive' && w.kind === 'StatefulSet').map((w) => w.object),
  );
  for (const pdb of ctx.objects.filter((o) => o.kind === 'PodDisruptionBudget')) {
    const selector = at(pdb, 'spec', 'selector', 'matchLabels') as Record<string, string> | undefined;
    const guards = [...ingestors].some((o) =>
      Object.entries(selector ?? {}).every(([k, v]) => at(o, 'spec', 'template', 'metadata', 'labels', k) === v),
    );
    const was = at(pdb, 'spec', 'maxUnavailable') ?? `minAvailable ${String(at(pdb, 'spec', 'minAvailable'))}`;
    const now = ingestorDisruptionBudget(rf);
    note(ctx, {
      kind: guards && String(was) !== String(now) ? 'default-differs' : 'ignored',
      source: `${objectId(pdb)}: spec`,
      detail: !guards
        ? 'the project writes its own disruption budgets'
        : String(was) === String(now)
          ? `maxUnavailable ${now}, as the project's (replication factor ${rf} less its write quorum, at least 1)`
          : `maxUnavailable ${String(was)} → ${now} (replication factor ${rf} less its write quorum, at least 1)`,
    });
  }
}
