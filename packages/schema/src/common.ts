/**
 * Building blocks shared by every section of the environment schema: names, durations,
 * quantities and the knobs every workload has. Each option carries its documentation in
 * `description`, which becomes the hover text in editors through the exported JSON Schema.
 */
import { type TSchema, Type } from '@sinclair/typebox';
import { DNS_LABEL_MAX } from '@thanos-gitops/catalog';

/** A DNS-1123 label (lower-case alphanumerics and '-', starting and ending alphanumeric). */
export const DNS_LABEL = '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$';
/** A Prometheus/Thanos duration such as `15d`, `2h30m` or `0d`. */
export const DURATION = '^(0|([0-9]+y)?([0-9]+w)?([0-9]+d)?([0-9]+h)?([0-9]+m)?([0-9]+s)?([0-9]+ms)?)$';
/** A Go duration in hours, minutes and seconds (`2160h`, `90m`), as cert-manager and Flux take them. */
export const GO_DURATION = '^([0-9]+h)?([0-9]+m)?([0-9]+s)?$';
/** A Kubernetes resource quantity such as `500m`, `2`, `512Mi`, `50Gi`. */
export const QUANTITY = '^[0-9]+(\\.[0-9]+)?(m|k|M|G|T|P|Ki|Mi|Gi|Ti|Pi)?$';
/**
 * A size in bytes with its unit (`512Mi`, `50Gi`, `1G`): a bare number is a valid quantity, but as a volume or a
 * memory size it means bytes (`storage: 100` would be a 100-byte volume), so sizes take a unit.
 */
export const BYTE_SIZE = '^[0-9]+(\\.[0-9]+)?(k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)$';
/** A DNS-1123 subdomain: dot-separated DNS labels (`cluster.local`). */
export const DNS_SUBDOMAIN = '^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$';
/**
 * An S3 bucket name, by AWS's general-purpose bucket rules: 3-63 lower-case letters, digits, dots and hyphens,
 * starting and ending with a letter or digit; no `..`, `.-` or `-.`; not shaped like an IPv4 address; none of the
 * reserved prefixes (`xn--`, `sthree-`, `amzn-s3-demo-`) or suffixes (`-s3alias`, `--ol-s3`, `.mrap`, `--x-s3`,
 * `--table-s3`).
 */
export const S3_BUCKET =
  '^(?!xn--|sthree-|amzn-s3-demo-)(?!.*(?:-s3alias|--ol-s3|\\.mrap|--x-s3|--table-s3)$)(?!.*(?:\\.\\.|\\.-|-\\.))' +
  '(?![0-9]+\\.[0-9]+\\.[0-9]+\\.[0-9]+$)[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$';
const KMS_KEY_ID = '(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32})';
const KMS_ALIAS = 'alias/[A-Za-z0-9/_-]{1,250}';
/** A KMS key: key id (UUID or `mrk-…`), key ARN, alias name (`alias/…`) or alias ARN. */
export const KMS_KEY =
  `^(?:${KMS_KEY_ID}|${KMS_ALIAS}|arn:aws(?:-cn|-us-gov|-iso|-iso-b)?:kms:[a-z]{2}(?:-gov|-iso|-isob)?-[a-z]+-[0-9]:` +
  `[0-9]{12}:(?:key/${KMS_KEY_ID}|${KMS_ALIAS}))$`;
/** An AWS region such as `eu-west-1` or `us-gov-west-1`. */
export const AWS_REGION = '^[a-z]{2}(-gov)?-[a-z]+-[0-9]$';
/** An AWS account id: 12 digits. */
export const AWS_ACCOUNT_ID = '^[0-9]{12}$';
/** An OIDC provider host and path, without `https://`. */
export const OIDC_PROVIDER = '^[a-z0-9.-]+(/[A-Za-z0-9._-]+)*$';
/** A prefix of IAM role names. */
export const IAM_ROLE_PREFIX = '^[A-Za-z0-9+=,.@_-]{1,40}$';
/** A TCP port, 1-65535, as digits without leading zeros (a fragment, for other patterns). */
export const PORT = '(?:[1-9][0-9]{0,3}|[1-5][0-9]{4}|6[0-4][0-9]{3}|65[0-4][0-9]{2}|655[0-2][0-9]|6553[0-5])';
/** A host name with an optional port 1-65535 (`s3.eu-west-1.amazonaws.com:443`). */
export const HOST_PORT = `^[a-z0-9.-]+(:${PORT})?$`;
/** An http(s) URL whose port, when given, is 1-65535. */
export const HTTP_URL = `^https?://[^\\s/:?#@]+(:${PORT})?([/?#][^\\s]*)?$`;
/** An http(s) URL without a fragment (something is appended after `#`). */
export const HTTP_URL_NO_FRAGMENT = `^https?://[^\\s/:?#@]+(:${PORT})?([/?][^\\s#]*)?$`;
/** A Google Cloud project id: 6-30 lower-case letters, digits and hyphens, starting with a letter. */
export const GCP_PROJECT_ID = '^[a-z][a-z0-9-]{4,28}[a-z0-9]$';
/** A prefix of Google service account ids (the whole id is 6-30 characters). */
export const GCP_SA_PREFIX = '^[a-z][a-z0-9-]{0,18}[a-z0-9]$';
/** A GUID, as Azure writes tenant, subscription and client ids. */
export const AZURE_GUID = '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$';
/** An Azure storage account name: 3-24 lower-case letters and digits. */
export const AZURE_STORAGE_ACCOUNT = '^[a-z0-9]{3,24}$';
/** An Azure blob container name: 3-63 lower-case letters, digits and single hyphens. */
export const AZURE_CONTAINER = '^[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]$';
/** An Azure resource group name. */
export const AZURE_RESOURCE_GROUP = '^[-\\w._()]{1,89}[-\\w_()]$';
/** A key of a Secret or ConfigMap. */
export const DATA_KEY = '^[-._a-zA-Z0-9]+$';
/** An https:// URL whose port, when given, is 1-65535. */
export const HTTPS_URL = `^https://[^\\s/:?#@]+(:${PORT})?([/?#][^\\s]*)?$`;
/**
 * A Grafana folder: a relative name (the dashboard sidecar writes the files under it), with no `..` segment and
 * no line break; `/` nests folders.
 */
export const GRAFANA_FOLDER = '^(?!/)(?!(?:.*/)?\\.\\.(?:/|$))[^\\n\\r]+$';
/** A key prefix inside a bucket. */
export const OBJECT_PREFIX = '^[A-Za-z0-9._/-]+$';
/** A container image repository without tag (`quay.io/thanos/thanos`). */
export const IMAGE_REPOSITORY = '^[a-z0-9]+([._-][a-z0-9]+)*(:[0-9]+)?(/[a-z0-9]+([._-][a-z0-9]+)*)*$';
/** A sha256 image digest. */
export const IMAGE_DIGEST = '^sha256:[a-f0-9]{64}$';
/** A container image with its tag and optionally a digest (`grafana/rollout-operator:v0.28.8`). */
export const IMAGE_REFERENCE =
  '^[a-z0-9]+([._-][a-z0-9]+)*(:[0-9]+)?(/[a-z0-9]+([._-][a-z0-9]+)*)*:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}(@sha256:[a-f0-9]{64})?$';
const OCTET = '(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])';
const H16 = '[0-9a-fA-F]{1,4}';
const IPV6 =
  `(?:(?:${H16}:){7}${H16}|(?:${H16}:){1,7}:|(?:${H16}:){1,6}:${H16}|(?:${H16}:){1,5}(?::${H16}){1,2}|` +
  `(?:${H16}:){1,4}(?::${H16}){1,3}|(?:${H16}:){1,3}(?::${H16}){1,4}|(?:${H16}:){1,2}(?::${H16}){1,5}|` +
  `${H16}:(?::${H16}){1,6}|:(?:(?::${H16}){1,7}|:))`;
/**
 * A CIDR range: an IPv4 address (four decimal octets 0-255, no leading zeros) with a prefix length 0-32, or an
 * IPv6 address with a prefix length 0-128 (`10.0.0.0/16`, `fd00::/8`).
 */
export const CIDR = `^(?:${OCTET}(?:\\.${OCTET}){3}/(?:3[0-2]|[12]?[0-9])|${IPV6}/(?:12[0-8]|1[01][0-9]|[1-9]?[0-9]))$`;
/** A Kubernetes kind (`Deployment`). */
export const KUBERNETES_KIND = '^[A-Z][A-Za-z]+$';
/** An HTTP header name. */
export const HTTP_HEADER = '^[A-Za-z0-9-]+$';
/** A tenant id. */
export const TENANT_ID = '^[A-Za-z0-9_.-]+$';
/** A Prometheus label name. */
export const LABEL_NAME = '^[a-zA-Z_][a-zA-Z0-9_]*$';
/** An environment variable name. */
export const ENV_VAR_NAME = '^[A-Za-z_][A-Za-z0-9_]*$';
/** An absolute path. */
export const ABSOLUTE_PATH = '^/';
/** A Thanos command-line flag, with its value (`--flag=value`). */
export const THANOS_FLAG = '^--[a-z0-9][a-z0-9.\\-_]*(=.*)?$';
/** An Alertmanager URL, optionally with a `dns+` or `dnssrv+` prefix; a port, when given, is 1-65535. */
export const ALERTMANAGER_URL = `^(dnssrv\\+|dns\\+)?https?://[^\\s/:?#@]+(:${PORT})?([/?#][^\\s]*)?$`;
/** The name part of a label key: at most 63 letters, digits and `-_.`, starting and ending alphanumeric. */
const QUALIFIED_NAME = '[A-Za-z0-9](?:[-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?';
const LABEL_KEY_BODY = `(?:(?=[a-z0-9.-]{1,253}/)[a-z0-9](?:[-a-z0-9]*[a-z0-9])?(?:\\.[a-z0-9](?:[-a-z0-9]*[a-z0-9])?)*/)?${QUALIFIED_NAME}`;
/**
 * A Kubernetes label or annotation key: an optional DNS-subdomain prefix of at most 253 characters and `/`,
 * then a name of at most 63 letters, digits and `-_.`, starting and ending with a letter or digit.
 */
export const LABEL_KEY = `^${LABEL_KEY_BODY}$`;
/** A toleration key: empty (every taint, with operator Exists) or a label key. */
export const TOLERATION_KEY = `^(?:${LABEL_KEY_BODY})?$`;
/** A Kubernetes label value: empty, or at most 63 letters, digits and `-_.`, starting and ending alphanumeric. */
export const LABEL_VALUE = `^(?:${QUALIFIED_NAME})?$`;
/** Longest string accepted anywhere in an environment file (a Kustomize patch is the longest legitimate one). */
export const MAX_STRING_LENGTH = 65_536;
/** Most entries in one mapping or list of an environment file. */
export const MAX_COLLECTION_SIZE = 1_000;
/** A gRPC endpoint of Query: `host:port`, `dns+host:port` (port 1-65535) or `dnssrv+_grpc._tcp.host`. */
export const GRPC_ENDPOINT = `^((dns\\+)?[a-z0-9]([-a-z0-9.]*[a-z0-9])?:${PORT}|dnssrv\\+(_[a-z0-9-]+\\.)+[a-z0-9]([-a-z0-9.]*[a-z0-9])?)$`;

export const DnsLabel = (description: string, maxLength = DNS_LABEL_MAX) =>
  Type.String({ pattern: DNS_LABEL, minLength: 1, maxLength, description });

/**
 * The sentence that states a default at the end of an option's description, made from the `default` keyword
 * itself: numbers and booleans as they are (`Default 1.`), strings in code (``Default `15d`.``), lists of strings
 * as a YAML flow list (``Default `[a, b]`.``); `note` follows the value (``Default `720h` (30 days).``).
 */
export function defaultSentence(value: string | number | boolean | readonly string[], note?: string): string {
  const words =
    typeof value === 'string' ? `\`${value}\`` : Array.isArray(value) ? `\`[${value.join(', ')}]\`` : String(value);
  return `Default ${words}${note ? ` ${note}` : ''}.`;
}

/**
 * Schema options with a default: the description gets the sentence `defaultSentence` makes of `default`, so the
 * two cannot disagree. Key order is kept (the JSON Schema lists keys as written). `defaultNote` (not emitted)
 * adds words after the value. The sentence follows a space, or nothing when the description ends in white space.
 */
export function withDefault<
  T extends { default: string | number | boolean | readonly string[]; description: string; defaultNote?: string },
>({ defaultNote, ...options }: T): Omit<T, 'defaultNote'> {
  const space = /\s$/.test(options.description) ? '' : ' ';
  return { ...options, description: `${options.description}${space}${defaultSentence(options.default, defaultNote)}` };
}

export const Duration = (description: string, defaultValue?: string) =>
  Type.String(
    defaultValue === undefined
      ? { pattern: DURATION, minLength: 1, description }
      : withDefault({ pattern: DURATION, minLength: 1, description, default: defaultValue }),
  );

/** A size in bytes, written with its unit (`BYTE_SIZE`). */
export const ByteSize = (description: string, defaultValue?: string) =>
  Type.String(
    defaultValue === undefined
      ? { pattern: BYTE_SIZE, description }
      : withDefault({ pattern: BYTE_SIZE, description, default: defaultValue }),
  );

export const Quantity = (description: string, defaultValue?: string) =>
  Type.String(
    defaultValue === undefined
      ? { pattern: QUANTITY, description }
      : withDefault({ pattern: QUANTITY, description, default: defaultValue }),
  );

/** A strict object: unknown keys are errors. */
export const Obj = <T extends Record<string, TSchema>>(
  properties: T,
  description: string,
  extra: Record<string, unknown> = {},
) => Type.Object(properties, { additionalProperties: false, description, ...extra });

export const StringMap = (description: string) =>
  Type.Record(Type.String({ minLength: 1 }), Type.String(), { description, default: {} });

/** Kubernetes labels (or a node selector): keys and values follow Kubernetes' label rules. */
export const LabelMap = (description: string) =>
  Type.Record(Type.String({ pattern: LABEL_KEY }), Type.String({ pattern: LABEL_VALUE }), {
    description,
    default: {},
    additionalProperties: false,
  });

/** Kubernetes annotations: keys follow the label-key rules; all of an object's annotations fit in 256 KiB. */
export const AnnotationMap = (description: string) =>
  Type.Record(Type.String({ pattern: LABEL_KEY }), Type.String(), {
    description,
    default: {},
    additionalProperties: false,
  });

export const ResourceList = Obj(
  {
    cpu: Type.Optional(Quantity('CPU, in cores or millicores (`500m`).')),
    memory: Type.Optional(ByteSize('Memory, in bytes with a binary suffix (`512Mi`, `2Gi`).')),
  },
  'A set of compute resources.',
);

export const Resources = Obj(
  {
    requests: Type.Optional(ResourceList),
    limits: Type.Optional(ResourceList),
  },
  'Requests and limits of the main container. Unset values come from the environment `size` preset ' +
    '(see `size`). A memory limit is always set; a CPU limit only when given here. A limit below its request ' +
    '(given or from the preset) is an error, as Kubernetes would reject the pod.',
);

export const Toleration = Obj(
  {
    key: Type.Optional(
      Type.String({
        pattern: TOLERATION_KEY,
        description: 'Taint key the toleration applies to; empty (with operator Exists) tolerates every taint.',
      }),
    ),
    operator: Type.Optional(
      Type.Union([Type.Literal('Exists'), Type.Literal('Equal')], {
        description: 'Exists (any value; takes no `value`) or Equal (needs a `key`). Kubernetes defaults to Equal.',
      }),
    ),
    value: Type.Optional(Type.String({ pattern: LABEL_VALUE, description: 'Taint value, with operator Equal only.' })),
    effect: Type.Optional(
      Type.Union([Type.Literal('NoSchedule'), Type.Literal('PreferNoSchedule'), Type.Literal('NoExecute')], {
        description: 'Taint effect to match; empty matches all.',
      }),
    ),
    tolerationSeconds: Type.Optional(
      Type.Integer({ minimum: 0, description: 'With effect NoExecute only: how long the pod stays after the taint.' }),
    ),
  },
  'A Kubernetes toleration.',
);

export const EnvVar = Obj(
  {
    name: Type.String({ pattern: ENV_VAR_NAME, description: 'Variable name.' }),
    value: Type.Optional(
      Type.String({
        description:
          'Literal value, written into Git. Refused for names that carry credentials (`*_PASSWORD`, `*_TOKEN`, ' +
          '`*_SECRET*`, `*_KEY`, `AWS_ACCESS_KEY_ID`, …): use `secretKeyRef` for those.',
      }),
    ),
    secretKeyRef: Type.Optional(
      Obj(
        { name: DnsLabel('Secret name.', 253), key: Type.String({ minLength: 1, description: 'Key in the Secret.' }) },
        'Take the value from a key of a Secret (the Secret is not generated: create it out of band).',
      ),
    ),
  },
  'An extra environment variable: exactly one of `value` or `secretKeyRef`.',
);

export const ExtraVolume = Obj(
  {
    name: DnsLabel(
      'Volume name, unique in the pod: not one of the volumes the generator creates (such as `objstore` or `data`).',
    ),
    mountPath: Type.String({
      pattern: ABSOLUTE_PATH,
      description: 'Absolute path the volume is mounted at; not at, inside or above a path the generator mounts.',
    }),
    readOnly: Type.Boolean(withDefault({ default: true, description: 'Mount read-only.' })),
    configMap: Type.Optional(DnsLabel('Mount this ConfigMap.', 253)),
    secret: Type.Optional(DnsLabel('Mount this Secret.', 253)),
    emptyDir: Type.Optional(Obj({ sizeLimit: Type.Optional(ByteSize('Size limit.')) }, 'A scratch emptyDir.')),
  },
  'An extra volume and its mount in the main container: exactly one of `configMap`, `secret`, `emptyDir`.',
);

/** Where pods may run: every workload, memcached included, accepts these. */
export const schedulingOptions = {
  nodeSelector: Type.Optional(LabelMap('Node labels the pods must run on (Kubernetes label keys and values).')),
  tolerations: Type.Optional(Type.Array(Toleration, { description: 'Tolerations of the pods.' })),
  priorityClassName: Type.Optional(
    Type.String({ pattern: DNS_LABEL, description: 'PriorityClass of the pods (the class is not generated).' }),
  ),
};

/** Knobs every Thanos workload (Deployment or StatefulSet) accepts. */
export const workloadOptions = {
  resources: Type.Optional(Resources),
  ...schedulingOptions,
  podAnnotations: Type.Optional(AnnotationMap('Extra annotations on the pods (Kubernetes annotation keys).')),
  logLevel: Type.Union(
    [Type.Literal('debug'), Type.Literal('info'), Type.Literal('warn'), Type.Literal('error')],
    withDefault({
      default: 'info',
      description: 'Thanos log level (`--log.level`).',
    }),
  ),
  extraArgs: Type.Array(Type.String({ pattern: THANOS_FLAG }), {
    default: [],
    description:
      'Escape hatch: extra Thanos flags (`--flag=value`), appended after the generated ones. Each flag is ' +
      'checked against the pinned Thanos release; a flag the generator already sets is an error, and so is its ' +
      'inline or `-file` twin (`--objstore.config` next to `--objstore.config-file`).',
  }),
  extraEnv: Type.Array(EnvVar, { default: [], description: 'Escape hatch: extra environment variables.' }),
  extraVolumes: Type.Array(ExtraVolume, {
    default: [],
    description: 'Escape hatch: extra volumes mounted into the main container.',
  }),
};

export const Replicas = (description: string, defaultValue: number, minimum = 1) =>
  Type.Integer(withDefault({ minimum, maximum: 100, default: defaultValue, description }));

export const Storage = {
  storage: ByteSize('Size of the persistent volume of each pod.', '10Gi'),
  storageClass: Type.Optional(
    Type.String({
      pattern: DNS_LABEL,
      description: 'StorageClass of the persistent volume; the cluster default when unset.',
    }),
  ),
};
