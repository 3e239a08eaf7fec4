/** `delivery`: how the environment reaches its cluster (Argo CD, Flux, or neither). */
import { Type } from '@sinclair/typebox';
import { DNS_LABEL_MAX } from '@thanos-gitops/catalog';
import { DNS_LABEL, DnsLabel, GO_DURATION, Obj, withDefault } from './common.js';

export { RESERVED_CLUSTERS_FOLDERS } from '@thanos-gitops/output';

/** An https, ssh or scp-like (`git@host:org/repo.git`) git URL. */
export const GIT_URL = '^(https://|ssh://|git@)[^\\s]+$';
/** A git branch name (no spaces, no `..`, no leading `-`). */
/** A relative path inside a repository, without leading or trailing '/'. */
export const REPO_PATH = '^[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*$';
export const GIT_BRANCH = '^(?!-)(?!.*\\.\\.)[A-Za-z0-9._/-]+$';

export const Delivery = Obj(
  {
    tool: Type.Union(
      [Type.Literal('none'), Type.Literal('argocd'), Type.Literal('flux')],
      withDefault({
        default: 'none',
        description:
          'Who applies `clusters/<env>/` to the cluster: `argocd` (objects under `clusters/argocd/`), `flux` ' +
          '(objects under `clusters/flux/<cluster>/`) or `none` (you apply it yourself).',
      }),
    ),
    repoURL: Type.Optional(
      Type.String({
        pattern: GIT_URL,
        description: 'URL of this git repository as Argo CD or Flux clones it. Required unless `tool` is `none`.',
      }),
    ),
    revision: Type.String(
      withDefault({
        pattern: GIT_BRANCH,
        default: 'main',
        description: 'Branch of the repository to deploy from.',
      }),
    ),
    path: Type.String(
      withDefault({
        pattern: REPO_PATH,
        default: 'clusters',
        description: 'Path of the `clusters/` folder inside the repository.',
      }),
    ),
    argocd: Obj(
      {
        mode: Type.Union(
          [Type.Literal('applicationset'), Type.Literal('application')],
          withDefault({
            default: 'applicationset',
            description:
              '`applicationset`: one ApplicationSet `thanos` (a git directory generator per environment) creates ' +
              'the Applications; `application`: one Application per environment.',
          }),
        ),
        namespace: Type.String(
          withDefault({
            pattern: DNS_LABEL,
            maxLength: DNS_LABEL_MAX,
            default: 'argocd',
            description: 'Namespace Argo CD runs in.',
          }),
        ),
        project: Type.String(
          withDefault({
            pattern: DNS_LABEL,
            maxLength: DNS_LABEL_MAX,
            default: 'default',
            description: 'Argo CD project of the Applications.',
          }),
        ),
        cluster: Type.Optional(
          Type.String({
            minLength: 1,
            maxLength: 253,
            description:
              'Name of the destination cluster as registered in Argo CD (`argocd cluster add ... --name`). ' +
              'Default `cluster.name`.',
          }),
        ),
      },
      'Argo CD settings (when `tool` is `argocd`).',
      { default: {} },
    ),
    flux: Obj(
      {
        namespace: Type.String(
          withDefault({
            pattern: DNS_LABEL,
            maxLength: DNS_LABEL_MAX,
            default: 'flux-system',
            description: 'Namespace Flux runs in.',
          }),
        ),
        interval: Type.String(
          withDefault({
            pattern: GO_DURATION,
            minLength: 2,
            default: '10m',
            description:
              'How often Flux reconciles the environment, in hours, minutes and seconds (`1h30m`); longer than 0.',
          }),
        ),
        timeout: Type.String(
          withDefault({
            pattern: GO_DURATION,
            minLength: 2,
            default: '10m',
            description:
              'How long Flux waits for every object to become ready before it reports failure, in hours, minutes and ' +
              'seconds; longer than 0.',
          }),
        ),
        dependsOn: Type.Array(DnsLabel('Name of a Flux Kustomization in the same namespace.'), {
          default: [],
          description:
            'Flux Kustomizations that must be ready first: those installing the cert-manager and ' +
            'prometheus-operator CRDs (ServiceMonitor, PrometheusRule) this environment uses, e.g. ' +
            '`[cert-manager, kube-prometheus-stack]`. Default none.',
        }),
      },
      'Flux settings (when `tool` is `flux`).',
      { default: {} },
    ),
  },
  'How `clusters/<env>/` is deployed. Argo CD and Flux objects are generated outside every environment folder.',
  { default: {} },
);
