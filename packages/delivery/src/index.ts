/**
 * Delivery: the Argo CD or Flux objects that apply each environment's `clusters/<env>/` to its cluster, generated
 * under `clusters/argocd/` and `clusters/flux/<cluster>/` (outside every environment's base), and the annotations
 * that order and protect the environment's own objects (sync waves for Argo CD, prune protection for both).
 */

import { Application } from '@kubernetes-models/argo-cd/argoproj.io/v1alpha1/Application';
import { ApplicationSet } from '@kubernetes-models/argo-cd/argoproj.io/v1alpha1/ApplicationSet';
import { Kustomization } from '@kubernetes-models/flux-cd/kustomize.toolkit.fluxcd.io/v1/Kustomization';
import { GitRepository } from '@kubernetes-models/flux-cd/source.toolkit.fluxcd.io/v1/GitRepository';
import { unhandled } from '@thanos-gitops/catalog';
import {
  type KubeObject,
  MANAGED_BY,
  type Manifest,
  manifestYaml,
  objectProblems,
  PART_OF,
  yamlText,
} from '@thanos-gitops/manifests';
import { names } from '@thanos-gitops/model';
import {
  argoTemplateText,
  type EnvironmentTree,
  generatedHeader,
  KUSTOMIZATION_FILE,
  RESERVED_CLUSTERS_FOLDERS,
} from '@thanos-gitops/output';
import type { FieldPath } from '@thanos-gitops/problems';
import type { Environment } from '@thanos-gitops/schema';

export { RESERVED_CLUSTERS_FOLDERS } from '@thanos-gitops/output';

/** The folder under `clusters/` of each tool's objects. */
export const ARGOCD_FOLDER = 'argocd';
export const FLUX_FOLDER = 'flux';
/** Name of the ApplicationSet, and of the Flux GitRepository of this repository. */
export const APPLICATIONSET_NAME = names.applicationSet;
export const GIT_REPOSITORY_NAME = 'thanos-gitops';

export const SYNC_WAVE = 'argocd.argoproj.io/sync-wave';
export const ARGOCD_SYNC_OPTIONS = 'argocd.argoproj.io/sync-options';
export const FLUX_PRUNE = 'kustomize.toolkit.fluxcd.io/prune';

/** The Argo CD / Flux object name of an environment. */
export const deliveryName = (env: Pick<Environment, 'name'>) => names.delivery(env.name);

/**
 * Argo CD sync waves, lowest first: the Namespace, then the objects whose kinds come from CRDs of other operators
 * (prometheus-operator's monitors and rules; cert-manager's issuers and certificates, i.e. the PKI), then
 * everything else (workloads, and their Services, ConfigMaps, RBAC, which Argo CD orders by kind within a wave).
 * A missing CRD or a certificate that cannot be issued stops the sync before any workload is touched.
 */
export function syncWave(obj: Pick<KubeObject, 'apiVersion' | 'kind'>): number {
  if (obj.kind === 'Namespace') return -2;
  const group = obj.apiVersion.includes('/') ? obj.apiVersion.split('/')[0] : '';
  if (group === 'monitoring.coreos.com' || group === 'cert-manager.io') return -1;
  return 0;
}

/**
 * Adds the annotations the environment's delivery tool reads to its objects (in place): for Argo CD the sync wave
 * of every object; for both tools, on the Namespace, that it is never pruned or deleted by the tool, since deleting
 * it deletes every volume of the environment (renaming the namespace leaves the old one for you to remove).
 */
export function annotateForDelivery(env: Environment, manifests: readonly Manifest[]): void {
  const tool = env.delivery.tool;
  if (tool === 'none') return;
  for (const m of manifests) {
    const meta = m.object.metadata ?? {};
    const annotations: Record<string, string> = { ...(meta.annotations ?? {}), ...toolAnnotations(tool, m.object) };
    m.object.metadata = { ...meta, annotations };
  }
}

/** The annotations a delivery tool reads on an object: one case per tool, so a new tool must say its own. */
function toolAnnotations(tool: Exclude<DeliveryTool, 'none'>, object: Manifest['object']): Record<string, string> {
  const namespace = object.kind === 'Namespace';
  switch (tool) {
    case 'argocd':
      return {
        [SYNC_WAVE]: String(syncWave(object)),
        ...(namespace ? { [ARGOCD_SYNC_OPTIONS]: 'Prune=false,Delete=false' } : {}),
      };
    case 'flux':
      return namespace ? { [FLUX_PRUNE]: 'disabled' } : {};
    default:
      return unhandled(tool, 'delivery tool');
  }
}

type DeliveryTool = Environment['delivery']['tool'];

/** An environment as delivery needs it: its validated data and file, and where to report a problem. */
export interface DeliveryEnvironment {
  env: Environment;
  file: string;
  report: (path: FieldPath, message: string) => void;
}

const labels = { 'app.kubernetes.io/part-of': PART_OF, 'app.kubernetes.io/managed-by': MANAGED_BY };

/** Reports, at the later environment, a setting that must be the same as the first environment's. */
function agree(
  group: readonly DeliveryEnvironment[],
  what: string,
  fields: readonly { path: FieldPath; value: (env: Environment) => unknown }[],
): void {
  const first = group[0];
  if (first === undefined) return;
  for (const d of group.slice(1)) {
    for (const f of fields) {
      const mine = f.value(d.env);
      const theirs = f.value(first.env);
      if (mine !== theirs) {
        d.report(
          f.path,
          `must equal ${JSON.stringify(theirs)} as in ${first.file}: ${what} (found ${JSON.stringify(mine)})`,
        );
      }
    }
  }
}

/**
 * The problems that span environments or depend on the tool, reported at the field: the tool needs `repoURL`;
 * environments sharing the ApplicationSet, or a Flux cluster folder, share its repository settings; an environment
 * may not be named like a reserved folder of `clusters/`.
 */
export function checkDelivery(envs: readonly DeliveryEnvironment[]): void {
  for (const d of envs) {
    if ((RESERVED_CLUSTERS_FOLDERS as readonly string[]).includes(d.env.name)) {
      d.report(
        ['name'],
        `"${d.env.name}" is reserved: clusters/${d.env.name}/ holds the generated ${
          d.env.name === ARGOCD_FOLDER ? 'Argo CD' : 'Flux'
        } objects (reserved: ${RESERVED_CLUSTERS_FOLDERS.join(', ')})`,
      );
    }
    if (d.env.delivery.tool !== 'none' && d.env.delivery.repoURL === undefined) {
      d.report(
        ['delivery', 'tool'],
        `${d.env.delivery.tool} needs delivery.repoURL, the URL it clones this repository from`,
      );
    }
  }
  const repo = [
    { path: ['delivery', 'repoURL'], value: (e: Environment) => e.delivery.repoURL },
    { path: ['delivery', 'revision'], value: (e: Environment) => e.delivery.revision },
    { path: ['delivery', 'path'], value: (e: Environment) => e.delivery.path },
  ];
  agree(
    envs.filter((d) => d.env.delivery.tool === 'argocd' && d.env.delivery.argocd.mode === 'applicationset'),
    `every environment in the one ApplicationSet "${APPLICATIONSET_NAME}" shares it`,
    [
      ...repo,
      { path: ['delivery', 'argocd', 'namespace'], value: (e: Environment) => e.delivery.argocd.namespace },
      { path: ['delivery', 'argocd', 'project'], value: (e: Environment) => e.delivery.argocd.project },
    ],
  );
  const byCluster = new Map<string, DeliveryEnvironment[]>();
  for (const d of envs.filter((e) => e.env.delivery.tool === 'flux')) {
    byCluster.set(d.env.cluster.name, [...(byCluster.get(d.env.cluster.name) ?? []), d]);
  }
  for (const [cluster, group] of byCluster) {
    agree(group, `the environments of cluster ${cluster} share one Flux GitRepository`, [
      ...repo,
      { path: ['delivery', 'flux', 'namespace'], value: (e: Environment) => e.delivery.flux.namespace },
    ]);
  }
}

const envPath = (env: Environment) => `${env.delivery.path}/${env.name}`;
const argoCluster = (env: Environment) => env.delivery.argocd.cluster ?? env.cluster.name;

/** What Argo CD does with an environment once it has it: automated sync, server-side apply, retries. */
function argoSyncPolicy() {
  return {
    automated: { prune: true, selfHeal: true },
    syncOptions: ['ServerSideApply=true', 'PruneLast=true', 'FailOnSharedResource=true'],
    retry: { limit: 5, backoff: { duration: '10s', factor: 2, maxDuration: '3m' } },
  };
}

function application(env: Environment): Application {
  return new Application({
    metadata: { name: deliveryName(env), namespace: env.delivery.argocd.namespace, labels },
    spec: {
      project: env.delivery.argocd.project,
      source: { repoURL: env.delivery.repoURL ?? '', targetRevision: env.delivery.revision, path: envPath(env) },
      destination: { name: argoCluster(env), namespace: env.namespace },
      syncPolicy: argoSyncPolicy(),
    },
  });
}

/**
 * One ApplicationSet for the environments in `applicationset` mode: a git directory generator per environment
 * (its folder, and as values the Argo CD cluster and namespace it goes to), one Application per folder.
 */
function applicationSet(envs: readonly Environment[]): ApplicationSet {
  const first = envs[0] as Environment;
  const d = first.delivery;
  return new ApplicationSet({
    metadata: { name: APPLICATIONSET_NAME, namespace: d.argocd.namespace, labels },
    spec: {
      goTemplate: true,
      goTemplateOptions: ['missingkey=error'],
      generators: envs.map((env) => ({
        git: {
          repoURL: d.repoURL ?? '',
          revision: d.revision,
          directories: [{ path: envPath(env) }],
          // A git generator's values are Go templates too, rendered with the generator's parameters.
          values: { cluster: argoTemplateText(argoCluster(env)), namespace: argoTemplateText(env.namespace) },
        },
      })),
      template: {
        metadata: { name: 'thanos-{{ .path.basename }}', labels },
        spec: {
          project: argoTemplateText(d.argocd.project),
          source: {
            repoURL: argoTemplateText(d.repoURL ?? ''),
            targetRevision: argoTemplateText(d.revision),
            path: '{{ .path.path }}',
          },
          destination: { name: '{{ .values.cluster }}', namespace: '{{ .values.namespace }}' },
          syncPolicy: argoSyncPolicy(),
        },
      },
      // Deleting the ApplicationSet (or an environment) must not delete a running Thanos and its volumes.
      syncPolicy: { preserveResourcesOnDeletion: true },
    },
  });
}

function gitRepository(env: Environment): GitRepository {
  return new GitRepository({
    metadata: { name: GIT_REPOSITORY_NAME, namespace: env.delivery.flux.namespace, labels },
    spec: { url: env.delivery.repoURL ?? '', ref: { branch: env.delivery.revision }, interval: '5m' },
  });
}

function fluxKustomization(env: Environment): Kustomization {
  const f = env.delivery.flux;
  return new Kustomization({
    metadata: { name: deliveryName(env), namespace: f.namespace, labels },
    spec: {
      interval: f.interval,
      retryInterval: '2m',
      timeout: f.timeout,
      path: `./${envPath(env)}`,
      prune: true,
      // Every applied object must become ready (rollouts finished, certificates issued) for the
      // Kustomization to be Ready, so Kustomizations that depend on this one wait for a healthy Thanos.
      wait: true,
      sourceRef: { kind: 'GitRepository', name: GIT_REPOSITORY_NAME },
      ...(f.dependsOn.length > 0 ? { dependsOn: f.dependsOn.map((name) => ({ name })) } : {}),
    },
  });
}

function validated<T extends KubeObject>(obj: T): T {
  const problems = objectProblems(obj);
  if (problems.length > 0) {
    throw new Error(
      `generated delivery objects failed validation (a bug in thanos-gitops):\n  ${problems.join('\n  ')}`,
    );
  }
  return obj;
}

function kustomizationYaml(source: string, resources: readonly string[]): string {
  const k = { apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', resources: [...resources].sort() };
  return `${generatedHeader(source)}\n${yamlText(k)}`;
}

/** The tree of `files` sorted by path (paths are a Map's keys: never equal, so no comparison answers 0). */
function sortedTree(env: string, files: Map<string, string>): EnvironmentTree {
  return { env, files: new Map([...files].sort(([a], [b]) => (a < b ? -1 : 1))) };
}

/**
 * The trees of `clusters/argocd/` and `clusters/flux/`, from every environment (sorted by name). A tree is empty
 * when no environment uses its tool, which removes the generated files of that folder.
 */
export function deliveryTrees(all: readonly { env: Environment; file: string }[]): EnvironmentTree[] {
  const envs = [...all].sort((a, b) => (a.env.name < b.env.name ? -1 : 1));
  const argo = new Map<string, string>();
  const argoEnvs = envs.filter((e) => e.env.delivery.tool === 'argocd');
  const set = argoEnvs.filter((e) => e.env.delivery.argocd.mode === 'applicationset');
  if (set.length > 0) {
    const sources = set.map((e) => e.file).join(', ');
    argo.set(
      `applicationset-${APPLICATIONSET_NAME}.yaml`,
      manifestYaml(validated(applicationSet(set.map((e) => e.env))), sources),
    );
  }
  for (const e of argoEnvs.filter((x) => x.env.delivery.argocd.mode === 'application')) {
    argo.set(`application-${deliveryName(e.env)}.yaml`, manifestYaml(validated(application(e.env)), e.file));
  }
  if (argo.size > 0)
    argo.set(KUSTOMIZATION_FILE, kustomizationYaml(argoEnvs.map((e) => e.file).join(', '), [...argo.keys()]));

  const flux = new Map<string, string>();
  const byCluster = new Map<string, { env: Environment; file: string }[]>();
  for (const e of envs.filter((x) => x.env.delivery.tool === 'flux')) {
    byCluster.set(e.env.cluster.name, [...(byCluster.get(e.env.cluster.name) ?? []), e]);
  }
  for (const [cluster, group] of byCluster) {
    const first = group[0] as { env: Environment; file: string };
    const sources = group.map((e) => e.file).join(', ');
    const files = [`git-repository-${GIT_REPOSITORY_NAME}.yaml`];
    flux.set(`${cluster}/${files[0]}`, manifestYaml(validated(gitRepository(first.env)), sources));
    for (const e of group) {
      const file = `flux-kustomization-${deliveryName(e.env)}.yaml`;
      files.push(file);
      flux.set(`${cluster}/${file}`, manifestYaml(validated(fluxKustomization(e.env)), e.file));
    }
    flux.set(`${cluster}/${KUSTOMIZATION_FILE}`, kustomizationYaml(sources, files));
  }
  return [sortedTree(ARGOCD_FOLDER, argo), sortedTree(FLUX_FOLDER, flux)];
}
