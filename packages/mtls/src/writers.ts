/**
 * What each authorized writer (a Prometheus server, usually in another cluster) needs, written under
 * `clusters/<env>/writers/<writer>/`, outside what Kustomize applies (those files are for the writer's cluster):
 *
 * - `prometheus.yml`: a plain Prometheus config fragment (`global.external_labels` and `remote_write`) to merge
 *   into the writer's own config, with `tls_config` pointing at the files of its client certificate Secret;
 * - `prometheus-remote-write.yaml`: the same for prometheus-operator, a `Prometheus` object carrying only the
 *   `remoteWrite` entry (and external labels, and the Secret to mount), to merge into the writer's Prometheus;
 * - `prometheus-remote-write.patch.yaml`: the same as a JSON6902 patch that appends to the writer's lists
 *   (`add` to `/spec/remoteWrite/-`) instead of replacing them, as a strategic merge of the object above would;
 * - `external-secret.yaml` (with `remoteWrite.externalSecrets.enabled`): an ExternalSecret copying the client
 *   Secret into the writer's namespace;
 * - with target `amp`: the fragments sign with SigV4 instead, and `aps-remote-write-policy.json` is the IAM
 *   policy the writer's role needs (for the role `roleArn` names).
 */

import { ExternalSecret } from '@kubernetes-models/external-secrets/external-secrets.io/v1/ExternalSecret';
import { Prometheus } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/Prometheus';
import { unhandled } from '@thanos-gitops/catalog';
import { writerTarget } from '@thanos-gitops/input';
import { type KubeObject, manifestYaml, yamlText } from '@thanos-gitops/manifests';
import { remoteWriteUrl } from '@thanos-gitops/model';
import { generatedHeader } from '@thanos-gitops/output';
import type { Environment } from '@thanos-gitops/schema';
import { ampRemoteWriteUrl, apsRemoteWritePolicy } from './amp.js';
import { pkiNames, WRITERS_FOLDER } from './names.js';
import { pkiLabels } from './pki.js';
import { mtlsOn } from './tls.js';

type Writer = Environment['remoteWrite']['writers'][number];

/** Where prometheus-operator mounts a Secret listed in `spec.secrets`; the plain fragment uses the same. */
export function secretDir(secretName: string): string {
  return `/etc/prometheus/secrets/${secretName}`;
}

/** A writer's external labels: its own, or `cluster: <cluster>` when it lists none. */
export function externalLabels(w: Writer): Record<string, string> {
  const own = Object.keys(w.externalLabels).length > 0 ? w.externalLabels : { cluster: w.cluster };
  return Object.fromEntries(Object.entries(own).sort(([a], [b]) => (a < b ? -1 : 1)));
}

/** Name of the remote_write entry (Prometheus shows it in its metrics as `remote_name`). */
export function remoteName(env: Environment, target: 'thanos' | 'amp'): string {
  return target === 'amp' ? `amp-${env.name}` : `thanos-${env.name}`;
}

/**
 * Where a writer's files send to: Thanos or AMP; none for gmp, which the rules refuse. One case per target, so
 * a new target does not compile until its files are decided (not silently sent to Thanos).
 */
export function sendsTo(env: Environment, index: number): 'thanos' | 'amp' | undefined {
  const target = writerTarget(env, index);
  switch (target) {
    case 'thanos':
    case 'amp':
      return target;
    case 'gmp':
      return undefined;
    default:
      return unhandled(target, 'remote-write target');
  }
}

/** The target of a writer that has files (a bug to ask for another). */
function filesTarget(env: Environment, index: number): 'thanos' | 'amp' {
  const target = sendsTo(env, index);
  if (target === undefined) throw new Error(`writer ${index}: target gmp has no files (the rules refuse it)`);
  return target;
}

/** The `remote_write` entry of a writer's `prometheus.yml`. */
export function remoteWriteEntry(env: Environment, index: number): Record<string, unknown> {
  const w = env.remoteWrite.writers[index] as Writer;
  if (filesTarget(env, index) === 'amp') {
    const amp = env.remoteWrite.amp;
    if (!amp) throw new Error(`writer ${w.name}: target amp without remoteWrite.amp`);
    return {
      name: remoteName(env, 'amp'),
      url: ampRemoteWriteUrl(amp),
      sigv4: { region: amp.region, ...(w.roleArn ? { role_arn: w.roleArn } : {}) },
      // The queue settings AWS recommends for AMP (larger batches, fewer requests).
      queue_config: { max_samples_per_send: 1000, max_shards: 200, capacity: 2500 },
    };
  }
  const m = env.remoteWrite.mtls;
  const header = !mtlsOn(env) || m.tenancy === 'header';
  const dir = secretDir(pkiNames.writerSecret(w.name));
  return {
    name: remoteName(env, 'thanos'),
    url: remoteWriteUrl(env),
    ...(header ? { headers: { [env.receive.tenantHeader]: w.tenant } } : {}),
    ...(mtlsOn(env)
      ? {
          tls_config: {
            ca_file: `${dir}/ca.crt`,
            cert_file: `${dir}/tls.crt`,
            key_file: `${dir}/tls.key`,
            min_version: m.minVersion === '1.3' ? 'TLS13' : 'TLS12',
          },
        }
      : {}),
  };
}

/** The plain `prometheus.yml` fragment of a writer. */
export function prometheusFragment(env: Environment, index: number): Record<string, unknown> {
  const w = env.remoteWrite.writers[index] as Writer;
  return { global: { external_labels: externalLabels(w) }, remote_write: [remoteWriteEntry(env, index)] };
}

/** The prometheus-operator `Prometheus` carrying the writer's remoteWrite entry, for the writer's cluster. */
export function operatorPrometheus(env: Environment, index: number): Prometheus {
  const w = env.remoteWrite.writers[index] as Writer;
  const metadata = { name: w.prometheus, namespace: w.namespace };
  if (filesTarget(env, index) === 'amp') {
    const amp = env.remoteWrite.amp;
    if (!amp) throw new Error(`writer ${w.name}: target amp without remoteWrite.amp`);
    return new Prometheus({
      metadata,
      spec: {
        externalLabels: externalLabels(w),
        remoteWrite: [
          {
            name: remoteName(env, 'amp'),
            url: ampRemoteWriteUrl(amp),
            sigv4: { region: amp.region, ...(w.roleArn ? { roleArn: w.roleArn } : {}) },
            queueConfig: { maxSamplesPerSend: 1000, maxShards: 200, capacity: 2500 },
          },
        ],
      },
    });
  }
  const secret = pkiNames.writerSecret(w.name);
  const m = env.remoteWrite.mtls;
  const header = !mtlsOn(env) || m.tenancy === 'header';
  return new Prometheus({
    metadata,
    spec: {
      externalLabels: externalLabels(w),
      ...(mtlsOn(env) ? { secrets: [secret] } : {}),
      remoteWrite: [
        {
          name: remoteName(env, 'thanos'),
          url: remoteWriteUrl(env),
          ...(header ? { headers: { [env.receive.tenantHeader]: w.tenant } } : {}),
          ...(mtlsOn(env)
            ? {
                tlsConfig: {
                  ca: { secret: { name: secret, key: 'ca.crt' } },
                  cert: { secret: { name: secret, key: 'tls.crt' } },
                  keySecret: { name: secret, key: 'tls.key' },
                  minVersion: m.minVersion === '1.3' ? 'TLS13' : 'TLS12',
                },
              }
            : {}),
        },
      ],
    },
  });
}

/** A JSON pointer token (RFC 6901): `~` and `/` escaped. */
function pointerToken(key: string): string {
  return key.replaceAll('~', '~0').replaceAll('/', '~1');
}

/**
 * The operator file as a JSON6902 patch that adds to the writer's `Prometheus` instead of replacing its lists:
 * `add` to `/spec/remoteWrite/-` and `/spec/secrets/-` appends, each external label is added (or replaced) by key.
 */
export function operatorPatch(env: Environment, index: number): Record<string, unknown>[] {
  const spec = operatorPrometheus(env, index).spec ?? {};
  return [
    ...(spec.remoteWrite ?? []).map((value) => ({ op: 'add', path: '/spec/remoteWrite/-', value })),
    ...(spec.secrets ?? []).map((value) => ({ op: 'add', path: '/spec/secrets/-', value })),
    ...Object.entries(spec.externalLabels ?? {}).map(([key, value]) => ({
      op: 'add',
      path: `/spec/externalLabels/${pointerToken(key)}`,
      value,
    })),
  ];
}

/** The comment above the patch: how the writer's kustomization.yaml applies it, and what it expects. */
function patchIntro(w: Writer, header: string): string {
  return [
    header,
    `# JSON6902 patch for the Prometheus "${w.prometheus}" (namespace ${w.namespace}) of cluster ${w.cluster}: it adds`,
    "# the remote-write entry, the Secret to mount and the external labels, and keeps your own. In that cluster's",
    '# kustomization.yaml:',
    '#   patches:',
    '#     - path: prometheus-remote-write.patch.yaml',
    `#       target: { group: monitoring.coreos.com, version: v1, kind: Prometheus, name: ${w.prometheus}, namespace: ${w.namespace} }`,
    '# `add` to a list end needs the list: give your Prometheus `remoteWrite: []`, `secrets: []` and',
    '# `externalLabels: {}` when it has none.',
  ].join('\n');
}

/** An ExternalSecret that copies the writer's client Secret (all its keys) into the writer's namespace. */
export function writerExternalSecret(env: Environment, w: Writer): ExternalSecret {
  const es = env.remoteWrite.externalSecrets;
  const secret = pkiNames.writerSecret(w.name);
  return new ExternalSecret({
    metadata: { name: secret, namespace: w.namespace, labels: pkiLabels(env, 'remote-write-client') },
    spec: {
      refreshInterval: es.refreshInterval,
      secretStoreRef: { kind: es.storeKind, name: es.storeName },
      target: { name: secret, creationPolicy: 'Owner' },
      dataFrom: [{ extract: { key: secret } }],
    },
  });
}

export interface WriterFiles {
  /** Path (relative to `clusters/<env>/`) to file text. */
  files: Map<string, string>;
  /** The Kubernetes objects among them, for validation. */
  objects: KubeObject[];
}

/** Every writer's files. */
export function writerFiles(env: Environment, environmentFile: string): WriterFiles {
  const files = new Map<string, string>();
  const objects: KubeObject[] = [];
  const header = generatedHeader(environmentFile);
  env.remoteWrite.writers.forEach((w, i) => {
    const target = sendsTo(env, i);
    if (target === undefined) return;
    const dir = `${WRITERS_FOLDER}/${w.name}`;
    const where =
      target === 'amp'
        ? `Amazon Managed Service for Prometheus (workspace ${env.remoteWrite.amp?.workspaceId}), signed with SigV4`
        : `Thanos ${env.name} as tenant ${w.tenant}`;
    const intro = [
      header,
      `# Prometheus "${w.name}" (cluster ${w.cluster}) remote-writes to ${where}.`,
      '# Merge into that Prometheus configuration; this file is not applied by Kustomize.',
      ...(target === 'thanos' && mtlsOn(env)
        ? [
            `# The client certificate is Secret ${pkiNames.writerSecret(w.name)} (ca.crt, tls.crt, tls.key), issued in`,
            `# namespace ${env.namespace} of cluster ${env.cluster.name}; put its files in the directory below.`,
          ]
        : []),
    ].join('\n');
    files.set(`${dir}/prometheus.yml`, `${intro}\n${yamlText(prometheusFragment(env, i))}`);
    const prom = operatorPrometheus(env, i);
    objects.push(prom);
    files.set(`${dir}/prometheus-remote-write.yaml`, manifestYaml(prom, environmentFile));
    files.set(
      `${dir}/prometheus-remote-write.patch.yaml`,
      `${patchIntro(w, header)}\n${yamlText(operatorPatch(env, i))}`,
    );
    if (target === 'thanos' && mtlsOn(env) && env.remoteWrite.externalSecrets.enabled) {
      const es = writerExternalSecret(env, w);
      objects.push(es);
      files.set(`${dir}/external-secret.yaml`, manifestYaml(es, environmentFile));
    }
    if (target === 'amp' && env.remoteWrite.amp) {
      // IAM takes JSON, which has no comments: the file is owned through the tree's ownership index.
      const policy = apsRemoteWritePolicy(env, env.remoteWrite.amp);
      files.set(`${dir}/aps-remote-write-policy.json`, `${JSON.stringify(policy, null, 2)}\n`);
    }
  });
  return { files, objects };
}
