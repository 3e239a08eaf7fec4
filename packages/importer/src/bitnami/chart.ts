/**
 * What the Bitnami `thanos` chart (17.x) names things, as its templates do, so the import can say which objects
 * the new environment keeps, recreates or leaves behind. Read from the chart's `templates/_helpers.tpl`
 * (`common.names.fullname` of the `common` library chart, `thanos.<component>.fullname`: `<fullname>-<component>`),
 * `receive/statefulset.yaml` (claim template `data`, `--tsdb.path=/var/thanos/receive` unless `receive.tsdbPath`,
 * the volume mounted at `/var/thanos/receive`, `--label=<receive.replicaLabel>="$(NAME)"` and `--label=receive="true"`),
 * `storegateway/statefulset-sharded.yaml` (`<fullname>-storegateway-<index>`, index = hash × partitions + partition)
 * and `compactor/pvc.yaml` (`<fullname>-compactor`).
 */
import type { OldObject } from '../report.js';

/** The chart's name, the default of `nameOverride`. */
export const CHART = 'thanos';

/** `common.names.fullname`: `fullnameOverride`, else the release when it contains the chart's name, else both. */
export function chartFullname(release: string, nameOverride?: string, fullnameOverride?: string): string {
  const cut = (s: string) => s.slice(0, 63).replace(/-+$/, '');
  if (fullnameOverride) return cut(fullnameOverride);
  const name = nameOverride || CHART;
  return cut(release.includes(name) ? release : `${release}-${name}`);
}

/** What the chart ran, as the mapping found it: enough to list its objects. */
export interface ChartFacts {
  fullname: string;
  enabled: Record<
    'query' | 'queryFrontend' | 'storegateway' | 'compactor' | 'ruler' | 'receive' | 'bucketweb',
    boolean
  >;
  /** `receive.mode: dual-mode` runs a distributor Deployment in front of the receive StatefulSet. */
  distributor: boolean;
  receiveReplicas: number;
  /** The store gateway StatefulSets (one, or one per shard and partition) and their pods each. */
  storeSets: string[];
  storeReplicas: number;
  rulerReplicas: number;
  /** The rules are in the chart's ConfigMap `<fullname>-ruler` (`ruler.config`), which the environment mounts. */
  rulerRules: boolean;
  /** Persistent volumes from claim templates, per component. */
  persistence: { receive: boolean; storegateway: boolean; ruler: boolean; compactor: boolean };
  /** The chart's objstore Secret, when it made one (`objstoreConfig` without `existingObjstoreSecret`). */
  objstoreSecret?: string;
  serviceMonitors: boolean;
  prometheusRule: boolean;
}

const claims = (statefulSet: string, replicas: number): OldObject[] =>
  [...Array(replicas).keys()].map((i) => ({
    kind: 'PersistentVolumeClaim',
    name: `data-${statefulSet}-${i}`,
    data: true,
  }));

function workload(f: ChartFacts, kind: string, name: string, extra: OldObject[] = []): OldObject[] {
  return [
    { kind, name },
    { kind: 'Service', name },
    { kind: 'ServiceAccount', name },
    { kind: 'NetworkPolicy', name },
    ...(f.serviceMonitors ? [{ kind: 'ServiceMonitor', name }] : []),
    ...extra,
  ];
}

/** The receive StatefulSet (`<fullname>-receive`), its hashrings ConfigMap, the distributor and their volumes. */
function receiveObjects(f: ChartFacts): OldObject[] {
  const name = `${f.fullname}-receive`;
  const out = workload(f, 'StatefulSet', name, [
    { kind: 'ConfigMap', name },
    { kind: 'PodDisruptionBudget', name },
    ...(f.persistence.receive ? claims(name, f.receiveReplicas) : []),
  ]);
  if (f.distributor) {
    const d = `${f.fullname}-receive-distributor`;
    out.push(
      { kind: 'Deployment', name: d },
      { kind: 'ServiceAccount', name: d },
      { kind: 'PodDisruptionBudget', name: d },
    );
  }
  return out;
}

function storeObjects(f: ChartFacts): OldObject[] {
  return f.storeSets.flatMap((name) =>
    workload(f, 'StatefulSet', name, f.persistence.storegateway ? claims(name, f.storeReplicas) : []),
  );
}

/** Every object the chart made for these facts (the main kinds; TLS and HTTP-config Secrets are not listed). */
export function chartObjects(f: ChartFacts): OldObject[] {
  const n = (c: string) => `${f.fullname}-${c}`;
  const e = f.enabled;
  return [
    ...(f.objstoreSecret ? [{ kind: 'Secret', name: f.objstoreSecret }] : []),
    ...(e.query ? workload(f, 'Deployment', n('query'), [{ kind: 'Service', name: n('query-grpc') }]) : []),
    ...(e.query ? [{ kind: 'PodDisruptionBudget', name: n('query') }] : []),
    ...(e.queryFrontend ? workload(f, 'Deployment', n('query-frontend')) : []),
    ...(e.storegateway ? storeObjects(f) : []),
    ...(e.compactor
      ? workload(
          f,
          'Deployment',
          n('compactor'),
          f.persistence.compactor ? [{ kind: 'PersistentVolumeClaim', name: n('compactor') }] : [],
        )
      : []),
    ...(e.ruler
      ? workload(f, 'StatefulSet', n('ruler'), [
          ...(f.rulerRules ? [{ kind: 'ConfigMap', name: n('ruler'), data: true }] : []),
          ...(f.persistence.ruler ? claims(n('ruler'), f.rulerReplicas) : []),
        ])
      : []),
    ...(e.receive ? receiveObjects(f) : []),
    ...(e.bucketweb ? workload(f, 'Deployment', n('bucketweb')) : []),
    ...(f.prometheusRule ? [{ kind: 'PrometheusRule', name: f.fullname }] : []),
  ];
}
