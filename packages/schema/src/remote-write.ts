/**
 * Remote-write from Prometheus servers into the receive routers: the PKI (cert-manager), mutual TLS on the
 * routers, how the endpoint is exposed outside the cluster, and the list of Prometheus servers (writers)
 * allowed to push, each of which may instead be pointed at Amazon Managed Service for Prometheus.
 */
import { Type } from '@sinclair/typebox';
import { DNS_LABEL_MAX } from '@thanos-gitops/catalog';
import {
  AWS_ACCOUNT_ID,
  AWS_REGION,
  CIDR,
  DNS_LABEL,
  DnsLabel,
  Duration,
  GO_DURATION,
  LABEL_NAME,
  Obj,
  TENANT_ID,
  withDefault,
} from './common.js';

/** A fully qualified DNS name (lower case, at least two labels). */
/**
 * A fully qualified DNS name: labels of at most 63 characters, and a last label with a letter (no top-level domain
 * is all digits, so an IPv4 address is not a name: certificates and SNI need a name there).
 */
export const DNS_NAME =
  '^([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?\\.)+(?=[-a-z0-9]*[a-z])[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$';
/** An AMP workspace id (`ws-` and a UUID). */
export const AMP_WORKSPACE_ID = '^ws-[a-f0-9-]{36}$';
/** An IAM role ARN. */
export const IAM_ROLE_ARN = '^arn:aws(-cn|-us-gov)?:iam::[0-9]{12}:role/[A-Za-z0-9+=,.@_/-]+$';
/** A Kubernetes object name (DNS-1123 subdomain). */
export const K8S_NAME = '^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$';
/** An API group. */
export const ISSUER_GROUP = '^[a-z0-9.-]+$';
/** A Go duration option; `note` says the default in other words (`(90 days)`). */
const GoDuration = (description: string, defaultValue: string, note: string) =>
  Type.String(
    withDefault({ pattern: GO_DURATION, minLength: 2, default: defaultValue, description, defaultNote: note }),
  );

const issuerProperties = {
  kind: Type.Union([Type.Literal('bootstrap'), Type.Literal('Issuer'), Type.Literal('ClusterIssuer')], {
    description:
      '`bootstrap`: cert-manager creates a private CA for this environment (a self-signed Issuer signs the CA ' +
      'Certificate `thanos-ca`, whose Secret backs the CA Issuer `thanos-ca`). `Issuer` or `ClusterIssuer`: ' +
      'certificates are signed by an existing issuer you name (Vault, AWS Private CA, your own CA); it must put ' +
      'the issuing CA in `ca.crt` of the Secrets it fills, since the servers trust that CA for client certificates.',
  }),
  name: Type.Optional(
    Type.String({
      pattern: K8S_NAME,
      maxLength: 253,
      description: 'Name of the existing Issuer (in the environment namespace) or ClusterIssuer.',
    }),
  ),
  group: Type.String(
    withDefault({
      pattern: ISSUER_GROUP,
      default: 'cert-manager.io',
      description: 'API group of the existing issuer (e.g. `awspca.cert-manager.io` for AWS Private CA).',
    }),
  ),
  caDuration: GoDuration('Lifetime of the bootstrapped CA certificate, at least 1h.', '87600h', '(10 years)'),
};

export const Issuer = Obj(
  issuerProperties,
  "Who signs the writers' trust domain: the routers' remote-write server certificate and the client certificates " +
    'of the writers and of the stateless ruler, and nothing else: the routers accept any client certificate ' +
    'this CA signed, and take its Organization as the tenant. An existing issuer here must issue nothing else ' +
    '(no other workload, no other environment), which the generator cannot check. A bootstrapped CA is ' +
    '`thanos-ca`.',
);

/** The internal trust domain's issuer: its own CA, so no writer certificate opens an internal port. */
export const InternalIssuer = Obj(
  issuerProperties,
  'Who signs the internal trust domain, with `internal: true`: the certificate `thanos-internal` that the ' +
    'ingestors, store gateways and ruler serve gRPC with and that Query and the routers dial them with. The ' +
    "internal servers trust only this CA, so a writer's client certificate opens no internal port. " +
    "`bootstrap` creates the CA `thanos-internal-ca` beside the writers' one (same self-signed Issuer, its own key). " +
    "An existing issuer must not be the writers' issuer (refused). Default: `{kind: bootstrap}`.",
  { default: { kind: 'bootstrap' } },
);

export const Mtls = Obj(
  {
    enabled: Type.Boolean(
      withDefault({
        default: false,
        description:
          'Serve remote-write over TLS and require a client certificate signed by the environment CA: only writers ' +
          'listed under `remoteWrite.writers` (and the stateless ruler) can push. Needs `issuer`.',
      }),
    ),
    issuer: Type.Optional(Issuer),
    tenancy: Type.Union(
      [Type.Literal('certificate'), Type.Literal('header')],
      withDefault({
        default: 'certificate',
        description:
          '`certificate`: the routers take the tenant from the Organization (O) of the client certificate ' +
          '(`--receive.tenant-certificate-field=organization`) and ignore the tenant header, so a writer cannot ' +
          'claim another tenant. `header`: the tenant comes from `receive.tenantHeader`, which the writer fragments ' +
          'set.',
      }),
    ),
    keys: Obj(
      {
        algorithm: Type.Union(
          [Type.Literal('ECDSA'), Type.Literal('RSA')],
          withDefault({
            default: 'ECDSA',
            description: 'Key algorithm of every certificate.',
          }),
        ),
        size: Type.Optional(
          Type.Integer({
            minimum: 256,
            maximum: 8192,
            description: 'Key size: 256, 384 or 521 for ECDSA (default 256), 2048 to 8192 for RSA (default 3072).',
          }),
        ),
      },
      'Private keys. cert-manager generates them in the cluster and makes a new one at every renewal ' +
        '(`rotationPolicy: Always`); none is ever written to this repository.',
      { default: {} },
    ),
    duration: GoDuration('Lifetime of the server and client certificates, at least 1h.', '2160h', '(90 days)'),
    renewBefore: GoDuration(
      'Renew this long before expiry: at least 5m and shorter than `duration`.',
      '720h',
      '(30 days)',
    ),
    minVersion: Type.Union(
      [Type.Literal('1.2'), Type.Literal('1.3')],
      withDefault({
        default: '1.3',
        description: 'Lowest TLS version the routers accept (`--remote-write.server-tls-min-version`).',
      }),
    ),
    internal: Type.Boolean(
      withDefault({
        default: false,
        description:
          'Also encrypt and authenticate traffic inside the namespace: routers to ingestors ' +
          '(`--remote-write.client-tls-*`), and Query to ingestors, store gateways and the ruler (either mode) ' +
          '(`--grpc-server-tls-*` on the servers, `--grpc-client-tls-*` on Query), with the certificate ' +
          "`thanos-internal`, signed by `internalIssuer` (a CA of its own, never the writers').",
      }),
    ),
    internalIssuer: InternalIssuer,
    withoutNetworkPolicies: Type.Boolean(
      withDefault({
        default: false,
        description:
          'Acknowledge running `internal: true` with `networkPolicies.enabled: false`. Internal mTLS covers the ' +
          "gRPC flows only: the HTTP servers (Query's and the frontend's APIs read every tenant; the ruler reads " +
          'through Query), the metrics endpoints and memcached stay plaintext and unauthenticated, and without the ' +
          'NetworkPolicies every pod of the cluster reaches them. Refused unless this is true.',
      }),
    ),
  },
  'Mutual TLS on the remote-write endpoint, with certificates from cert-manager.',
  { default: {} },
);

export const Exposure = Obj(
  {
    type: Type.Union(
      [Type.Literal('none'), Type.Literal('loadBalancer'), Type.Literal('gateway')],
      withDefault({
        default: 'none',
        description:
          'How writers outside the cluster reach the routers. TLS is always passed through to the routers, which ' +
          'check client certificates themselves. `none`: in-cluster writers only. `loadBalancer`: a Service ' +
          '`thanos-receive-router-external` of type LoadBalancer for the AWS Load Balancer Controller (an NLB with a ' +
          'TCP listener and IP targets; source ranges from `networkPolicies.remoteWriteCIDRs`). `gateway`: a Gateway ' +
          'API TLSRoute in passthrough mode attached to `gateway.name`.',
      }),
    ),
    loadBalancer: Obj(
      {
        scheme: Type.Union(
          [Type.Literal('internal'), Type.Literal('internet-facing')],
          withDefault({
            default: 'internal',
            description: 'NLB scheme.',
          }),
        ),
        port: Type.Integer(withDefault({ minimum: 1, maximum: 65535, default: 443, description: 'Listener port.' })),
        deregistrationDelaySeconds: Type.Integer(
          withDefault({
            minimum: 0,
            maximum: 3600,
            default: 60,
            description:
              "The target group's deregistration delay (`deregistration_delay.timeout_seconds`): how long the NLB " +
              'keeps the connections of a router that is going away before it resets them (the reset makes ' +
              'writers reconnect to another router at once). Each router waits 30 s longer than this before it ' +
              'stops (a `preStop` sleep: Thanos closes the remote-write port at once on SIGTERM), and its ' +
              '`terminationGracePeriodSeconds` is that wait plus 120 s. 60 s covers one remote-write request at ' +
              "Prometheus' default 30 s `remote_timeout` twice; AWS' own default is 300 s.",
          }),
        ),
        healthCheckCIDRs: Type.Array(Type.String({ pattern: CIDR }), {
          default: [],
          description:
            "Subnets of the NLB (usually the VPC CIDR): its health checks come from the NLB's own addresses and " +
            'must pass the NetworkPolicy. Client addresses are preserved, so writers are allowed by ' +
            '`networkPolicies.remoteWriteCIDRs`.',
        }),
      },
      'The NLB, with `exposure.type: loadBalancer`.',
      { default: {} },
    ),
    gateway: Type.Optional(
      Obj(
        {
          name: DnsLabel('Name of the Gateway the TLSRoute attaches to.'),
          namespace: DnsLabel(
            'Namespace of the Gateway. Its pods are let in by the NetworkPolicy (Istio, NGINX Gateway Fabric and ' +
              "kgateway run a Gateway's proxies in its namespace).",
          ),
          proxyNamespaces: Type.Array(Type.String({ pattern: DNS_LABEL, maxLength: DNS_LABEL_MAX }), {
            ...withDefault({
              default: ['envoy-gateway-system'],
              description:
                "Other namespaces where the Gateway's proxy pods run, also let in by the NetworkPolicy: Envoy " +
                'Gateway runs them in its own namespace, `envoy-gateway-system`, unless its deploy mode is ' +
                "`GatewayNamespace`. Set `[]` when your implementation runs the proxies in the Gateway's namespace.",
            }),
            uniqueItems: true,
          }),
          sectionName: Type.Optional(
            DnsLabel('Listener of the Gateway (a TLS listener in `Passthrough` mode); any listener when unset.'),
          ),
          port: Type.Integer(
            withDefault({
              minimum: 1,
              maximum: 65535,
              default: 443,
              description: 'Port of that listener, used in the writers URL.',
            }),
          ),
          drainSeconds: Type.Integer(
            withDefault({
              minimum: 1,
              maximum: 600,
              default: 20,
              description:
                'How long a router that is going away keeps serving remote-write after Kubernetes removed it from ' +
                "the Service's endpoints (a `preStop` sleep; Thanos closes the remote-write port at once on " +
                'SIGTERM), for the Gateway implementation to stop sending it new connections. How fast that ' +
                'happens, and whether open connections are drained, depends on the implementation: raise it if ' +
                "yours is slow to follow endpoint changes. The router's `terminationGracePeriodSeconds` is this " +
                'plus 120 s.',
            }),
          ),
        },
        'The Gateway, with `exposure.type: gateway`.',
      ),
    ),
  },
  'Exposure of the remote-write endpoint outside the cluster.',
  { default: {} },
);

export const Amp = Obj(
  {
    workspaceId: Type.String({ pattern: AMP_WORKSPACE_ID, description: 'AMP workspace id (`ws-…`).' }),
    region: Type.String({ pattern: AWS_REGION, description: 'Region of the workspace.' }),
    accountId: Type.Optional(
      Type.String({
        pattern: AWS_ACCOUNT_ID,
        description: 'Account of the workspace, for the IAM policy. Default `identity.aws.accountId`.',
      }),
    ),
  },
  'An Amazon Managed Service for Prometheus workspace.',
);

export const Writer = Obj(
  {
    name: DnsLabel('Writer name: its client certificate is `thanos-writer-<name>`, its files `writers/<name>/`.', 40),
    tenant: Type.String({
      pattern: TENANT_ID,
      maxLength: 64,
      description:
        'Tenant the writer writes as: a tenant a hashring names (exactly or by glob), or `receive.defaultTenant`. ' +
        'With certificate tenancy it is the Organization of its certificate.',
    }),
    cluster: DnsLabel('Cluster the Prometheus runs in (documentation, and the `cluster` external label by default).'),
    namespace: Type.String(
      withDefault({
        pattern: DNS_LABEL,
        maxLength: DNS_LABEL_MAX,
        default: 'monitoring',
        description: 'Namespace of the Prometheus in its cluster, where its client Secret must be.',
      }),
    ),
    prometheus: Type.String(
      withDefault({
        pattern: DNS_LABEL,
        maxLength: DNS_LABEL_MAX,
        default: 'k8s',
        description: 'Name of the prometheus-operator `Prometheus` object the remoteWrite entry is for.',
      }),
    ),
    externalLabels: Type.Record(Type.String({ pattern: LABEL_NAME }), Type.String(), {
      default: {},
      additionalProperties: false,
      description:
        'External labels the writer adds to everything it sends (Prometheus label names). Default ' +
        '`{cluster: <cluster>}` when empty.',
    }),
    target: Type.Optional(
      Type.Union([Type.Literal('thanos'), Type.Literal('amp'), Type.Literal('gmp')], {
        description:
          'Where this writer sends: `thanos` (the receive routers, with its client certificate) or `amp` (the ' +
          'workspace in `remoteWrite.amp`, signed with SigV4). Default `remoteWrite.target`. `gmp` is refused: ' +
          'Google Cloud Managed Service for Prometheus ingests through its own collectors, not a documented ' +
          'remote-write endpoint.',
      }),
    ),
    roleArn: Type.Optional(
      Type.String({
        pattern: IAM_ROLE_ARN,
        description:
          'With `target: amp`: the IAM role the writer assumes for SigV4 (`sigv4.role_arn`); the role the ' +
          'emitted `aps:RemoteWrite` policy is for. Without it, the default AWS credentials of the Prometheus pod.',
      }),
    ),
  },
  'A Prometheus server allowed to remote-write.',
);

export const ExternalSecrets = Obj(
  {
    enabled: Type.Boolean(
      withDefault({
        default: false,
        description:
          "Also write, for each writer, an External Secrets `ExternalSecret` for the writer's cluster that copies " +
          'its client certificate Secret there.',
      }),
    ),
    storeKind: Type.Union(
      [Type.Literal('ClusterSecretStore'), Type.Literal('SecretStore')],
      withDefault({
        default: 'ClusterSecretStore',
        description: 'Kind of the secret store in the writer cluster.',
      }),
    ),
    storeName: Type.String(
      withDefault({
        pattern: K8S_NAME,
        default: 'thanos-pki',
        description:
          'Name of that store: for example a `kubernetes` provider store pointing at this environment namespace, ' +
          'where the client Secrets live under their own names.',
      }),
    ),
    refreshInterval: Duration('How often the Secret is refreshed (rotation reaches writers this fast).', '1h'),
  },
  'Getting client Secrets to the writer clusters with External Secrets.',
  { default: {} },
);

export const RemoteWrite = Obj(
  {
    hostname: Type.Optional(
      Type.String({
        pattern: DNS_NAME,
        maxLength: 253,
        description:
          'Public DNS name of the remote-write endpoint (`remote-write.example.com`): in the server certificate and ' +
          'the writers URL. Point it at the NLB or the Gateway. Needed with an exposure.',
      }),
    ),
    mtls: Mtls,
    exposure: Exposure,
    target: Type.Union(
      [Type.Literal('thanos'), Type.Literal('amp')],
      withDefault({
        default: 'thanos',
        description: 'Where writers send unless they say otherwise: `thanos` or `amp`.',
      }),
    ),
    amp: Type.Optional(Amp),
    writers: Type.Array(Writer, {
      default: [],
      description:
        'Prometheus servers allowed to remote-write. Each gets a client certificate and, under ' +
        '`clusters/<env>/writers/<name>/` (not applied by Kustomize), its `prometheus.yml` remote_write fragment and ' +
        'its prometheus-operator remoteWrite entry.',
    }),
    externalSecrets: ExternalSecrets,
  },
  'Remote-write into Thanos Receive: mTLS, exposure and the authorized writers.',
  { default: {} },
);
