/**
 * What the documents keep between environments of one run (the runbook's alert lines and applications, the
 * dashboards' fixed text) never leaks from one environment into another: each environment's README, runbook and
 * dashboards are the same whether it is rendered first in a fresh process or after other environments.
 */
import { toPlain } from '@thanos-gitops/manifests';
import { describe, expect, it, vi } from 'vitest';
import { FIXTURES, renderFixture } from './fixtures.js';

type Operability = typeof import('../src/index.js');

/** The README, runbook and dashboard objects of a fixture, as module `op` renders them. */
function documents(op: Operability, name: string): string[] {
  const { env, manifests } = renderFixture(name);
  const objects = manifests.map((m) => toPlain(m.object));
  return [
    op.environmentReadme(env, `environments/${name}.yaml`, manifests, { objects }),
    op.environmentRunbook(env, `environments/${name}.yaml`, manifests, objects),
    ...op.dashboards(env).map((m) => JSON.stringify(toPlain(m.object))),
  ];
}

/** A fresh copy of the package: nothing kept from an earlier render. */
async function fresh(): Promise<Operability> {
  vi.resetModules();
  return import('../src/index.js');
}

describe('documents kept between environments', () => {
  it('are the same rendered alone in a fresh module as after every other environment, in either order', async () => {
    const alone = new Map<string, string[]>();
    for (const name of FIXTURES) alone.set(name, documents(await fresh(), name));
    const shared = await fresh();
    for (const order of [FIXTURES, [...FIXTURES].reverse()]) {
      for (const name of order) expect(documents(shared, name), name).toEqual(alone.get(name));
    }
    // The fixtures differ in what is kept (namespaces, hashrings, the alerts and dashboards they have).
    expect(new Set([...alone.values()].map((d) => d[1])).size).toBe(FIXTURES.length);
  });
});
