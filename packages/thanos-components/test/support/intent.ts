/**
 * The behaviours that make a component work, each asserted by name on rendered objects (never a snapshot), for
 * the `*.intent.test.ts` files: the bucket it reads, the ports it listens on and the Services that reach them, the
 * files its flags name (mounted from an object that is rendered), its data volume, its probes and its identity.
 * Removing one of them from a component fails that component's intent test, not only the committed-tree check.
 */
import { posix } from 'node:path';
import { expect } from 'vitest';
import { parse } from 'yaml';
import { find, flagValues, type Rendered, render } from './render.js';

type Obj = Record<string, any>;

/**
 * An environment that turns every component on: zoned ingestors (the rollout-operator), two hashrings, a
 * partitioned and sharded store gateway, memcached for every cache, the ruler in both modes' shared parts and the
 * bucket web UI.
 */
export const EVERYTHING = `receive:
  retention: 15d
  replicationFactor: 3
  zones: [eu-west-1a, eu-west-1b, eu-west-1c]
  limits: { write: { global: { max_concurrency: 1000 } } }
  hashrings:
    - { name: tenants-a, tenants: [team-a], replicas: 3 }
    - { name: default, replicas: 3 }
queryFrontend:
  cache: { type: memcached }
storeGateway:
  shards: 2
  storage: 40Gi
  storageClass: gp3
  partitions: [{ minTime: -90d }, { maxTime: -89d }]
  indexCache: { type: memcached }
  bucketCache: { enabled: true }
ruler:
  enabled: true
  alertmanagers: [dnssrv+http://_web._tcp.alertmanager-operated.monitoring.svc.cluster.local]
  ruleConfigMaps: [thanos-rules-slo]
bucketWeb: { enabled: true }
`;

/**
 * `EVERYTHING` rendered. Each test renders for itself, never shared through `beforeAll` or a module variable:
 * StrykerJS (`coverageAnalysis: 'perTest'`) runs a mutant only against the tests that executed its code.
 */
export function renderEverything(): Rendered {
  return render(EVERYTHING);
}

/**
 * The opening every intent test shares: `EVERYTHING` rendered in the test itself and the component's workload found
 * in it. A file names its component once, `const query = workloadIn('Deployment', 'thanos-query')`; a test opens with
 * `const { r, w } = query()`, or passes another render (`ruler(stateful()).w`).
 */
export function workloadIn(kind: string, name: string): (r?: Rendered) => { r: Rendered; w: Obj } {
  return (r = renderEverything()) => ({ r, w: find(r, kind, name) });
}

export const podSpec = (w: Obj): Obj => w.spec.template.spec;

/** The named container of a workload (the Thanos one by default). */
export function containerOf(w: Obj, name = 'thanos'): Obj {
  const c = podSpec(w).containers.find((x: Obj) => x.name === name);
  expect(c, `${w.metadata.name} has a container ${name}`).toBeDefined();
  return c;
}

/** The Thanos subcommand(s) the container runs, e.g. `['store']`, `['tools', 'bucket', 'web']`. */
export function subcommand(w: Obj): string[] {
  const args: string[] = containerOf(w).args;
  return args.slice(
    0,
    args.findIndex((a) => a.startsWith('-')),
  );
}

/** The one value of `--flag=` (fails unless there is exactly one). */
export function flag(w: Obj, name: string, container = 'thanos'): string {
  const values = flagValues(containerOf(w, container).args, name);
  expect(values, `${w.metadata.name}: --${name} once`).toHaveLength(1);
  return values[0] as string;
}

/** Asserts `--name` (a switch) is passed. */
export function expectSwitch(w: Obj, name: string): void {
  expect(containerOf(w).args, `${w.metadata.name}: --${name}`).toContain(`--${name}`);
}

/**
 * The container listens on `port` under `portName`: the container port is declared with that number and the flag
 * that binds it (`--grpc-address` and the like) names the same port.
 */
export function expectListens(w: Obj, portName: string, port: number, addressFlag?: string, container = 'thanos') {
  const ports = containerOf(w, container).ports ?? [];
  expect(ports, `${w.metadata.name}: port ${portName}`).toContainEqual(
    expect.objectContaining({ name: portName, containerPort: port, protocol: 'TCP' }),
  );
  if (addressFlag) expect(flag(w, addressFlag, container)).toBe(`0.0.0.0:${port}`);
}

/**
 * A server no other pod uses listens on the pod itself only (`127.0.0.1`), and neither the container nor a Service
 * offers its port: Thanos has no flag that turns it off, so it is closed this way (issue #21).
 */
export function expectPodLocal(w: Obj, portName: string, addressFlag: string, port: number, container = 'thanos') {
  const ports = (containerOf(w, container).ports ?? []).map((p: Obj) => p.name);
  expect(ports, `${w.metadata.name}: ${portName} is not offered`).not.toContain(portName);
  expect(flag(w, addressFlag, container)).toBe(`127.0.0.1:${port}`);
}

/**
 * A Service `name` reaches the workload's pods on each of `portNames`: its selector picks the pod template's labels
 * and each port targets a port the container declares under that name.
 */
export function expectServiceReaches(r: Rendered, w: Obj, name: string, portNames: string[], container = 'thanos') {
  const svc = find(r, 'Service', name);
  const podLabels = w.spec.template.metadata.labels;
  expect(Object.keys(svc.spec.selector).length, `${name} selects by label`).toBeGreaterThan(0);
  expect(podLabels, `${name} selects the pods of ${w.metadata.name}`).toMatchObject(svc.spec.selector);
  const declared = (containerOf(w, container).ports ?? []).map((p: Obj) => p.name);
  for (const portName of portNames) {
    const port = svc.spec.ports.find((p: Obj) => p.name === portName);
    expect(port, `${name} has a port ${portName}`).toBeDefined();
    expect(declared, `${name}.${portName} targets a port of the pod`).toContain(port.targetPort);
  }
  return svc;
}

/** The endpoint addresses in Query's SD document (the ConfigMap its `--endpoint.sd-config-file` names). */
export function queryEndpoints(r: Rendered): string[] {
  const query = find(r, 'Deployment', 'thanos-query');
  const path = flag(query, 'endpoint.sd-config-file');
  const cm = mountedObject(r, query, path);
  expect(cm.kind).toBe('ConfigMap');
  const doc = parse(cm.data[posix.basename(path)]);
  return doc.endpoints.map((e: { address: string }) => e.address);
}

/**
 * Query reaches `serviceName` over gRPC: its endpoint list names the Service's `grpc` SRV record, and the Service is
 * headless (one SRV target per pod, so Query fans out to every replica).
 */
export function expectQueryReaches(r: Rendered, serviceName: string) {
  expect(queryEndpoints(r), `Query reaches ${serviceName}`).toContain(
    `dnssrv+_grpc._tcp.${serviceName}.thanos.svc.cluster.local`,
  );
  const svc = find(r, 'Service', serviceName);
  expect(svc.spec.clusterIP, `${serviceName} is headless`).toBe('None');
  expect(svc.spec.ports.map((p: Obj) => p.name)).toContain('grpc');
}

/**
 * The object (ConfigMap or Secret) a file path in the container is read from: a mount whose path is the file's
 * folder, its volume, and the rendered object the volume names, which holds the file as a key.
 */
export function mountedObject(r: Rendered, w: Obj, path: string, container = 'thanos'): Obj {
  const dir = posix.dirname(path);
  const mount = (containerOf(w, container).volumeMounts ?? []).find((m: Obj) => m.mountPath === dir);
  expect(mount, `${w.metadata.name}: ${dir} is mounted`).toBeDefined();
  const volume = (podSpec(w).volumes ?? []).find((v: Obj) => v.name === mount.name);
  expect(volume, `${w.metadata.name}: volume ${mount.name}`).toBeDefined();
  const object = volume.secret
    ? find(r, 'Secret', volume.secret.secretName)
    : find(r, 'ConfigMap', volume.configMap?.name);
  const keys = Object.keys({ ...object.data, ...object.stringData });
  expect(keys, `${object.metadata.name} holds ${posix.basename(path)}`).toContain(posix.basename(path));
  return object;
}

/** The file `--<flagName>` names is mounted from a rendered object; returns the file's text. */
export function expectMountedFile(r: Rendered, w: Obj, flagName: string, container = 'thanos'): string {
  const path = flag(w, flagName, container);
  const object = mountedObject(r, w, path, container);
  const name = posix.basename(path);
  return object.data?.[name] ?? object.stringData?.[name];
}

/** Reads the bucket: `--objstore.config-file` is the objstore Secret's file, mounted read-only. */
export function expectBucket(r: Rendered, w: Obj) {
  const path = flag(w, 'objstore.config-file');
  const secret = mountedObject(r, w, path);
  expect(secret.kind).toBe('Secret');
  expect(secret.metadata.name).toBe('thanos-objstore');
  expect(secret.stringData[posix.basename(path)]).toMatch(/bucket: test-bucket/);
  const mount = containerOf(w).volumeMounts.find((m: Obj) => m.mountPath === posix.dirname(path));
  expect(mount.readOnly, 'the bucket config is mounted read-only').toBe(true);
}

/** Does not read the bucket (no objstore flag, no objstore volume). */
export function expectNoBucket(w: Obj) {
  expect(flagValues(containerOf(w).args, 'objstore.config-file')).toEqual([]);
  expect((podSpec(w).volumes ?? []).map((v: Obj) => v.secret?.secretName)).not.toContain('thanos-objstore');
}

/**
 * Keeps its data on its own volume: the folder `--<flagName>` names lies under the mount of `data`, which is the
 * StatefulSet's volume claim template (`persistent`) or a volume of the pod.
 */
export function expectDataVolume(w: Obj, flagName: string, persistent = true) {
  const path = flag(w, flagName);
  const mount = containerOf(w).volumeMounts.find((m: Obj) => m.name === 'data');
  expect(mount, `${w.metadata.name} mounts data`).toBeDefined();
  expect(path.startsWith(`${mount.mountPath}/`), `${path} lies on the data volume`).toBe(true);
  const claims = (w.spec.volumeClaimTemplates ?? []).map((c: Obj) => c.metadata.name);
  if (persistent) {
    expect(claims, `${w.metadata.name} claims a volume for data`).toContain('data');
  } else {
    expect((podSpec(w).volumes ?? []).map((v: Obj) => v.name)).toContain('data');
  }
}

/** Liveness on `/-/healthy` and readiness on `/-/ready`, over HTTP on a port the container declares. */
export function expectThanosProbes(w: Obj) {
  const c = containerOf(w);
  const declared = c.ports.map((p: Obj) => p.name);
  expect(c.livenessProbe?.httpGet?.path, `${w.metadata.name} liveness`).toBe('/-/healthy');
  expect(c.readinessProbe?.httpGet?.path, `${w.metadata.name} readiness`).toBe('/-/ready');
  expect(declared).toContain(c.livenessProbe.httpGet.port);
  expect(declared).toContain(c.readinessProbe.httpGet.port);
}

/** Runs as its own ServiceAccount, which is rendered, and mounts no API token unless it needs one. */
export function expectIdentity(r: Rendered, w: Obj, account: string, token = false) {
  expect(podSpec(w).serviceAccountName, `${w.metadata.name} runs as ${account}`).toBe(account);
  const sa = find(r, 'ServiceAccount', account);
  expect(sa.metadata.namespace).toBe('thanos');
  expect(podSpec(w).automountServiceAccountToken ?? true, `${account} API token`).toBe(token);
}

/** The workload's pods are those its selector picks (a StatefulSet's and Deployment's own contract). */
export function expectSelectsOwnPods(w: Obj) {
  expect(w.spec.template.metadata.labels).toMatchObject(w.spec.selector.matchLabels);
}
