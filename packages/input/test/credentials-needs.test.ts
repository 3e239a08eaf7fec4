/**
 * The credential scan's shortcut: a shape with `needs` is only searched in texts that contain that text. The
 * shortcut must never hide a match: every match of such a shape, in every sample, contains its `needs`, and the
 * scan finds the URL credentials with and without other text around them.
 */
import { describe, expect, it } from 'vitest';
import { CREDENTIAL_SHAPES, findCredentials } from '../src/credentials.js';

/** Texts holding URLs with credentials in the forms the rendered files carry them (YAML, JSON, flags). */
const SAMPLES = [
  'url: https://user:s3cr3t-pass@example.com/path',
  '{"url":"s3+https://AKIA:hunter22@minio.local:9000"}',
  '--remote-write.url=HTTP://admin:pa:ss@thanos-receive:19291/api/v1/receive',
  'repoURL: https://git-token@github.com/acme/gitops.git',
  'x-1.y+z://a:b@c and ftp://only-user@host',
];

describe('credential shapes that need a text', () => {
  const needing = CREDENTIAL_SHAPES.filter((s) => s.needs !== undefined);

  it('are the two URL shapes', () => {
    expect(needing.map((s) => s.kind)).toEqual(['a URL with a password', 'a URL with credentials']);
  });

  it.each(needing.map((s) => [s.kind, s] as const))('every match of %s contains what it needs', (_, shape) => {
    const matches = SAMPLES.flatMap((text) => [...text.matchAll(shape.re)].map((m) => m[0]));
    expect(matches.length).toBeGreaterThan(0);
    for (const m of matches) expect(m).toContain(shape.needs);
  });

  it('finds the URL credentials of every sample', () => {
    expect(SAMPLES.map((text) => findCredentials(text).map((h) => [h.kind, h.text]))).toEqual([
      [
        ['a URL with a password', 'user:s3cr3t-pass'],
        ['a URL with credentials', 'user:s3cr3t-pass'],
      ],
      [
        ['a URL with a password', 'AKIA:hunter22'],
        ['a URL with credentials', 'AKIA:hunter22'],
      ],
      [
        ['a URL with a password', 'admin:pa:ss'],
        ['a URL with credentials', 'admin:pa:ss'],
      ],
      [['a URL with credentials', 'git-token']],
      [['a URL with a password', 'a:b']],
    ]);
  });

  it('finds nothing in a text without "@", and nothing in the same URLs without userinfo', () => {
    expect(findCredentials('url: https://example.com/path?x=a:b # user:pass')).toEqual([]);
    expect(findCredentials(SAMPLES.map((s) => s.replace(/[^/]*@/, '')).join('\n'))).toEqual([]);
  });
});
