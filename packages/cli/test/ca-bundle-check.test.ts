/**
 * The guard against Thanos' empty-client-CA fail-open (thanos-components/src/ca-bundle-check.ts): every rendered
 * pod whose Thanos server is given a client CA file starts with an init container that checks each such file holds
 * a PEM certificate; and that check, run by real shells (dash, and busybox's sh as in the Thanos image when
 * installed), passes on a CA bundle openssl made and fails on an empty, missing or key-only file.
 * packages/e2e/test/refusals.test.ts shows the fail-open itself on a real router.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CA_BUNDLE_CHECK_SCRIPT } from '@thanos-gitops/thanos-components';
import { afterAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { renderEnvironments } from '../src/render.js';

const ENV = `name: t
cluster: { name: c }
objectStorage: { provider: s3, bucket: acme-b, region: eu-west-1 }
identity:
  aws: { accountId: "123456789012", oidcProvider: oidc.example.com/id/X }
receive:
  hashrings: [{ name: teams, tenants: [team-a] }, { name: default }]
ruler: { enabled: true, mode: stateless, alertmanagers: [http://am.monitoring.svc:9093] }
remoteWrite:
  hostname: rw.example.com
  mtls:
    enabled: true
    internal: true
    issuer: { kind: bootstrap }
  writers:
    - { name: alpha, tenant: team-a, cluster: alpha-eu }
`;

type Plain = Record<string, any>;

function workloads(text: string): Plain[] {
  const [r] = renderEnvironments([{ path: 'environments/t.yaml', text }]);
  if (!r) throw new Error('did not render');
  return [...r.tree.files]
    .filter(([path]) => path.endsWith('.yaml'))
    .flatMap(([, f]) => parseAllDocuments(f).map((d) => d.toJS() as Plain | null))
    .filter((o): o is Plain => o?.kind === 'Deployment' || o?.kind === 'StatefulSet');
}

const dir = mkdtempSync(join(tmpdir(), 'ca-bundle-check-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const shells = [['sh'], ...(spawnSync('busybox', ['true']).status === 0 ? [['busybox', 'sh']] : [])];

function check(shell: string[], files: string[]) {
  const [cmd = 'sh', ...pre] = shell;
  return spawnSync(cmd, [...pre, '-c', CA_BUNDLE_CHECK_SCRIPT, 'ca-bundle-check', ...files], { encoding: 'utf8' });
}

describe('ca-bundle check', () => {
  it("guards every server client CA file of every pod, with the Thanos image and the file's mount", () => {
    const checked: string[] = [];
    for (const o of workloads(ENV)) {
      const spec = o.spec.template.spec;
      const thanos = spec.containers.find((c: Plain) => c.name === 'thanos');
      const files = (thanos.args as string[]).flatMap(
        (a) => /^--[a-z.-]*server-tls-client-ca=(.+)$/.exec(a)?.[1] ?? [],
      );
      const init = (spec.initContainers ?? []).find((c: Plain) => c.name === 'ca-bundle-check');
      if (files.length === 0) {
        expect(init, o.metadata.name).toBeUndefined();
        continue;
      }
      checked.push(o.metadata.name);
      expect(init.command.slice(4), o.metadata.name).toEqual(files);
      expect(init.image).toBe(thanos.image);
      expect(init.securityContext).toEqual(thanos.securityContext);
      for (const f of files) {
        const m = init.volumeMounts.find((v: Plain) => f.startsWith(`${v.mountPath}/`));
        expect(m?.readOnly, `${o.metadata.name} ${f}`).toBe(true);
        expect(thanos.volumeMounts).toContainEqual(expect.objectContaining({ name: m.name, mountPath: m.mountPath }));
      }
    }
    expect(checked.sort()).toEqual([
      'thanos-receive-ingestor-default',
      'thanos-receive-ingestor-teams',
      'thanos-receive-router',
      'thanos-rule',
      'thanos-store-0',
    ]);
  });

  it('passes a PEM CA bundle and stops an empty, missing or key-only file, in every shell', () => {
    const r = spawnSync(
      'openssl',
      ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '1'].concat([
        '-subj',
        '/CN=test CA',
        '-keyout',
        join(dir, 'ca.key'),
        '-out',
        join(dir, 'ca.crt'),
      ]),
      { encoding: 'utf8' },
    );
    expect(r.status, r.stderr).toBe(0);
    writeFileSync(join(dir, 'empty.crt'), '');
    expect(shells.length).toBeGreaterThan(0);
    for (const shell of shells) {
      const ok = check(shell, [join(dir, 'ca.crt'), join(dir, 'ca.crt')]);
      expect(ok.status, `${shell.join(' ')}: ${ok.stderr}`).toBe(0);
      for (const bad of ['empty.crt', 'missing.crt', 'ca.key']) {
        const no = check(shell, [join(dir, 'ca.crt'), join(dir, bad)]);
        expect(no.status, `${shell.join(' ')} ${bad}`).toBe(1);
        expect(no.stderr).toContain(`${join(dir, bad)}: no PEM certificate`);
      }
    }
  });
});
