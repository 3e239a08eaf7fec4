/**
 * The environment file (`environments/<env>.yaml`): the single source of truth for its JSON Schema
 * (exported to `schema/environment.schema.json`) and for its TypeScript type.
 */
import { type Static, Type } from '@sinclair/typebox';
import { DNS_LABEL_MAX, sizePresetTable } from '@thanos-gitops/catalog';
import { BucketWeb } from './bucket-web.js';
import { Capacity } from './capacity.js';
import {
  CIDR,
  DNS_LABEL,
  DNS_SUBDOMAIN,
  DnsLabel,
  HTTP_URL_NO_FRAGMENT,
  IMAGE_DIGEST,
  IMAGE_REPOSITORY,
  KUBERNETES_KIND,
  LabelMap,
  Obj,
  withDefault,
} from './common.js';
import { Compactor } from './compactor.js';
import { Delivery } from './delivery.js';
import { Images } from './images.js';
import { Dashboards, Datasource, Tracing } from './observability.js';
import { Query, QueryFrontend } from './query.js';
import { Readers } from './readers.js';
import { Receive } from './receive.js';
import { RemoteWrite } from './remote-write.js';
import { RolloutOperator } from './rollout-operator.js';
import { Ruler } from './ruler.js';
import { Identity, ObjectStorage } from './storage.js';
import { StoreGateway } from './store-gateway.js';

/**
 * Thanos releases the generator knows, newest first: each has its flag data
 * (`thanos-components/src/data/thanos-flags/<version>.json`) and a row in the release table
 * (`thanos-components/src/releases.ts`).
 */
export const SUPPORTED_THANOS_VERSIONS = ['v0.42.4', 'v0.41.0'] as const;
export type ThanosVersion = (typeof SUPPORTED_THANOS_VERSIONS)[number];
/** The release an environment runs when `thanos.version` is not set. */
export const DEFAULT_THANOS_VERSION: ThanosVersion = 'v0.42.4';

export { Identity, ObjectStorage };

export const Cluster = Obj(
  {
    name: DnsLabel('Name of the Kubernetes cluster this environment runs on (used in names and labels).'),
    domain: Type.String(
      withDefault({
        pattern: DNS_SUBDOMAIN,
        default: 'cluster.local',
        description: 'Cluster DNS domain used in the pod and Service addresses.',
      }),
    ),
  },
  'The cluster the environment is deployed to.',
);

export const Thanos = Obj(
  {
    version: Type.Union(
      SUPPORTED_THANOS_VERSIONS.map((v) => Type.Literal(v)),
      withDefault({
        default: DEFAULT_THANOS_VERSION,
        description:
          'Thanos release, one of those the generator knows (their flags and behaviour differences are checked in): ' +
          `${SUPPORTED_THANOS_VERSIONS.map((v) => `\`${v}\``).join(', ')}. Upgrade one environment at a time: ` +
          'bump staging, review `pnpm diff`, then prod.',
      }),
    ),
    image: Type.String(
      withDefault({
        pattern: IMAGE_REPOSITORY,
        default: 'quay.io/thanos/thanos',
        description: 'Image repository, without tag.',
      }),
    ),
    digest: Type.Optional(
      Type.String({
        pattern: IMAGE_DIGEST,
        description: 'Pin the image by digest (`sha256:…`) in addition to the version tag.',
      }),
    ),
  },
  'Which Thanos to run.',
);

export const Monitoring = Obj(
  {
    namespace: Type.String(
      withDefault({
        pattern: DNS_LABEL,
        maxLength: DNS_LABEL_MAX,
        default: 'monitoring',
        description: 'Namespace of the Prometheus that scrapes Thanos (allowed in by the NetworkPolicies).',
      }),
    ),
    serviceMonitors: Type.Boolean(withDefault({ default: true, description: 'Emit a ServiceMonitor per component.' })),
    prometheusRule: Type.Boolean(withDefault({ default: true, description: 'Emit the PrometheusRule with alerts.' })),
    labels: LabelMap('Labels your Prometheus selects ServiceMonitors and PrometheusRules by (e.g. `release: kps`).'),
    dashboards: Dashboards,
    datasource: Datasource,
    runbookBaseUrl: Type.Optional(
      Type.String({
        pattern: HTTP_URL_NO_FRAGMENT,
        description:
          'Where your own runbooks live: each alert gets the annotation `runbook_url: <runbookBaseUrl>#<alertname ' +
          'in lower case>`. Unset: the generated runbook `clusters/<env>/RUNBOOK.md` (see `repositoryUrl`).',
      }),
    ),
    repositoryUrl: Type.Optional(
      Type.String({
        pattern: HTTP_URL_NO_FRAGMENT,
        description:
          "The web address this repository's files are browsed at, branch included, such as " +
          '`https://github.com/acme/observability-gitops/blob/main`: each alert links its section of the generated ' +
          'runbook, `<repositoryUrl>/<delivery.path>/<env>/RUNBOOK.md#<alertname in lower case>`. Unset: the link ' +
          'is relative to the repository root (`clusters/<env>/RUNBOOK.md#…`), which Alertmanager and Grafana show ' +
          'as text, not as a link.',
      }),
    ),
  },
  'How the deployment is monitored.',
  { default: {} },
);

export const NetworkPolicies = Obj(
  {
    enabled: Type.Boolean(
      withDefault({
        default: true,
        description:
          'Default-deny the namespace (ingress and egress) and allow exactly the flows Thanos needs: DNS, the ' +
          'traffic between components, scraping and remote-write from the monitoring namespace, queries from ' +
          '`queryNamespaces`, object storage, and the Alertmanagers of the ruler (their namespace and port taken ' +
          'from `ruler.alertmanagers`).',
      }),
    ),
    objectStorageCIDRs: Type.Array(Type.String({ pattern: CIDR }), {
      default: ['0.0.0.0/0'],
      description:
        'Destinations allowed for object-storage egress (HTTPS, port 443) of the pods that touch the bucket ' +
        '(ingestors, store gateway, compactor, stateful ruler, bucket web). The same rule lets them reach AWS STS, ' +
        'which IRSA calls for credentials, and Google or Microsoft token endpoints (also HTTPS). Default any ' +
        'address, since S3 has no fixed ranges; when you narrow it to VPC endpoint ranges, include both the S3 and ' +
        'the STS endpoint. A self-managed S3 `endpoint` is reached on its own port: in its namespace when it is a ' +
        'Service of the cluster, at its address when it is an IPv4 address, else at these ranges. With EKS Pod ' +
        'Identity the pods may also reach the Pod Identity Agent (169.254.170.23:80), with GCS the GKE metadata ' +
        'server (169.254.169.254:80, 169.254.169.252:988).',
    }),
    remoteWriteCIDRs: Type.Array(Type.String({ pattern: CIDR }), {
      default: [],
      description:
        'Addresses outside the cluster allowed to remote-write into the receive router; with ' +
        '`remoteWrite.exposure.type: loadBalancer` also the source ranges of the NLB.',
    }),
    remoteWriteNamespaces: Type.Array(DnsLabel('Namespace.'), {
      default: [],
      description: 'In-cluster namespaces allowed to remote-write into the receive router (besides monitoring).',
    }),
    apiServerCIDRs: Type.Array(
      Type.String({ pattern: CIDR }),
      withDefault({
        default: ['0.0.0.0/0'],
        description:
          'Destinations allowed for Kubernetes API egress (HTTPS, ports 443 and 6443) of the only pod that calls ' +
          'the API, the rollout-operator (with `receive.zones`). Any address by default, since where the API ' +
          "server answers differs per cluster: narrow it to your control plane's addresses (on EKS, the VPC " +
          'ranges of its endpoint network interfaces).',
      }),
    ),
    queryNamespaces: Type.Array(
      DnsLabel('Namespace.'),
      withDefault({
        default: ['monitoring'],
        description:
          'Namespaces users query from (Grafana, dashboards): allowed to reach the query frontend (or Query, when ' +
          'the frontend is disabled) and the bucket web UI on their HTTP port.',
      }),
    ),
  },
  'NetworkPolicies for the namespace.',
  { default: {} },
);

/** What a patch may acknowledge weakening: one name per kind of weakening (see the `acknowledge` description). */
export const PATCH_ACKNOWLEDGEMENTS = [
  'privileged',
  'hostNamespaces',
  'hostPath',
  'capabilities',
  'root',
  'privilegeEscalation',
  'exposedService',
  'networkPolicy',
] as const;

export const Patch = Obj(
  {
    target: Obj(
      {
        kind: Type.String({ pattern: KUBERNETES_KIND, description: 'Kind of the objects to patch.' }),
        name: Type.Optional(
          Type.String({
            minLength: 1,
            description:
              'Name of the objects, or a Go regular expression (RE2 syntax, as Kustomize reads it) that matches their ' +
              'whole name.',
          }),
        ),
      },
      'Which generated objects the patch applies to.',
    ),
    patch: Type.String({
      minLength: 1,
      description:
        'A strategic-merge patch (a YAML mapping with `kind` and `metadata.name`, as kustomize requires) or a ' +
        'JSON6902 patch (a YAML or JSON list of operations), as text. It must parse, and `target` must name a kind ' +
        '(and name) the generator produces.',
    }),
    acknowledge: Type.Array(
      Type.Union(PATCH_ACKNOWLEDGEMENTS.map((a) => Type.Literal(a))),
      withDefault({
        default: [],
        uniqueItems: true,
        description:
          'The ways this patch weakens the security posture on purpose. A patch that does one of these is refused ' +
          'unless it is listed here, and `diff` calls it out: `privileged` (a privileged container), ' +
          '`hostNamespaces` (hostNetwork, hostPID, hostIPC or a hostPort), `hostPath` (a hostPath volume), `capabilities` ' +
          '(capabilities added to a container), `root` (runAsUser 0, or runAsNonRoot no longer true), ' +
          '`privilegeEscalation` (allowPrivilegeEscalation no longer false), `exposedService` (a Service of type ' +
          'LoadBalancer or NodePort, or with externalIPs), `networkPolicy` (a NetworkPolicy removed or its rules changed). Listing one ' +
          'the patch does not do is an error.',
      }),
    ),
  },
  'A Kustomize patch applied on top of the generated objects: the escape hatch for anything not modelled.',
);

export const EnvironmentSchema = Obj(
  {
    name: DnsLabel('Environment name; must equal the file name (`environments/<name>.yaml`).', 40),
    cluster: Cluster,
    namespace: Type.String(
      withDefault({
        pattern: DNS_LABEL,
        maxLength: DNS_LABEL_MAX,
        default: 'thanos',
        description:
          'Namespace everything is deployed into, labelled Pod Security `restricted` and default-denied: not ' +
          '`default` nor a `kube-` namespace.',
      }),
    ),
    size: Type.Union(
      [Type.Literal('small'), Type.Literal('medium'), Type.Literal('large')],
      withDefault({
        default: 'small',
        description:
          'Preset for default requests and limits of every component: `small` (dev), `medium`, `large` (prod). ' +
          'Per-component `resources` override it, value by value. Each cell is CPU request / memory request / ' +
          'memory limit; no CPU limit is set unless you give one (the index and results memcached are sized by their ' +
          "own options; the last row, the caching bucket's memcached, is its pods × each pod's):\n\n" +
          `${sizePresetTable()}\n\n`,
      }),
    ),
    capacity: Type.Optional(Capacity),
    labels: LabelMap('Extra labels put on every object (never in selectors); Kubernetes label keys and values.'),
    thanos: Obj(Thanos.properties, Thanos.description ?? '', { default: {} }),
    objectStorage: ObjectStorage,
    identity: Type.Optional(Identity),
    monitoring: Monitoring,
    networkPolicies: NetworkPolicies,
    receive: Receive,
    remoteWrite: RemoteWrite,
    readers: Readers,
    query: Query,
    queryFrontend: QueryFrontend,
    storeGateway: StoreGateway,
    compactor: Compactor,
    ruler: Ruler,
    bucketWeb: BucketWeb,
    rolloutOperator: RolloutOperator,
    images: Images,
    tracing: Type.Optional(Tracing),
    patches: Type.Array(Patch, { default: [], description: 'Kustomize patches applied to the generated objects.' }),
    delivery: Delivery,
  },
  'One Thanos environment: everything `pnpm generate` needs to render `clusters/<name>/`.',
  { $id: 'https://thanos-gitops.dev/schema/environment.schema.json', title: 'thanos-gitops environment' },
);

/** An environment after validation and defaulting: every defaulted field is present. */
export type Environment = Static<typeof EnvironmentSchema>;
