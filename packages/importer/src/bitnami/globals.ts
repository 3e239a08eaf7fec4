/** The chart's top-level settings (image, cluster domain, labels, HTTP auth, network policies) and what is left. */
import { DEFAULT_THANOS_VERSION } from '@thanos-gitops/schema';
import type { Values } from './values.js';

const COMPONENTS = ['query', 'queryFrontend', 'storegateway', 'compactor', 'ruler', 'receive', 'bucketweb'];
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

function version(v: Values): void {
  const tag = v.str('image.tag');
  const old = tag === undefined ? undefined : /^v?([0-9]+\.[0-9]+\.[0-9]+)/.exec(tag)?.[1];
  v.add(
    'version',
    'image.tag',
    `${old ? `Thanos ${old}` : `\`${tag ?? "the chart's default"}\``} (the chart's image) becomes ${DEFAULT_THANOS_VERSION} (quay.io/thanos/thanos): read the release notes in between (docs/upgrade-thanos.md)`,
    'thanos.version',
  );
  v.touch('image');
  for (const key of ['image.registry', 'image.repository', 'image.digest']) {
    if (v.has(key)) {
      v.add(
        'ignored',
        key,
        "the environment runs the upstream image (`thanos.image`, quay.io/thanos/thanos): Bitnami's images stopped at 0.39.2",
      );
    }
  }
}

function clusterName(v: Values, name: string): string {
  const given = v.str('ruler.clusterName');
  if (given !== undefined && DNS_LABEL.test(given)) {
    v.add(
      'mapped',
      'ruler.clusterName',
      'kept: the ruler labels its series `ruler_cluster` with the cluster name',
      'cluster.name',
    );
    return given;
  }
  v.add(
    'needs-person',
    'cluster.name',
    `the values do not name the cluster: \`${name}\` is written; set the real name (it goes into names and labels)`,
    'cluster.name',
  );
  return name;
}

function networkPolicies(v: Values): void {
  const off = COMPONENTS.filter((c) => v.get(`${c}.networkPolicy.enabled`) === false);
  for (const c of COMPONENTS) v.touch(`${c}.networkPolicy`);
  v.add(
    'default-differs',
    off.length > 0 ? `${off[0]}.networkPolicy.enabled` : 'networkPolicy',
    `the namespace is default-denied and each component allowed exactly its flows${off.length > 0 ? ` (the chart's policies were off for ${off.join(', ')})` : ''}: clients outside the namespace other than Prometheus (Grafana, writers) need \`networkPolicies\` settings`,
    'networkPolicies',
  );
}

function httpAuth(v: Values): void {
  for (const key of ['https.enabled', 'auth.basicAuthUsers', 'httpConfig', 'existingHttpConfigSecret']) {
    if (!v.has(key) || v.get(key) === false) continue;
    v.add(
      'needs-person',
      key,
      'HTTP TLS or basic auth on the HTTP ports is not modelled: put an authenticating proxy or Ingress in front of the query frontend',
    );
  }
  v.touch('https', 'auth', 'httpConfig', 'existingHttpConfigSecret');
}

/** The environment's `cluster`, `labels` and such, from the chart's top-level keys. */
export function mapGlobals(
  v: Values,
  name: string,
): { cluster: Record<string, unknown>; domain: string; top: Record<string, unknown> } {
  version(v);
  const domain = v.str('clusterDomain') ?? 'cluster.local';
  if (v.has('clusterDomain')) v.add('mapped', 'clusterDomain', 'kept', 'cluster.domain');
  const cluster: Record<string, unknown> = {
    name: clusterName(v, name),
    ...(domain === 'cluster.local' ? {} : { domain }),
  };
  const top: Record<string, unknown> = {};
  const labels = v.obj('commonLabels');
  if (labels && Object.keys(labels).length > 0) {
    top.labels = labels;
    v.add('mapped', 'commonLabels', 'kept on every object (never in selectors)', 'labels');
  }
  networkPolicies(v);
  httpAuth(v);
  if (v.has('minio.enabled') && v.get('minio.enabled') === true) {
    v.add(
      'needs-person',
      'minio.enabled',
      "the chart's bundled MinIO is not part of the environment: it holds the bucket, so keep it running (its own release, or leave its objects when uninstalling)",
    );
  }
  v.touch('minio', 'global', 'kubeVersion', 'commonAnnotations', 'extraDeploy', 'volumePermissions');
  return { cluster, domain, top };
}

const REASONS: [RegExp, string][] = [
  [
    /\.(podSecurityContext|containerSecurityContext)\b/,
    'the project sets the Pod Security `restricted` context itself',
  ],
  [
    /\.(livenessProbe|readinessProbe|startupProbe|customLivenessProbe|customReadinessProbe|customStartupProbe)\b/,
    "the project's probes",
  ],
  [/\.(service|serviceGrpc)\./, "the Services are generated (names and ports in the environment's README)"],
  [/\.pdb\./, "the project writes its PodDisruptionBudgets (the ingestors' from the write quorum)"],
  [/\.(autoscaling|externalAutoscaler)\b/, 'autoscaling is not carried over (Query has `query.autoscaling`)'],
  [
    /\.(podAffinityPreset|podAntiAffinityPreset|nodeAffinityPreset|affinity|topologySpreadConstraints)\b/,
    'the project spreads pods over nodes and zones itself; use `nodeSelector` and `tolerations` to place them',
  ],
  [
    /\.(updateStrategy|podManagementPolicy|revisionHistoryLimit|minReadySeconds)\b/,
    'the project decides how workloads roll',
  ],
  [/\.logFormat$/, 'the project logs in logfmt'],
  [/\.containerPorts\./, "the project uses Thanos' standard ports"],
  [
    /\.(rbac|pspEnabled|automountServiceAccountToken|serviceAccount)\b/,
    'the project writes the ServiceAccounts (and mounts no token where none is needed)',
  ],
  [/\.(ingress|httpRoute)\./, 'no Ingress or HTTPRoute is made'],
];

/** Every key the mapping did not read: ignored, with the reason when a known kind of key, else "not modelled". */
export function leftovers(v: Values): void {
  for (const { path, read } of v.unreported()) {
    const known = REASONS.find(([re]) => re.test(path))?.[1];
    const reason =
      known ??
      (read
        ? 'read with its section: the environment decides it (a component not deployed, or a setting the project makes itself)'
        : 'not modelled by thanos-gitops: review it, and carry it in a patch if you need it');
    v.add('ignored', path, reason);
  }
}
