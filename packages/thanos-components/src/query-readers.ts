/**
 * The read entry point of readers outside the namespace (`readers.clients`): a second Query Deployment over the
 * same endpoint file, `thanos-query-readers`, whose HTTP server requires a client certificate of the readers' CA
 * (`--http.config`, `client_auth_type: RequireAndVerifyClientCert`), takes the tenant from the certificate's
 * Organization (`--query.tenant-certificate-field`) and enforces it (`--query.enforce-tenancy`: a
 * `<tenant label>="<tenant>"` matcher on every query, series and label request). The in-cluster Query, the
 * frontend and the ruler stay as they are: the ruler's query client can send no tenant, and the frontend keys
 * its results cache by a header, not by the certificate, so neither can sit behind enforced tenancy.
 *
 * Its pods carry Query's name label, so Query's NetworkPolicy (egress to the StoreAPIs) covers them; a policy of
 * their own lets the readers in. The kubelet cannot present a client certificate: the probes are TCP.
 */
import { type Manifest, selectorLabels, yamlText } from '@thanos-gitops/manifests';
import { componentRecord, names, PORTS, READERS, readersOn } from '@thanos-gitops/model';
import type { Environment } from '@thanos-gitops/schema';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import type { RenderContext } from './context.js';
import { contentHash } from './hash.js';
import { metadata, service } from './objects.js';
import { componentLabels, HTTP_PORT, thanosPodTemplate } from './pod.js';
import { ENDPOINTS_DIR, queryArgs } from './query.js';
import { deployment } from './workloads.js';

const QUERY = componentRecord('query');
const NAMESPACE_NAME = 'kubernetes.io/metadata.name';

/** The web configuration of `--http.config`: TLS with a client certificate of the readers' CA, required. */
export function readersWebConfig(env: Environment): Record<string, unknown> {
  const dir = READERS.tlsDir;
  return {
    tls_server_config: {
      cert_file: `${dir}/tls.crt`,
      key_file: `${dir}/tls.key`,
      client_ca_file: `${dir}/ca.crt`,
      client_auth_type: 'RequireAndVerifyClientCert',
      min_version: env.remoteWrite.mtls.minVersion === '1.3' ? 'TLS13' : 'TLS12',
    },
  };
}

/** The readers' Query flags beyond Query's own. */
export function readersArgs(env: Environment): string[] {
  return [
    `--http.config=${READERS.webDir}/${READERS.webConfigFile}`,
    '--query.tenant-certificate-field=organization',
    '--query.enforce-tenancy',
    `--query.tenant-label-name=${env.receive.tenantLabel}`,
  ];
}

/** Who may open a connection to the read entry point: readers' addresses, or the Gateway's proxies. */
export function readersPeers(env: Environment): Record<string, unknown>[] {
  const e = env.readers.exposure;
  const peers: Record<string, unknown>[] = e.sourceCIDRs.map((cidr) => ({ ipBlock: { cidr } }));
  if (e.type === 'gateway' && e.gateway) {
    for (const ns of [...new Set([e.gateway.namespace, ...e.gateway.proxyNamespaces])]) {
      peers.push({ namespaceSelector: { matchLabels: { [NAMESPACE_NAME]: ns } } });
    }
  }
  return peers;
}

function readersPolicy(env: Environment, labels: ReturnType<typeof componentLabels>): NetworkPolicy {
  const peers = readersPeers(env);
  return new NetworkPolicy({
    metadata: metadata(env, READERS.query, labels),
    spec: {
      podSelector: { matchLabels: selectorLabels(labels) },
      policyTypes: ['Ingress'],
      ingress: peers.length > 0 ? [{ from: peers, ports: [{ protocol: 'TCP', port: PORTS.http }] }] : [],
    },
  });
}

export function queryReaders(ctx: RenderContext): Manifest[] {
  const { env } = ctx;
  if (!readersOn(env)) return [];
  const labels = componentLabels(QUERY, READERS.query, env);
  const web = yamlText(readersWebConfig(env));
  const template = thanosPodTemplate({
    ctx,
    component: QUERY.kind,
    labels,
    options: env.query,
    optionsPath: ['query'],
    command: 'query',
    args: [...queryArgs(env.query), ...readersArgs(env)],
    ports: [HTTP_PORT],
    volumes: [
      { name: 'endpoints', configMap: { name: names.endpointsConfig } },
      { name: 'readers-tls', secret: { secretName: READERS.serverSecret, defaultMode: 0o440 } },
      { name: 'web-config', configMap: { name: READERS.webConfig } },
    ],
    mounts: [
      { name: 'endpoints', mountPath: ENDPOINTS_DIR, readOnly: true },
      { name: 'readers-tls', mountPath: READERS.tlsDir, readOnly: true },
      { name: 'web-config', mountPath: READERS.webDir, readOnly: true },
    ],
    rolloutAnnotations: { 'thanos-gitops/web-config-hash': contentHash(web) },
    serviceAccountName: QUERY.app,
    tcpProbes: true,
  });
  const folder = QUERY.folder;
  const out: Manifest[] = [
    {
      component: folder,
      object: new ConfigMap({
        metadata: metadata(env, READERS.webConfig, labels),
        data: { [READERS.webConfigFile]: web },
      }),
    },
    deployment(ctx, { folder, name: READERS.query, labels, replicas: env.readers.replicas, template }),
    service(ctx, {
      folder,
      name: READERS.query,
      labels,
      ports: [{ name: 'https', port: PORTS.http, targetPort: 'http' }],
    }),
  ];
  if (env.networkPolicies.enabled) out.push({ component: folder, object: readersPolicy(env, labels) });
  return out;
}
