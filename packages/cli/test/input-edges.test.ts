/**
 * Property test at the edges of every Kubernetes rule the loader enforces on values the user writes: label keys
 * (prefix of 253/254 characters, name of 63/64, leading and trailing `-_.`, upper case, with and without the `/`)
 * and values, annotation keys, nodeSelector keys and values, tolerations in every operator/effect combination,
 * strict IPv4/IPv6 CIDRs with prefixes /0 /32 /33 /128 /129, ports 0/1/65535/65536 in URLs and endpoints, extra
 * volumes named like the generator's own or at its mount paths.
 *
 * The oracles below are written from Kubernetes' own validation (apimachinery's IsQualifiedName,
 * IsValidLabelValue, IsDNS1123Label, ValidateTolerations) and Node's IP parser, not from the schema. For every drawn
 * environment:
 * - input the oracles call invalid is refused with a located problem at that very field, never an internal error;
 * - input they call valid is accepted, and every rendered object passes the same oracles (labels, annotations,
 *   node selectors, tolerations, volumes and mounts, NetworkPolicy CIDRs, ports); a sample also builds with
 *   kustomize into objects valid against their kubernetes-models schemas.
 */
import { isIPv4, isIPv6 } from 'node:net';
import { join } from 'node:path';
import { loadEnvironments, type SourceFile } from '@thanos-gitops/input';
import { COMPONENT_RECORDS } from '@thanos-gitops/model';
import { fieldName, InvalidEnvironmentError } from '@thanos-gitops/problems';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { type RenderedEnvironment, renderEnvironments } from '../src/render.js';
import {
  allContainers,
  findKustomize,
  KUSTOMIZE_REQUIRED,
  kustomizeBuild,
  objectName,
  plainObjectProblems,
  plainObjects,
  podSpecs,
  tempDir,
  writeTree,
} from './helpers.js';

type Plain = any;
type Path = (string | number)[];

// ---- Oracles, from Kubernetes' validation ---------------------------------------------------------------------

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;

/** IsQualifiedName: label and annotation keys, nodeSelector keys, toleration keys. */
function isQualifiedName(key: string): boolean {
  const parts = key.split('/');
  if (parts.length > 2) return false;
  const name = parts.at(-1) ?? '';
  if (parts.length === 2) {
    const prefix = parts[0] ?? '';
    if (prefix.length === 0 || prefix.length > 253 || !DNS1123_SUBDOMAIN.test(prefix)) return false;
  }
  return name.length > 0 && name.length <= 63 && QUALIFIED_NAME.test(name);
}

/** IsValidLabelValue. */
const isLabelValue = (v: string) => v.length <= 63 && (v === '' || QUALIFIED_NAME.test(v));

/** A strict CIDR: Node's IPv4 (no leading zeros) or IPv6 (no zone, no embedded IPv4) parser, prefix in range. */
function isCidr(c: string): boolean {
  const m = /^([^/]+)\/(0|[1-9][0-9]*)$/.exec(c);
  if (!m) return false;
  const [, ip = '', bits = ''] = m;
  if (isIPv4(ip)) return Number(bits) <= 32;
  return isIPv6(ip) && !/[%.]/.test(ip) && Number(bits) <= 128;
}

/** A strict CIDR with host bits set beyond its prefix (`10.0.0.1/8`): valid to Kubernetes, refused by a rule. */
function hasHostBits(c: string): boolean {
  const [ip = '', prefix = ''] = c.split('/');
  return !noHostBits(isIPv4(ip) ? ipv4Bits(ip) : ipv6Bits(ip), Number(prefix));
}

/** The address as a string of 0 and 1. */
const ipv4Bits = (ip: string) =>
  ip
    .split('.')
    .map((o) => Number(o).toString(2).padStart(8, '0'))
    .join('');
function ipv6Bits(ip: string): string {
  const halves = ip.split('::').map((h) => (h === '' ? [] : h.split(':')));
  const zeros = 8 - halves.flat().length;
  const groups =
    halves.length === 2 ? [...(halves[0] ?? []), ...Array(zeros).fill('0'), ...(halves[1] ?? [])] : halves[0];
  return (groups ?? []).map((g) => Number.parseInt(g, 16).toString(2).padStart(16, '0')).join('');
}
const noHostBits = (bits: string, prefix: number) => !bits.slice(prefix).includes('1');

const isPort = (p: string) => /^[1-9][0-9]*$/.test(p) && Number(p) <= 65535;

/** ValidateTolerations: the fields of one toleration that Kubernetes refuses. */
function tolerationProblems(t: Toleration): string[] {
  const out: string[] = [];
  const key = t.key ?? '';
  const op = t.operator ?? 'Equal';
  if (key !== '' && !isQualifiedName(key)) out.push('key');
  if (key === '' && op !== 'Exists') out.push(t.operator === undefined ? 'key' : 'operator');
  if (op === 'Exists' && (t.value ?? '') !== '') out.push('value');
  if (op === 'Equal' && t.value !== undefined && !isLabelValue(t.value)) out.push('value');
  if (t.tolerationSeconds !== undefined && t.effect !== 'NoExecute') out.push('tolerationSeconds');
  return out;
}

/** Problems of rendered (or built) objects by the oracles: what the API server would refuse. */
function objectOracleProblems(objects: readonly Plain[]): string[] {
  const out: string[] = [];
  const metaProblems = (where: string, meta: Plain) => {
    for (const [k, v] of Object.entries(meta?.labels ?? {})) {
      if (!isQualifiedName(k) || typeof v !== 'string' || !isLabelValue(v)) out.push(`${where}: label ${k}=${v}`);
    }
    for (const [k, v] of Object.entries(meta?.annotations ?? {})) {
      if (!isQualifiedName(k) || typeof v !== 'string') out.push(`${where}: annotation ${k}=${String(v)}`);
    }
  };
  for (const o of objects) {
    const name = objectName(o);
    metaProblems(name, o.metadata);
    for (const p of o.spec?.ingress ?? []) {
      for (const f of p.from ?? [])
        if (f.ipBlock && !isCidr(f.ipBlock.cidr)) out.push(`${name}: cidr ${f.ipBlock.cidr}`);
    }
    for (const p of o.spec?.egress ?? []) {
      for (const t of p.to ?? []) if (t.ipBlock && !isCidr(t.ipBlock.cidr)) out.push(`${name}: cidr ${t.ipBlock.cidr}`);
      for (const port of p.ports ?? []) {
        if (typeof port.port === 'number' && !isPort(String(port.port))) out.push(`${name}: port ${port.port}`);
      }
    }
    if (o.kind === 'Service') {
      for (const p of o.spec?.ports ?? []) if (!isPort(String(p.port))) out.push(`${name}: service port ${p.port}`);
    }
  }
  for (const { owner, spec, metadata } of podSpecs(objects)) {
    const name = `${objectName(owner)} pod`;
    metaProblems(name, metadata);
    for (const [k, v] of Object.entries(spec.nodeSelector ?? {})) {
      if (!isQualifiedName(k) || typeof v !== 'string' || !isLabelValue(v)) out.push(`${name}: nodeSelector ${k}=${v}`);
    }
    for (const t of spec.tolerations ?? []) {
      const bad = tolerationProblems(t);
      if (bad.length > 0) out.push(`${name}: toleration ${JSON.stringify(t)} (${bad.join(', ')})`);
    }
    const volumes = (spec.volumes ?? []).map((v: Plain) => v.name as string);
    const claims = (owner.spec?.volumeClaimTemplates ?? []).map((c: Plain) => c.metadata?.name as string);
    const all = [...volumes, ...claims];
    for (const v of all) if (!DNS1123_LABEL.test(v) || v.length > 63) out.push(`${name}: volume name ${v}`);
    if (new Set(all).size !== all.length) out.push(`${name}: duplicate volume names ${all.join(', ')}`);
    for (const c of allContainers(spec)) {
      const paths = (c.volumeMounts ?? []).map((m: Plain) => m.mountPath as string);
      if (new Set(paths).size !== paths.length) out.push(`${name} container ${c.name}: duplicate mount paths`);
      for (const m of c.volumeMounts ?? []) {
        if (!all.includes(m.name)) out.push(`${name} container ${c.name}: mount of unknown volume ${m.name}`);
      }
      for (const p of c.ports ?? []) {
        if (!isPort(String(p.containerPort))) out.push(`${name} container ${c.name}: port ${p.containerPort}`);
      }
    }
  }
  return out;
}

// ---- Values at the edges ----------------------------------------------------------------------------------------

const rep = (s: string, n: number) => s.repeat(Math.ceil(n / s.length)).slice(0, n);
/** 253 and 254 characters, every DNS label at most 63. */
const PREFIX_253 = `${rep('a', 63)}.${rep('b', 63)}.${rep('c', 63)}.${rep('d', 61)}`;

const NAMES = [
  'team',
  'a',
  'Z',
  '0',
  'a-b',
  'a_b',
  'a.b',
  'Team.Name_1',
  rep('n', 63),
  rep('n', 64),
  `N${rep('x', 61)}9`,
  '-a',
  'a-',
  '_a',
  'a_',
  '.a',
  'a.',
  'a b',
  '',
];
const PREFIXES = [
  undefined,
  'example.com',
  'kubernetes.io',
  'a',
  PREFIX_253,
  `${PREFIX_253}e`,
  'Example.com',
  '-example.com',
  'example.com-',
  'example..com',
  'exa_mple.com',
  '',
];
/** Mostly values the oracle accepts, sometimes one it refuses, all at the edges. */
function edge<T>(values: readonly T[], ok: (v: T) => boolean): fc.Arbitrary<T> {
  const good = values.filter(ok);
  const bad = values.filter((v) => !ok(v));
  expect(good.length * bad.length).toBeGreaterThan(0);
  return fc.oneof(
    { weight: 12, arbitrary: fc.constantFrom(...good) },
    { weight: 1, arbitrary: fc.constantFrom(...bad) },
  );
}

const LABEL_KEYS = PREFIXES.flatMap((p) => NAMES.map((n) => (p === undefined ? n : `${p}/${n}`)));
const labelKey = edge(LABEL_KEYS, isQualifiedName);
const labelValue = edge([...NAMES, '1.0', 'true'], isLabelValue);

const IPS = [
  '0.0.0.0',
  '10.0.0.0',
  '192.168.1.1',
  '255.255.255.255',
  '256.0.0.0',
  '010.0.0.0',
  '10.0.0',
  '1.2.3.4.5',
  '::',
  '::1',
  'fd00::',
  '2001:db8::',
  '1:2:3:4:5:6:7:8',
  '1:2:3:4:5:6:7::',
  '1:2:3:4:5:6:7:8:9',
  '2001:db8::g',
  '12345::',
  ':::',
];
const BITS = ['0', '1', '8', '32', '33', '64', '128', '129', '08', ''];
const cidr = edge([...IPS.flatMap((ip) => BITS.map((b) => `${ip}/${b}`)), ...IPS], isCidr);
const port = edge(['0', '1', '443', '9093', '65535', '65536', '99999', '080'], isPort);

interface Toleration {
  key?: string;
  operator?: string;
  value?: string;
  effect?: string;
  tolerationSeconds?: number;
}
const TOLERATIONS: Toleration[] = [];
for (const key of [undefined, '', 'dedicated', 'example.com/gpu', 'a b', rep('k', 64)]) {
  for (const operator of [undefined, 'Exists', 'Equal']) {
    for (const value of [undefined, '', 'thanos', 'a b', rep('v', 64)]) {
      for (const effect of [undefined, 'NoSchedule', 'PreferNoSchedule', 'NoExecute']) {
        for (const tolerationSeconds of [undefined, 0, 300]) {
          const t: Toleration = { key, operator, value, effect, tolerationSeconds };
          for (const k of Object.keys(t) as (keyof Toleration)[]) if (t[k] === undefined) delete t[k];
          TOLERATIONS.push(t);
        }
      }
    }
  }
}
/** Every operator/effect combination with keys, values and seconds at their edges. */
const toleration = edge(TOLERATIONS, (t) => tolerationProblems(t).length === 0);

/** Names and paths of volumes the generator creates in some pod, and ordinary ones. */
const VOLUME_NAMES = [
  'scratch',
  'cache',
  'objstore',
  'data',
  'tracing',
  'endpoints',
  'tls',
  'internal-tls',
  'rules-a',
  'hashrings',
  'limits',
  'Scratch',
  '-x',
  'x-',
  'a.b',
  rep('v', 63),
  rep('v', 64),
];
const MOUNT_PATHS = [
  '/scratch',
  '/cache',
  '/var/thanos',
  '/var/thanos/x',
  '/etc/thanos',
  '/etc/thanos/objstore',
  '/tmp',
  '/',
  '/scratch/sub',
  '/etc',
];
const extraVolume = fc.record({
  name: fc.oneof(
    { weight: 3, arbitrary: fc.constant('scratch') },
    { weight: 2, arbitrary: fc.constantFrom(...VOLUME_NAMES) },
  ),
  mountPath: fc.oneof(
    { weight: 3, arbitrary: fc.constant('/scratch') },
    { weight: 2, arbitrary: fc.constantFrom(...MOUNT_PATHS) },
  ),
  emptyDir: fc.constant({}),
});

/** Workload sections and the component whose pods they configure. */
const SECTIONS: Record<string, keyof typeof COMPONENT_RECORDS> = {
  query: 'query',
  queryFrontend: 'query-frontend',
  storeGateway: 'store-gateway',
  compactor: 'compactor',
  'receive.router': 'receive-router',
  'receive.hashrings.0': 'receive-ingestor',
  ruler: 'ruler',
  bucketWeb: 'bucket-web',
};

const draw = fc.record({
  section: fc.constantFrom(...Object.keys(SECTIONS)),
  labels: fc.dictionary(labelKey, labelValue, { maxKeys: 2 }),
  monitoringLabels: fc.dictionary(labelKey, labelValue, { maxKeys: 1 }),
  nodeSelector: fc.dictionary(labelKey, labelValue, { maxKeys: 2 }),
  podAnnotations: fc.dictionary(labelKey, fc.constantFrom<string>('x', '', '1'), { maxKeys: 2 }),
  tolerations: fc.array(toleration, { maxLength: 2 }),
  extraVolumes: fc.array(extraVolume, { maxLength: 2 }),
  remoteWriteCIDRs: fc.array(cidr, { maxLength: 2 }),
  objectStorageCIDRs: fc.array(cidr, { maxLength: 1 }),
  alertmanagerPort: fc.option(port, { nil: undefined }),
  endpointPort: fc.option(port, { nil: undefined }),
  tracingPort: fc.option(port, { nil: undefined }),
  runbookPort: fc.option(port, { nil: undefined }),
});
type Draw = typeof draw extends fc.Arbitrary<infer T> ? T : never;

/** A draw with nothing in it: every list and map empty, no port. */
const EMPTY: Draw = {
  section: 'query',
  labels: {},
  monitoringLabels: {},
  nodeSelector: {},
  podAnnotations: {},
  tolerations: [],
  extraVolumes: [],
  remoteWriteCIDRs: [],
  objectStorageCIDRs: [],
  alertmanagerPort: undefined,
  endpointPort: undefined,
  tracingPort: undefined,
  runbookPort: undefined,
};

// ---- The environment of a draw, and what the oracles expect of it ------------------------------------------------

function sectionPath(section: string): Path {
  return section.split('.').map((p) => (/^[0-9]+$/.test(p) ? Number(p) : p));
}

/** The environment document; `withVolumes: false` leaves the extra volumes out (for the generator's own volumes). */
function documentOf(d: Draw, withVolumes = true): Plain {
  const workload: Plain = {
    nodeSelector: d.nodeSelector,
    podAnnotations: d.podAnnotations,
    tolerations: d.tolerations,
    ...(withVolumes ? { extraVolumes: d.extraVolumes } : {}),
  };
  const doc: Plain = {
    name: 'edges',
    cluster: { name: 'test' },
    labels: d.labels,
    objectStorage: { provider: 's3', bucket: 'acme-thanos-edges', region: 'eu-west-1' },
    identity: { aws: { accountId: '123456789012', oidcProvider: 'oidc.eks.eu-west-1.amazonaws.com/id/X' } },
    monitoring: {
      labels: d.monitoringLabels,
      ...(d.runbookPort ? { runbookBaseUrl: `https://runbooks.example.com:${d.runbookPort}/thanos` } : {}),
    },
    networkPolicies: { remoteWriteCIDRs: d.remoteWriteCIDRs, objectStorageCIDRs: d.objectStorageCIDRs },
    receive: { hashrings: [{ name: 'default' }] },
    ruler: {
      enabled: d.section === 'ruler' || d.alertmanagerPort !== undefined,
      ...(d.alertmanagerPort ? { alertmanagers: [`http://alertmanager.monitoring.svc:${d.alertmanagerPort}`] } : {}),
    },
    bucketWeb: { enabled: d.section === 'bucketWeb' },
    query: d.endpointPort ? { extraEndpoints: [`dns+thanos-sidecar.team-a.svc:${d.endpointPort}`] } : {},
    ...(d.tracingPort
      ? { tracing: { endpoint: `otel-collector.observability.svc:${d.tracingPort}`, insecure: true } }
      : {}),
  };
  let at = doc;
  const path = sectionPath(d.section);
  for (const [i, p] of path.entries()) {
    if (i === path.length - 1) at[p] = { ...(at[p] ?? {}), ...workload };
    else at = at[p] ??= {};
  }
  return doc;
}

const sourceOf = (doc: Plain): SourceFile => ({ path: 'environments/edges.yaml', text: stringify(doc) });

/** Volume names and main-container mount paths the generator gives the section's pods, from a render without extras. */
const generatedCache = new Map<string, { names: Set<string>; paths: string[] }>();
function generatedVolumes(d: Draw): { names: Set<string>; paths: string[] } {
  // Only what changes the generated volumes matters: the section and tracing; everything else at a valid value.
  const key = `${d.section} ${d.tracingPort !== undefined}`;
  const cached = generatedCache.get(key);
  if (cached) return cached;
  const base = documentOf(
    {
      ...EMPTY,
      section: d.section,
      alertmanagerPort: d.alertmanagerPort && '9093',
      endpointPort: d.endpointPort && '10901',
      tracingPort: d.tracingPort && '4317',
    },
    false,
  );
  const [r] = renderEnvironments([sourceOf(base)]);
  const app = COMPONENT_RECORDS[SECTIONS[d.section] as keyof typeof COMPONENT_RECORDS].app;
  const names = new Set<string>();
  const paths: string[] = [];
  for (const { owner, spec, metadata } of podSpecs(plainObjects(r as RenderedEnvironment))) {
    if (metadata?.labels?.['app.kubernetes.io/name'] !== app) continue;
    for (const v of spec.volumes ?? []) names.add(v.name);
    for (const c of owner.spec?.volumeClaimTemplates ?? []) names.add(c.metadata.name);
    for (const c of allContainers(spec)) for (const m of c.volumeMounts ?? []) names.add(m.name);
    const main = (spec.containers ?? []).find((c: Plain) => c.name === 'thanos');
    for (const m of main?.volumeMounts ?? []) paths.push(m.mountPath);
  }
  expect(names.size, `no pods of ${app}`).toBeGreaterThan(0);
  const result = { names, paths };
  generatedCache.set(key, result);
  return result;
}

const normal = (p: string) => `/${p.split('/').filter(Boolean).join('/')}`;
const nestedPaths = (a: string, b: string) => {
  const inside = (x: string, y: string) => x === y || y === '/' || x.startsWith(`${y}/`);
  return inside(normal(a), normal(b)) || inside(normal(b), normal(a));
};

/**
 * The fields the oracles call invalid, as the loader names them, by the stage that finds them: the schema's
 * patterns, the load-time rules (run once the schema holds), and the render (collisions with what the generator
 * creates). A stage runs only when the one before found nothing.
 */
function invalidFields(d: Draw, render = true): { schema: string[]; rules: string[]; render: string[] } {
  const schema: Path[] = [];
  const rules: Path[] = [];
  const atRender: Path[] = [];
  const section = sectionPath(d.section);
  const map = (base: Path, m: Record<string, string>, values: boolean) => {
    for (const [k, v] of Object.entries(m)) {
      if (!isQualifiedName(k) || (values && !isLabelValue(v))) schema.push([...base, k]);
    }
  };
  map(['labels'], d.labels, true);
  map(['monitoring', 'labels'], d.monitoringLabels, true);
  map([...section, 'nodeSelector'], d.nodeSelector, true);
  map([...section, 'podAnnotations'], d.podAnnotations, false);
  d.tolerations.forEach((t, i) => {
    const at: Path = [...section, 'tolerations', i];
    // Patterns: a key is empty or a label key; a value is a label value whatever the operator.
    const patternKey = t.key !== undefined && t.key !== '' && !isQualifiedName(t.key);
    const patternValue = t.value !== undefined && !isLabelValue(t.value);
    if (patternKey) schema.push([...at, 'key']);
    if (patternValue) schema.push([...at, 'value']);
    for (const f of tolerationProblems(t)) {
      if (!(f === 'key' && patternKey) && !(f === 'value' && patternValue)) rules.push([...at, f]);
    }
  });
  d.remoteWriteCIDRs.forEach((c, i) => {
    if (!isCidr(c)) schema.push(['networkPolicies', 'remoteWriteCIDRs', i]);
    else if (hasHostBits(c)) rules.push(['networkPolicies', 'remoteWriteCIDRs', i]);
  });
  d.objectStorageCIDRs.forEach((c, i) => {
    if (!isCidr(c)) schema.push(['networkPolicies', 'objectStorageCIDRs', i]);
    else if (hasHostBits(c)) rules.push(['networkPolicies', 'objectStorageCIDRs', i]);
  });
  if (d.alertmanagerPort && !isPort(d.alertmanagerPort)) schema.push(['ruler', 'alertmanagers', 0]);
  if (d.endpointPort && !isPort(d.endpointPort)) schema.push(['query', 'extraEndpoints', 0]);
  if (d.tracingPort && !isPort(d.tracingPort)) schema.push(['tracing', 'endpoint']);
  if (d.runbookPort && !isPort(d.runbookPort)) schema.push(['monitoring', 'runbookBaseUrl']);
  if (d.extraVolumes.length > 0) {
    const generated = render ? generatedVolumes(d) : undefined;
    d.extraVolumes.forEach((v, i) => {
      const at: Path = [...section, 'extraVolumes', i];
      const earlier = d.extraVolumes.slice(0, i);
      if (!DNS1123_LABEL.test(v.name) || v.name.length > 63) schema.push([...at, 'name']);
      else if (earlier.some((e) => e.name === v.name)) rules.push([...at, 'name']);
      else if (generated?.names.has(v.name)) atRender.push([...at, 'name']);
      if (earlier.some((e) => nestedPaths(e.mountPath, v.mountPath))) rules.push([...at, 'mountPath']);
      else if (generated?.paths.some((p) => nestedPaths(p, v.mountPath))) atRender.push([...at, 'mountPath']);
    });
  }
  return { schema: schema.map(fieldName), rules: rules.map(fieldName), render: atRender.map(fieldName) };
}

// ---- Every edge value, deterministically ------------------------------------------------------------------------

/** The fields the loader refuses in `doc` (sorted), each located; none when it loads. */
function refusedFields(doc: Plain): string[] {
  try {
    loadEnvironments([sourceOf(doc)]);
    return [];
  } catch (err) {
    if (!(err instanceof InvalidEnvironmentError)) throw err;
    for (const p of err.problems) expect(p.line * p.column, `${p.field}: ${p.message}`).toBeGreaterThan(0);
    return [...new Set(err.problems.map((p) => p.field))].sort();
  }
}

const sorted = (fields: Path[]) => [...new Set(fields.map(fieldName))].sort();

describe('every value at the edges, each loaded once', () => {
  it('label and annotation keys, label values: refused exactly where Kubernetes refuses them', () => {
    const keys = Object.fromEntries(LABEL_KEYS.map((k) => [k, 'x']));
    const values = [...NAMES, '1.0', 'true'];
    const doc = documentOf({
      ...EMPTY,
      labels: keys,
      monitoringLabels: keys,
      nodeSelector: Object.fromEntries(values.map((v, i) => [`${i}`, v])),
      podAnnotations: keys,
    });
    doc.monitoring.dashboards = { grafanaOperator: { instanceSelector: keys } };
    expect(refusedFields(doc)).toEqual(
      sorted([
        ...LABEL_KEYS.filter((k) => !isQualifiedName(k)).flatMap((k) => [
          ['labels', k],
          ['monitoring', 'labels', k],
          ['monitoring', 'dashboards', 'grafanaOperator', 'instanceSelector', k],
          ['query', 'podAnnotations', k],
        ]),
        ...values.flatMap((v, i) => (isLabelValue(v) ? [] : [['query', 'nodeSelector', `${i}`]])),
      ]),
    );
  });

  it('tolerations in every operator/effect combination: the patterns first, then the semantics', () => {
    const patternOk = (t: Toleration) =>
      (t.key === undefined || t.key === '' || isQualifiedName(t.key)) &&
      (t.value === undefined || isLabelValue(t.value));
    const semantic = TOLERATIONS.filter(patternOk);
    const malformed = TOLERATIONS.filter((t) => !patternOk(t));
    expect(refusedFields(documentOf({ ...EMPTY, tolerations: semantic }))).toEqual(
      sorted(semantic.flatMap((t, i) => tolerationProblems(t).map((f) => ['query', 'tolerations', i, f]))),
    );
    expect(refusedFields(documentOf({ ...EMPTY, tolerations: malformed }))).toEqual(
      sorted(
        malformed.flatMap((t, i) => [
          ...(t.key !== undefined && t.key !== '' && !isQualifiedName(t.key)
            ? [['query', 'tolerations', i, 'key']]
            : []),
          ...(t.value !== undefined && !isLabelValue(t.value) ? [['query', 'tolerations', i, 'value']] : []),
        ]),
      ),
    );
  });

  it('CIDRs with prefixes /0 /32 /33 /128 /129: refused exactly where strict parsing refuses them', () => {
    const cidrs = [...IPS.flatMap((ip) => BITS.map((b) => `${ip}/${b}`)), ...IPS];
    expect(refusedFields(documentOf({ ...EMPTY, remoteWriteCIDRs: cidrs }))).toEqual(
      sorted(cidrs.flatMap((c, i) => (isCidr(c) ? [] : [['networkPolicies', 'remoteWriteCIDRs', i]]))),
    );
    // The strict ones, alone (a schema problem stops the rules): refused where host bits are set.
    const strict = cidrs.filter(isCidr);
    expect(refusedFields(documentOf({ ...EMPTY, remoteWriteCIDRs: strict }))).toEqual(
      sorted(strict.flatMap((c, i) => (hasHostBits(c) ? [['networkPolicies', 'remoteWriteCIDRs', i]] : []))),
    );
    expect(strict.filter(hasHostBits).length).toBeGreaterThan(0);
  });

  it('ports 0/1/65535/65536 in every URL and endpoint', () => {
    for (const p of ['0', '1', '443', '65535', '65536', '99999', '080']) {
      const doc = documentOf({ ...EMPTY, alertmanagerPort: p, endpointPort: p, tracingPort: p, runbookPort: p });
      const where: Path[] = [
        ['ruler', 'alertmanagers', 0],
        ['query', 'extraEndpoints', 0],
        ['tracing', 'endpoint'],
        ['monitoring', 'runbookBaseUrl'],
      ];
      expect(refusedFields(doc), `port ${p}`).toEqual(isPort(p) ? [] : sorted(where));
    }
  });

  it('extra volume names: DNS-1123 labels of at most 63 characters', () => {
    const volumes = VOLUME_NAMES.map((name, i) => ({ name, mountPath: `/extra/${i}`, emptyDir: {} }));
    expect(refusedFields(documentOf({ ...EMPTY, extraVolumes: volumes }))).toEqual(
      sorted(
        VOLUME_NAMES.flatMap((n, i) =>
          DNS1123_LABEL.test(n) && n.length <= 63 ? [] : [['query', 'extraVolumes', i, 'name']],
        ),
      ),
    );
  });
});

describe.skipIf(!findKustomize() && !KUSTOMIZE_REQUIRED)('patches the rules accept', () => {
  it('build with kustomize and take effect: strategic merge, JSON6902 in YAML and in JSON', () => {
    const doc = documentOf(EMPTY);
    doc.patches = [
      {
        target: { kind: 'Deployment', name: 'thanos-query' },
        patch: stringify({
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          metadata: { name: 'thanos-query', annotations: { 'example.com/patched': 'strategic' } },
        }),
      },
      {
        target: { kind: 'Deployment', name: 'thanos-query' },
        patch: stringify([{ op: 'add', path: '/metadata/labels/patched', value: 'yaml' }]),
      },
      {
        target: { kind: 'Service', name: 'thanos-query' },
        patch: JSON.stringify([{ op: 'add', path: '/metadata/labels/patched', value: 'json' }]),
      },
    ];
    const [r] = renderEnvironments([sourceOf(doc)]);
    const k = findKustomize() as NonNullable<ReturnType<typeof findKustomize>>;
    const objects = kustomizeBuild(k, writeTree(tempDir('edges-patches-'), (r as RenderedEnvironment).tree));
    const find = (kind: string) => objects.find((o) => o.kind === kind && o.metadata?.name === 'thanos-query');
    expect(find('Deployment')?.metadata?.annotations?.['example.com/patched']).toBe('strategic');
    expect(find('Deployment')?.metadata?.labels?.patched).toBe('yaml');
    expect(find('Service')?.metadata?.labels?.patched).toBe('json');
    expect(objects.flatMap(plainObjectProblems)).toEqual([]);
  });
});

// ---- The properties ----------------------------------------------------------------------------------------------

const kustomize = findKustomize();
/** How many accepted environments are also built with kustomize (about 0.3 s each). */
const KUSTOMIZE_SAMPLES = kustomize ? 4 : 0;

describe('values at the edges of the Kubernetes rules', () => {
  it('draws both accepted and refused environments at every rule (the arbitrary is not degenerate)', () => {
    const draws = fc.sample(draw, { numRuns: 300, seed: 7 });
    const refused = draws.map((d) => {
      const { schema, rules } = invalidFields(d, false);
      return [...schema, ...rules];
    });
    expect(refused.filter((f) => f.length === 0).length).toBeGreaterThan(20);
    for (const field of [
      'labels.',
      'nodeSelector.',
      'tolerations[',
      'CIDRs[',
      'extraVolumes[',
      'alertmanagers',
      'extraEndpoints',
      'tracing.endpoint',
    ]) {
      expect(
        refused.some((f) => f.some((x) => x.includes(field))),
        field,
      ).toBe(true);
    }
  });

  it('refuses invalid values with a located problem at the field, accepts valid ones into valid objects', () => {
    const root = tempDir('edges-');
    let built = 0;
    let accepted = 0;
    fc.assert(
      fc.property(draw, (d) => {
        const source = sourceOf(documentOf(d));
        const stages = invalidFields(d);
        const all = [...stages.schema, ...stages.rules, ...stages.render];
        let rendered: RenderedEnvironment | undefined;
        try {
          [rendered] = renderEnvironments([source]);
        } catch (err) {
          // Anything but a located refusal is an internal error (exit 3 from the CLI).
          if (!(err instanceof InvalidEnvironmentError)) throw err;
          const problems = err.problems;
          for (const p of problems) {
            expect(p.line, `${p.field}: ${p.message}`).toBeGreaterThan(0);
            expect(p.column).toBeGreaterThan(0);
          }
          const fields = problems.map((p) => p.field);
          const context = `\n${err.message}\n\n${source.text}`;
          expect(all, `refused, but the oracles accept everything:${context}`).not.toEqual([]);
          // Every field the first failing stage finds is named, and nothing the oracles accept is refused.
          const stage = [stages.schema, stages.rules, stages.render].find((s) => s.length > 0) ?? [];
          for (const f of stage) expect(fields, `${f} not reported:${context}`).toContain(f);
          for (const f of fields) {
            const named = all.some((e) => f === e || f.startsWith(`${e}.`) || f.startsWith(`${e}[`));
            expect(named, `${f} refused, but the oracles accept it:${context}`).toBe(true);
          }
          return;
        }
        const expected = all;
        expect(expected, `accepted, though Kubernetes refuses ${expected.join(', ')}:\n${source.text}`).toEqual([]);
        const r = rendered as RenderedEnvironment;
        accepted++;
        expect(objectOracleProblems(plainObjects(r))).toEqual([]);
        if (built < KUSTOMIZE_SAMPLES && (d.extraVolumes.length > 0 || d.tolerations.length > 0)) {
          built++;
          const objects = kustomizeBuild(
            kustomize as NonNullable<typeof kustomize>,
            writeTree(join(root, `${built}`), r.tree),
          );
          expect(objects.flatMap(plainObjectProblems)).toEqual([]);
          expect(objectOracleProblems(objects)).toEqual([]);
        }
      }),
      { numRuns: 40 },
    );
    expect(accepted).toBeGreaterThan(0);
    if (KUSTOMIZE_REQUIRED) expect(built).toBeGreaterThan(0);
  }, 240_000);
});
