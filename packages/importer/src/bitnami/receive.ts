/**
 * Receive: the chart runs one StatefulSet `<fullname>-receive` that routes and ingests (`mode: standalone`), or
 * ingests behind a distributor Deployment (`mode: dual-mode`). Either way its pods hold the data, so the
 * environment's one hashring adopts that StatefulSet: same StatefulSet name (hence pod names, the `replica`
 * external label, and claim names `data-<fullname>-receive-<n>`), TSDB at the root of the volume, same size.
 * Routing moves to the environment's router Deployment. Read from `receive/statefulset.yaml` and
 * `receive-distributor/deployment.yaml` of the chart.
 */

import type { Values } from './values.js';
import { workloadOptions } from './workload.js';

/** Where the chart puts the TSDB and mounts the volume (`receive/statefulset.yaml`). */
export const CHART_TSDB_PATH = '/var/thanos/receive';

export interface ReceiveResult {
  receive: Record<string, unknown>;
  enabled: boolean;
  distributor: boolean;
  replicas: number;
  persistent: boolean;
  statefulSet: string;
  /** The URL writers push to today, and the port of the old Service. */
  oldUrl?: string;
  port: number;
}

function replication(v: Values, dual: boolean, replicas: number, into: Record<string, unknown>): void {
  const from = dual ? 'receiveDistributor.replicationFactor' : 'receive.replicationFactor';
  v.touch('receive.replicationFactor', 'receiveDistributor.replicationFactor');
  let rf = v.num(from) ?? 1;
  if (rf % 2 === 0 || rf > replicas) {
    const was = rf;
    // The nearest odd factor the ingestors can hold: one more copy when they can, else one less.
    const odd = rf % 2 === 0 && rf + 1 <= replicas ? rf + 1 : rf - (rf % 2 === 0 ? 1 : 0);
    rf = Math.max(1, Math.min(odd, replicas % 2 === 0 ? replicas - 1 : replicas));
    v.add(
      'needs-person',
      from,
      `${was} is refused (the factor must be odd and at most the ingestors): ${rf} is written; decide whether to grow the hashring instead`,
      'receive.replicationFactor',
    );
  } else v.add('mapped', from, 'kept: the same number of copies of each series', 'receive.replicationFactor');
  into.replicationFactor = rf;
  v.touch('receive.replicationProtocol', 'receiveDistributor.replicationProtocol');
  v.add(
    'default-differs',
    dual ? 'receiveDistributor.replicationProtocol' : 'receive.replicationProtocol',
    "the chart replicates with Cap'n Proto by default, the project with gRPC (Cap'n Proto only through `extraArgs`, and never with internal mTLS)",
  );
}

/** The labels the blocks carry must stay: the compactor would see new streams and stop deduplicating. */
function labels(v: Values, dual: boolean): void {
  for (const from of ['receive.replicaLabel', ...(dual ? ['receiveDistributor.replicaLabel'] : [])]) {
    const label = v.str(from) ?? 'replica';
    if (label === 'replica') {
      v.add(
        'mapped',
        from,
        'kept: the ingestors label their blocks `replica="<pod name>"` and `receive="true"`, and the pod names stay',
        'receive.hashrings[0].adopt.statefulSet',
      );
    } else {
      v.add(
        'needs-person',
        from,
        `the blocks carry \`${label}\`, the project's ingestors \`replica\`: new blocks start new streams, which the compactor will not deduplicate with the old ones; add \`${label}\` to \`query.replicaLabels\` and \`compactor.deduplicationReplicaLabels\``,
      );
    }
  }
}

function tsdb(v: Values): boolean {
  const path = v.str('receive.tsdbPath') ?? CHART_TSDB_PATH;
  if (path.replace(/\/+$/, '') === CHART_TSDB_PATH) {
    v.add(
      'mapped',
      'receive.tsdbPath',
      `kept: the TSDB stays at the root of the volume, mounted at ${CHART_TSDB_PATH}`,
      'receive.hashrings[0].adopt.tsdbAtVolumeRoot',
    );
    return true;
  }
  v.add(
    'needs-person',
    'receive.tsdbPath',
    `the TSDB is at ${path}, outside the chart's volume mount (${CHART_TSDB_PATH}): the new ingestors look at the root of the volume; move it, or the head block not yet uploaded is left behind`,
  );
  return true;
}

function hashringConfig(v: Values): void {
  const config = v.get('receive.config');
  const rings = Array.isArray(config) ? config : [];
  if (rings.some((r) => typeof r === 'object' && r !== null && !Array.isArray(r) && (r.tenants || r.hashring))) {
    v.add(
      'needs-person',
      'receive.config',
      'several hashrings or tenants over one StatefulSet: the import makes one catch-all hashring adopting it; split tenants into new hashrings (new StatefulSets) once adopted',
    );
  } else if (v.has('receive.config'))
    v.add('ignored', 'receive.config', "the routers' hashrings file is generated from `receive.hashrings`");
  if (v.has('receive.existingConfigmap'))
    v.add('ignored', 'receive.existingConfigmap', "the routers' hashrings file is generated from `receive.hashrings`");
}

function volumeRetention(v: Values): void {
  const policy = v.obj('receive.persistentVolumeClaimRetentionPolicy');
  if (policy && Object.keys(policy).length > 0 && !(policy.enabled === true && policy.whenDeleted === 'Delete')) {
    v.add(
      'ignored',
      'receive.persistentVolumeClaimRetentionPolicy',
      "the ingestors' claims are kept on scale-down and deletion (Retain)",
    );
  }
  if (policy?.enabled === true && policy.whenDeleted === 'Delete') {
    v.add(
      'needs-person',
      'receive.persistentVolumeClaimRetentionPolicy',
      'Delete: removing the old StatefulSet would delete the volumes the import keeps; set it to Retain (`helm upgrade --set`) before anything else',
    );
  }
}

function hashring(
  v: Values,
  fullname: string,
  replicas: number,
): { ring: Record<string, unknown>; persistent: boolean } {
  const statefulSet = `${fullname}-receive`;
  const ring: Record<string, unknown> = { name: 'default', replicas };
  const persistent = v.bool('receive.persistence.enabled', true);
  if (persistent && !v.has('receive.persistence.existingClaim')) {
    const size = v.str('receive.persistence.size') ?? '8Gi';
    ring.storage = size;
    v.add(
      'mapped',
      'receive.persistence.size',
      `kept (${size}): the volumes are bound again as they are`,
      'receive.hashrings[0].storage',
    );
    const cls = v.str('receive.persistence.storageClass') ?? v.str('global.defaultStorageClass');
    if (cls) {
      ring.storageClass = cls;
      v.add('mapped', 'receive.persistence.storageClass', 'kept', 'receive.hashrings[0].storageClass');
    }
    ring.adopt = { statefulSet, tsdbAtVolumeRoot: tsdb(v) };
    // The chart runs as 1001 (fsGroup 1001); the environment's pods as 65534 with fsGroupChangePolicy OnRootMismatch.
    v.add(
      'default-differs',
      'receive.podSecurityContext.fsGroup',
      'the chart ran as uid and fsGroup 1001, the environment runs as 65534: on the first start Kubernetes gives the adopted volumes to group 65534 (the whole tree, once), which takes a while on a large TSDB; the first ingestor start is slower',
    );
  } else {
    v.add(
      'needs-person',
      persistent ? 'receive.persistence.existingClaim' : 'receive.persistence.enabled',
      'the ingestors held no volume of their own (an emptyDir, or one shared claim): nothing to adopt; let them upload their head blocks (a restart does) before the switch',
      'receive.hashrings[0].storage',
    );
  }
  v.touch('receive.persistence');
  workloadOptions(v, 'receive', 'receive.hashrings[0]', ring);
  return { ring, persistent };
}

/** The routers: the distributors in dual mode; in standalone mode new, since every receive pod routed. */
function routerSection(v: Values, dual: boolean): Record<string, unknown> {
  const router: Record<string, unknown> = {};
  if (dual) {
    v.add(
      'mapped',
      'receive.mode',
      'dual-mode: the distributors route and the receive StatefulSet ingests, as routers and ingestors do',
      'receive.router',
    );
    const n = Math.max(v.num('receiveDistributor.replicaCount') ?? 1, 1);
    router.replicas = n;
    v.add(
      'mapped',
      'receiveDistributor.replicaCount',
      'kept: the distributors become the routers',
      'receive.router.replicas',
    );
    workloadOptions(v, 'receiveDistributor', 'receive.router', router);
  } else {
    v.add(
      'default-differs',
      'receive.mode',
      'standalone: every receive pod routed and ingested; now routers (a Deployment of 2) route and the adopted StatefulSet only ingests',
      'receive.router.replicas',
    );
  }
  return router;
}

/** The receive section for the chart's `receive` and `receiveDistributor`. */
export function mapReceive(v: Values, fullname: string, namespace: string, domain: string): ReceiveResult {
  const enabled = v.bool('receive.enabled', false);
  const statefulSet = `${fullname}-receive`;
  if (!enabled) {
    v.touch('receive', 'receiveDistributor');
    v.add(
      'mapped',
      'receive.enabled',
      'false: no receive (a sidecar setup); Query reaches the sidecars through `query.extraEndpoints`',
      'receive.enabled',
    );
    return {
      receive: { enabled: false },
      enabled,
      distributor: false,
      replicas: 0,
      persistent: false,
      statefulSet,
      port: 0,
    };
  }
  v.add('mapped', 'receive.enabled', 'deployed', 'receive.enabled');
  const dual = v.str('receive.mode') === 'dual-mode';
  const replicas = Math.max(v.num('receive.replicaCount') ?? 1, 1);
  v.add(
    'mapped',
    'receive.replicaCount',
    `kept: ${replicas} ingestors, the adopted StatefulSet's pods`,
    'receive.hashrings[0].replicas',
  );
  const receive: Record<string, unknown> = {};
  const retention = v.str('receive.tsdbRetention');
  if (retention) {
    receive.retention = retention;
    v.add('mapped', 'receive.tsdbRetention', 'kept', 'receive.retention');
  }
  replication(v, dual, replicas, receive);
  labels(v, dual);
  hashringConfig(v);
  volumeRetention(v);
  const { ring, persistent } = hashring(v, fullname, replicas);
  const router = routerSection(v, dual);
  v.touch('receive.mode', 'receive.enabled', 'receiveDistributor.enabled');
  receive.router = router;
  receive.hashrings = [ring];
  const port = v.num('receive.service.ports.remote') ?? 19291;
  const oldUrl = `http://${statefulSet}.${namespace}.svc.${domain}:${port}/api/v1/receive`;
  return { receive, enabled, distributor: dual, replicas, persistent, statefulSet, oldUrl, port };
}
