/**
 * The checks that span environments (one bucket and prefix per compactor, one remote-write hostname, one
 * ApplicationSet's settings) run with `--env` too: every file is loaded, only the selected ones are rendered, and
 * a conflict is reported in the selected file, the one that introduces it. A problem of a file out of scope does
 * not stop the run.
 */
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, tempDir } from './helpers.js';

const env = (name: string, extra: { bucket?: string; hostname?: string; repoURL?: string } = {}) =>
  `name: ${name}
cluster:
  name: ${name}
objectStorage:
  provider: s3
  bucket: ${extra.bucket ?? `acme-thanos-${name}`}
  region: eu-west-1
remoteWrite:
  hostname: ${extra.hostname ?? `rw-${name}.example.com`}
  mtls:
    enabled: true
    issuer: { kind: bootstrap }
delivery:
  tool: argocd
  repoURL: ${extra.repoURL ?? 'https://github.com/acme/gitops'}
  argocd:
    mode: applicationset
`;

function folder(files: Record<string, string>) {
  const root = tempDir('thanos-gitops-cross-');
  const environments = join(root, 'environments');
  mkdirSync(environments);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(environments, `${name}.yaml`), text);
  const run = (...args: string[]) =>
    cli([...args, '--environments', environments, '--clusters', join(root, 'clusters')]);
  return { root, run };
}

/** The `file field` of every error line. */
const located = (err: string) =>
  err
    .split('\n')
    .filter((l) => l.startsWith('error '))
    .map((l) => l.replace(/^error \S*(environments\/\S+):\d+:\d+ (\S+):.*$/, '$1 $2'));

describe('checks across environments with --env', () => {
  const conflicting = {
    aa: env('aa'),
    bb: env('bb', { bucket: 'acme-thanos-aa', hostname: 'rw-aa.example.com', repoURL: 'https://github.com/acme/x' }),
  };

  it('reports every conflict without --env, the ApplicationSet setting at the later file', async () => {
    const { run } = folder(conflicting);
    const r = await run('validate');
    expect(r.code).toBe(1);
    expect(located(r.err)).toEqual([
      'environments/aa.yaml objectStorage.bucket',
      'environments/aa.yaml remoteWrite.hostname',
      'environments/bb.yaml objectStorage.bucket',
      'environments/bb.yaml remoteWrite.hostname',
      'environments/bb.yaml delivery.repoURL',
    ]);
  });

  it.each(['validate', 'generate', 'check'])('%s --env reports them in the selected file only', async (command) => {
    const { root, run } = folder(conflicting);
    for (const [selected, other] of [
      ['aa', 'bb'],
      ['bb', 'aa'],
    ]) {
      const r = await run(command, '--env', selected as string);
      expect(r.code).toBe(1);
      expect(located(r.err)).toEqual([
        `environments/${selected}.yaml objectStorage.bucket`,
        `environments/${selected}.yaml remoteWrite.hostname`,
        `environments/${selected}.yaml delivery.repoURL`,
      ]);
      expect(r.err).toMatch(new RegExp(`as in \\S*environments/${other}\\.yaml`));
    }
    expect(readdirSync(root)).toEqual(['environments']);
  });

  it('renders the selected file when only another file is wrong', async () => {
    const { run } = folder({ aa: env('aa'), bb: `${env('bb')}unknownOption: 1\n` });
    expect((await run('validate')).code).toBe(1);
    const r = await run('generate', '--env', 'aa');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^aa: \d+ objects/);
  });
});
