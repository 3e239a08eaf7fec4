/** What makes the ruler work, in both modes, by name (see support/intent.ts). */
import { posix } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  containerOf,
  EVERYTHING,
  expectBucket,
  expectDataVolume,
  expectIdentity,
  expectListens,
  expectMountedFile,
  expectNoBucket,
  expectQueryReaches,
  expectSelectsOwnPods,
  expectServiceReaches,
  expectThanosProbes,
  flag,
  podSpec,
  renderEverything,
  subcommand,
  workloadIn,
} from './support/intent.js';
import { flagValues, render } from './support/render.js';

const ruler = workloadIn('StatefulSet', 'thanos-rule');
const stateful = () =>
  render(EVERYTHING.replace('  enabled: true\n  alertmanagers', '  enabled: true\n  mode: stateful\n  alertmanagers'));

describe('ruler: what makes it work', () => {
  it('runs `thanos rule`, querying the http port of the thanos-query Service', () => {
    const { w } = ruler();
    expect(subcommand(w)).toEqual(['rule']);
    const url = new URL(flag(w, 'query'));
    expect(url.hostname).toBe('thanos-query.thanos.svc.cluster.local');
    expect(url.port).toBe('10902');
  });

  it('sends alerts to the configured Alertmanagers, without its replica label', () => {
    const { w } = ruler();
    expect(flag(w, 'alertmanagers.url')).toBe(
      'dnssrv+http://_web._tcp.alertmanager-operated.monitoring.svc.cluster.local',
    );
    expect(flag(w, 'alert.label-drop')).toBe('rule_replica');
    expect(flagValues(containerOf(w).args, 'label')).toContain('rule_replica="$(POD_NAME)"');
  });

  it('reads rule files from the mounted rule ConfigMap, reloaded by its sidecar on change', () => {
    const { w } = ruler();
    const files = flagValues(containerOf(w).args, 'rule-file');
    expect(files).toEqual(['/etc/thanos/rules/thanos-rules-slo/*.yaml', '/etc/thanos/rules/thanos-rules-slo/*.yml']);
    const dir = posix.dirname(files[0] ?? '');
    const mount = containerOf(w).volumeMounts.find((m: { mountPath: string }) => m.mountPath === dir);
    const volume = podSpec(w).volumes.find((v: { name: string }) => v.name === mount.name);
    expect(volume.configMap.name).toBe('thanos-rules-slo');
    const reloader = containerOf(w, 'config-reloader');
    expect(flagValues(reloader.args, 'watched-dir')).toEqual([dir]);
    expect(flagValues(reloader.args, 'reload-url')).toEqual(['http://127.0.0.1:10902/-/reload']);
    expect(reloader.volumeMounts).toContainEqual(expect.objectContaining({ name: mount.name, mountPath: dir }));
  });

  it('stateless: remote-writes its results to the receive router, keeps a WAL only, reads no bucket', () => {
    const { r, w } = ruler();
    const config = parse(expectMountedFile(r, w, 'remote-write.config-file'));
    const url = new URL(config.remote_write[0].url);
    expect(url.hostname).toBe('thanos-receive-router.thanos.svc.cluster.local');
    expect(url.port).toBe('19291');
    expect(url.pathname).toBe('/api/v1/receive');
    expectDataVolume(w, 'data-dir', false);
    expectNoBucket(w);
  });

  it('stateful: keeps a TSDB on a claimed volume and uploads it to the bucket', () => {
    const r = stateful();
    const { w } = ruler(r);
    expectDataVolume(w, 'data-dir');
    expectBucket(r, w);
    expect(flagValues(containerOf(w).args, 'remote-write.config-file')).toEqual([]);
  });

  it('listens for gRPC and HTTP behind the headless thanos-rule Service that Query reaches', () => {
    for (const r of [renderEverything(), stateful()]) {
      const { w } = ruler(r);
      expectListens(w, 'grpc', 10901, 'grpc-address');
      expectListens(w, 'http', 10902, 'http-address');
      expectServiceReaches(r, w, 'thanos-rule', ['grpc', 'http']);
      expectQueryReaches(r, 'thanos-rule');
    }
  });

  it('is probed and runs as thanos-rule without an API token', () => {
    const { r, w } = ruler();
    expectThanosProbes(w);
    expectIdentity(r, w, 'thanos-rule');
    expectSelectsOwnPods(w);
  });
});
