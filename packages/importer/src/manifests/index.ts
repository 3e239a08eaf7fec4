/**
 * `import manifests`: rendered manifests (kube-thanos output, `helm template`, `kubectl get -o yaml`) in, an
 * environment with its report out. Each Thanos container's flags are read back against the release's flag table;
 * the hashrings file, objstore config, caches, ServiceMonitors and resources fill the rest. The command prints,
 * besides the report, the adoption (`../adoption.ts`) of the old objects, returned with their bodies: which the new
 * `clusters/<env>` keeps, changes, recreates or orphans. The runbook is the shared one, with the manifests' facts.
 */
import { Document } from 'yaml';
import { oldObjectsOf } from '../adoption.js';
import type { ImportOptions, ImportSource } from '../options.js';
import type { ImportResult } from '../report.js';
import { migrationRunbook } from '../runbook.js';
import { readDisruptionBudgets } from './budgets.js';
import { readCaches } from './caches.js';
import type { ImportContext } from './context.js';
import { readCluster, readEnvironment, readLabels, readSize } from './environment.js';
import { reportFlagsLeft } from './flags-left.js';
import { readObjects } from './objects.js';
import { readDatasource, readTracing } from './observability.js';
import { readBucketWeb, readCompactor, readQuery, readQueryFrontend, readRuler } from './readers.js';
import { readReceive } from './receive.js';
import { readRemoteWrite } from './remote-write.js';
import { manifestsFacts } from './runbook.js';
import { readIdentity, readObjectStorage } from './storage.js';
import { readStore } from './store.js';
import { thanosWorkloads } from './workloads.js';

export { readObjects } from './objects.js';
export { tsdbLayout } from './receive.js';

/** Options of `import manifests` beyond the shared ones. */
export interface ManifestsOptions extends ImportOptions {
  /** The cluster's name (`cluster.name`), when the manifests do not say. */
  cluster?: string;
}

/** Reads rendered manifests (kube-thanos, `helm template`, `kubectl get -o yaml`) into an environment. */
export function importManifests(source: ImportSource, options: ManifestsOptions): ImportResult {
  const all = readObjects(source.text);
  // With --namespace, only that namespace's objects (and cluster-scoped ones) are read.
  const objects = options.namespace
    ? all.filter((o) => (o.metadata.namespace ?? options.namespace) === options.namespace)
    : all;
  const workloads = thanosWorkloads(objects);
  if (workloads.length === 0) throw new Error(`${source.file}: no Thanos containers in the input`);
  const ctx: ImportContext = { objects, workloads, env: {}, entries: [], resources: [], caches: [] };
  readEnvironment(ctx, options);
  readRuler(ctx);
  readTracing(ctx);
  readCluster(ctx, options);
  readObjectStorage(ctx);
  readIdentity(ctx);
  readLabels(ctx);
  readDatasource(ctx);
  readReceive(ctx);
  readDisruptionBudgets(ctx);
  readQuery(ctx);
  readQueryFrontend(ctx);
  readStore(ctx);
  readCompactor(ctx);
  readBucketWeb(ctx);
  readCaches(ctx);
  readRemoteWrite(ctx);
  readSize(ctx);
  reportFlagsLeft(ctx);
  const name = String(ctx.env.name);
  const facts = manifestsFacts(ctx);
  return {
    name,
    environment: environmentText(ctx.env, source.file),
    report: { input: `manifests ${source.file}`, entries: ctx.entries },
    runbook: migrationRunbook(facts),
    oldObjects: oldObjectsOf(objects),
    oldDelivery: facts.old.kind,
  };
}

/** Sections in the order the examples write them. */
const ORDER = [
  'name',
  'cluster',
  'namespace',
  'size',
  'labels',
  'thanos',
  'objectStorage',
  'identity',
  'monitoring',
  'receive',
  'query',
  'queryFrontend',
  'storeGateway',
  'compactor',
  'ruler',
  'bucketWeb',
  'tracing',
  'patches',
  'delivery',
];

function environmentText(env: Record<string, unknown>, file: string): string {
  const ordered: Record<string, unknown> = {};
  for (const key of [...ORDER, ...Object.keys(env)]) if (env[key] !== undefined) ordered[key] = env[key];
  const doc = new Document(ordered);
  doc.commentBefore = ` yaml-language-server: $schema=../schema/environment.schema.json\n Imported by \`thanos-gitops import manifests\` from ${file}: read the report beside this file.`;
  return doc.toString({ lineWidth: 0 });
}
