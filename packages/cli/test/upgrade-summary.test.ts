/**
 * The image and flag changes of a workload, from its containers: flags added, removed and changed in value,
 * repeated flags compared as lists of values, short flags with a separate value (memcached's `-m 1024`).
 */
import { describe, expect, it } from 'vitest';
import { containerChanges, flagChanges, imageChange } from '../src/upgrade-summary.js';

const workload = (image: string, args: string[], sidecar?: string[]) => ({
  apiVersion: 'apps/v1',
  kind: 'StatefulSet',
  metadata: { name: 'thanos-memcached-index', labels: { 'app.kubernetes.io/name': 'thanos-memcached' } },
  spec: {
    template: {
      spec: {
        containers: [
          { name: 'memcached', image, args },
          ...(sidecar
            ? [{ name: 'exporter', image: 'quay.io/prometheus/memcached-exporter:v0.15.0', args: sidecar }]
            : []),
        ],
      },
    },
  },
});

describe('flag changes', () => {
  it('tells added, removed and changed values apart', () => {
    expect(
      flagChanges(
        ['receive', '--tsdb.retention=15d', '--enable-auto-gomemlimit', '--label=a="1"', '--label=b="2"'],
        ['receive', '--tsdb.retention=30d', '--label=a="1"', '--label=c="3"', '--receive.replication-factor=3'],
      ),
    ).toEqual({
      added: ['--label=c="3"', '--receive.replication-factor=3'],
      removed: ['--enable-auto-gomemlimit', '--label=b="2"'],
      changed: [{ flag: '--tsdb.retention', before: '15d', after: '30d' }],
    });
  });

  it('reads a short flag and its separate value as one, and shortens long values', () => {
    expect(flagChanges(['-m', '1024', '-I', '5m'], ['-m', '2048', '-I', '5m'])).toEqual({
      added: [],
      removed: [],
      changed: [{ flag: '-m', before: '1024', after: '2048' }],
    });
    const long = 'x'.repeat(100);
    expect(flagChanges([], [`--selector.relabel-config=${long}`]).added[0]).toBe(
      `--selector.relabel-config=${'x'.repeat(59)}…`,
    );
  });
});

describe('container changes', () => {
  it('names the component, the container when not the first, and the image once its repository stays', () => {
    const before = workload('memcached:1.6.38', ['-m', '1024'], ['--web.listen-address=:9150']);
    const after = workload('memcached:1.6.39', ['-m', '1024'], ['--web.listen-address=:9151']);
    const changes = containerChanges({
      change: 'changed',
      id: 'StatefulSet/thanos/x',
      kind: 'StatefulSet',
      before,
      after,
    });
    expect(changes).toEqual([
      {
        component: 'thanos-memcached',
        image: { before: 'memcached:1.6.38', after: 'memcached:1.6.39' },
        added: [],
        removed: [],
        changed: [],
      },
      {
        component: 'thanos-memcached/exporter',
        added: [],
        removed: [],
        changed: [{ flag: '--web.listen-address', before: ':9150', after: ':9151' }],
      },
    ]);
    expect(imageChange(changes[0]?.image)).toBe('memcached:1.6.38 → 1.6.39');
    expect(imageChange({ before: 'quay.io/thanos/thanos:v0.41.0', after: 'ghcr.io/thanos/thanos:v0.41.0' })).toBe(
      'quay.io/thanos/thanos:v0.41.0 → ghcr.io/thanos/thanos:v0.41.0',
    );
  });

  it('has nothing to say of a workload whose containers kept their image and flags', () => {
    const same = workload('memcached:1.6.38', ['-m', '1024']);
    expect(containerChanges({ change: 'changed', id: 'x', kind: 'StatefulSet', before: same, after: same })).toEqual(
      [],
    );
    expect(containerChanges({ change: 'added', id: 'x', kind: 'StatefulSet', after: same })).toEqual([]);
  });
});
