/**
 * Values from the environment in the IAM documents: every command of `iam/README.md` (fences and inline code) is run
 * by bash in a scratch folder with `az`, `aws`, `gcloud` and `eksctl` replaced by functions that record their words,
 * and each hostile value must come back as one whole word with nothing executed; the Terraform JSON keeps every
 * value a literal (`$${`, `%%{`) and only the generator's own references as templates.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadEnvironments } from '@thanos-gitops/input';
import type { Environment } from '@thanos-gitops/schema';
import { Parser } from 'commonmark';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hostile } from '../../output/test/support/hostile.js';
import { documents } from '../src/index.js';

const load = (extra: string, storage: string): Environment => {
  const text = `name: t\ncluster: { name: c }\nobjectStorage: { ${storage} }\n${extra}`;
  const [l] = loadEnvironments([{ path: 'environments/t.yaml', text }]);
  if (!l) throw new Error('not loaded');
  return l.env;
};
const GUID = (n: number) => `${String(n).repeat(8)}-0000-0000-0000-000000000000`;
const AZURE = 'provider: azure, storageAccount: acmethanos, container: thanos-t';
const AZURE_ID = `identity: { azure: { tenantId: ${GUID(1)}, subscriptionId: ${GUID(2)}, resourceGroup: rg-obs, oidcIssuer: "https://oidc.prod-aks.azure.com/abc/", clientIds: { writer: ${GUID(3)}, reader: ${GUID(4)}, compactor: ${GUID(5)} } } }\n`;
const S3 = 'provider: s3, bucket: acme-thanos-t, region: eu-west-1';
const POD_IDENTITY = 'identity: { aws: { accountId: "123456789012", mode: podIdentity, eksClusterName: c } }\n';
const GCS = 'provider: gcs, bucket: acme-thanos-t';
const GKE = 'identity: { gcp: { projectId: acme-obs-1 } }\n';

const TOOLS = ['az', 'aws', 'gcloud', 'eksctl'];

/** The shell commands a README shows: its `sh` fences and the inline code that starts with a cloud CLI. */
function shownCommands(readme: string): string[] {
  const out: string[] = [];
  const w = new Parser().parse(readme).walker();
  for (let e = w.next(); e; e = w.next()) {
    const n = e.node;
    if (e.entering && (n.type === 'code_block' || n.type === 'code')) {
      if (TOOLS.some((t) => (n.literal ?? '').startsWith(`${t} `))) out.push(n.literal ?? '');
    }
  }
  return out;
}

/** Runs the commands with recording stubs; the words of every call, and whether anything else ran. */
function runShown(commands: string[]): { calls: string[][]; ran: boolean } {
  const dir = mkdtempSync(join(tmpdir(), 'iam-readme-'));
  try {
    const stubs = TOOLS.map((t) => `${t}() { printf '%s\\0' ${t} "$@" >> calls; printf '\\1\\0' >> calls; }`);
    writeFileSync(join(dir, 'run.sh'), `${stubs.join('\n')}\n: > calls\n${commands.join('\n')}\n`);
    execFileSync('bash', ['-n', 'run.sh'], { cwd: dir });
    execFileSync('bash', ['run.sh'], { cwd: dir, env: { PATH: process.env.PATH } });
    const text = readFileSync(join(dir, 'calls'), 'utf8');
    const calls = text
      .split('\u0001\0')
      .slice(0, -1)
      .map((c) => c.split('\0').slice(0, -1));
    return { calls, ran: existsSync(join(dir, 'pwned')) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The word after `flag` in every call that has it. */
const after = (calls: string[][], flag: string) => calls.flatMap((c) => c.filter((_, i) => c[i - 1] === flag));

/** Hostile values the loader lets through: line breaks and control characters are refused at load (text rules). */
const value = hostile.filter((s) => !/[\p{Cc}\u2028\u2029]/u.test(s)).map((s) => `${s}$(touch pwned)\`touch pwned\``);
const RUNS = { numRuns: 12, seed: 20 };

function withIdentity(env: Environment, cloud: 'aws' | 'gcp' | 'azure', patch: Record<string, string>): Environment {
  const copy = structuredClone(env);
  Object.assign((copy.identity as Record<string, object>)[cloud] as object, patch);
  return copy;
}

describe('iam/README.md commands', () => {
  it('Azure: the OIDC issuer and resource group are one word each, nothing runs', () => {
    const base = load(AZURE_ID, AZURE);
    fc.assert(
      fc.property(value, value, (issuer, rg) => {
        const env = withIdentity(base, 'azure', { oidcIssuer: issuer, resourceGroup: rg });
        const { calls, ran } = runShown(
          shownCommands(documents(env, 'environments/t.yaml').get('iam/README.md') ?? ''),
        );
        expect(ran).toBe(false);
        expect(calls.filter((c) => c[0] === 'az').length).toBeGreaterThan(3);
        expect(new Set(after(calls, '--issuer'))).toEqual(new Set([issuer]));
        expect(new Set(after(calls, '--resource-group'))).toEqual(new Set([rg]));
      }),
      RUNS,
    );
  }, 120_000);

  it('AWS and Google Cloud: the EKS cluster name, project and bucket are one word each, nothing runs', () => {
    const aws = load(POD_IDENTITY, S3);
    const gcp = load(GKE, GCS);
    fc.assert(
      fc.property(value, value, (cluster, project) => {
        const a = runShown(
          shownCommands(
            documents(withIdentity(aws, 'aws', { eksClusterName: cluster }), 'e').get('iam/README.md') ?? '',
          ),
        );
        expect(a.ran).toBe(false);
        expect(after(a.calls, '--cluster-name')).toEqual([cluster]);
        const g = runShown(
          shownCommands(documents(withIdentity(gcp, 'gcp', { projectId: project }), 'e').get('iam/README.md') ?? ''),
        );
        expect(g.ran).toBe(false);
        expect(new Set(after(g.calls, '--project'))).toEqual(new Set([project]));
      }),
      RUNS,
    );
  }, 120_000);
});

/** Every string of a JSON document. */
function strings(doc: unknown): string[] {
  if (typeof doc === 'string') return [doc];
  if (Array.isArray(doc)) return doc.flatMap(strings);
  if (typeof doc === 'object' && doc !== null) return Object.values(doc).flatMap(strings);
  return [];
}

describe('Terraform JSON', () => {
  it('evaluates only the generator references; every value is a literal', () => {
    const base = load(AZURE_ID, AZURE);
    fc.assert(
      fc.property(value, (issuer) => {
        const env = withIdentity(base, 'azure', { oidcIssuer: issuer, resourceGroup: issuer });
        const tf = JSON.parse(documents(env, 'environments/t.yaml').get('iam/azure/thanos-t.tf.json') ?? '');
        const { '//': _, ...rest } = tf;
        const templates = strings(rest).flatMap((s) => s.replace(/\$\$\{|%%\{/g, '').match(/[$%]\{[^}]*\}?/g) ?? []);
        for (const t of templates) expect(t).toMatch(/^\$\{(data\.)?azurerm_[a-z_]+\.[A-Za-z0-9_-]+\.[a-z_]+\}$/);
        const literal = (s: string) => s.replaceAll('$${', '${').replaceAll('%%{', '%{');
        expect(strings(rest).map(literal)).toContain(issuer);
      }),
      RUNS,
    );
  });
});
