/**
 * The rollout plan holds the write quorum for environments drawn at random (zones, replication factor, hashrings,
 * replicas): a pod-template change never has more than RF - quorum copies of any series of a hashring down at once.
 * A property run of 120 renders: in the soak suite (`pnpm test:soak`); the fixtures and the model are pinned in
 * rollout.test.ts.
 */
import { loadEnvironments } from '@thanos-gitops/input';
import { toPlain } from '@thanos-gitops/manifests';
import { NO_TLS } from '@thanos-gitops/model';
import { renderComponents } from '@thanos-gitops/thanos-components';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type PlainObject, rolloutPlan } from '../src/index.js';

const hashrings = (objects: PlainObject[]) => rolloutPlan(objects).groups.filter((g) => g.kind === 'hashring');

/** Renders an environment text; undefined when the environment has problems (the loader or the components). */
function renderText(text: string): PlainObject[] | undefined {
  let problems = 0;
  try {
    const [loaded] = loadEnvironments([{ path: 'environments/drawn.yaml', text }]);
    if (!loaded) return undefined;
    const manifests = renderComponents({
      env: loaded.env,
      file: 'environments/drawn.yaml',
      identity: { objstoreConfig: '', forComponent: () => ({ serviceAccountAnnotations: {}, podLabels: {}, env: [] }) },
      tls: { forComponent: () => NO_TLS },
      report: () => {
        problems++;
      },
    });
    return problems > 0 ? undefined : manifests.map((m) => toPlain(m.object) as PlainObject);
  } catch {
    return undefined;
  }
}

/** An environment text with drawn receive settings that the rules accept. */
const drawnReceive = fc
  .record({
    rf: fc.constantFrom(1, 3, 5),
    zones: fc.constantFrom(0, 3, 4, 5),
    rings: fc.integer({ min: 1, max: 3 }),
    perZone: fc.integer({ min: 1, max: 3 }),
    extra: fc.integer({ min: 0, max: 3 }),
    minReady: fc.constantFrom(0, 30, 60, 120),
  })
  .map(({ rf, zones, rings, perZone, extra, minReady }) => {
    const replicas = zones > 0 ? zones * Math.max(perZone, Math.ceil(rf / zones)) : rf + extra;
    const zoneNames = Array.from({ length: zones }, (_, i) => `zone-${String.fromCharCode(97 + i)}`);
    const ringYaml = Array.from({ length: rings }, (_, i) =>
      i === rings - 1
        ? `    - { name: rest, replicas: ${replicas} }`
        : `    - { name: r${i}, tenants: [t${i}], replicas: ${replicas} }`,
    ).join('\n');
    return {
      rf,
      zones,
      minReady,
      text: `name: drawn
cluster: { name: drawn }
objectStorage: { provider: s3, bucket: drawn-bucket, region: eu-west-1 }
receive:
  replicationFactor: ${rf}
  minReadySeconds: ${minReady}
  zones: [${zoneNames.join(', ')}]
  hashrings:
${ringYaml}
`,
    };
  });

describe('rollout plan of drawn environments', () => {
  it('never takes more than RF - quorum copies of a series down (at least one pod at a time with RF 1)', () => {
    fc.assert(
      fc.property(drawnReceive, ({ rf, zones, minReady, text }) => {
        const objects = renderText(text);
        if (!objects) return; // a combination the rules refuse (e.g. too few zones for the RF) renders nothing
        for (const g of hashrings(objects)) {
          expect(g.hashring?.replicationFactor).toBe(rf);
          expect(g.maxSeriesCopiesDown).toBeLessThanOrEqual(Math.max(rf - (Math.floor(rf / 2) + 1), 1));
          expect(g.safe).toBe(true);
          expect(g.steps.length).toBe(zones > 0 ? zones : g.replicas);
          expect(g.mechanisms).toEqual([zones > 0 ? 'rollout-operator' : 'rolling-update']);
          expect(g.minReadySeconds).toBe(minReady);
        }
      }),
      { numRuns: 60, seed: 18 },
    );
  });

  it('draws environments the rules accept, with zones and without (the property is not vacuous)', () => {
    const drawn = fc.sample(drawnReceive, { numRuns: 60, seed: 18 });
    const rendered = drawn.filter((d) => renderText(d.text) !== undefined);
    expect(rendered.filter((d) => d.zones > 0 && d.rf > 1).length).toBeGreaterThan(5);
    expect(rendered.filter((d) => d.zones === 0 && d.rf > 1).length).toBeGreaterThan(5);
  });
});
