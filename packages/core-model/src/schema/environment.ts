/**
 * The environment file (`environments/<env>.yaml`): the single source of truth for its JSON Schema
 * (exported to `schema/environment.schema.json`) and for its TypeScript type.
 */
import { type Static, Type } from '@sinclair/typebox';
import { DNS_LABEL, DnsLabel, Obj, StringMap } from './common.js';
import { BucketWeb, Compactor, Ruler } from './compactor-ruler.js';
import { Query, QueryFrontend } from './query.js';
import { Receive } from './receive.js';
import { StoreGateway } from './store-gateway.js';

export const SUPPORTED_THANOS_VERSIONS = ['v0.42.4'] as const;

export const Cluster = Obj(
  {
    name: DnsLabel('Name of the Kubernetes cluster this environment runs on (used in names and labels).'),
    domain: Type.String({
      pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$',
      default: 'cluster.local',
      description: 'Cluster DNS domain used in the pod and Service addresses. Default `cluster.local`.',
    }),
  },
  'The cluster the environment is deployed to.',
);

export const Thanos = Obj(
  {
    version: Type.Union(
      SUPPORTED_THANOS_VERSIONS.map((v) => Type.Literal(v)),
      {
        default: 'v0.42.4',
        description: 'Thanos release. Only releases whose flags the generator knows are accepted. Default `v0.42.4`.',
      },
    ),
    image: Type.String({
      pattern: '^[a-z0-9]+([._-][a-z0-9]+)*(:[0-9]+)?(/[a-z0-9]+([._-][a-z0-9]+)*)*$',
      default: 'quay.io/thanos/thanos',
      description: 'Image repository, without tag. Default `quay.io/thanos/thanos`.',
    }),
    digest: Type.Optional(
      Type.String({
        pattern: '^sha256:[a-f0-9]{64}$',
        description: 'Pin the image by digest (`sha256:…`) in addition to the version tag.',
      }),
    ),
  },
  'Which Thanos to run.',
);

export const ObjectStorage = Obj(
  {
    provider: Type.Literal('s3', { description: 'Object storage provider. Only `s3` for now.' }),
    bucket: Type.String({
      pattern: '^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$',
      description: 'Bucket name (S3 naming rules: 3-63 lower-case letters, digits, dots and hyphens).',
    }),
    region: Type.String({ pattern: '^[a-z]{2}(-gov)?-[a-z]+-[0-9]$', description: 'AWS region, e.g. `eu-west-1`.' }),
    endpoint: Type.Optional(
      Type.String({
        pattern: '^[a-z0-9.-]+(:[0-9]+)?$',
        description: 'S3 endpoint host. Default `s3.<region>.amazonaws.com`.',
      }),
    ),
    prefix: Type.Optional(
      Type.String({ pattern: '^[A-Za-z0-9._/-]+$', description: 'Key prefix inside the bucket; none by default.' }),
    ),
    kmsKeyId: Type.Optional(
      Type.String({ minLength: 1, description: 'Encrypt objects with this KMS key (SSE-KMS); SSE-S3 otherwise.' }),
    ),
  },
  'Where blocks are stored. No access keys: pods get credentials from their cloud identity (see `identity`).',
);

export const Identity = Obj(
  {
    aws: Obj(
      {
        accountId: Type.String({ pattern: '^[0-9]{12}$', description: 'AWS account id (12 digits).' }),
        oidcProvider: Type.String({
          pattern: '^[a-z0-9.-]+(/[A-Za-z0-9._-]+)*$',
          description: 'OIDC provider of the EKS cluster, without `https://`.',
        }),
        mode: Type.Literal('irsa', {
          default: 'irsa',
          description: 'How pods get AWS credentials: `irsa` (IAM Roles for Service Accounts).',
        }),
        roleNamePrefix: Type.Optional(
          Type.String({
            pattern: '^[A-Za-z0-9+=,.@_-]{1,40}$',
            description: 'Prefix of the IAM role names. Default `thanos-<env>`.',
          }),
        ),
      },
      'AWS identity of the pods that read or write the bucket.',
    ),
  },
  'Cloud identity without static keys.',
);

export const Monitoring = Obj(
  {
    namespace: Type.String({
      pattern: DNS_LABEL,
      maxLength: 63,
      default: 'monitoring',
      description:
        'Namespace of the Prometheus that scrapes Thanos (allowed in by the NetworkPolicies). Default `monitoring`.',
    }),
    serviceMonitors: Type.Boolean({ default: true, description: 'Emit a ServiceMonitor per component. Default true.' }),
    prometheusRule: Type.Boolean({ default: true, description: 'Emit the PrometheusRule with alerts. Default true.' }),
    labels: StringMap('Labels your Prometheus selects ServiceMonitors and PrometheusRules by (e.g. `release: kps`).'),
  },
  'How the deployment is monitored.',
  { default: {} },
);

export const NetworkPolicies = Obj(
  {
    enabled: Type.Boolean({
      default: true,
      description: 'Default-deny the namespace and allow exactly the flows Thanos needs. Default true.',
    }),
    objectStorageCIDRs: Type.Array(Type.String({ pattern: '^[0-9.]+/[0-9]{1,2}$' }), {
      default: ['0.0.0.0/0'],
      description:
        'Destinations allowed for object-storage egress (HTTPS, port 443). Default any address, since S3 has ' +
        'no fixed ranges; narrow it to a VPC endpoint range where you have one.',
    }),
    remoteWriteCIDRs: Type.Array(Type.String({ pattern: '^[0-9.]+/[0-9]{1,2}$' }), {
      default: [],
      description: 'Addresses outside the cluster allowed to remote-write into the receive router.',
    }),
    remoteWriteNamespaces: Type.Array(DnsLabel('Namespace.'), {
      default: [],
      description: 'In-cluster namespaces allowed to remote-write into the receive router (besides monitoring).',
    }),
  },
  'NetworkPolicies for the namespace.',
  { default: {} },
);

export const Patch = Obj(
  {
    target: Obj(
      {
        kind: Type.String({ pattern: '^[A-Z][A-Za-z]+$', description: 'Kind of the objects to patch.' }),
        name: Type.Optional(Type.String({ minLength: 1, description: 'Name (or regex) of the objects.' })),
      },
      'Which generated objects the patch applies to.',
    ),
    patch: Type.String({ minLength: 1, description: 'A strategic-merge or JSON6902 patch, as YAML text.' }),
  },
  'A Kustomize patch applied on top of the generated objects: the escape hatch for anything not modelled.',
);

export const EnvironmentSchema = Obj(
  {
    name: DnsLabel('Environment name; must equal the file name (`environments/<name>.yaml`).', 40),
    cluster: Cluster,
    namespace: Type.String({
      pattern: DNS_LABEL,
      maxLength: 63,
      default: 'thanos',
      description: 'Namespace everything is deployed into. Default `thanos`.',
    }),
    size: Type.Union([Type.Literal('small'), Type.Literal('medium'), Type.Literal('large')], {
      default: 'small',
      description:
        'Preset for default requests and limits of every component: `small` (dev), `medium`, `large` (prod). ' +
        'Per-component `resources` override it.',
    }),
    labels: StringMap('Extra labels put on every object (never in selectors).'),
    thanos: Obj(Thanos.properties, Thanos.description ?? '', { default: {} }),
    objectStorage: ObjectStorage,
    identity: Type.Optional(Identity),
    monitoring: Monitoring,
    networkPolicies: NetworkPolicies,
    receive: Receive,
    query: Query,
    queryFrontend: QueryFrontend,
    storeGateway: StoreGateway,
    compactor: Compactor,
    ruler: Ruler,
    bucketWeb: BucketWeb,
    patches: Type.Array(Patch, { default: [], description: 'Kustomize patches applied to the generated objects.' }),
  },
  'One Thanos environment: everything `pnpm generate` needs to render `clusters/<name>/`.',
  { $id: 'https://thanos-gitops.dev/schema/environment.schema.json', title: 'thanos-gitops environment' },
);

/** An environment after validation and defaulting: every defaulted field is present. */
export type Environment = Static<typeof EnvironmentSchema>;
