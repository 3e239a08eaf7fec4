/**
 * Readers: clients outside the namespace (Grafana in another cluster, people's tools) that read through an
 * entry point of their own, a Query that requires a client certificate from the readers' CA and takes the
 * tenant from it. Each reader reads one tenant.
 */
import { Type } from '@sinclair/typebox';
import { DNS_LABEL_MAX } from '@thanos-gitops/catalog';
import { CIDR, DNS_LABEL, DnsLabel, Obj, TENANT_ID, withDefault } from './common.js';
import { DNS_NAME, Issuer } from './remote-write.js';

export const ReadersIssuer = Obj(
  Issuer.properties,
  "Who signs the readers' trust domain: the read entry point's server certificate and one client certificate " +
    'per reader (its tenant as Organization), and nothing else: the entry point accepts any client certificate ' +
    "this CA signed and reads as its Organization's tenant. `bootstrap` creates the CA `thanos-readers-ca` (its " +
    "own key, beside the writers' and the internal one). An existing issuer must be neither the writers' nor the " +
    'internal one (refused), and must issue nothing else. Default: `{kind: bootstrap}`.',
  { default: { kind: 'bootstrap' } },
);

export const Reader = Obj(
  {
    name: DnsLabel('Reader name: its client certificate is `thanos-reader-<name>`, its files `readers/<name>/`.', 40),
    tenant: Type.String({
      pattern: TENANT_ID,
      maxLength: 64,
      description:
        'The one tenant this reader sees: the Organization of its certificate, which the entry point turns into ' +
        'a `<receive.tenantLabel>="<tenant>"` matcher on every query, series and label request. One tenant per ' +
        'reader: Thanos takes the first Organization only and enforces one equality matcher, so a client of ' +
        'several tenants is several readers (one certificate and one datasource each).',
    }),
    cluster: DnsLabel('Cluster the reader runs in (documentation, and the datasource file header).'),
    namespace: Type.String(
      withDefault({
        pattern: DNS_LABEL,
        maxLength: DNS_LABEL_MAX,
        default: 'monitoring',
        description: 'Namespace of the reader (Grafana) in its cluster, where its client Secret must be.',
      }),
    ),
  },
  'A client allowed to read one tenant through the read entry point.',
);

export const ReadersExposure = Obj(
  {
    type: Type.Union(
      [Type.Literal('none'), Type.Literal('loadBalancer'), Type.Literal('gateway')],
      withDefault({
        default: 'none',
        description:
          'How readers outside the cluster reach the read entry point. TLS is always passed through to Thanos, ' +
          'which checks the client certificate itself. `none`: in-cluster readers only (Service ' +
          '`thanos-query-readers`). `loadBalancer`: a Service `thanos-query-readers-external` of type ' +
          'LoadBalancer for the AWS Load Balancer Controller (NLB, TCP listener, IP targets, source ranges from ' +
          '`sourceCIDRs`). `gateway`: a Gateway API TLSRoute in passthrough mode attached to `gateway.name`.',
      }),
    ),
    sourceCIDRs: Type.Array(Type.String({ pattern: CIDR }), {
      default: [],
      description:
        'Addresses readers connect from: the NetworkPolicy lets them in, and with `loadBalancer` they are the ' +
        "NLB's source ranges. Add the NLB's subnets for its health checks.",
    }),
    scheme: Type.Union(
      [Type.Literal('internal'), Type.Literal('internet-facing')],
      withDefault({ default: 'internal', description: 'NLB scheme, with `loadBalancer`.' }),
    ),
    port: Type.Integer(
      withDefault({
        minimum: 1,
        maximum: 65535,
        default: 443,
        description: 'Port readers connect to: the NLB listener, or the Gateway listener.',
      }),
    ),
    gateway: Type.Optional(
      Obj(
        {
          name: DnsLabel('Name of the Gateway the TLSRoute attaches to.'),
          namespace: DnsLabel('Namespace of the Gateway; its pods are let in by the NetworkPolicy.'),
          proxyNamespaces: Type.Array(Type.String({ pattern: DNS_LABEL, maxLength: DNS_LABEL_MAX }), {
            ...withDefault({
              default: ['envoy-gateway-system'],
              description:
                "Other namespaces where the Gateway's proxy pods run, also let in (Envoy Gateway's own namespace " +
                "by default; `[]` when yours runs them in the Gateway's namespace).",
            }),
            uniqueItems: true,
          }),
          sectionName: Type.Optional(DnsLabel('Listener of the Gateway (TLS, `Passthrough`); any when unset.')),
        },
        'The Gateway, with `type: gateway`.',
      ),
    ),
  },
  'Exposure of the read entry point outside the cluster.',
  { default: {} },
);

export const Readers = Obj(
  {
    hostname: Type.Optional(
      Type.String({
        pattern: DNS_NAME,
        maxLength: 253,
        description:
          'Public DNS name of the read entry point (`read.example.com`): in its server certificate and the ' +
          "readers' datasource URL. Needed with an exposure.",
      }),
    ),
    issuer: ReadersIssuer,
    replicas: Type.Integer(
      withDefault({ minimum: 1, maximum: 20, default: 2, description: 'Replicas of the read entry point.' }),
    ),
    exposure: ReadersExposure,
    clients: Type.Array(Reader, {
      default: [],
      description:
        'Readers, each of one tenant. With any, the environment gets the read entry point `thanos-query-readers` ' +
        "(a Query over the same endpoints, requiring a client certificate from the readers' CA, tenant from its " +
        'Organization, tenancy enforced), a client certificate per reader, and under ' +
        '`clusters/<env>/readers/<name>/` (not applied by Kustomize) its Grafana datasource. Needs ' +
        '`remoteWrite.mtls.enabled` (the keys and lifetimes of every certificate are set there).',
    }),
  },
  'Readers outside the namespace, each reading one tenant with a client certificate.',
  { default: {} },
);
