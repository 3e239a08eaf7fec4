/**
 * The hashrings file the routers read, computed from the environment alone (src/hashrings.ts): every entry,
 * byte for byte, for the shapes users write.
 */
import { loadEnvironments } from '@thanos-gitops/input';
import type { Environment } from '@thanos-gitops/schema';
import { describe, expect, it } from 'vitest';
import { hashringsConfig, hashringsJson, ingestorEndpoints } from '../src/hashrings.js';
import { MINIMAL } from './support/render.js';

function load(yaml: string): Environment {
  const [loaded] = loadEnvironments([{ path: 'environments/test.yaml', text: `${MINIMAL}${yaml}` }]);
  if (!loaded) throw new Error('not loaded');
  return loaded.env;
}

const at = (sts: string, i: number) => ({ address: `${sts}-${i}.${sts}.thanos.svc.cluster.local:10901` });

describe('hashrings file', () => {
  it('lists tenants, the glob matcher and every ingestor pod, in declaration order', () => {
    const env = load(`receive:
  hashrings:
    - name: teams
      tenantMatcher: glob
      tenants: ['team-*']
      replicas: 2
    - name: vip
      tenants: [acme]
    - name: default
      replicas: 3
`);
    const teams = 'thanos-receive-ingestor-teams';
    const vip = 'thanos-receive-ingestor-vip';
    const def = 'thanos-receive-ingestor-default';
    // Strict: an entry must not even carry an undefined key (such as `az` without zones).
    expect(hashringsConfig(env)).toStrictEqual([
      { hashring: 'teams', tenants: ['team-*'], tenant_matcher_type: 'glob', endpoints: [at(teams, 0), at(teams, 1)] },
      { hashring: 'vip', tenants: ['acme'], endpoints: [at(vip, 0)] },
      { hashring: 'default', endpoints: [at(def, 0), at(def, 1), at(def, 2)] },
    ]);
    expect(ingestorEndpoints(env, env.receive.hashrings[2]!)).toEqual([at(def, 0), at(def, 1), at(def, 2)]);
  });

  it('writes no matcher on a catch-all, even one declared as glob', () => {
    const env = load('receive:\n  hashrings:\n    - name: default\n      tenantMatcher: glob\n');
    expect(hashringsConfig(env)).toEqual([
      { hashring: 'default', endpoints: [at('thanos-receive-ingestor-default', 0)] },
    ]);
  });

  it("carries a hashring's own algorithm in its entry only", () => {
    const env = load(
      'receive:\n  hashrings:\n    - { name: moved, tenants: [a], algorithm: ketama }\n    - name: default\n',
    );
    const [moved, rest] = hashringsConfig(env);
    expect(moved?.algorithm).toBe('ketama');
    expect(rest).not.toHaveProperty('algorithm');
  });

  it('is indented JSON with a final newline, and copies the tenant list', () => {
    const env = load('receive:\n  hashrings: [{ name: a, tenants: [x] }]\n');
    expect(hashringsJson(env)).toBe(
      `[\n  {\n    "hashring": "a",\n    "tenants": [\n      "x"\n    ],\n    "endpoints": [\n      {\n        "address": "${at('thanos-receive-ingestor-a', 0).address}"\n      }\n    ]\n  }\n]\n`,
    );
    const [entry] = hashringsConfig(env);
    expect(entry?.tenants).not.toBe(env.receive.hashrings[0]?.tenants);
  });
});
