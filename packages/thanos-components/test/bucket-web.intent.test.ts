/** What makes the bucket web UI work, by name (see support/intent.ts). */
import { describe, expect, it } from 'vitest';
import {
  expectBucket,
  expectIdentity,
  expectListens,
  expectSelectsOwnPods,
  expectServiceReaches,
  expectSwitch,
  expectThanosProbes,
  renderEverything,
  subcommand,
} from './support/intent.js';
import { find } from './support/render.js';

describe('bucket web: what makes it work', () => {
  it('runs `thanos tools bucket web` on the bucket, read-only', () => {
    const r = renderEverything();
    const w = find(r, 'Deployment', 'thanos-bucket-web');
    expect(subcommand(w)).toEqual(['tools', 'bucket', 'web']);
    expectBucket(r, w);
    expectSwitch(w, 'disable-admin-operations');
  });

  it('listens for HTTP behind the thanos-bucket-web Service, is probed, runs as thanos-bucket-web', () => {
    const r = renderEverything();
    const w = find(r, 'Deployment', 'thanos-bucket-web');
    expectListens(w, 'http', 10902, 'http-address');
    expectServiceReaches(r, w, 'thanos-bucket-web', ['http']);
    expectThanosProbes(w);
    expectIdentity(r, w, 'thanos-bucket-web');
    expectSelectsOwnPods(w);
  });
});
