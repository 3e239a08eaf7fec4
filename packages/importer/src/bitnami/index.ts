/**
 * `import bitnami`: a values file of the Bitnami `thanos` chart (17.x) into an environment that adopts the running
 * deployment in place, with its report and runbook. The keys and names are those of the chart's `values.yaml` and
 * templates (see `chart.ts`); nothing of the chart is copied.
 */
import { componentRecord, names as generated, PORTS } from '@thanos-gitops/model';
import { parse } from 'yaml';
import type { ImportOptions, ImportSource } from '../options.js';
import type { ImportResult } from '../report.js';
import { migrationRunbook } from '../runbook.js';
import { type ChartFacts, chartFullname, chartObjects } from './chart.js';
import { environmentText } from './emit.js';
import { leftovers, mapGlobals } from './globals.js';
import { mapStorage } from './objstore.js';
import { mapBucketWeb, mapMonitoring, mapRuler } from './others.js';
import { mapReceive, type ReceiveResult } from './receive.js';
import { chartStoreSets, mapCompactor, mapQuery, mapQueryFrontend, mapStoreGateway } from './sections.js';
import { parseValues, Values } from './values.js';

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

function readValues(source: ImportSource): Values {
  let data: unknown;
  try {
    data = parse(source.text);
  } catch (err) {
    throw new Error(`${source.file}: not a YAML file: ${(err as Error).message.split('\n')[0]}`);
  }
  try {
    return new Values(parseValues(data));
  } catch (err) {
    throw new Error(`${source.file}: ${(err as Error).message}`);
  }
}

type Section = Record<string, unknown>;
interface Sections {
  queryFrontend: Section;
  storeGateway: Section;
  compactor: Section;
  ruler: Section;
  bucketWeb: Section;
}

interface Names {
  release: string;
  fullname: string;
  namespace: string;
  name: string;
}

function names(v: Values, options: ImportOptions): Names {
  const release = options.release ?? 'thanos';
  if (options.release === undefined) {
    v.add(
      'needs-person',
      '--release',
      'no release given: `thanos` is assumed, and every old name derives from it; pass `--release` if yours differs',
    );
  }
  const fullname = chartFullname(release, v.str('nameOverride'), v.str('fullnameOverride'));
  v.add(
    'needs-person',
    'namespace',
    `the environment takes over the namespace: it labels it Pod Security \`restricted\` and default-denies its traffic; move anything else running there first`,
    'namespace',
  );
  v.touch('nameOverride', 'fullnameOverride');
  const namespace = options.namespace ?? v.str('namespaceOverride') ?? 'thanos';
  v.touch('namespaceOverride');
  if (options.namespace === undefined && !v.has('namespaceOverride')) {
    v.add(
      'needs-person',
      '--namespace',
      'no namespace given: `thanos` is assumed; the environment must run in the old namespace, where the volumes are: pass `--namespace`',
    );
  }
  const name = options.name ?? namespace.slice(0, 40).replace(/-+$/, '');
  if (!DNS_LABEL.test(name)) throw new Error(`environment name "${name}" is not a DNS label: pass --name`);
  return { release, fullname, namespace, name };
}

function facts(
  v: Values,
  n: Names,
  r: ReceiveResult,
  env: Sections,
  mon: { serviceMonitors: boolean; prometheusRule: boolean },
): ChartFacts {
  const on = (x: unknown) => x === true;
  return {
    fullname: n.fullname,
    enabled: {
      query: v.bool('query.enabled', true),
      queryFrontend: env.queryFrontend.enabled !== false,
      storegateway: on(env.storeGateway.enabled),
      compactor: on(env.compactor.enabled),
      ruler: on(env.ruler.enabled),
      receive: r.enabled,
      bucketweb: on(env.bucketWeb.enabled),
    },
    distributor: r.distributor,
    receiveReplicas: r.replicas,
    storeSets: chartStoreSets(v, n.fullname),
    storeReplicas: Math.max(v.num('storegateway.replicaCount') ?? 1, 1),
    rulerReplicas: Math.max(v.num('ruler.replicaCount') ?? 1, 1),
    rulerRules: v.has('ruler.config') && !v.has('ruler.existingConfigmap'),
    persistence: {
      receive: r.persistent,
      storegateway: v.bool('storegateway.persistence.enabled', true),
      ruler: v.bool('ruler.persistence.enabled', true),
      compactor: v.bool('compactor.persistence.enabled', true) && !v.bool('compactor.persistence.ephemeral', false),
    },
    ...(v.has('objstoreConfig') && !v.has('existingObjstoreSecret')
      ? { objstoreSecret: `${n.fullname}-objstore-secret` }
      : {}),
    serviceMonitors: mon.serviceMonitors,
    prometheusRule: mon.prometheusRule,
  };
}

/** Reads a values file of the Bitnami `thanos` chart (17.x) into an environment, its report and its runbook. */
export function importBitnami(source: ImportSource, options: ImportOptions): ImportResult {
  const v = readValues(source);
  const n = names(v, options);
  const globals = mapGlobals(v, n.name);
  const domain = globals.domain;
  const storage = mapStorage(v, n.fullname);
  const r = mapReceive(v, n.fullname, n.namespace, domain);
  const mon = mapMonitoring(v);
  const query = mapQuery(v, domain);
  const sections: Sections = {
    queryFrontend: mapQueryFrontend(v),
    storeGateway: mapStoreGateway(v),
    compactor: mapCompactor(v),
    ruler: mapRuler(v, n.fullname),
    bucketWeb: mapBucketWeb(v),
  };
  const env = {
    name: n.name,
    cluster: globals.cluster,
    namespace: n.namespace,
    ...globals.top,
    objectStorage: storage.objectStorage,
    ...(storage.identity ? { identity: storage.identity } : {}),
    monitoring: mon.monitoring,
    receive: r.receive,
    query,
    ...sections,
  };
  const f = facts(v, n, r, sections, mon);
  leftovers(v);
  const oldObjects = chartObjects(f);
  const keptClaims = oldObjects.filter(
    (o) => o.kind === 'PersistentVolumeClaim' && o.name.startsWith(`data-${r.statefulSet}-`),
  );
  const runbook = migrationRunbook({
    environment: n.name,
    namespace: n.namespace,
    old: { kind: 'helm', release: n.release },
    delivery: 'none',
    ingestors: r.enabled && r.persistent ? [{ statefulSet: r.statefulSet, replicas: r.replicas }] : [],
    keptClaims: keptClaims.map((o) => o.name),
    ...(f.enabled.compactor ? { compactor: `Deployment/${n.fullname}-compactor` } : {}),
    ...(r.oldUrl ? { oldRemoteWriteUrl: r.oldUrl } : {}),
    newRemoteWriteUrl: `http://${generated.router}.${n.namespace}.svc.${domain}:${PORTS.remoteWrite}/api/v1/receive`,
    ...(r.enabled
      ? { bridge: { service: r.statefulSet, selector: componentRecord('receive-router').selector, port: r.port } }
      : {}),
    mtls: false,
    writers: [],
  });
  return {
    name: n.name,
    environment: environmentText(env, source.file),
    report: { input: `bitnami values ${source.file}`, entries: v.entries },
    runbook,
    oldObjects,
    oldDelivery: 'helm',
  };
}
