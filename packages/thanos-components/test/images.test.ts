import { describe, expect, it } from 'vitest';
import { mirrorPath, pinnedImage, rolloutOperatorImage, thanosImage } from '../src/images.js';
import { render } from './support/render.js';

/** Every pod template of the rendered objects, with the object's name. */
function pods(r: ReturnType<typeof render>) {
  return r.objects
    .filter((o) => o.kind === 'Deployment' || o.kind === 'StatefulSet')
    .map((o) => ({ name: o.metadata.name as string, spec: o.spec.template.spec }));
}

/** Every image of every container, sorted and unique. */
function images(r: ReturnType<typeof render>): string[] {
  const all = pods(r).flatMap((p) => (p.spec.containers as { image: string }[]).map((c) => c.image));
  return [...new Set(all)].sort();
}

// Every component that brings an image of its own: memcached and its exporter, the ruler's config reloader, the
// rollout-operator with zones, and Thanos.
const EVERYTHING = `size: medium
receive:
  replicationFactor: 3
  zones: [eu-west-1a, eu-west-1b, eu-west-1c]
  hashrings: [{ name: default, replicas: 3 }]
storeGateway:
  indexCache: { type: memcached }
ruler:
  enabled: true
  ruleConfigMaps: [team-rules]
`;

describe('images', () => {
  it('by default: the upstream repositories, pinned by tag, no pull secrets', () => {
    const r = render(EVERYTHING);
    expect(images(r)).toEqual([
      'grafana/rollout-operator:v0.28.8',
      'memcached:1.6.39-alpine',
      'prom/memcached-exporter:v0.15.3',
      'quay.io/prometheus-operator/prometheus-config-reloader:v0.81.0',
      'quay.io/thanos/thanos:v0.42.4',
    ]);
    for (const p of pods(r)) expect(p.spec.imagePullSecrets, p.name).toBeUndefined();
  });

  it('a mirror moves every image at once; tags, digests and pull secrets reach every pod', () => {
    const digest = `sha256:${'ab'.repeat(32)}`;
    const r = render(`${EVERYTHING}images:
  registry: mirror.example.com:5000/hub
  pullSecrets: [mirror-pull, backup-pull]
  memcached: { tag: 1.6.40-alpine, digest: "${digest}" }
  configReloader: { tag: v0.86.0 }
`);
    expect(images(r)).toEqual([
      'mirror.example.com:5000/hub/grafana/rollout-operator:v0.28.8',
      `mirror.example.com:5000/hub/library/memcached:1.6.40-alpine@${digest}`,
      'mirror.example.com:5000/hub/prom/memcached-exporter:v0.15.3',
      'mirror.example.com:5000/hub/prometheus-operator/prometheus-config-reloader:v0.86.0',
      'mirror.example.com:5000/hub/thanos/thanos:v0.42.4',
    ]);
    const all = pods(r);
    expect(all.length).toBeGreaterThan(5);
    for (const p of all) {
      expect(p.spec.imagePullSecrets, p.name).toEqual([{ name: 'mirror-pull' }, { name: 'backup-pull' }]);
    }
  });

  it('a repository set by hand is used as written, the mirror notwithstanding', () => {
    const r =
      render(`${EVERYTHING}thanos: { image: registry.internal/thanos-patched, digest: "sha256:${'0'.repeat(64)}" }
rolloutOperator: { image: "registry.internal/rollout-operator:v0.28.8" }
images: { registry: mirror.example.com }
`);
    expect(images(r)).toContain(`registry.internal/thanos-patched:v0.42.4@sha256:${'0'.repeat(64)}`);
    expect(images(r)).toContain('registry.internal/rollout-operator:v0.28.8');
    expect(images(r)).toContain('mirror.example.com/library/memcached:1.6.39-alpine');
  });

  it('the path on a mirror drops the registry host and puts Docker Hub official images under library/', () => {
    expect(mirrorPath('memcached')).toBe('library/memcached');
    expect(mirrorPath('prom/memcached-exporter')).toBe('prom/memcached-exporter');
    expect(mirrorPath('quay.io/thanos/thanos')).toBe('thanos/thanos');
    expect(mirrorPath('localhost/x')).toBe('library/x');
    expect(mirrorPath('registry:5000/a/b')).toBe('a/b');
  });

  it('the rollout-operator image keeps its tag and digest on the mirror', () => {
    const digest = `sha256:${'c'.repeat(64)}`;
    const env = render(`rolloutOperator: { image: "grafana/rollout-operator:v0.28.8@${digest}" }
images: { registry: mirror.example.com }
`).env;
    expect(rolloutOperatorImage(env)).toBe(`mirror.example.com/grafana/rollout-operator:v0.28.8@${digest}`);
    expect(thanosImage(env)).toBe('mirror.example.com/thanos/thanos:v0.42.4');
    expect(pinnedImage(env, 'memcached')).toBe('mirror.example.com/library/memcached:1.6.39-alpine');
    expect(rolloutOperatorImage(render().env)).toBe('grafana/rollout-operator:v0.28.8');
    expect(mirrorPath('a.b/c')).toBe('library/c');
    expect(mirrorPath('a/b/c')).toBe('a/b/c');
    expect(mirrorPath('')).toBe('library/');
    // One segment is a repository name, dotted or not: only a first segment of several can be a host.
    expect(mirrorPath('my.repo')).toBe('library/my.repo');
    expect(mirrorPath('localhost')).toBe('library/localhost');
  });
});
