/**
 * The delivery package's functions on loaded environments, without rendering them: the sync waves and prune
 * protection, the located problems of checkDelivery, and the Argo CD / Flux files of deliveryTrees asserted
 * field by field. Fast (no render, no kustomize): the tests StrykerJS runs against delivery/src (see
 * stryker.config.mjs); delivery.test.ts checks the same objects end to end, through the CLI's render.
 */
import {
  annotateForDelivery,
  checkDelivery,
  type DeliveryEnvironment,
  deliveryName,
  deliveryTrees,
  syncWave,
} from '@thanos-gitops/delivery';
import { loadEnvironments } from '@thanos-gitops/input';
import type { Manifest } from '@thanos-gitops/manifests';
import type { Environment } from '@thanos-gitops/schema';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';

const REPO = 'https://github.com/acme/gitops';
type Plain = Record<string, any>;

/** A small valid environment `name` in cluster `cluster`, with the `delivery` section given (YAML flow). */
function envOf(name: string, delivery: string, cluster = `${name}-c`): Environment {
  const text = `name: ${name}
cluster: { name: ${cluster} }
objectStorage: { provider: s3, bucket: acme-${name}, region: eu-west-1 }
identity:
  aws: { accountId: "123456789012", oidcProvider: oidc.example.com/id/X }
delivery: ${delivery}
`;
  const [l] = loadEnvironments([{ path: `environments/${name}.yaml`, text }]);
  if (!l) throw new Error('no environment');
  return l.env;
}
const argo = (name: string, extra = '', cluster?: string, repo = REPO) =>
  envOf(name, `{ tool: argocd, repoURL: "${repo}"${extra} }`, cluster);
const flux = (name: string, cluster: string, extra = '') =>
  envOf(name, `{ tool: flux, repoURL: "${REPO}"${extra} }`, cluster);
const file = (env: Environment) => `environments/${env.name}.yaml`;

/** checkDelivery's reports, as `file path: message`. */
function problemsOf(envs: Environment[]): string[] {
  const out: string[] = [];
  const ds: DeliveryEnvironment[] = envs.map((env) => ({
    env,
    file: file(env),
    report: (path, message) => out.push(`${file(env)} ${path.join('.')}: ${message}`),
  }));
  checkDelivery(ds);
  return out;
}

function treesOf(envs: Environment[]) {
  const [argoTree, fluxTree] = deliveryTrees(envs.map((env) => ({ env, file: file(env) })));
  if (!argoTree || !fluxTree) throw new Error('two trees expected');
  return { argoTree, fluxTree };
}
const doc = (text: string | undefined): Plain => {
  const docs = parseAllDocuments(text ?? '');
  expect(docs).toHaveLength(1);
  return docs[0]?.toJS() as Plain;
};
const LABELS = { 'app.kubernetes.io/part-of': 'thanos', 'app.kubernetes.io/managed-by': 'thanos-gitops' };
const SYNC = {
  automated: { prune: true, selfHeal: true },
  syncOptions: ['ServerSideApply=true', 'PruneLast=true', 'FailOnSharedResource=true'],
  retry: { limit: 5, backoff: { duration: '10s', factor: 2, maxDuration: '3m' } },
};

describe('sync waves', () => {
  it('put the Namespace first, the CRD-backed objects of other operators next, everything else last', () => {
    expect(syncWave({ apiVersion: 'v1', kind: 'Namespace' })).toBe(-2);
    expect(syncWave({ apiVersion: 'monitoring.coreos.com/v1', kind: 'ServiceMonitor' })).toBe(-1);
    expect(syncWave({ apiVersion: 'cert-manager.io/v1', kind: 'Certificate' })).toBe(-1);
    expect(syncWave({ apiVersion: 'apps/v1', kind: 'StatefulSet' })).toBe(0);
    expect(syncWave({ apiVersion: 'v1', kind: 'Service' })).toBe(0);
    expect(syncWave({ apiVersion: 'cert-manager.io', kind: 'Certificate' })).toBe(0);
  });
});

const manifests = (): Manifest[] =>
  [
    { component: 'namespace', object: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'thanos' } } },
    {
      component: 'x',
      object: {
        apiVersion: 'cert-manager.io/v1',
        kind: 'Certificate',
        metadata: { name: 'c', annotations: { keep: 'me' } },
      },
    },
    { component: 'x', object: { apiVersion: 'apps/v1', kind: 'Deployment' } },
  ] as Manifest[];

describe('annotateForDelivery', () => {
  it('gives every object its Argo CD wave, keeps its annotations, and protects the Namespace', () => {
    const ms = manifests();
    annotateForDelivery(argo('prod'), ms);
    expect(ms.map((m) => m.object.metadata?.annotations)).toEqual([
      { 'argocd.argoproj.io/sync-wave': '-2', 'argocd.argoproj.io/sync-options': 'Prune=false,Delete=false' },
      { keep: 'me', 'argocd.argoproj.io/sync-wave': '-1' },
      { 'argocd.argoproj.io/sync-wave': '0' },
    ]);
    expect(ms[0]?.object.metadata?.name).toBe('thanos');
  });

  it('for Flux, disables pruning of the Namespace only', () => {
    const ms = manifests();
    annotateForDelivery(flux('prod', 'c'), ms);
    expect(ms.map((m) => m.object.metadata?.annotations)).toEqual([
      { 'kustomize.toolkit.fluxcd.io/prune': 'disabled' },
      { keep: 'me' },
      {},
    ]);
  });

  it('refuses a tool it does not know (the schema lets none through)', () => {
    const env = structuredClone(argo('prod'));
    (env.delivery as { tool: string }).tool = 'spinnaker';
    expect(() => annotateForDelivery(env, manifests())).toThrow('unhandled delivery tool: "spinnaker"');
  });

  it('adds nothing without a tool', () => {
    const ms = manifests();
    annotateForDelivery(envOf('prod', '{}'), ms);
    expect(ms).toEqual(manifests());
  });
});

describe('checkDelivery', () => {
  it('accepts environments that agree, and environments without a tool', () => {
    expect(problemsOf([argo('a'), argo('b'), flux('c', 'x'), flux('d', 'x'), envOf('e', '{}')])).toEqual([]);
  });

  it('needs a repoURL for either tool', () => {
    expect(problemsOf([envOf('a', '{ tool: argocd }'), envOf('b', '{ tool: flux }')])).toEqual([
      'environments/a.yaml delivery.tool: argocd needs delivery.repoURL, the URL it clones this repository from',
      'environments/b.yaml delivery.tool: flux needs delivery.repoURL, the URL it clones this repository from',
    ]);
  });

  it('refuses the names of the reserved folders, saying what each holds', () => {
    expect(problemsOf([envOf('argocd', '{}'), envOf('flux', '{}')])).toEqual([
      'environments/argocd.yaml name: "argocd" is reserved: clusters/argocd/ holds the generated Argo CD objects (reserved: argocd, flux)',
      'environments/flux.yaml name: "flux" is reserved: clusters/flux/ holds the generated Flux objects (reserved: argocd, flux)',
    ]);
  });

  it('makes every environment of the ApplicationSet agree with the first, field by field', () => {
    const problems = problemsOf([
      argo('a'),
      argo('b', ', revision: release, path: out, argocd: { namespace: gitops, project: obs }'),
      argo('c', ', argocd: { mode: application }', undefined, 'https://example.com/other'),
    ]);
    expect(problems).toEqual([
      'environments/b.yaml delivery.revision: must equal "main" as in environments/a.yaml: every environment in the one ApplicationSet "thanos" shares it (found "release")',
      'environments/b.yaml delivery.path: must equal "clusters" as in environments/a.yaml: every environment in the one ApplicationSet "thanos" shares it (found "out")',
      'environments/b.yaml delivery.argocd.namespace: must equal "argocd" as in environments/a.yaml: every environment in the one ApplicationSet "thanos" shares it (found "gitops")',
      'environments/b.yaml delivery.argocd.project: must equal "default" as in environments/a.yaml: every environment in the one ApplicationSet "thanos" shares it (found "obs")',
    ]);
  });

  it('checks the repository of the ApplicationSet too', () => {
    expect(problemsOf([argo('a'), argo('b', '', undefined, 'https://example.com/other')])).toEqual([
      `environments/b.yaml delivery.repoURL: must equal "${REPO}" as in environments/a.yaml: every environment in the one ApplicationSet "thanos" shares it (found "https://example.com/other")`,
    ]);
  });

  it('makes the Flux environments of one cluster agree, each cluster on its own', () => {
    const problems = problemsOf([
      flux('a', 'one'),
      flux('b', 'one', ', revision: v2, flux: { namespace: gitops }'),
      flux('c', 'two', ', revision: v3'),
      argo('d', ', revision: v4', 'one'),
    ]);
    expect(problems).toEqual([
      'environments/b.yaml delivery.revision: must equal "main" as in environments/a.yaml: the environments of cluster one share one Flux GitRepository (found "v2")',
      'environments/b.yaml delivery.flux.namespace: must equal "flux-system" as in environments/a.yaml: the environments of cluster one share one Flux GitRepository (found "gitops")',
    ]);
  });
});

describe('the Argo CD tree', () => {
  it('is an ApplicationSet with one git generator per environment, sorted by name, and its kustomization', () => {
    const prod = argo('prod');
    const dev = argo('dev', '', 'shared');
    const { argoTree, fluxTree } = treesOf([prod, dev]);
    expect(argoTree.env).toBe('argocd');
    expect(fluxTree.env).toBe('flux');
    expect(fluxTree.files.size).toBe(0);
    expect([...argoTree.files.keys()]).toEqual(['applicationset-thanos.yaml', 'kustomization.yaml']);
    const text = argoTree.files.get('applicationset-thanos.yaml') ?? '';
    expect(text).toContain('from environments/dev.yaml, environments/prod.yaml.');
    const set = doc(text);
    expect(set.metadata).toEqual({ name: 'thanos', namespace: 'argocd', labels: LABELS });
    expect(set.spec.goTemplate).toBe(true);
    expect(set.spec.goTemplateOptions).toEqual(['missingkey=error']);
    expect(set.spec.generators).toEqual([
      {
        git: {
          repoURL: REPO,
          revision: 'main',
          directories: [{ path: 'clusters/dev' }],
          values: { cluster: 'shared', namespace: 'thanos' },
        },
      },
      {
        git: {
          repoURL: REPO,
          revision: 'main',
          directories: [{ path: 'clusters/prod' }],
          values: { cluster: 'prod-c', namespace: 'thanos' },
        },
      },
    ]);
    expect(set.spec.template).toEqual({
      metadata: { name: 'thanos-{{ .path.basename }}', labels: LABELS },
      spec: {
        project: 'default',
        source: { repoURL: REPO, targetRevision: 'main', path: '{{ .path.path }}' },
        destination: { name: '{{ .values.cluster }}', namespace: '{{ .values.namespace }}' },
        syncPolicy: SYNC,
      },
    });
    expect(set.spec.syncPolicy).toEqual({ preserveResourcesOnDeletion: true });
  });

  it('lists the environments of the ApplicationSet by name, whatever order they are given in', () => {
    const { argoTree } = treesOf([argo('b'), argo('c'), argo('a')]);
    const set = doc(argoTree.files.get('applicationset-thanos.yaml'));
    expect(set.spec.generators.map((g: Plain) => g.git.directories[0].path)).toEqual([
      'clusters/a',
      'clusters/b',
      'clusters/c',
    ]);
    expect(argoTree.files.get('applicationset-thanos.yaml')).toContain(
      'from environments/a.yaml, environments/b.yaml, environments/c.yaml.',
    );
  });

  it('is an Application per environment in application mode, to its Argo CD cluster', () => {
    const qa = argo('qa', ', argocd: { mode: application, project: obs, cluster: in-cluster, namespace: gitops }');
    const { argoTree } = treesOf([qa, envOf('dev', '{}')]);
    expect([...argoTree.files.keys()]).toEqual(['application-thanos-qa.yaml', 'kustomization.yaml']);
    const text = argoTree.files.get('application-thanos-qa.yaml') ?? '';
    expect(text).toContain('from environments/qa.yaml.');
    const app = doc(text);
    expect(app.metadata).toEqual({ name: deliveryName(qa), namespace: 'gitops', labels: LABELS });
    expect(app.spec).toEqual({
      project: 'obs',
      source: { repoURL: REPO, targetRevision: 'main', path: 'clusters/qa' },
      destination: { name: 'in-cluster', namespace: 'thanos' },
      syncPolicy: SYNC,
    });
    const noCluster = doc(
      treesOf([argo('qa', ', argocd: { mode: application }')]).argoTree.files.get('application-thanos-qa.yaml'),
    );
    expect(noCluster.spec.destination.name).toBe('qa-c');
  });

  it("lists every file in a generated kustomization.yaml naming every Argo CD environment's file", () => {
    const { argoTree } = treesOf([argo('b', ', argocd: { mode: application }'), argo('a'), flux('c', 'x')]);
    const text = argoTree.files.get('kustomization.yaml') ?? '';
    expect(text.split('\n')[0]).toContain('from environments/a.yaml, environments/b.yaml.');
    expect(parse(text)).toEqual({
      apiVersion: 'kustomize.config.k8s.io/v1beta1',
      kind: 'Kustomization',
      resources: ['application-thanos-b.yaml', 'applicationset-thanos.yaml'],
    });
    expect([...argoTree.files.keys()]).toEqual([
      'application-thanos-b.yaml',
      'applicationset-thanos.yaml',
      'kustomization.yaml',
    ]);
  });

  it('is empty without an Argo CD environment', () => {
    const { argoTree, fluxTree } = treesOf([envOf('dev', '{}')]);
    expect(argoTree.files.size).toBe(0);
    expect(fluxTree.files.size).toBe(0);
  });
});

describe('the Flux tree', () => {
  it('is, per cluster, one GitRepository, a Kustomization per environment and the kustomization.yaml', () => {
    const { argoTree, fluxTree } = treesOf([
      flux('staging', 'shared'),
      flux('dev', 'shared', ', flux: { dependsOn: [cert-manager, kps] }'),
      flux('prod', 'prod-1', ', revision: v1, path: out, flux: { namespace: gitops, timeout: 20m, interval: 1m }'),
    ]);
    expect(argoTree.files.size).toBe(0);
    expect([...fluxTree.files.keys()]).toEqual([
      'prod-1/flux-kustomization-thanos-prod.yaml',
      'prod-1/git-repository-thanos-gitops.yaml',
      'prod-1/kustomization.yaml',
      'shared/flux-kustomization-thanos-dev.yaml',
      'shared/flux-kustomization-thanos-staging.yaml',
      'shared/git-repository-thanos-gitops.yaml',
      'shared/kustomization.yaml',
    ]);
    const git = doc(fluxTree.files.get('shared/git-repository-thanos-gitops.yaml'));
    expect(git.metadata).toEqual({ name: 'thanos-gitops', namespace: 'flux-system', labels: LABELS });
    expect(git.spec).toEqual({ url: REPO, ref: { branch: 'main' }, interval: '5m' });
    expect(fluxTree.files.get('shared/git-repository-thanos-gitops.yaml')).toContain(
      'from environments/dev.yaml, environments/staging.yaml.',
    );
    const dev = doc(fluxTree.files.get('shared/flux-kustomization-thanos-dev.yaml'));
    expect(dev.metadata).toEqual({ name: 'thanos-dev', namespace: 'flux-system', labels: LABELS });
    expect(dev.spec).toEqual({
      interval: '10m',
      retryInterval: '2m',
      timeout: '10m',
      path: './clusters/dev',
      prune: true,
      wait: true,
      sourceRef: { kind: 'GitRepository', name: 'thanos-gitops' },
      dependsOn: [{ name: 'cert-manager' }, { name: 'kps' }],
    });
    const prod = doc(fluxTree.files.get('prod-1/flux-kustomization-thanos-prod.yaml'));
    expect(prod.metadata.namespace).toBe('gitops');
    expect(prod.spec).toMatchObject({ interval: '1m', timeout: '20m', path: './out/prod' });
    expect(prod.spec.dependsOn).toBeUndefined();
    expect(fluxTree.files.get('prod-1/flux-kustomization-thanos-prod.yaml')).toContain('from environments/prod.yaml.');
    expect(doc(fluxTree.files.get('prod-1/git-repository-thanos-gitops.yaml')).spec.ref).toEqual({ branch: 'v1' });
    const k = fluxTree.files.get('shared/kustomization.yaml') ?? '';
    expect(k.split('\n')[0]).toContain('from environments/dev.yaml, environments/staging.yaml.');
    expect(parse(k).resources).toEqual([
      'flux-kustomization-thanos-dev.yaml',
      'flux-kustomization-thanos-staging.yaml',
      'git-repository-thanos-gitops.yaml',
    ]);
  });
});

describe('without a repoURL (which checkDelivery refuses)', () => {
  it('the Argo CD objects name no repository rather than a made-up one', () => {
    const app = doc(
      treesOf([envOf('qa', '{ tool: argocd, argocd: { mode: application } }')]).argoTree.files.get(
        'application-thanos-qa.yaml',
      ),
    );
    expect(app.spec.source.repoURL).toBe('');
    const set = doc(treesOf([envOf('qa', '{ tool: argocd }')]).argoTree.files.get('applicationset-thanos.yaml'));
    expect(set.spec.generators[0].git.repoURL).toBe('');
    expect(set.spec.template.spec.source.repoURL).toBe('');
  });
});

describe('a generated object that fails its model', () => {
  it('stops the generation with the problems (a GitRepository without a URL: checkDelivery reports it first)', () => {
    const env = envOf('dev', '{ tool: flux }', 'c');
    expect(() => treesOf([env])).toThrow(
      /^generated delivery objects failed validation \(a bug in thanos-gitops\):\n {2}\S.*url/,
    );
  });
});
