/** Rules of the options every workload has (`workloadOptions` in schema/common.ts): checked once per workload section, where the option is defined. */

import { SIZE_PRESETS } from '@thanos-gitops/catalog';
import { parseQuantity, sizedWorkloads } from '@thanos-gitops/model';
import type { ProblemSink } from '@thanos-gitops/problems';
import type { Environment } from '@thanos-gitops/schema';

export function escapeHatchRules(env: Environment, sink: ProblemSink): void {
  const workloads = sizedWorkloads(env).map(([base, , w]) => [base, w] as const);
  for (const [base, w] of workloads) {
    w.extraEnv.forEach((e, i) => {
      if ((e.value === undefined) === (e.secretKeyRef === undefined)) {
        sink.report([...base, 'extraEnv', i], 'must have exactly one of `value` or `secretKeyRef`');
      }
    });
    const volumeNames = new Set<string>();
    w.extraVolumes.forEach((v, i) => {
      const sources = [v.configMap, v.secret, v.emptyDir].filter((x) => x !== undefined).length;
      if (sources !== 1) {
        sink.report(
          [...base, 'extraVolumes', i],
          `must have exactly one of \`configMap\`, \`secret\`, \`emptyDir\` (found ${sources})`,
        );
      }
      if (volumeNames.has(v.name))
        sink.report([...base, 'extraVolumes', i, 'name'], `volume "${v.name}" is declared twice`);
      volumeNames.add(v.name);
    });
  }
}

/**
 * A limit below its request is rejected by the API server, and only when the pod is created. Checked before
 * the size preset fills the gaps, so the message can say which value came from the preset (the presets alone
 * always pass). Runs before `applyDerivedDefaults`.
 */
export function resourceRules(env: Environment, sink: ProblemSink): void {
  const preset = SIZE_PRESETS[env.size];
  for (const [base, kind, w] of sizedWorkloads(env)) {
    for (const resource of ['cpu', 'memory'] as const) {
      const givenRequest = w.resources?.requests?.[resource];
      const givenLimit = w.resources?.limits?.[resource];
      const request = givenRequest ?? preset[kind].requests[resource];
      const limit = givenLimit ?? preset[kind].limits[resource];
      // No limit (the presets set none for cpu) is no conflict; quantities match the schema's pattern and parse.
      if (limit === undefined || (parseQuantity(limit) ?? 0) >= (parseQuantity(request) ?? 0)) continue;
      const fromPreset = (v: string | undefined) => (v === undefined ? ` (from the "${env.size}" size preset)` : '');
      const at = givenLimit !== undefined ? 'limits' : 'requests';
      sink.report(
        [...base, 'resources', at, resource],
        `the ${resource} limit ${limit}${fromPreset(givenLimit)} is below the request ${request}${fromPreset(givenRequest)}; ` +
          'Kubernetes rejects such pods: raise the limit or lower the request',
      );
    }
  }
}
