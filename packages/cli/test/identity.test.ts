/**
 * Cloud identity end to end, over every test environment and variant (IRSA, EKS Pod Identity with a shared role,
 * GKE and Azure Workload Identity, self-managed S3): the generated ServiceAccounts and the IAM documents under
 * `iam/` name each other exactly; every IAM policy validates against the checked-in grammar; ACK `Role` objects
 * validate against the checked-in schema derived from the ACK CRD and build with kustomize; nothing under `iam/`
 * is part of the Kustomize base.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadEnvironments } from '@thanos-gitops/input';
import {
  AZURE_CLIENT_ID_ANNOTATION,
  AZURE_USE_LABEL,
  GKE_GSA_ANNOTATION,
  IAM_FOLDER,
  IRSA_ROLE_ANNOTATION,
} from '@thanos-gitops/irsa';
import type { Environment } from '@thanos-gitops/schema';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { RenderedEnvironment } from '../src/render.js';
import {
  cli,
  findKustomize,
  KUSTOMIZE_REQUIRED,
  kustomizeBuild,
  type Plain,
  plainObjects,
  podSpecs,
  renderAll,
  shippedSources,
  tempDir,
  variantSources,
  writeTree,
} from './helpers.js';

const SCHEMAS = new URL('../../irsa/schema/', import.meta.url);
const ajv = new Ajv({ strict: true, strictRequired: false, allErrors: true, allowUnionTypes: true });
const policySchema = JSON.parse(readFileSync(new URL('iam-policy.schema.json', SCHEMAS), 'utf8'));
ajv.addSchema(policySchema);
const validatePolicy = {
  identity: ajv.getSchema(`${policySchema.$id}#/definitions/identityPolicy`),
  trust: ajv.getSchema(`${policySchema.$id}#/definitions/trustPolicy`),
};
const validateAckRole = ajv.compile(JSON.parse(readFileSync(new URL('ack-role.schema.json', SCHEMAS), 'utf8')));

const sources = [...shippedSources(), ...variantSources()];
const rendered = renderAll();
const envOf = (name: string): Environment => {
  const source = sources.find((s) => s.path === `environments/${name}.yaml`);
  const [l] = loadEnvironments(source ? [source] : []);
  if (!l) throw new Error(`no environment ${name}`);
  return l.env;
};

const iamFiles = (r: RenderedEnvironment) => [...r.tree.files].filter(([p]) => p.startsWith(`${IAM_FOLDER}/`));
const json = (r: RenderedEnvironment, path: string): Plain => {
  const text = r.tree.files.get(path);
  if (text === undefined) throw new Error(`${r.env}: no ${path}`);
  return JSON.parse(text);
};
const serviceAccounts = (r: RenderedEnvironment) => plainObjects(r).filter((o) => o.kind === 'ServiceAccount');
const subject = (ns: string, sa: string) => `system:serviceaccount:${ns}:${sa}`;
const list = (v: unknown): string[] => (v === undefined ? [] : ([v].flat() as string[]));
const count = <T>(xs: T[], x: T) => xs.filter((y) => y === x).length;

/** Validates a policy and returns ajv's complaints (none when valid), with IAM's size quotas. */
function policyProblems(kind: 'identity' | 'trust', doc: unknown): string[] {
  const validate = validatePolicy[kind];
  if (!validate) throw new Error('schema not compiled');
  const problems = validate(doc) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
  // IAM counts characters without white space: managed policies 6,144, trust policies 2,048 (default quota).
  const size = JSON.stringify(doc).replace(/\s/g, '').length;
  if (size > (kind === 'trust' ? 2048 : 6144)) problems.push(`${size} characters`);
  return problems;
}

describe('the IAM policy grammar', () => {
  it('rejects what IAM rejects', () => {
    const ok = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }] };
    expect(policyProblems('identity', ok)).toEqual([]);
    const bad: unknown[] = [
      { ...ok, Version: '2020-01-01' },
      { Version: '2012-10-17', Statement: [{ Effect: 'Permit', Action: 's3:GetObject', Resource: '*' }] },
      { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'GetObject', Resource: '*' }] },
      { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'bucket/*' }] },
      { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Resource: '*' }] },
      { Version: '2012-10-17', Statement: [{ Sid: 'a-b', Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }] },
      {
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Action: 's3:GetObject', Resource: '*', Condition: { StringEqual: { 'aws:x': 'y' } } },
        ],
      },
    ];
    for (const doc of bad) expect(policyProblems('identity', doc), JSON.stringify(doc)).not.toEqual([]);
    const trustWithResource = {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Principal: { Service: 'pods.eks.amazonaws.com' }, Action: 'sts:AssumeRole', Resource: '*' },
      ],
    };
    expect(policyProblems('trust', trustWithResource)).not.toEqual([]);
    const trustWithS3 = {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:GetObject' }],
    };
    expect(policyProblems('trust', trustWithS3)).not.toEqual([]);
  });
});

describe('the fixtures reach every identity check', () => {
  // The checks below run per environment, for its kind of identity: if the fixtures stopped rendering one kind,
  // its checks would silently never run. They fail here instead.
  it('some environment renders IRSA, some EKS Pod Identity, some ACK roles', () => {
    const modes = new Set(rendered.map((r) => envOf(r.env).identity?.aws?.mode));
    expect(modes).toContain('irsa');
    expect(modes).toContain('podIdentity');
    expect(rendered.some((r) => [...r.tree.files.keys()].some((p) => p.includes('/ack/')))).toBe(true);
  });
});

describe.each(rendered.map((r) => [r.env, r] as const))('%s', (name, r) => {
  const env = envOf(name);
  const ns = env.namespace;
  const sas = serviceAccounts(r);
  const files = iamFiles(r);

  it('keeps iam/ out of the Kustomize base and writes no credential into it', () => {
    const k = parse(r.tree.files.get('kustomization.yaml') ?? '');
    expect(k.resources.filter((p: string) => p.startsWith(`${IAM_FOLDER}/`))).toEqual([]);
    for (const [path, text] of files) expect(text, path).not.toMatch(/AKIA|secret_key|PRIVATE KEY|AccountKey=/);
  });

  // An AWS identity writes IAM policies (as JSON and in Terraform); no other identity writes any.
  const writesPolicies = env.identity?.aws !== undefined;

  it('writes only IAM policies that follow the IAM grammar', () => {
    const checked: string[] = [];
    const check = (kind: 'trust' | 'identity', doc: Plain, where: string) => {
      expect(policyProblems(kind, doc), where).toEqual([]);
      checked.push(where);
    };
    for (const [path, text] of files) {
      if (path.endsWith('.trust-policy.json')) check('trust', JSON.parse(text), path);
      if (path.endsWith('.permissions-policy.json')) check('identity', JSON.parse(text), path);
      if (path.endsWith('.tf.json') && path.includes('/aws/')) {
        const tf = JSON.parse(text).resource;
        for (const [n, role] of Object.entries<Plain>(tf.aws_iam_role))
          check('trust', JSON.parse(role.assume_role_policy), `${path} ${n}`);
        for (const [n, p] of Object.entries<Plain>(tf.aws_iam_policy))
          check('identity', JSON.parse(p.policy), `${path} ${n}`);
      }
    }
    expect(checked.length > 0, `IAM policies of ${name}`).toBe(writesPolicies);
  });

  it('writes every IAM policy anywhere in the tree (not only under iam/) in the IAM grammar', () => {
    const checked: string[] = [];
    for (const [path, text] of r.tree.files) {
      if (!path.endsWith('.json')) continue;
      const doc = JSON.parse(text);
      if (doc?.Version === undefined || doc?.Statement === undefined) continue;
      const kind = [doc.Statement].flat().some((st: Plain) => st.Principal) ? 'trust' : 'identity';
      expect(policyProblems(kind, doc), path).toEqual([]);
      checked.push(path);
    }
    // Every file named as a policy is checked (a writer's AMP remote-write policy lives outside iam/), but
    // Google's IAM policies (role bindings), which are another grammar.
    const named = [...r.tree.files.keys()].filter((p) => p.endsWith('policy.json') && !p.startsWith('iam/gcp/'));
    expect(checked).toEqual(expect.arrayContaining(named));
    expect(checked.length > 0, `IAM policy documents of ${name}`).toBe(writesPolicies || named.length > 0);
  });

  it('writes Terraform JSON whose every reference names a resource or data source of the same file', () => {
    const tfFiles = files.filter(([p]) => p.endsWith('.tf.json'));
    expect(tfFiles.length).toBe(env.identity ? 1 : 0);
    for (const [path, text] of tfFiles) {
      const tf = JSON.parse(text);
      const defined = new Set<string>();
      for (const [type, byName] of Object.entries<Plain>(tf.resource ?? {}))
        for (const name of Object.keys(byName)) defined.add(`${type}.${name}`);
      for (const [type, byName] of Object.entries<Plain>(tf.data ?? {}))
        for (const name of Object.keys(byName)) defined.add(`data.${type}.${name}`);
      const refs = [...text.matchAll(/\$\{([a-z0-9_.]+)\}/g)].map((m) => (m[1] ?? '').split('.'));
      expect(refs.length, path).toBeGreaterThan(0);
      for (const ref of refs) {
        const target = ref[0] === 'data' ? ref.slice(0, 3).join('.') : ref.slice(0, 2).join('.');
        expect(defined, `${ref.join('.')} in ${path}`).toContain(target);
      }
      for (const name of [...defined].map((d) => d.split('.').at(-1) ?? ''))
        expect(name, path).toMatch(/^[A-Za-z_][A-Za-z0-9_-]*$/);
    }
  });

  it.runIf(env.identity?.aws?.mode === 'irsa')(
    'IRSA: each annotated ServiceAccount is exactly one subject of its role, and each subject is a generated ServiceAccount of that role',
    () => {
      const oidc = env.identity?.aws?.oidcProvider ?? '';
      const annotated = sas.filter((sa) => sa.metadata.annotations?.[IRSA_ROLE_ANNOTATION]);
      expect(annotated.length).toBeGreaterThan(0);
      const trusts = files.filter(([p]) => p.endsWith('.trust-policy.json'));
      for (const sa of annotated) {
        const role = String(sa.metadata.annotations[IRSA_ROLE_ANNOTATION]).replace(/^.*:role\//, '');
        const trust = json(r, `${IAM_FOLDER}/aws/${role}.trust-policy.json`);
        const [statement] = trust.Statement;
        expect(statement.Principal.Federated).toBe(
          `arn:aws:iam::${env.identity?.aws?.accountId}:oidc-provider/${oidc}`,
        );
        expect(statement.Condition.StringEquals[`${oidc}:aud`]).toBe('sts.amazonaws.com');
        expect(count(list(statement.Condition.StringEquals[`${oidc}:sub`]), subject(ns, sa.metadata.name))).toBe(1);
      }
      for (const [path, text] of trusts) {
        const role = path.replace(/^.*\/|\.trust-policy\.json$/g, '');
        for (const sub of list(JSON.parse(text).Statement[0].Condition.StringEquals[`${oidc}:sub`])) {
          const owners = annotated.filter(
            (sa) =>
              subject(ns, sa.metadata.name) === sub &&
              String(sa.metadata.annotations[IRSA_ROLE_ANNOTATION]).endsWith(`:role/${role}`),
          );
          expect(owners, `${sub} in ${path}`).toHaveLength(1);
        }
      }
    },
  );

  it.runIf(env.identity?.aws?.mode === 'podIdentity')(
    'Pod Identity: no annotation; one association per ServiceAccount of a role, and the trust policy names exactly those',
    () => {
      for (const sa of sas) expect(sa.metadata.annotations?.[IRSA_ROLE_ANNOTATION]).toBeUndefined();
      const associations = files
        .filter(([p]) => p.includes('/pod-identity-associations/'))
        .map(([, t]) => JSON.parse(t));
      expect(associations.length).toBeGreaterThan(0);
      const names = sas.map((sa) => sa.metadata.name);
      for (const a of associations) {
        expect(Object.keys(a).sort()).toEqual(['clusterName', 'namespace', 'roleArn', 'serviceAccount']);
        expect(a.namespace).toBe(ns);
        expect(names).toContain(a.serviceAccount);
        expect(
          count(
            associations.map((x: Plain) => x.serviceAccount),
            a.serviceAccount,
          ),
        ).toBe(1);
        const role = String(a.roleArn).replace(/^.*:role\//, '');
        const tags = json(r, `${IAM_FOLDER}/aws/${role}.trust-policy.json`).Statement[0].Condition.StringEquals;
        expect(tags['aws:RequestTag/kubernetes-namespace']).toBe(ns);
        expect(tags['aws:RequestTag/eks-cluster-name']).toBe(a.clusterName);
        expect(count(list(tags['aws:RequestTag/kubernetes-service-account']), a.serviceAccount)).toBe(1);
      }
      for (const [path, text] of files.filter(([p]) => p.endsWith('.trust-policy.json'))) {
        const role = path.replace(/^.*\/|\.trust-policy\.json$/g, '');
        const trusted = list(
          JSON.parse(text).Statement[0].Condition.StringEquals['aws:RequestTag/kubernetes-service-account'],
        );
        const associated = associations
          .filter((a: Plain) => a.roleArn.endsWith(`:role/${role}`))
          .map((a: Plain) => a.serviceAccount);
        expect(trusted.sort()).toEqual(associated.sort());
      }
    },
  );

  it.runIf(env.identity?.gcp !== undefined)(
    'GKE: each annotated ServiceAccount is exactly one Workload Identity member of its Google service account, and back',
    () => {
      const project = env.identity?.gcp?.projectId;
      const annotated = sas.filter((sa) => sa.metadata.annotations?.[GKE_GSA_ANNOTATION]);
      expect(annotated.length).toBeGreaterThan(0);
      const member = (sa: string) => `serviceAccount:${project}.svc.id.goog[${ns}/${sa}]`;
      for (const sa of annotated) {
        const gsa = String(sa.metadata.annotations[GKE_GSA_ANNOTATION]);
        expect(gsa).toMatch(new RegExp(`@${project}\\.iam\\.gserviceaccount\\.com$`));
        const policy = json(r, `${IAM_FOLDER}/gcp/${gsa.replace(/@.*/, '')}.iam-policy.json`);
        expect(policy.bindings.map((b: Plain) => b.role)).toEqual(['roles/iam.workloadIdentityUser']);
        expect(count(policy.bindings[0].members, member(sa.metadata.name))).toBe(1);
      }
      for (const [path, text] of files.filter(([p]) => p.endsWith('.iam-policy.json'))) {
        const gsa = path.replace(/^.*\/|\.iam-policy\.json$/g, '');
        for (const m of JSON.parse(text).bindings[0].members) {
          const owners = annotated.filter(
            (sa) => member(sa.metadata.name) === m && sa.metadata.annotations[GKE_GSA_ANNOTATION].startsWith(`${gsa}@`),
          );
          expect(owners, `${m} in ${path}`).toHaveLength(1);
        }
      }
      const bucket = json(r, `${IAM_FOLDER}/gcp/bucket-iam-bindings.json`).bindings.flatMap((b: Plain) => b.members);
      for (const sa of annotated)
        expect(bucket).toContain(`serviceAccount:${sa.metadata.annotations[GKE_GSA_ANNOTATION]}`);
    },
  );

  it.runIf(env.identity?.azure !== undefined)(
    'Azure: each annotated ServiceAccount has exactly one federated credential, of the identity whose client id it carries, and its pods the label',
    () => {
      const az = env.identity?.azure;
      const annotated = sas.filter((sa) => sa.metadata.annotations?.[AZURE_CLIENT_ID_ANNOTATION]);
      expect(annotated.length).toBeGreaterThan(0);
      const credentials = files.filter(([p]) => p.includes('/federated-credentials/')).map(([, t]) => JSON.parse(t));
      const tf = JSON.parse(files.find(([p]) => p.endsWith('.tf.json'))?.[1] ?? '{}').resource;
      for (const sa of annotated) {
        const sub = subject(ns, sa.metadata.name);
        expect(
          count(
            credentials.map((c: Plain) => c.properties.subject),
            sub,
          ),
        ).toBe(1);
        const [cred] = Object.values<Plain>(tf.azurerm_federated_identity_credential).filter((c) => c.subject === sub);
        expect(cred?.issuer).toBe(az?.oidcIssuer);
        expect(cred?.audience).toEqual(['api://AzureADTokenExchange']);
        const identity = /azurerm_user_assigned_identity\.([^.]+)\.id/.exec(cred?.user_assigned_identity_id)?.[1] ?? '';
        const key = String(tf.azurerm_user_assigned_identity[identity].name).replace(/^.*-/, '');
        expect(sa.metadata.annotations[AZURE_CLIENT_ID_ANNOTATION]).toBe(
          ((az?.clientIds ?? {}) as Record<string, string>)[key === 'objstore' ? 'shared' : key],
        );
      }
      for (const c of credentials) {
        expect(annotated.filter((sa) => subject(ns, sa.metadata.name) === c.properties.subject)).toHaveLength(1);
      }
      const labelled = new Set(annotated.map((sa) => sa.metadata.name));
      for (const { spec, metadata } of podSpecs(plainObjects(r))) {
        expect(metadata.labels?.[AZURE_USE_LABEL], spec.serviceAccountName).toBe(
          labelled.has(spec.serviceAccountName) ? 'true' : undefined,
        );
      }
    },
  );

  it.runIf(env.identity === undefined && env.objectStorage.credentialsSecret !== undefined)(
    'self-managed S3: pods that touch the bucket reference the Secret, which is never generated',
    () => {
      const secret = env.objectStorage.credentialsSecret?.name;
      expect(
        plainObjects(r)
          .filter((o) => o.kind === 'Secret')
          .map((o) => o.metadata.name),
      ).not.toContain(secret);
      const refs = podSpecs(plainObjects(r)).flatMap(({ spec }) =>
        (spec.containers ?? []).flatMap((c: Plain) =>
          (c.env ?? []).filter((e: Plain) => e.valueFrom?.secretKeyRef?.name === secret),
        ),
      );
      expect(refs.length).toBeGreaterThan(0);
      expect(files).toEqual([]);
    },
  );
});

describe('ACK Role objects', () => {
  const withAck = rendered.filter((r) => [...r.tree.files.keys()].some((p) => p.includes('/ack/')));
  it('are written for the environments that ask for them', () => {
    expect(withAck.length).toBeGreaterThan(0);
  });

  const ackRoles = (r: (typeof withAck)[number]) =>
    [...r.tree.files].filter(([p]) => /\/ack\/(?!kustomization)/.test(p)).map(([, t]) => parse(t));

  it.each(withAck.map((r) => [r.env, r] as const))(
    '%s: validate against the schema derived from the ACK CRD',
    (_name, r) => {
      const roles = ackRoles(r);
      expect(roles.length).toBeGreaterThan(0);
      for (const role of roles) {
        expect(validateAckRole(role) ? [] : validateAckRole.errors).toEqual([]);
        expect(policyProblems('trust', JSON.parse(role.spec.assumeRolePolicyDocument))).toEqual([]);
        for (const p of Object.values<string>(role.spec.inlinePolicies))
          expect(policyProblems('identity', JSON.parse(p))).toEqual([]);
      }
    },
  );

  // Skipped, visibly, without kustomize (required when CI=true: kustomize.test.ts fails then).
  const kustomize = findKustomize();
  it.skipIf(!kustomize && !KUSTOMIZE_REQUIRED).each(withAck.map((r) => [r.env, r] as const))(
    '%s: the ACK roles build with kustomize',
    (_name, r) => {
      if (!kustomize) throw new Error('kustomize is required (KUSTOMIZE_REQUIRED) but not found');
      const roles = ackRoles(r);
      const dir = writeTree(join(tempDir('ack-'), r.env), r.tree);
      const built = kustomizeBuild(kustomize, join(dir, IAM_FOLDER, 'aws', 'ack'));
      expect(built.map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual(
        roles.map((o) => `Role/${o.metadata.name}`).sort(),
      );
    },
  );

  it('the schema rejects what the CRD rejects, and unknown fields', () => {
    const good = {
      apiVersion: 'iam.services.k8s.aws/v1alpha1',
      kind: 'Role',
      metadata: { name: 'r' },
      spec: { name: 'r', assumeRolePolicyDocument: '{}' },
    };
    expect(validateAckRole(good)).toBe(true);
    expect(validateAckRole({ ...good, spec: { name: 'r' } })).toBe(false);
    expect(validateAckRole({ ...good, spec: { ...good.spec, name: 'has space' } })).toBe(false);
    expect(validateAckRole({ ...good, spec: { ...good.spec, maxSessionDuration: 60 } })).toBe(false);
    expect(validateAckRole({ ...good, spec: { ...good.spec, inlinePolicy: '{}' } })).toBe(false);
  });
});

describe('a self-managed S3 without a credentials Secret', () => {
  it('is a warning at the endpoint, not an error', async () => {
    const dir = tempDir('minio-warning-');
    mkdirSync(join(dir, 'environments'));
    const text = [
      'name: lab',
      'cluster: { name: kind }',
      'objectStorage:',
      '  provider: s3',
      '  bucket: thanos',
      '  region: us-east-1',
      '  endpoint: minio.minio.svc:9000',
      '',
    ].join('\n');
    writeFileSync(join(dir, 'environments', 'lab.yaml'), text);
    const run = await cli([
      'validate',
      '--environments',
      join(dir, 'environments'),
      '--clusters',
      join(dir, 'clusters'),
    ]);
    expect(run.code).toBe(0);
    expect(run.err).toMatch(
      /^warning .*lab\.yaml:7:13 objectStorage\.endpoint: minio\.minio\.svc:9000 is not an AWS endpoint and no objectStorage\.credentialsSecret is named/m,
    );
    writeFileSync(
      join(dir, 'environments', 'lab.yaml'),
      text.replace(
        'endpoint: minio.minio.svc:9000',
        'endpoint: minio.minio.svc:9000\n  credentialsSecret: { name: creds }',
      ),
    );
    const quiet = await cli([
      'validate',
      '--environments',
      join(dir, 'environments'),
      '--clusters',
      join(dir, 'clusters'),
    ]);
    expect(quiet).toMatchObject({ code: 0, err: '' });
  });
});
