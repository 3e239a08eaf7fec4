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
  subcommand,
  workloadIn,
} from './support/intent.js';

const bucketWeb = workloadIn('Deployment', 'thanos-bucket-web');

describe('bucket web: what makes it work', () => {
  it('runs `thanos tools bucket web` on the bucket, read-only', () => {
    const { r, w } = bucketWeb();
    expect(subcommand(w)).toEqual(['tools', 'bucket', 'web']);
    expectBucket(r, w);
    expectSwitch(w, 'disable-admin-operations');
  });

  it('listens for HTTP behind the thanos-bucket-web Service, is probed, runs as thanos-bucket-web', () => {
    const { r, w } = bucketWeb();
    expectListens(w, 'http', 10902, 'http-address');
    expectServiceReaches(r, w, 'thanos-bucket-web', ['http']);
    expectThanosProbes(w);
    expectIdentity(r, w, 'thanos-bucket-web');
    expectSelectsOwnPods(w);
  });
});
