/**
 * Shared helpers of the end-to-end tests: the shipped environments, temporary copies of them, the CLI run
 * in-process, kustomize found on this machine, and validation of plain objects with the kubernetes-models classes.
 */

import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SourceFile } from '@thanos-gitops/input';
import { IAM_FOLDER } from '@thanos-gitops/irsa';
import { modelFor, toPlain, unknownFields } from '@thanos-gitops/manifests';
import { type EnvironmentTree, OWNED_INDEX } from '@thanos-gitops/output';
import { afterAll, expect } from 'vitest';
import { parseAllDocuments, parseDocument } from 'yaml';
import { main } from '../src/main.js';
import { type RenderedEnvironment, renderEnvironments } from '../src/render.js';

export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
/**
 * The tests' own environments (copies of the examples as they were when the tests were written), so that a user
 * adding, editing or removing files in `environments/` never changes what the tests see.
 */
export const ENVIRONMENTS_DIR = join(REPO_ROOT, 'test/fixtures/environments');

export type Plain = Record<string, any>;

/** A valid environment to put next to a bad one, so a bad file cannot hide behind an empty folder. */
export const VALID = `name: valid
cluster:
  name: test
objectStorage:
  provider: s3
  bucket: acme-thanos-valid
  region: eu-west-1
`;

/** The test environments (`test/fixtures/environments/`), named as the CLI names files in `environments/`. */
export function shippedSources(): SourceFile[] {
  return readdirSync(ENVIRONMENTS_DIR)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()
    .map((f) => ({ path: `environments/${f}`, text: readFileSync(join(ENVIRONMENTS_DIR, f), 'utf8') }));
}

/**
 * Whether renders and kustomize builds are shared between tests (and, as the projects of `pnpm test` reuse their
 * workers, between files): off under StrykerJS (vitest.stryker.config.ts sets THANOS_GITOPS_TEST_SHARE=0), whose
 * per-test coverage runs a mutant only against the tests that executed its code, so each test must render itself.
 */
const SHARE = process.env.THANOS_GITOPS_TEST_SHARE !== '0';
const shared = new Map<string, unknown>();

/** Frozen all the way down (a Map's entries included), so a test that changes a shared render fails at once. */
function deepFreeze<T>(value: T): T {
  if (value === null || typeof value !== 'object' || Object.isFrozen(value)) return value;
  Object.freeze(value);
  if (value instanceof Map) for (const entry of value) deepFreeze(entry);
  for (const v of Object.values(value)) deepFreeze(v);
  return value;
}

/**
 * `make()` once per worker under `key`, frozen; every caller gets its own array around the shared elements. The
 * way for a test to use a render or build that other files make too: add a function here that calls `sharedOnce`.
 */
export function sharedOnce<T>(key: string, make: () => T[]): T[] {
  if (!SHARE) return make();
  let value = shared.get(key) as T[] | undefined;
  if (value === undefined) {
    value = deepFreeze(make());
    shared.set(key, value);
  }
  return [...value];
}

/** Every shipped environment, rendered in memory (once per worker; frozen: derive, never change). */
export function renderShipped(): RenderedEnvironment[] {
  return sharedOnce('shipped', () => renderEnvironments(shippedSources()));
}

/** Environment text derived from a shipped one: renamed, with fields set (YAML paths) and fields removed. */
export function derivedSource(
  from: string,
  name: string,
  set: [path: (string | number)[], value: unknown][],
  remove: (string | number)[][] = [],
): SourceFile {
  const doc = parseDocument(readFileSync(join(ENVIRONMENTS_DIR, `${from}.yaml`), 'utf8'));
  doc.set('name', name);
  for (const path of remove) doc.deleteIn(path);
  for (const [path, value] of set) doc.setIn(path, value);
  // A derived environment is another environment: it gets its own bucket, as two environments on one bucket
  // and prefix are refused (their compactors would corrupt each other's blocks).
  const bucket = doc.getIn(['objectStorage', 'bucket']);
  if (name !== from && typeof bucket === 'string' && !set.some(([path]) => path[0] === 'objectStorage')) {
    doc.setIn(['objectStorage', 'bucket'], `${bucket}-${name}`);
  }
  if (name !== from)
    ownRemoteWrite(
      doc,
      name,
      set.map(([path]) => path.join('.')),
    );
  return { path: `environments/${name}.yaml`, text: doc.toString() };
}

/**
 * A derived environment's own writers (in their own clusters), AMP workspace and writer roles: a copy that keeps
 * them is refused (a copied file), as are one bucket and one hostname.
 */
function ownRemoteWrite(doc: ReturnType<typeof parseDocument>, name: string, set: readonly string[]): void {
  const given = (field: string) => set.some((p) => p === 'remoteWrite' || p.startsWith(field));
  const host = doc.getIn(['remoteWrite', 'hostname']);
  if (typeof host === 'string' && !given('remoteWrite.hostname'))
    doc.setIn(['remoteWrite', 'hostname'], `${name}.${host}`);
  if (given('remoteWrite.writers') || given('remoteWrite.amp')) return;
  const writers = (doc.getIn(['remoteWrite', 'writers']) as { items?: unknown[] } | undefined)?.items ?? [];
  for (let i = 0; i < writers.length; i++) {
    const cluster = doc.getIn(['remoteWrite', 'writers', i, 'cluster']);
    if (typeof cluster === 'string') doc.setIn(['remoteWrite', 'writers', i, 'cluster'], `${cluster}-${name}`);
    const role = doc.getIn(['remoteWrite', 'writers', i, 'roleArn']);
    if (typeof role === 'string') doc.setIn(['remoteWrite', 'writers', i, 'roleArn'], `${role}-${name}`);
  }
  const ws = doc.getIn(['remoteWrite', 'amp', 'workspaceId']);
  if (typeof ws === 'string') {
    const hex = createHash('sha256').update(name).digest('hex');
    const id = `ws-${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
    doc.setIn(['remoteWrite', 'amp', 'workspaceId'], id);
  }
}

/**
 * Environments beyond the shipped ones, so that checks over "every rendered environment" also see the options
 * the shipped files leave off: `everything` switches on every optional feature, `bare` switches off all it can.
 */
export function variantSources(): SourceFile[] {
  const workload = {
    nodeSelector: { 'kubernetes.io/os': 'linux' },
    tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'thanos', effect: 'NoSchedule' }],
    priorityClassName: 'thanos-critical',
    podAnnotations: { 'example.com/team': 'observability' },
    logLevel: 'debug',
    extraEnv: [{ name: 'GOGC', value: '75' }],
    extraVolumes: [{ name: 'scratch', mountPath: '/scratch', readOnly: false, emptyDir: { sizeLimit: '1Gi' } }],
  };
  const everything = derivedSource('prod', 'everything', [
    [['ruler', 'mode'], 'stateful'],
    [['ruler', 'storage'], '20Gi'],
    [['compactor', 'sharding'], { shards: 3, label: 'tenant_id' }],
    [['compactor', 'deduplicationReplicaLabels'], ['replica']],
    [['compactor', 'downsampling'], false],
    [['query', 'lookbackDelta'], '10m'],
    [['query', 'extraArgs'], ['--query.default-evaluation-interval=1m']],
    [['query', 'limits', 'maxConcurrent'], 40],
    [['receive', 'forwardTimeout'], '10s'],
    [['receive', 'forwardAsyncWorkers'], 10],
    [['receive', 'outOfOrderCapMax'], 64],
    [['receive', 'otlp'], { enableTargetInfo: false, promoteResourceAttributes: ['service.name'] }],
    [['receive', 'hashrings', 0, 'algorithm'], 'ketama'],
    [['queryFrontend', 'autoscaling'], { maxReplicas: 4, behavior: { scaleUp: { stabilizationWindowSeconds: 30 } } }],
    [['storeGateway', 'limits', 'requestSamples'], 0],
    [['capacity'], { activeSeries: 2000000, samplesPerSecond: 150000, tenants: 10, queriesPerSecond: 5 }],
    [['thanos', 'digest'], `sha256:${'ab'.repeat(32)}`],
    [['networkPolicies', 'remoteWriteNamespaces'], ['apps']],
    [['receive', 'hashrings', 0, 'tenantMatcher'], 'glob'],
    [['receive', 'hashrings', 0, 'tenants'], ['team-*']],
    [['monitoring', 'namespace'], 'observability'],
    [
      ['remoteWrite'],
      {
        hostname: 'remote-write.everything.example.com',
        mtls: {
          enabled: true,
          issuer: { kind: 'ClusterIssuer', name: 'vault', group: 'cert-manager.io' },
          tenancy: 'header',
          keys: { algorithm: 'RSA', size: 4096 },
          internal: true,
        },
        exposure: { type: 'gateway', gateway: { name: 'edge', namespace: 'gateway-system', port: 8443 } },
        amp: { workspaceId: 'ws-11111111-2222-3333-4444-555555555555', region: 'us-east-1', accountId: '210987654321' },
        writers: [
          { name: 'alpha', tenant: 'team-a', cluster: 'alpha' },
          {
            name: 'edge-amp',
            tenant: 'team-z',
            cluster: 'edge',
            target: 'amp',
            roleArn: 'arn:aws:iam::123456789012:role/edge',
          },
        ],
        externalSecrets: { enabled: true, storeKind: 'SecretStore', storeName: 'pki' },
      },
    ],
    [
      ['patches'],
      [
        {
          target: { kind: 'Deployment', name: 'thanos-query' },
          patch:
            'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: thanos-query\n  annotations:\n    patched: "yes"\n',
        },
      ],
    ],
    ...Object.entries(workload).map(([k, v]): [string[], unknown] => [['query', k], v]),
    ...Object.entries(workload).map(([k, v]): [string[], unknown] => [['storeGateway', k], v]),
  ]);
  const bare = derivedSource(
    'dev',
    'bare',
    [
      [['namespace'], 'thanos-bare'],
      [['receive', 'enabled'], false],
      [['queryFrontend', 'enabled'], false],
      [['compactor', 'enabled'], false],
      [['networkPolicies', 'enabled'], false],
      [['monitoring', 'serviceMonitors'], false],
      [['monitoring', 'prometheusRule'], false],
    ],
    [['identity'], ['receive', 'retention'], ['receive', 'router'], ['receive', 'hashrings']],
  );
  const guid = (n: number) => `${String(n).repeat(8)}-0000-4000-8000-000000000000`;
  // Cloud identities beyond IRSA: GKE and Azure Workload Identity, EKS Pod Identity with one shared role, and a
  // self-managed S3 (MinIO) whose keys come from a user-managed Secret.
  // Each environment has its own remote-write hostname (one hostname serves one environment's routers).
  const gke = derivedSource('staging', 'gke', [
    [['remoteWrite', 'hostname'], 'remote-write.gke.example.com'],
    [['objectStorage'], { provider: 'gcs', bucket: 'acme-thanos-gke', prefix: 'thanos' }],
    [['identity'], { gcp: { projectId: 'acme-observability' } }],
    [['bucketWeb', 'enabled'], true],
  ]);
  const azure = derivedSource('staging', 'azure', [
    [['remoteWrite', 'hostname'], 'remote-write.azure.example.com'],
    [['objectStorage'], { provider: 'azure', storageAccount: 'acmethanos', container: 'thanos-azure' }],
    [
      ['identity'],
      {
        azure: {
          tenantId: guid(1),
          subscriptionId: guid(2),
          resourceGroup: 'rg-observability',
          oidcIssuer: 'https://westeurope.oic.prod-aks.azure.com/tenant/issuer/',
          clientIds: { writer: guid(3), reader: guid(4), compactor: guid(5) },
        },
      },
    ],
  ]);
  const podIdentity = derivedSource('staging', 'podid', [
    [['remoteWrite', 'hostname'], 'remote-write.podid.example.com'],
    [['identity'], { aws: { accountId: '222222222222', mode: 'podIdentity', roles: 'shared', ackRoles: true } }],
    [['ruler', 'mode'], 'stateful'],
    [['bucketWeb', 'enabled'], true],
  ]);
  const minio = derivedSource(
    'dev',
    'minio',
    [
      [
        ['objectStorage'],
        {
          provider: 's3',
          bucket: 'thanos',
          region: 'us-east-1',
          endpoint: 'minio.minio.svc.cluster.local:9000',
          insecure: true,
          credentialsSecret: { name: 'thanos-minio-credentials' },
        },
      ],
    ],
    [['identity']],
  );
  return [everything, bare, gke, azure, podIdentity, minio];
}

/** The shipped environments and the variants, rendered in memory (once per worker; frozen: derive, never change). */
export function renderAll(): RenderedEnvironment[] {
  return sharedOnce('all', () => renderEnvironments([...shippedSources(), ...variantSources()]));
}

/** One environment of `renderAll()`. */
export function renderedEnvironment(env: string): RenderedEnvironment {
  const r = renderAll().find((x) => x.env === env);
  if (!r) throw new Error(`environment ${env} was not rendered`);
  return r;
}

/**
 * The tree of an environment of `renderAll()` written to a temporary folder, and `kustomize build` of it: one
 * build per environment and worker, whichever files ask (kustomize.test.ts checks every object of it).
 */
export function builtEnvironment(k: Kustomize, env: string): { r: RenderedEnvironment; dir: string; objects: Plain[] } {
  const [b] = sharedOnce(`built ${env}`, () => {
    const r = renderedEnvironment(env);
    const dir = writeTree(join(mkdtempSync(join(tmpdir(), 'thanos-gitops-built-')), env), r.tree);
    sharedDirs.push(dirname(dir));
    return [{ r, dir, objects: kustomizeBuild(k, dir) }];
  });
  return b as { r: RenderedEnvironment; dir: string; objects: Plain[] };
}

/** The rendered objects of an environment as plain data, as they are written. */
export function plainObjects(r: RenderedEnvironment): Plain[] {
  return r.manifests.map((m) => toPlain(m.object));
}

const tempDirs: string[] = [];
/** Removes the temporary folders made so far; after every test file (here, and through test/per-file.ts). */
export function removeTempDirs(): void {
  for (const d of tempDirs.splice(0)) rmSync(d, { recursive: true, force: true });
}
// A worker of `pnpm test` imports this module once for all its files: this hook then serves the first file only,
// and test/per-file.ts (the cli project's setup file, run before every file) registers it for each.
afterAll(removeTempDirs);
/** Folders of the shared builds: they outlive a file, so they go when the worker exits. */
const sharedDirs: string[] = [];
process.on('exit', () => {
  for (const d of sharedDirs) rmSync(d, { recursive: true, force: true });
});

/** A fresh temporary directory, removed after the test file. */
export function tempDir(prefix = 'thanos-gitops-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
}

/** A temporary workspace: a copy of `environments/` and an empty place for `clusters/`. */
export interface Workspace {
  root: string;
  environments: string;
  clusters: string;
}

export function workspace(): Workspace {
  const root = tempDir();
  const environments = join(root, 'environments');
  cpSync(ENVIRONMENTS_DIR, environments, { recursive: true });
  return { root, environments, clusters: join(root, 'clusters') };
}

/** The VALID environment under another name (and its own bucket), as `environments/<name>.yaml` holds it. */
export function validNamed(name: string): string {
  return VALID.replace('name: valid', `name: ${name}`).replace('acme-thanos-valid', `acme-thanos-${name}`);
}

/** A workspace (a folder standing for the repository) with two small environments of its own, `one` and `two`. */
export function smallWorkspace(): Workspace {
  const root = tempDir('thanos-gitops-small-');
  const environments = join(root, 'environments');
  mkdirSync(environments);
  for (const name of ['one', 'two']) writeFileSync(join(environments, `${name}.yaml`), validNamed(name));
  return { root, environments, clusters: join(root, 'clusters') };
}

/** `ws` after a `generate` that succeeded without a word on stderr. */
export async function generatedIn(ws: Workspace): Promise<Workspace> {
  const run = await cliIn(ws, 'generate');
  expect(run.err).toBe('');
  expect(run.code).toBe(0);
  return ws;
}

export interface CliResult {
  code: number;
  out: string;
  err: string;
}

/** Runs the CLI in-process with the given arguments; no colour. */
export async function cli(argv: readonly string[]): Promise<CliResult> {
  let out = '';
  let err = '';
  const code = await main(argv, {
    out: (t) => {
      out += t;
    },
    err: (t) => {
      err += t;
    },
    color: false,
  });
  return { code, out, err };
}

/** Runs `command` of the CLI against a workspace, with any extra arguments. */
export function cliIn(ws: Workspace, command: string, ...extra: string[]): Promise<CliResult> {
  return cli([command, '--environments', ws.environments, '--clusters', ws.clusters, ...extra]);
}

/** Writes an environment tree into `dir` (for kustomize), returning the directory. */
export function writeTree(dir: string, tree: EnvironmentTree): string {
  for (const [path, text] of tree.files) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

/** How to run `kustomize build`: a program and the arguments before the directory. */
export interface Kustomize {
  command: string;
  args: string[];
}

function versionOf(path: string): number[] {
  return (/kubectl\.([0-9.]+)$/.exec(path)?.[1] ?? '0').split('.').map(Number);
}

function onPath(program: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(':')) {
    const full = join(dir, program);
    if (dir !== '' && existsSync(full)) return full;
  }
  return undefined;
}

/**
 * kustomize on this machine: `kustomize` on PATH, else the newest versioned kubectl of the Google Cloud SDK
 * (the plain /usr/bin/kubectl there is a dispatcher that tries to reach a cluster), else `kubectl` on PATH.
 */
export function findKustomize(): Kustomize | undefined {
  const standalone = onPath('kustomize');
  if (standalone) return { command: standalone, args: ['build'] };
  const sdk = '/usr/lib/google-cloud-sdk/bin';
  if (existsSync(sdk)) {
    const versioned = readdirSync(sdk)
      .filter((f) => /^kubectl\.1\.[0-9]+$/.test(f))
      .map((f) => join(sdk, f))
      .sort((a, b) => {
        const [x, y] = [versionOf(a), versionOf(b)];
        return (x[0] ?? 0) - (y[0] ?? 0) || (x[1] ?? 0) - (y[1] ?? 0);
      });
    const newest = versioned.at(-1);
    if (newest) return { command: newest, args: ['kustomize'] };
  }
  const kubectl = onPath('kubectl');
  if (kubectl) return { command: kubectl, args: ['kustomize'] };
  return undefined;
}

/** Whether a missing kustomize must fail the tests (in CI) rather than skip them. */
export const KUSTOMIZE_REQUIRED = process.env.CI === 'true';

/** `kustomize build dir`, parsed into plain objects; throws with kustomize's message on failure. */
export function kustomizeBuild(k: Kustomize, dir: string): Plain[] {
  const run = spawnSync(k.command, [...k.args, dir], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (run.error) throw run.error;
  if (run.status !== 0) throw new Error(`kustomize build ${dir} failed (${run.status}):\n${run.stderr}`);
  return parseAllDocuments(run.stdout)
    .map((d) => {
      if (d.errors.length > 0) throw new Error(`kustomize printed invalid YAML: ${d.errors[0]?.message}`);
      return d.toJS() as Plain | null;
    })
    .filter((o): o is Plain => o !== null);
}

/** `Kind ns/name`, for messages. */
export function objectName(o: Plain): string {
  return `${o.kind} ${o.metadata?.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata?.name}`;
}

/**
 * Every problem of a plain object: an apiVersion/kind the generator is not meant to emit, a schema violation
 * found by its kubernetes-models class, or a field the kind does not define.
 */
export function plainObjectProblems(o: Plain): string[] {
  const Model = modelFor(String(o.apiVersion), String(o.kind));
  if (!Model) return [`${objectName(o)}: no model registered for ${o.apiVersion}/${o.kind}`];
  const problems: string[] = [];
  try {
    new Model(structuredClone(o)).validate?.();
  } catch (err) {
    problems.push(`${objectName(o)}: ${(err as Error).message}`);
  }
  for (const path of unknownFields(o as { apiVersion: string; kind: string })) {
    problems.push(`${objectName(o)}: unknown field ${path}`);
  }
  return problems;
}

/** Kinds whose objects hold a pod template at spec.template. */
export const POD_TEMPLATE_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'ReplicaSet']);

/** Every object holding a pod template, with that template's pod spec. */
export function podSpecs(objects: readonly Plain[]): { owner: Plain; spec: Plain; metadata: Plain }[] {
  return objects
    .filter((o) => POD_TEMPLATE_KINDS.has(o.kind) || o.kind === 'CronJob')
    .map((o) => {
      const template = o.kind === 'CronJob' ? o.spec?.jobTemplate?.spec?.template : o.spec?.template;
      return { owner: o, spec: template?.spec ?? {}, metadata: template?.metadata ?? {} };
    });
}

/** Main and init containers of a pod spec (sidecars are init containers with restartPolicy Always). */
export function allContainers(spec: Plain): Plain[] {
  return [...(spec.initContainers ?? []), ...(spec.containers ?? []), ...(spec.ephemeralContainers ?? [])];
}

/** The files of a tree that hold one object each (not kustomization.yaml, the IAM documents or the writers' files). */
export function objectFiles(tree: EnvironmentTree): string[] {
  return [...tree.files.keys()].filter(
    (f) =>
      f.endsWith('.yaml') &&
      f !== 'kustomization.yaml' &&
      f !== OWNED_INDEX &&
      !f.startsWith(`${IAM_FOLDER}/`) &&
      !f.startsWith('writers/'),
  );
}

/** Runs git in a workspace's root as a test committer; its output. */
export const gitIn = (ws: Workspace, ...args: string[]): string =>
  execFileSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', ...args], {
    cwd: ws.root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });

/** Sets values in one environment file of a workspace, keeping the rest of its text. */
export function editEnvironment(ws: Workspace, env: string, set: [path: (string | number)[], value: unknown][]): void {
  const file = join(ws.environments, `${env}.yaml`);
  const doc = parseDocument(readFileSync(file, 'utf8'));
  for (const [path, value] of set) doc.setIn(path, value);
  writeFileSync(file, doc.toString());
}

/** Generates a workspace's environments and commits them with `clusters/` as `main` of a new git repository. */
export async function committedRepository(ws: Workspace): Promise<Workspace> {
  const generated = await cliIn(ws, 'generate');
  expect(generated.code, generated.err).toBe(0);
  gitIn(ws, 'init', '--quiet', '--initial-branch=main');
  gitIn(ws, 'add', '-A');
  gitIn(ws, 'commit', '--quiet', '-m', 'base');
  return ws;
}
