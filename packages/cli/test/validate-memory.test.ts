/**
 * `validate` keeps its peak memory flat in the number of environments by asking V8 for a full garbage collection
 * every 50 of them (validate.ts): the collection it gets must be a real one.
 */
import { describe, expect, it } from 'vitest';
import { fullCollection } from '../src/validate.js';

describe("validate's full garbage collection", () => {
  it('collects an object nothing holds any more', async () => {
    const collect = fullCollection();
    const ref = (() => new WeakRef({ rendered: 'x'.repeat(1 << 16) }))();
    // A WeakRef's target stays alive until the job that made it ends.
    await new Promise<void>((resolve) => setImmediate(resolve));
    collect();
    expect(ref.deref()).toBeUndefined();
  });
});
