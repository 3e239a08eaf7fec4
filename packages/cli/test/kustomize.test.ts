/**
 * Builds every shipped environment's `clusters/<env>` (and those of the test variants, see helpers.ts) with the real kustomize and validates what comes out:
 * each object against its kubernetes-models class and the known fields of its kind, one object per generated
 * file, the standard labels everywhere, and no version label in any selector (selectors must survive upgrades).
 * Without kustomize the tests are skipped locally and fail in CI (CI=true).
 */
import { describe, expect, it } from 'vitest';
import type { RenderedEnvironment } from '../src/render.js';
import {
  builtEnvironment,
  findKustomize,
  KUSTOMIZE_REQUIRED,
  objectFiles,
  objectName,
  type Plain,
  plainObjectProblems,
  podSpecs,
  shippedSources,
  variantSources,
} from './helpers.js';

const STANDARD_LABELS = ['name', 'instance', 'component', 'part-of', 'managed-by', 'version'].map(
  (l) => `app.kubernetes.io/${l}`,
);
const VERSION_LABEL = 'app.kubernetes.io/version';

const kustomize = findKustomize();

/** `kustomize build` of the environment's tree: built once per environment (shared, see helpers.ts). */
function built(env: string): { r: RenderedEnvironment; objects: Plain[] } {
  return builtEnvironment(kustomize!, env);
}

/**
 * Paths of every label selector in an object that mentions the version label: workload, Service, PDB, HPA,
 * ServiceMonitor and NetworkPolicy selectors, and the label selectors of spreading and affinity terms.
 */
export function versionInSelectors(value: unknown, path = ''): string[] {
  if (value === null || typeof value !== 'object') return [];
  if (Array.isArray(value)) return value.flatMap((v, i) => versionInSelectors(v, `${path}[${i}]`));
  return Object.entries(value as Record<string, unknown>).flatMap(([key, v]) => {
    const here = path === '' ? key : `${path}.${key}`;
    if (/selector$/i.test(key) && JSON.stringify(v ?? null).includes(VERSION_LABEL)) return [here];
    return versionInSelectors(v, here);
  });
}

// The shipped environments, and the variants that switch on (or off) what they leave alone.
const envs = [...shippedSources(), ...variantSources()].map((s) => s.path.replace(/^environments\/|\.ya?ml$/g, ''));

describe('kustomize', () => {
  it.runIf(!kustomize && KUSTOMIZE_REQUIRED)('is installed (required when CI=true)', () => {
    expect.fail('no kustomize: install it, or kubectl (kubectl kustomize), on the CI image');
  });

  it('finds the selector check meaningful', () => {
    const bad = { spec: { selector: { matchLabels: { [VERSION_LABEL]: 'v1' } }, template: { metadata: {} } } };
    expect(versionInSelectors(bad)).toEqual(['spec.selector']);
    const spread = { topologySpreadConstraints: [{ labelSelector: { matchExpressions: [{ key: VERSION_LABEL }] } }] };
    expect(versionInSelectors(spread)).toEqual(['topologySpreadConstraints[0].labelSelector']);
    expect(versionInSelectors({ metadata: { labels: { [VERSION_LABEL]: 'v1' } } })).toEqual([]);
  });

  it('rejects objects that are invalid, carry unknown fields or are of a kind not meant to be emitted', () => {
    const service = { apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: { ports: [{ port: 80 }] } };
    expect(plainObjectProblems(service)).toEqual([]);
    expect(plainObjectProblems({ ...service, spec: { ports: [{ port: 'eighty' }] } })).toHaveLength(1);
    expect(plainObjectProblems({ ...service, spec: { ...service.spec, selectr: {} } })).toEqual([
      'Service s: unknown field spec.selectr',
    ]);
    expect(plainObjectProblems({ apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'c' } })).toEqual([
      'CronJob c: no model registered for batch/v1/CronJob',
    ]);
  });

  describe.skipIf(!kustomize).each(envs)('clusters/%s', (env) => {
    // The first call renders and runs kustomize (seconds on a busy machine); later tests reuse the result.
    it('builds, and every object is valid for its kind', () => {
      const { objects } = built(env);
      expect(objects.length).toBeGreaterThan(0);
      expect(objects.flatMap(plainObjectProblems)).toEqual([]);
    }, 30_000);

    it('has exactly one object per generated file', () => {
      const { r, objects } = built(env);
      expect(objects.length).toBe(objectFiles(r.tree).length);
      expect(objects.length).toBe(r.manifests.length);
      const ids = objects.map((o) => `${o.apiVersion}/${o.kind}/${o.metadata?.namespace ?? ''}/${o.metadata?.name}`);
      expect(new Set(ids).size).toBe(ids.length);
    });

    it('labels every object and pod template with the standard labels', () => {
      const { objects } = built(env);
      const missing = [
        ...objects.map((o) => ({ what: objectName(o), labels: o.metadata?.labels ?? {} })),
        ...podSpecs(objects).map((p) => ({
          what: `pod template of ${objectName(p.owner)}`,
          labels: p.metadata.labels ?? {},
        })),
      ].flatMap(({ what, labels }) => STANDARD_LABELS.filter((l) => !labels[l]).map((l) => `${what}: no ${l}`));
      expect(missing).toEqual([]);
    });

    it('keeps the version label out of every selector', () => {
      const { objects } = built(env);
      expect(objects.flatMap((o) => versionInSelectors(o).map((p) => `${objectName(o)}: ${p}`))).toEqual([]);
      // The selectors the brief names explicitly, so a renamed field cannot slip past the generic walk.
      for (const o of objects) {
        const selectors = [
          ['Deployment', 'StatefulSet', 'PodDisruptionBudget'].includes(o.kind) ? o.spec?.selector : undefined,
          o.kind === 'Service' ? o.spec?.selector : undefined,
        ];
        for (const s of selectors) expect(JSON.stringify(s ?? {})).not.toContain(VERSION_LABEL);
      }
    });

    it.runIf(env === 'everything')('applies the environment patches', () => {
      const { objects } = built(env);
      const patched = objects.filter((o) => o.metadata?.annotations?.patched === 'yes');
      expect(patched.map(objectName)).toEqual(['Deployment thanos/thanos-query']);
    });

    it.runIf(env === 'prod')('splits each hashring by zone: every endpoint has the az its pod is pinned to', () => {
      const { r, objects } = built(env);
      const zones = r.environment.receive.zones;
      expect(zones.length).toBeGreaterThan(1);
      const ingestors = objects.filter(
        (o) => o.kind === 'StatefulSet' && o.metadata?.name?.startsWith('thanos-receive-ingestor-'),
      );
      expect(ingestors).toHaveLength(r.environment.receive.hashrings.length * zones.length);
      // Where each pod runs, by its stable DNS name under its Service.
      const podZone = new Map<string, string>();
      for (const sts of ingestors) {
        const terms = sts.spec.template.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution;
        const [expr] = terms.nodeSelectorTerms[0].matchExpressions;
        expect(expr.key).toBe('topology.kubernetes.io/zone');
        const service = objects.find((o) => o.kind === 'Service' && o.metadata?.name === sts.spec.serviceName);
        expect(service?.spec.clusterIP, sts.metadata.name).toBe('None');
        expect(sts.spec.template.metadata.labels).toMatchObject(service?.spec.selector ?? { missing: 'service' });
        for (let i = 0; i < sts.spec.replicas; i++) {
          podZone.set(
            `${sts.metadata.name}-${i}.${sts.spec.serviceName}.thanos.svc.cluster.local:10901`,
            expr.values[0],
          );
        }
      }
      const config = objects.find((o) => o.kind === 'ConfigMap' && o.metadata?.name === 'thanos-receive-hashrings');
      const hashrings = JSON.parse(config?.data['hashrings.json']) as {
        endpoints: { address: string; az: string }[];
      }[];
      const endpoints = hashrings.flatMap((h) => h.endpoints);
      expect(endpoints.map((e) => e.address).sort()).toEqual([...podZone.keys()].sort());
      for (const e of endpoints) expect(e.az, e.address).toBe(podZone.get(e.address));
      for (const h of hashrings) expect(new Set(h.endpoints.map((e) => e.az))).toEqual(new Set(zones));
    });

    it('selects each workload with labels its pod template carries', () => {
      const { objects } = built(env);
      for (const { owner, metadata } of podSpecs(objects)) {
        const match: Record<string, string> = owner.spec?.selector?.matchLabels ?? {};
        expect(Object.keys(match).length, objectName(owner)).toBeGreaterThan(0);
        expect(metadata.labels, objectName(owner)).toMatchObject(match);
      }
    });
  });
});
