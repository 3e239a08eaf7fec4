/** Plain-words descriptions of schema fragments, for error messages ("an integer >= 1"). */
import type { FieldPath } from '@thanos-gitops/problems';
import { MEMCACHED_ITEM_SIZE } from './caches.js';
import {
  ABSOLUTE_PATH,
  ALERTMANAGER_URL,
  AWS_ACCOUNT_ID,
  AWS_REGION,
  AZURE_CONTAINER,
  AZURE_GUID,
  AZURE_RESOURCE_GROUP,
  AZURE_STORAGE_ACCOUNT,
  BYTE_SIZE,
  CIDR,
  DATA_KEY,
  DNS_LABEL,
  DNS_SUBDOMAIN,
  DURATION,
  ENV_VAR_NAME,
  GCP_PROJECT_ID,
  GCP_SA_PREFIX,
  GO_DURATION,
  GRAFANA_FOLDER,
  GRPC_ENDPOINT,
  HOST_PORT,
  HTTP_HEADER,
  HTTP_URL,
  HTTP_URL_NO_FRAGMENT,
  HTTPS_URL,
  IAM_ROLE_PREFIX,
  IMAGE_DIGEST,
  IMAGE_REFERENCE,
  IMAGE_REPOSITORY,
  KMS_KEY,
  KUBERNETES_KIND,
  LABEL_KEY,
  LABEL_NAME,
  LABEL_VALUE,
  OBJECT_PREFIX,
  OIDC_PROVIDER,
  QUANTITY,
  S3_BUCKET,
  TENANT_ID,
  THANOS_FLAG,
  TOLERATION_KEY,
} from './common.js';
import { GIT_BRANCH, GIT_URL, REPO_PATH } from './delivery.js';
import { IMAGE_REGISTRY, IMAGE_TAG } from './images.js';
import { GRAFANA_UID, OTLP_ENDPOINT, URL_PATH } from './observability.js';
import { AMP_WORKSPACE_ID, DNS_NAME, IAM_ROLE_ARN, ISSUER_GROUP, K8S_NAME } from './remote-write.js';
import { TIME_BOUND } from './store-gateway.js';

type Schema = Record<string, unknown>;

/** Every pattern of the schema, in words. A pattern missing here is shown as a regular expression. */
export const PATTERN_WORDS: Readonly<Record<string, string>> = {
  [DNS_LABEL]: "a DNS-1123 label (lower-case letters, digits and '-', starting and ending with a letter or digit)",
  [DNS_SUBDOMAIN]: "a DNS domain such as cluster.local (dot-separated lower-case letters, digits and '-')",
  [DURATION]: 'a duration such as 15d, 6h or 2h30m',
  [QUANTITY]: 'a quantity such as 500m, 2, 512Mi or 50Gi',
  [BYTE_SIZE]: 'a size in bytes with its unit, such as 512Mi, 50Gi or 1G',
  [TIME_BOUND]: 'an RFC 3339 time such as 2024-01-31T00:00:00Z, or a duration relative to now such as -14d',
  [S3_BUCKET]:
    "an S3 bucket name (3 to 63 lower-case letters, digits, '.' and '-', starting and ending with a letter or digit; " +
    "no '..', '.-' or '-.'; not an IP address; no reserved prefix xn--, sthree-, amzn-s3-demo- or suffix -s3alias, " +
    '--ol-s3, .mrap, --x-s3, --table-s3)',
  [KMS_KEY]:
    'a KMS key: a key id such as 1234abcd-12ab-34cd-56ef-1234567890ab or mrk-…, an alias such as alias/thanos, ' +
    'or the ARN of either (arn:aws:kms:<region>:<account>:key/… or :alias/…)',
  [LABEL_KEY]:
    "a Kubernetes label key: an optional DNS prefix and '/' (such as example.com/), then a name of at most 63 " +
    "letters, digits and '-_.', starting and ending with a letter or digit",
  [TOLERATION_KEY]:
    "empty (every taint, with operator Exists) or a Kubernetes label key: an optional DNS prefix and '/', then a " +
    "name of at most 63 letters, digits and '-_.', starting and ending with a letter or digit",
  [LABEL_VALUE]:
    "a Kubernetes label value: empty, or at most 63 letters, digits and '-_.', starting and ending with a letter or digit",
  [HTTP_URL]: 'an http:// or https:// URL, with a port between 1 and 65535 when one is given',
  [HTTP_URL_NO_FRAGMENT]: "an http:// or https:// URL without '#', with a port between 1 and 65535 when one is given",
  [AWS_REGION]: 'an AWS region such as eu-west-1 or us-gov-west-1',
  [AWS_ACCOUNT_ID]: 'a 12-digit AWS account id such as "123456789012"',
  [OIDC_PROVIDER]: 'an OIDC provider without https://, such as oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLE',
  [IAM_ROLE_PREFIX]: "an IAM role name prefix (1 to 40 letters, digits and '+=,.@_-')",
  [GIT_URL]: 'a git URL starting with https://, ssh:// or git@, such as https://github.com/acme/gitops',
  [GIT_BRANCH]: "a git branch name such as main (letters, digits, '.', '_', '-', '/')",
  [REPO_PATH]: "a relative path inside the repository such as clusters (no leading or trailing '/')",
  [GCP_PROJECT_ID]:
    "a Google Cloud project id (6 to 30 lower-case letters, digits and '-', starting with a letter, not ending with '-')",
  [GCP_SA_PREFIX]: "a service account id prefix (2 to 20 lower-case letters, digits and '-', starting with a letter)",
  [AZURE_GUID]: 'a GUID such as 00000000-0000-0000-0000-000000000000',
  [AZURE_STORAGE_ACCOUNT]: 'an Azure storage account name (3 to 24 lower-case letters and digits)',
  [AZURE_CONTAINER]:
    "an Azure container name (3 to 63 lower-case letters, digits and single '-', starting and ending with a letter or digit)",
  [AZURE_RESOURCE_GROUP]: "an Azure resource group name (letters, digits and '-_.()', not ending with '.')",
  [HTTPS_URL]: 'an https:// URL, with a port between 1 and 65535 when one is given',
  [DATA_KEY]: "a Secret key (letters, digits and '-._')",
  [HOST_PORT]: 'a host name with an optional port between 1 and 65535, such as s3.eu-west-1.amazonaws.com:443',
  [OBJECT_PREFIX]: "a key prefix of letters, digits and '._/-'",
  [GRAFANA_FOLDER]: "a relative folder name on one line, not starting with '/' and without a '..' segment",
  [IMAGE_REPOSITORY]: 'an image repository in lower case without tag or digest, such as quay.io/thanos/thanos',
  [IMAGE_DIGEST]: "an image digest: 'sha256:' followed by 64 lower-case hexadecimal digits",
  [IMAGE_REGISTRY]:
    'a registry host with an optional port and path, without scheme, such as registry.example.com/mirror',
  [IMAGE_TAG]: "an image tag (letters, digits and '_.-', at most 128, not starting with '.' or '-')",
  [IMAGE_REFERENCE]:
    'an image in lower case with its tag and optionally a digest, such as grafana/rollout-operator:v0.28.8',
  [CIDR]:
    'a CIDR range: an IPv4 address (octets 0-255, no leading zeros) with a prefix length 0-32 such as 10.0.0.0/16, ' +
    'or an IPv6 address with a prefix length 0-128 such as fd00::/8',
  [KUBERNETES_KIND]: 'a Kubernetes kind such as Deployment',
  [HTTP_HEADER]: "an HTTP header name (letters, digits and '-')",
  [TENANT_ID]: "a tenant id (letters, digits and '_.-')",
  [LABEL_NAME]: "a Prometheus label name (letters, digits and '_', not starting with a digit)",
  [ENV_VAR_NAME]: "an environment variable name (letters, digits and '_', not starting with a digit)",
  [ABSOLUTE_PATH]: "an absolute path (starting with '/')",
  [THANOS_FLAG]: 'a Thanos flag such as --flag=value',
  [GRPC_ENDPOINT]:
    'a gRPC endpoint such as thanos-sidecar.team-a.svc:10901, dns+host:port (port 1-65535) or dnssrv+_grpc._tcp.host',
  [MEMCACHED_ITEM_SIZE]: 'a memcached size such as 512k or 5m',
  [OTLP_ENDPOINT]: 'a host and port 1-65535 without scheme, such as otel-collector.observability.svc:4317',
  [URL_PATH]: "an HTTP path starting with '/', such as /v1/traces",
  [GRAFANA_UID]: "a Grafana uid (1 to 40 letters, digits, '_' and '-')",
  [DNS_NAME]:
    'a fully qualified DNS name such as remote-write.example.com (lower case, at least two labels of at most 63 ' +
    'characters, no trailing dot, the last with a letter: not an IP address)',
  [AMP_WORKSPACE_ID]: "an AMP workspace id: 'ws-' followed by a lower-case UUID",
  [IAM_ROLE_ARN]: 'an IAM role ARN such as arn:aws:iam::123456789012:role/prometheus',
  [GO_DURATION]: 'a duration in hours, minutes and seconds such as 2160h or 90m',
  [K8S_NAME]: "a Kubernetes object name (lower-case letters, digits, '-' and '.')",
  [ISSUER_GROUP]: 'an API group such as cert-manager.io',
  [ALERTMANAGER_URL]:
    'an Alertmanager URL such as http://alertmanager.monitoring.svc:9093 (port 1-65535), optionally prefixed with ' +
    'dns+ or dnssrv+',
};

/** Words for families of patterns that have no entry of their own. */
const PATTERN_FAMILIES: readonly [RegExp, string][] = [[/^\^https\?:\/\//, 'an http:// or https:// URL']];

function patternWords(pattern: string): string {
  const family = PATTERN_FAMILIES.find(([re]) => re.test(pattern));
  return PATTERN_WORDS[pattern] ?? family?.[1] ?? `a string matching /${pattern}/`;
}

/** The schema that governs a path of the document, walking properties, items and records. */
export function schemaAt(root: unknown, path: FieldPath): Schema | undefined {
  let cur = root as Schema | undefined;
  for (const part of path) {
    if (!cur) return undefined;
    const props = cur.properties as Record<string, Schema> | undefined;
    if (typeof part === 'string' && props?.[part]) cur = props[part];
    else if (typeof part === 'number' && cur.items) cur = cur.items as Schema;
    else if (cur.patternProperties) cur = Object.values(cur.patternProperties as Record<string, Schema>)[0];
    else if (typeof cur.additionalProperties === 'object') cur = cur.additionalProperties as Schema;
    else return undefined;
  }
  return cur;
}

export function describeSchema(schema: Schema | undefined): string {
  if (!schema) return 'a known field';
  if ('const' in schema) return JSON.stringify(schema.const);
  const anyOf = schema.anyOf as Schema[] | undefined;
  if (anyOf?.every((s) => 'const' in s)) return `one of ${anyOf.map((s) => JSON.stringify(s.const)).join(', ')}`;
  if (anyOf) return anyOf.map(describeSchema).join(' or ');
  switch (schema.type) {
    case 'integer':
    case 'number':
      return numberWords(schema);
    case 'boolean':
      return 'true or false';
    case 'array':
      return listWords(schema);
    case 'object':
      return mappingWords(schema);
    case 'string':
      return stringWords(schema);
    default:
      return 'a value';
  }
}

/** The fields a mapping must have, in words ("name, cluster and objectStorage"); empty when none. */
export function requiredWords(schema: Schema | undefined): string {
  const required = (schema?.required as string[] | undefined) ?? [];
  if (required.length <= 1) return required.join('');
  return `${required.slice(0, -1).join(', ')} and ${required.at(-1)}`;
}

function mappingWords(s: Schema): string {
  const required = requiredWords(s);
  return required ? `a mapping with ${required}` : 'a mapping';
}

function numberWords(s: Schema): string {
  const noun = s.type === 'integer' ? 'an integer' : 'a number';
  const min = s.minimum as number | undefined;
  const max = s.maximum as number | undefined;
  if (min !== undefined && max !== undefined) return `${noun} between ${min} and ${max}`;
  if (min !== undefined) return `${noun} >= ${min}`;
  if (max !== undefined) return `${noun} <= ${max}`;
  return noun;
}

function listWords(s: Schema): string {
  const min = s.minItems as number | undefined;
  const size = min ? ` of at least ${min} item${min > 1 ? 's' : ''}` : '';
  return `a list${size}${s.items ? `, each ${describeSchema(s.items as Schema)}` : ''}`;
}

function stringWords(s: Schema): string {
  const pattern = s.pattern as string | undefined;
  let words = pattern ? patternWords(pattern) : 'a string';
  const max = s.maxLength as number | undefined;
  const min = s.minLength as number | undefined;
  if (max !== undefined) words += ` of at most ${max} characters`;
  else if (min !== undefined && min > 0 && !pattern) words += ' (not empty)';
  return words;
}
