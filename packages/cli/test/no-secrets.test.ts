/**
 * Nothing secret is ever written: no access keys, private keys or passwords in any generated file, and the
 * only Secret (the object-storage config) carries no credentials.
 */
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { plainObjects, renderAll } from './helpers.js';

const SECRET_MATERIAL: [string, RegExp][] = [
  ['an S3 access key setting', /\b(access_key|secret_key|session_token)\b/],
  ['an AWS access key id', /\b(AKIA|ASIA)[0-9A-Z]{16}\b/],
  ['a private key', /-----BEGIN [A-Z ]*PRIVATE KEY-----/],
  ['a password', /\bpassword\s*[:=]/i],
];

describe('no secret material in clusters/', () => {
  const rendered = renderAll();

  it.each(rendered.map((r) => [r.env, r] as const))('%s', (_env, r) => {
    for (const [path, text] of r.tree.files) {
      for (const [what, re] of SECRET_MATERIAL) expect(re.test(text), `${what} in ${path}`).toBe(false);
    }
    const secrets = plainObjects(r).filter((o) => o.kind === 'Secret');
    expect(secrets.map((s) => s.metadata.name)).toEqual(['thanos-objstore']);
    const objstore = parse(secrets[0]?.stringData['objstore.yml']);
    expect(Object.keys(objstore.config).sort()).toEqual(
      ['aws_sdk_auth', 'bucket', 'endpoint', 'region', ...(objstore.config.sse_config ? ['sse_config'] : [])].sort(),
    );
  });

  it('would notice a planted key', () => {
    expect(SECRET_MATERIAL.some(([, re]) => re.test('config:\n  access_key: AKIAABCDEFGHIJKLMNOP\n'))).toBe(true);
  });
});
