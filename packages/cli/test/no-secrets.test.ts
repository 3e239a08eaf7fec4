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
    const optional = ['aws_sdk_auth', 'insecure', 'sse_config'];
    const where: Record<string, string[]> = {
      S3: ['bucket', 'endpoint', 'region'],
      GCS: ['bucket'],
      AZURE: ['container', 'storage_account', 'storage_create_container'],
    };
    expect(
      Object.keys(objstore.config)
        .filter((k) => !optional.includes(k))
        .sort(),
    ).toEqual(where[objstore.type]);
    // Credentials come from the pods' identity, or from a Secret the user manages, only ever referenced.
    for (const o of plainObjects(r)) {
      for (const c of [...(o.spec?.template?.spec?.containers ?? [])]) {
        for (const e of c.env ?? []) if (/KEY|SECRET|TOKEN/.test(e.name)) expect(e.value, e.name).toBeUndefined();
      }
    }
  });

  it('would notice a planted key', () => {
    expect(SECRET_MATERIAL.some(([, re]) => re.test('config:\n  access_key: AKIAABCDEFGHIJKLMNOP\n'))).toBe(true);
  });
});
