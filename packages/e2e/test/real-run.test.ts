/**
 * The rendered deployment run for real (issue 19): each fixture environment is rendered into a temporary
 * clusters/<env>, built with kustomize, and every pod of the built objects started as a real Thanos (or
 * memcached) process in a network namespace of its own, on loopback, names resolved by a dnsmasq as in a
 * cluster. The substitutions the harness makes are printed; so are the figures behind each assertion.
 *
 * Needs root, Go (or THANOS_BINARY) and the Debian packages of .ci/run: skipped locally without them, with one
 * line saying how to run it; under CI=true their absence fails.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import {
  compaction,
  defaultTenant,
  type Figures,
  hashringSpread,
  readPath,
  rulesAndAlerts,
  storesHealthy,
  TEST_RULES,
  writePath,
  writerTenant,
} from './checks.js';
import { HOW_TO_RUN, missingTools, thanosBinaries } from './harness/binaries.js';
import { findKustomize, fixtureSource, type Plain, renderAndBuild } from './harness/render.js';
import { Topology } from './harness/topology.js';
import { HISTORY_RULES, olderData, seedHistory } from './older-data.js';
import { assertRollout, rolloutMeasured } from './rollout.js';
import { FOR_STATE_ARGS, FOR_STATE_RULES, rulerRestart } from './ruler-restart.js';

const REQUIRED = process.env.CI === 'true';
const missing = [...missingTools(), ...(findKustomize() ? [] : ['kustomize'])];
const runnable = missing.length === 0;
if (!runnable && !REQUIRED) console.log(`real-run e2e skipped (missing: ${missing.join(', ')}): ${HOW_TO_RUN}`);

const roots: string[] = [];
const topologies: Topology[] = [];
const cleanup = async () => {
  await Promise.all(topologies.map((t) => t.down()));
  if (!process.env.E2E_KEEP) for (const r of roots) rmSync(r, { recursive: true, force: true });
};
afterAll(cleanup, 120_000);

function print(title: string, figures: Figures): void {
  console.log(`[real-run] ${title}\n${JSON.stringify(figures, null, 2)}`);
}

/** Names of the optional rule ConfigMaps the ruler mounts (user-managed: not rendered). */
function ruleConfigMapNames(objects: Plain[]): string[] {
  const names = new Set(objects.filter((o) => o.kind === 'ConfigMap').map((o) => o.metadata.name));
  return objects
    .filter((o) => o.kind === 'StatefulSet' && o.metadata.name === 'thanos-rule')
    .flatMap((o) => o.spec.template.spec.volumes ?? [])
    .map((v: Plain) => v.configMap?.name)
    .filter((n: string | undefined): n is string => n !== undefined && !names.has(n));
}

interface Variant {
  env: string;
  from: string;
  set?: [(string | number)[], unknown][];
  versions: string[];
  externalStores?: string[];
  /** Also stop the ingestors and run the compactor once (ends the topology's write path). */
  compaction?: boolean;
  /** Seed blocks older than the ingestors' retention and query them across the store partitions. */
  olderData?: boolean;
  /** Restart every ruler while the test alert is pending (its for-state must survive). */
  rulerRestart?: boolean;
}

async function boot(v: Variant) {
  const started = Date.now();
  const thanos = thanosBinaries(v.versions);
  const root = mkdtempSync(join(tmpdir(), `thanos-gitops-real-${v.env}-`));
  roots.push(root);
  const rendered = renderAndBuild(root, v.env, fixtureSource(v.from, v.env, v.set));
  const rules = TEST_RULES + HISTORY_RULES + FOR_STATE_RULES;
  const ruleConfigMaps = Object.fromEntries(ruleConfigMapNames(rendered.objects).map((n) => [n, rules]));
  const t = new Topology(root, rendered, {
    thanos,
    alertmanagers: 2,
    externalStores: v.externalStores,
    ruleConfigMaps,
    extraArgs: v.rulerRestart ? FOR_STATE_ARGS : undefined,
  });
  topologies.push(t);
  const history = v.olderData ? seedHistory(t) : undefined;
  const s = await t.start();
  print(`${v.env}: started`, { pods: s.pods, secondsToReady: s.seconds, root, substitutions: t.cluster.substitutions });
  return { t, started, history };
}

/** Write path (mTLS writers and refused senders when the environment has writers), hashring, read path, stores. */
async function writeAndRead(v: Variant, refuseInternal = false): Promise<void> {
  const { t, started, history } = await boot(v);
  // The test alert goes pending when the rulers start: the restart check runs alongside the others.
  const restart = v.rulerRestart ? rulerRestart(t).catch((e: unknown) => e) : undefined;
  const [a, b] = t.writers();
  let tenants: string[];
  if (a && b) {
    const good = [t.startWriter(a, 'own', a), t.startWriter(b, 'own', b)];
    const refused = [t.startWriter(a, 'rogue', 'rogue-ca'), t.startWriter(b, 'none', 'no-cert')];
    if (refuseInternal) refused.push(t.startWriter(a, { secret: 'thanos-internal-tls' }, 'internal-pki'));
    const write = await writePath(t, good, refused);
    print(`${v.env}: write path`, write);
    tenants = [writerTenant(t, a), writerTenant(t, b)];
    expect(write.tenantOfWriter).toEqual({ [good[0]!.name]: tenants[0], [good[1]!.name]: tenants[1] });
  } else {
    const plain = t.startPlainWriter('plain');
    const write = await writePath(t, [plain], []);
    print(`${v.env}: write path`, write);
    tenants = [defaultTenant(t)];
    expect(write.tenantOfWriter).toEqual({ [plain.name]: tenants[0] });
  }
  print(`${v.env}: hashring spread`, await hashringSpread(t, tenants));
  print(`${v.env}: read path`, await readPath(t, tenants));
  print(`${v.env}: Query stores`, await storesHealthy(t));
  if (t.cluster.pods.some((p) => p.name.startsWith('thanos-rule-')))
    print(`${v.env}: rules and alerts`, await rulesAndAlerts(t));
  if (history) print(`${v.env}: older data`, await olderData(t, history));
  if (restart) {
    const r = await restart;
    if (r instanceof Error) throw r;
    print(`${v.env}: ruler restart`, r as Figures);
  }
  if (v.compaction) print(`${v.env}: compaction`, await compaction(t));
  print(`${v.env}: wall time`, { seconds: (Date.now() - started) / 1000 });
}

const INTERNAL: [(string | number)[], unknown] = [['remoteWrite', 'mtls', 'internal'], true];

describe('real run', () => {
  it.runIf(!runnable && REQUIRED)('has root, Go or THANOS_BINARY, and the Debian tools in CI', () => {
    expect.fail(`missing: ${missing.join(', ')}: ${HOW_TO_RUN}`);
  });

  describe.runIf(runnable)('write and read path', () => {
    afterEach(async () => {
      await Promise.all(topologies.splice(0).map((t) => t.down()));
    }, 120_000);

    it('prod (v0.42.4)', () =>
      writeAndRead({
        env: 'prod',
        from: 'prod',
        versions: ['v0.42.4'],
        compaction: true,
        olderData: true,
        rulerRestart: true,
      }));

    it('dev on v0.41.0', () =>
      writeAndRead({ env: 'dev', from: 'dev', set: [[['thanos', 'version'], 'v0.41.0']], versions: ['v0.41.0'] }));

    it('prod with internal mTLS, stateless ruler', () =>
      writeAndRead({ env: 'prod-internal', from: 'prod', set: [INTERNAL], versions: ['v0.42.4'] }, true));

    it('prod with internal mTLS, stateful ruler', () =>
      writeAndRead(
        {
          env: 'prod-stateful',
          from: 'prod',
          set: [INTERNAL, [['ruler', 'mode'], 'stateful']],
          versions: ['v0.42.4'],
          rulerRestart: true,
        },
        true,
      ));

    it('prod with internal mTLS and query.extraEndpoints', () =>
      writeAndRead(
        {
          env: 'prod-extra',
          from: 'prod',
          set: [INTERNAL, [['query', 'extraEndpoints'], ['external-store.external.svc.cluster.local:10901']]],
          versions: ['v0.42.4'],
          externalStores: ['external-store.external'],
        },
        true,
      ));

    it('prod: an ingestor rollout with the plan, then all zones at once', async () => {
      const { t, started } = await boot({ env: 'prod-rollout', from: 'prod', versions: ['v0.42.4'] });
      const [a = ''] = t.writers();
      const hold = process.env.E2E_ROLLOUT_HOLD_SECONDS;
      const figures = await rolloutMeasured(t, t.startWriter(a, 'own', a), hold ? Number(hold) : undefined);
      print('prod-rollout: rollout', { ...figures, wallSeconds: (Date.now() - started) / 1000 });
      assertRollout(figures);
    }, 1_800_000);
  });
});
