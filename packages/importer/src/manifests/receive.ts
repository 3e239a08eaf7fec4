/**
 * `receive`: the router's flags, the hashrings file, and each hashring's ingestor StatefulSets (replicas, volume
 * claim size and class, zones). Dual mode (ingestors that route, no router) becomes the project's split mode.
 */
import { parse, stringify } from 'yaml';
import { claimOf, replicasOf } from './common.js';
import { configOf, type ImportContext, note, put } from './context.js';
import { isPlain, objectId, type Plain } from './objects.js';
import { flag, flags, labelOf, source, type ThanosWorkload } from './workloads.js';

interface HashringEntry {
  hashring?: string;
  tenants?: string[];
  tenant_matcher_type?: string;
  endpoints?: (string | { address: string; az?: string })[];
}

const INGESTOR_PREFIX = 'thanos-receive-ingestor-';
/** The project's `--tsdb.path` of the ingestors. */
const TSDB_PATH = '/var/thanos/receive';

export function readReceive(ctx: ImportContext): void {
  const receive = ctx.workloads.filter((w) => w.command === 'receive');
  const ingestors = receive.filter((w) => w.kind === 'StatefulSet' && w.flags.has('tsdb.path'));
  const router = receive.find((w) => !ingestors.includes(w));
  if (ingestors.length === 0) {
    put(ctx, 'receive.enabled', false, 'input', 'no receive ingestors in the input');
    return;
  }
  const routing =
    router ?? ingestors.find((w) => w.flags.has('receive.hashrings-file') || w.flags.has('receive.hashrings'));
  if (!router) {
    note(ctx, {
      kind: 'default-differs',
      source: ingestors.map((w) => objectId(w.object)).join(', '),
      option: 'receive.router',
      detail: 'the ingestors also routed (dual mode): the project runs routers in front of them (split mode)',
    });
  }
  const first = ingestors[0] as ThanosWorkload;
  const retention = flag(first, 'tsdb.retention');
  if (retention) put(ctx, 'receive.retention', retention, source(first, 'tsdb.retention'));
  if (routing) routerFlags(ctx, routing);
  if (router)
    put(ctx, 'receive.router.replicas', replicasOf(router.object), `${objectId(router.object)}: spec.replicas`);
  if (router) ctx.resources.push({ option: 'receive.router', workload: router, preset: 'receive-router' });
  keepTsdbAtRoot(ctx, ingestors);
  externalLabels(ctx, first);
  hashrings(ctx, ingestors, routing);
  timing(ctx, first);
}

/**
 * kube-thanos mounts the claim at the TSDB path, so the TSDB is the volume's root; the project mounts it one
 * level up. When every ingestor ran so, a patch mounts the project's claim at `/var/thanos/receive` too: the
 * same `--tsdb.path`, the same files on the volume.
 */
function keepTsdbAtRoot(ctx: ImportContext, ingestors: ThanosWorkload[]): void {
  const atRoot = ingestors.every((w) => {
    const mounts = (w.container.volumeMounts ?? []) as Plain[];
    return mounts.some((m) => m.mountPath === flag(w, 'tsdb.path') && m.name === claimOf(w.object)?.name);
  });
  if (!atRoot || flag(ingestors[0], 'tsdb.path') !== TSDB_PATH) return;
  const patch = [
    { op: 'test', path: '/spec/template/spec/containers/0/volumeMounts/0/name', value: 'data' },
    { op: 'replace', path: '/spec/template/spec/containers/0/volumeMounts/0/mountPath', value: TSDB_PATH },
  ];
  const patches = (ctx.env.patches ?? []) as unknown[];
  ctx.env.patches = patches;
  put(
    ctx,
    `patches.${patches.length}`,
    { target: { kind: 'StatefulSet', name: `${INGESTOR_PREFIX}.*` }, patch: stringify(patch) },
    ingestors.map((w) => `${objectId(w.object)}: volumeMounts`).join(', '),
    `the claim is mounted at \`${TSDB_PATH}\` as before, so the TSDB stays the volume's root and the volumes are reused as they are`,
  );
  ctx.tsdbAtRoot = true;
}

function routerFlags(ctx: ImportContext, w: ThanosWorkload): void {
  const options: [string, string][] = [
    ['receive.replication-factor', 'receive.replicationFactor'],
    ['receive.hashrings-algorithm', 'receive.hashringAlgorithm'],
    ['receive.tenant-header', 'receive.tenantHeader'],
    ['receive.default-tenant-id', 'receive.defaultTenant'],
    ['receive.tenant-label-name', 'receive.tenantLabel'],
  ];
  for (const [name, option] of options) {
    const value = flag(w, name);
    if (value === undefined) continue;
    put(ctx, option, name === 'receive.replication-factor' ? Number(value) : value, source(w, name));
  }
  const limits = configOf(ctx, w, 'receive.limits-config');
  const write = limits ? (parse(limits) as Plain | null)?.write : undefined;
  if (isPlain(write)) put(ctx, 'receive.limits.write', write, source(w, 'receive.limits-config-file'), 'write limits');
}

function hashrings(ctx: ImportContext, ingestors: ThanosWorkload[], routing: ThanosWorkload | undefined): void {
  const text = routing ? configOf(ctx, routing, 'receive.hashrings') : undefined;
  const file = text ? (JSON.parse(text) as HashringEntry[]) : undefined;
  const where = routing ? source(routing, 'receive.hashrings-file') : 'input';
  const rings = catchAllLast(
    ctx,
    file ?? ingestors.map((w) => ({ hashring: hashringName(w) }) as HashringEntry),
    where,
  );
  const zones = new Set<string>();
  rings.forEach((ring, i) => {
    const name = ring.hashring ?? 'default';
    const sets = ingestorsOf(ring, ingestors);
    for (const e of ring.endpoints ?? []) if (typeof e !== 'string' && e.az) zones.add(e.az);
    put(ctx, `receive.hashrings.${i}.name`, name, where);
    if (ring.tenants?.length) put(ctx, `receive.hashrings.${i}.tenants`, ring.tenants, where);
    if (ring.tenant_matcher_type) put(ctx, `receive.hashrings.${i}.tenantMatcher`, ring.tenant_matcher_type, where);
    hashringSets(ctx, i, name, sets);
  });
  if (zones.size > 0) put(ctx, 'receive.zones', [...zones], where, 'the hashring endpoints carry these zones (az)');
}

/** The StatefulSets a hashring's endpoints point at (`<set>-<ordinal>.<service>...`), or its own by name. */
function ingestorsOf(ring: HashringEntry, ingestors: ThanosWorkload[]): ThanosWorkload[] {
  const names = new Set(
    (ring.endpoints ?? []).map((e) => (typeof e === 'string' ? e : e.address).split('.')[0]?.replace(/-\d+$/, '')),
  );
  const byEndpoint = ingestors.filter((w) => names.has(w.name));
  return byEndpoint.length > 0 ? byEndpoint : ingestors.filter((w) => hashringName(w) === ring.hashring);
}

function hashringName(w: ThanosWorkload): string {
  const label = w.object.metadata.labels?.['controller.receive.thanos.io/hashring'];
  if (label) return label;
  return w.name.startsWith(INGESTOR_PREFIX)
    ? w.name.slice(INGESTOR_PREFIX.length)
    : w.name.replace(/^thanos-receive-?/, '') || 'default';
}

function hashringSets(ctx: ImportContext, i: number, name: string, sets: ThanosWorkload[]): void {
  const first = sets[0];
  if (!first) return;
  const option = `receive.hashrings.${i}`;
  const replicas = sets.reduce((n, w) => n + replicasOf(w.object), 0);
  put(ctx, `${option}.replicas`, replicas, sets.map((w) => `${objectId(w.object)}: spec.replicas`).join(' + '));
  const claim = claimOf(first.object);
  if (claim?.storage) put(ctx, `${option}.storage`, claim.storage, `${objectId(first.object)}: volumeClaimTemplates`);
  if (claim?.storageClass)
    put(ctx, `${option}.storageClass`, claim.storageClass, `${objectId(first.object)}: volumeClaimTemplates`);
  ctx.resources.push({ option, workload: first, preset: 'receive-ingestor' });
  adoption(ctx, name, sets);
}

/** Whether the project's names for this hashring's StatefulSets, claim and TSDB path are the ones that ran. */
function adoption(ctx: ImportContext, name: string, sets: ThanosWorkload[]): void {
  for (const w of sets) {
    const expected = INGESTOR_PREFIX + name;
    if (!w.name.startsWith(expected)) {
      note(ctx, {
        kind: 'needs-person',
        source: objectId(w.object),
        detail: `the project names this hashring's StatefulSet \`${expected}\`: its volumes (\`data-${w.name}-N\`) are not reused; copy the TSDB or let the old ingestors drain (upload) before removing them`,
      });
    }
    const claim = claimOf(w.object);
    if (claim && claim.name !== 'data') {
      note(ctx, {
        kind: 'needs-person',
        source: `${objectId(w.object)}: volumeClaimTemplates`,
        detail: `claim template \`${claim.name}\`: the project's is \`data\`, so the volumes are not reused`,
      });
    }
    const layout = ctx.tsdbAtRoot ? undefined : tsdbLayout(w);
    if (layout) note(ctx, { kind: 'needs-person', source: source(w, 'tsdb.path'), detail: layout });
  }
}

/**
 * Where the TSDB sits inside the volume: the project mounts the claim at `/var/thanos` and writes
 * `/var/thanos/receive`, so the TSDB is the volume's `receive/` folder.
 */
export function tsdbLayout(w: ThanosWorkload): string | undefined {
  const path = flag(w, 'tsdb.path') ?? '';
  const mounts = ((w.container.volumeMounts ?? []) as Plain[]).filter((m) => typeof m.mountPath === 'string');
  const mount = mounts.find((m) => path === m.mountPath || path.startsWith(`${m.mountPath}/`));
  if (!mount) return `--tsdb.path=${path} is not on a volume: nothing to reuse`;
  const inVolume = `${path.slice(String(mount.mountPath).length)}`.replace(/^\//, '');
  if (inVolume === 'receive' && path === TSDB_PATH) return undefined;
  return `the TSDB is the volume's ${inVolume ? `\`${inVolume}/\` folder` : 'root'} (\`${path}\` on mount \`${String(mount.mountPath)}\`); the project's is its \`receive/\` folder (\`/var/thanos/receive\` on \`/var/thanos\`): move the blocks into \`receive/\` on each volume (or patch the mount) before the new pods start`;
}

function timing(ctx: ImportContext, w: ThanosWorkload): void {
  const grace = (w.object.spec as Plain | undefined)?.template as Plain | undefined;
  const seconds = (grace?.spec as Plain | undefined)?.terminationGracePeriodSeconds;
  if (typeof seconds === 'number' && seconds !== 900) {
    put(ctx, 'receive.terminationGracePeriodSeconds', seconds, `${objectId(w.object)}: terminationGracePeriodSeconds`);
  }
  const ready = (w.object.spec as Plain | undefined)?.minReadySeconds;
  if (typeof ready === 'number' && ready !== 60)
    put(ctx, 'receive.minReadySeconds', ready, `${objectId(w.object)}: spec.minReadySeconds`);
}

/**
 * Thanos sends a tenant to the first hashring that lists it or lists no tenant: a catch-all before others got
 * every tenant. The project refuses that order; the catch-all moves last, and a person checks where data went.
 */
function catchAllLast(ctx: ImportContext, rings: HashringEntry[], where: string): HashringEntry[] {
  const catchAll = (r: HashringEntry) => (r.tenants ?? []).length === 0;
  const first = rings.findIndex(catchAll);
  if (first < 0 || first === rings.length - 1 || rings.slice(first + 1).every(catchAll)) return rings;
  note(ctx, {
    kind: 'needs-person',
    source: where,
    option: 'receive.hashrings',
    detail: `hashring \`${rings[first]?.hashring ?? 'default'}\` lists no tenant and came first, so the hashrings after it received nothing: it is moved last; their tenants' recent data is on its ingestors until it ages out`,
  });
  return [...rings.filter((r) => !catchAll(r)), ...rings.filter(catchAll)];
}

/** The labels the project's ingestors put on every series and block: the pod's name and `receive="true"`. */
const POD_NAME = /^\$\((NAME|POD_NAME|HOSTNAME)\)$/;

/**
 * The ingestors' external labels are part of every block's identity: the compactor groups blocks by them, so a
 * label that changes name or value starts new streams that are never compacted or deduplicated with the old.
 */
function externalLabels(ctx: ImportContext, w: ThanosWorkload): void {
  const labels = flags(w, 'label').map(labelOf);
  const where = source(w, 'label');
  const same = labels.filter(([k, v]) => (k === 'replica' && POD_NAME.test(v)) || (k === 'receive' && v === 'true'));
  const other = labels.filter((l) => !same.includes(l));
  if (same.length === 2 && other.length === 0) {
    ctx.entries.push({
      kind: 'mapped',
      source: where,
      detail: 'external labels kept: `replica` (the pod name) and `receive="true"`, as the project writes them',
    });
    return;
  }
  const shown = labels.map(([k, v]) => `${k}=${v}`).join(', ') || 'none';
  note(ctx, {
    kind: 'needs-person',
    source: where,
    option: 'receive',
    detail: `the blocks carry external labels ${shown}; the project's ingestors write \`replica\` (the pod name) and \`receive="true"\`: new blocks start new streams the compactor never merges with the old ones; check the compactor's deduplication labels and Query's replica labels`,
  });
}
