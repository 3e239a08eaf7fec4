/**
 * renovate.json proposes updates of what the generator pins. Its custom regex managers read source files, so a
 * reformatted line would silently stop the updates: each manager must find, in its file, exactly the versions the
 * generator renders, and every workflow action must be one the github-actions manager (with pinDigests) handles.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const config = JSON.parse(readFileSync(path.join(ROOT, 'renovate.json'), 'utf8')) as {
  customManagers: { managerFilePatterns: string[]; matchStrings: string[]; depNameTemplate?: string }[];
  packageRules: { matchManagers?: string[]; pinDigests?: boolean }[];
};

/** The file a manager's `/^path$/` pattern names. */
function fileOf(pattern: string): string {
  return pattern.replace(/^\/\^/, '').replace(/\$\/$/, '').replaceAll('\\.', '.');
}

function extracted(): { depName: string; currentValue: string }[] {
  return config.customManagers.flatMap((m) => {
    const text = readFileSync(path.join(ROOT, fileOf(m.managerFilePatterns[0] ?? '')), 'utf8');
    return m.matchStrings.flatMap((s) =>
      [...text.matchAll(new RegExp(s, 'g'))].map((x) => ({
        depName: x.groups?.depName ?? m.depNameTemplate ?? '',
        currentValue: x.groups?.currentValue ?? '',
      })),
    );
  });
}

describe('renovate.json', () => {
  it('its regex managers find every pinned image with the version the generator renders', () => {
    expect(extracted()).toEqual([
      { depName: 'memcached', currentValue: '1.6.39-alpine' },
      { depName: 'prom/memcached-exporter', currentValue: 'v0.15.3' },
      { depName: 'quay.io/prometheus-operator/prometheus-config-reloader', currentValue: 'v0.81.0' },
      { depName: 'grafana/rollout-operator', currentValue: 'v0.28.8' },
      { depName: 'quay.io/thanos/thanos', currentValue: 'v0.42.4' },
    ]);
  });

  it('pins the workflows’ actions by digest: every `uses:` is a tag or a full commit SHA the manager updates', () => {
    const rule = config.packageRules.find((r) => r.matchManagers?.includes('github-actions'));
    expect(rule?.pinDigests).toBe(true);
    const dir = path.join(ROOT, '.github/workflows');
    const uses = readdirSync(dir).flatMap((f) =>
      [...readFileSync(path.join(dir, f), 'utf8').matchAll(/uses: ([^\s#]+)/g)].map((m) => m[1] ?? ''),
    );
    expect(uses.length).toBeGreaterThan(0);
    for (const u of uses) expect(u).toMatch(/^[\w.-]+\/[\w./-]+@(v\d+(\.\d+)*|[0-9a-f]{40})$/);
  });
});
