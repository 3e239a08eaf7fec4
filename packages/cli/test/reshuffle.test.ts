/**
 * A hashring whose algorithm changes moves most of its series: the review calls it out, from the rendered objects
 * (the routers' hashrings file and `--receive.hashrings-algorithm`), in text and markdown.
 */
import { loadEnvironments } from '@thanos-gitops/input';
import { toPlain } from '@thanos-gitops/manifests';
import { NO_TLS } from '@thanos-gitops/model';
import { renderComponents } from '@thanos-gitops/thanos-components';
import { describe, expect, it } from 'vitest';
import { reshuffles } from '../src/reshuffle.js';
import { markdownReport, reviewEnvironment, textReport } from '../src/review.js';

const BASE = `name: test
cluster: { name: test-cluster }
objectStorage: { provider: s3, bucket: test-bucket, region: eu-west-1 }
`;

function objects(receive: string) {
  const file = 'environments/test.yaml';
  const [loaded] = loadEnvironments([{ path: file, text: `${BASE}${receive}` }]);
  if (!loaded) throw new Error('no environment');
  return renderComponents({
    env: loaded.env,
    file,
    identity: {
      objstoreConfig: 'type: S3\nconfig: {bucket: test-bucket}\n',
      forComponent: () => ({ serviceAccountAnnotations: {}, podLabels: {}, env: [] }),
    },
    tls: { forComponent: () => NO_TLS },
    report: (path, message) => {
      throw new Error(`${path.join('.')}: ${message}`);
    },
  }).map((m) => toPlain(m.object));
}

const rings = (a: string) =>
  `receive:\n  hashringAlgorithm: hashmod\n  hashrings:\n    - { name: a, tenants: [a]${a} }\n    - { name: default }\n`;

describe('hashring reshuffles', () => {
  it('names the hashring moved from hashmod to ketama, and not the one left', () => {
    const found = reshuffles(objects(rings('')), objects(rings(', algorithm: ketama')));
    expect(found.map((f) => f.id)).toEqual(['a']);
    expect(found[0]?.why).toMatch(/^hashmod → ketama: most of its series move/);
  });

  it('counts the global algorithm: a hashring that states the one it had moves nothing', () => {
    expect(reshuffles(objects(rings('')), objects(rings(', algorithm: hashmod')))).toEqual([]);
    const all = reshuffles(objects(rings('')), objects(rings('').replace('hashmod', 'ketama')));
    expect(all.map((f) => f.id)).toEqual(['a', 'default']);
  });

  it('is called out in the text and markdown reports', () => {
    const review = reviewEnvironment('test', objects(rings('')), objects(rings(', algorithm: ketama')));
    const same = (s: string) => s;
    const plain = { red: same, yellow: same, green: same, bold: same };
    expect(textReport([review], plain)).toContain('RESHUFFLE  hashring a: hashmod → ketama');
    expect(markdownReport([review], { base: 'main' })).toContain(
      '> **Series move between ingestors** (hashring algorithm changed):\n> - hashring `a`: hashmod → ketama',
    );
  });
});
