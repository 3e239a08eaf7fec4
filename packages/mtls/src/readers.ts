/**
 * The readers' side: the exposure of the read entry point (`thanos-query-readers`) and, for each reader, the files
 * for its cluster under `clusters/<env>/readers/<name>/` (not applied by Kustomize):
 *
 * - `grafana-datasource.yaml`: a Grafana provisioning file with a Prometheus datasource on the readers' URL,
 *   TLS client authentication with the files of the reader's client certificate Secret (read by Grafana's
 *   `$__file{}` expansion at start-up: no key material in the file);
 * - `external-secret.yaml` (with `remoteWrite.externalSecrets.enabled`): an ExternalSecret copying the client
 *   Secret into the reader's namespace, as for writers.
 *
 * Exposure is TLS passthrough, as for remote-write: Thanos checks the client certificate itself.
 */
import { ExternalSecret } from '@kubernetes-models/external-secrets/external-secrets.io/v1/ExternalSecret';
import { TLSRoute } from '@kubernetes-models/gateway-api/gateway.networking.k8s.io/v1/TLSRoute';
import { type KubeObject, type Manifest, manifestYaml, selectorLabels, yamlText } from '@thanos-gitops/manifests';
import { names, PORTS, READERS, readersOn, readersUrl } from '@thanos-gitops/model';
import { generatedHeader } from '@thanos-gitops/output';
import type { Environment } from '@thanos-gitops/schema';
import { Service } from 'kubernetes-models/v1/Service';
import { nlbAnnotations } from './exposure.js';
import { FOLDER, pkiNames, READERS_FOLDER } from './names.js';
import { pkiLabels } from './pki.js';
import type { WriterFiles } from './writers.js';

type Reader = Environment['readers']['clients'][number];

/** The read entry point's pods (the labels its Deployment gives them). */
function readersSelector(env: Environment): Record<string, string> {
  return selectorLabels({ name: names.query, instance: READERS.query, component: '', version: env.thanos.version });
}

/** The NLB's annotations: the remote-write ones, with the readers' scheme. */
function readersNlbAnnotations(env: Environment): Record<string, string> {
  return {
    ...nlbAnnotations(env),
    'service.beta.kubernetes.io/aws-load-balancer-scheme': env.readers.exposure.scheme,
  };
}

/** The NLB Service or the TLSRoute of the read entry point, with an exposure. */
export function readersExposureManifests(env: Environment): Manifest[] {
  const r = env.readers;
  const e = r.exposure;
  if (!readersOn(env) || e.type === 'none' || !r.hostname) return [];
  const labels = pkiLabels(env, 'read-exposure');
  if (e.type === 'loadBalancer') {
    const object = new Service({
      metadata: { name: READERS.external, namespace: env.namespace, labels, annotations: readersNlbAnnotations(env) },
      spec: {
        type: 'LoadBalancer',
        loadBalancerClass: 'service.k8s.aws/nlb',
        allocateLoadBalancerNodePorts: false,
        loadBalancerSourceRanges: [...e.sourceCIDRs],
        selector: readersSelector(env),
        ports: [{ name: 'https', port: e.port, targetPort: 'http', protocol: 'TCP' }],
      },
    });
    return [{ component: FOLDER, object }];
  }
  const g = e.gateway;
  if (!g) return [];
  const object = new TLSRoute({
    metadata: { name: READERS.query, namespace: env.namespace, labels },
    spec: {
      parentRefs: [
        {
          group: 'gateway.networking.k8s.io',
          kind: 'Gateway',
          name: g.name,
          namespace: g.namespace,
          ...(g.sectionName ? { sectionName: g.sectionName } : {}),
        },
      ],
      hostnames: [r.hostname],
      rules: [{ backendRefs: [{ group: '', kind: 'Service', name: READERS.query, port: PORTS.http }] }],
    },
  });
  return [{ component: FOLDER, object }];
}

/** Where the reader's Grafana mounts its client Secret (a `extraSecretMounts` entry of the Grafana chart). */
export function readerSecretDir(r: Reader): string {
  return `/etc/grafana/secrets/${pkiNames.readerSecret(r.name)}`;
}

/** The Grafana provisioning file of a reader: one Prometheus datasource, TLS client auth from files. */
export function grafanaDatasource(env: Environment, r: Reader): Record<string, unknown> {
  const dir = readerSecretDir(r);
  const host = env.readers.exposure.type !== 'none' && env.readers.hostname;
  return {
    apiVersion: 1,
    datasources: [
      {
        name: `Thanos ${env.name} (${r.tenant})`,
        uid: `thanos-${env.name}-${r.name}`.slice(0, 40),
        type: 'prometheus',
        access: 'proxy',
        url: readersUrl(env),
        jsonData: {
          tlsAuth: true,
          tlsAuthWithCACert: true,
          ...(host ? {} : { serverName: `${READERS.query}.${env.namespace}.svc` }),
          prometheusType: 'Thanos',
          httpMethod: 'POST',
        },
        secureJsonData: {
          tlsCACert: `$__file{${dir}/ca.crt}`,
          tlsClientCert: `$__file{${dir}/tls.crt}`,
          tlsClientKey: `$__file{${dir}/tls.key}`,
        },
        editable: false,
      },
    ],
  };
}

/** An ExternalSecret that copies the reader's client Secret into its namespace. */
export function readerExternalSecret(env: Environment, r: Reader): ExternalSecret {
  const es = env.remoteWrite.externalSecrets;
  const secret = pkiNames.readerSecret(r.name);
  return new ExternalSecret({
    metadata: { name: secret, namespace: r.namespace, labels: pkiLabels(env, 'read-client') },
    spec: {
      refreshInterval: es.refreshInterval,
      secretStoreRef: { kind: es.storeKind, name: es.storeName },
      target: { name: secret, creationPolicy: 'Owner' },
      dataFrom: [{ extract: { key: secret } }],
    },
  });
}

/** Every reader's files, beside the writers' (same shape: paths to text, objects to validate). */
export function readerFiles(env: Environment, environmentFile: string): WriterFiles {
  const files = new Map<string, string>();
  const objects: KubeObject[] = [];
  if (!readersOn(env)) return { files, objects };
  const header = generatedHeader(environmentFile);
  for (const r of env.readers.clients) {
    const dir = `${READERS_FOLDER}/${r.name}`;
    const intro = [
      header,
      `# Grafana "${r.name}" (cluster ${r.cluster}) reads tenant ${r.tenant} of Thanos ${env.name}.`,
      '# A Grafana provisioning file (provisioning/datasources/); this file is not applied by Kustomize.',
      `# Mount Secret ${pkiNames.readerSecret(r.name)} (ca.crt, tls.crt, tls.key), issued in namespace`,
      `# ${env.namespace} of cluster ${env.cluster.name}, at ${readerSecretDir(r)}.`,
    ].join('\n');
    files.set(`${dir}/grafana-datasource.yaml`, `${intro}\n${yamlText(grafanaDatasource(env, r))}`);
    if (env.remoteWrite.externalSecrets.enabled) {
      const es = readerExternalSecret(env, r);
      objects.push(es);
      files.set(`${dir}/external-secret.yaml`, manifestYaml(es, environmentFile));
    }
  }
  return { files, objects };
}
