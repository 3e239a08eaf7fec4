/** What makes the compactor work, by name (see support/intent.ts). */
import { describe, expect, it } from 'vitest';
import {
  expectBucket,
  expectDataVolume,
  expectIdentity,
  expectListens,
  expectSelectsOwnPods,
  expectServiceReaches,
  expectSwitch,
  expectThanosProbes,
  flag,
  renderEverything,
  subcommand,
  workloadIn,
} from './support/intent.js';
import { find, flagValues } from './support/render.js';

const compactor = workloadIn('StatefulSet', 'thanos-compact');

describe('compactor: what makes it work', () => {
  it('runs `thanos compact` as one long-running pod (two would compact the same blocks)', () => {
    const { w } = compactor();
    expect(subcommand(w)).toEqual(['compact']);
    expectSwitch(w, 'wait');
    expect(w.spec.replicas).toBe(1);
  });

  it('reads and writes the bucket, working on a claimed volume', () => {
    const { r, w } = compactor();
    expectBucket(r, w);
    expectDataVolume(w, 'data-dir');
  });

  it('applies retention per resolution and deletes compacted blocks after a delay', () => {
    const { w } = compactor();
    for (const resolution of ['raw', '5m', '1h']) expect(flag(w, `retention.resolution-${resolution}`)).toMatch(/^\d/);
    expect(flag(w, 'delete-delay')).toMatch(/^\d+h$/);
  });

  it('deduplicates on the ingestors’ replica label', () => {
    const r = renderEverything();
    const ingestor = find(r, 'StatefulSet', 'thanos-receive-ingestor-default-eu-west-1a');
    const replica = flagValues(ingestor.spec.template.spec.containers[0].args, 'label')
      .find((l) => l.endsWith('"$(POD_NAME)"'))
      ?.split('=')[0];
    expect(flagValues(compactor(r).w.spec.template.spec.containers[0].args, 'deduplication.replica-label')).toEqual([
      replica,
    ]);
  });

  it('listens for HTTP behind the thanos-compact Service, is probed, runs as thanos-compact', () => {
    const { r, w } = compactor();
    expectListens(w, 'http', 10902, 'http-address');
    expectServiceReaches(r, w, 'thanos-compact', ['http']);
    expect(w.spec.serviceName).toBe('thanos-compact');
    expectThanosProbes(w);
    expectIdentity(r, w, 'thanos-compact');
    expectSelectsOwnPods(w);
  });
});
