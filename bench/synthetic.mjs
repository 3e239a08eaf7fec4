// Synthetic environments for the benchmark, derived from bench/fixtures/prod-like.yaml (the benchmark's own
// production-like environment, not one of the shipped examples). Deterministic: environment i is always the same.
// Names, sizes, regions, tenants and topology vary so that no two environments render the same objects.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

// `yaml` is a dependency of input, not of the repository root: resolve it from there.
const { parseDocument } = createRequire(new URL('../packages/input/package.json', import.meta.url))('yaml');

const FIXTURE = readFileSync(new URL('./fixtures/prod-like.yaml', import.meta.url), 'utf8');

const TEAMS = ['pay', 'search', 'ads', 'identity', 'checkout', 'mobile', 'data', 'ml', 'edge', 'core-platform'];
const REGIONS = ['us-east-1', 'us-west-2', 'eu-west-1', 'eu-central-1', 'ap-southeast-2', 'sa-east-1'];
const STAGES = ['prod', 'stg', 'qa', 'perf'];
const SIZES = ['large', 'medium', 'small', 'large'];
const TENANT_WORDS = ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot', 'golf', 'hotel', 'india', 'juliet'];

/** A small deterministic PRNG (mulberry32), so every run benchmarks the same files. */
function random(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The name of synthetic environment `i`: `<team>-<stage>-<region short>-<i>`, 12 to 28 characters. */
export function syntheticName(i) {
  const team = TEAMS[i % TEAMS.length];
  const stage = STAGES[Math.floor(i / TEAMS.length) % STAGES.length];
  const region = REGIONS[i % REGIONS.length].replace(/-(\d)$/, '$1').replace('southeast', 'se');
  return `${team}-${stage}-${region}-${String(i).padStart(4, '0')}`;
}

/** The text of synthetic environment `i` (a valid environment file). */
export function syntheticEnvironment(i) {
  const rnd = random(i * 7919 + 17);
  const pick = (xs) => xs[Math.floor(rnd() * xs.length)];
  const name = syntheticName(i);
  const region = REGIONS[i % REGIONS.length];
  const doc = parseDocument(FIXTURE);
  doc.set('name', name);
  doc.setIn(['cluster', 'name'], `${name.slice(0, 20)}-eks`);
  doc.set('size', SIZES[i % SIZES.length]);
  doc.setIn(['labels', 'team'], name.split('-')[0]);
  doc.setIn(['objectStorage', 'bucket'], `initech-metrics-${name}`);
  doc.setIn(['objectStorage', 'region'], region);
  doc.setIn(['objectStorage', 'kmsKeyId'], `alias/metrics-${name}`);
  doc.setIn(['identity', 'aws', 'accountId'], String(100000000000 + i * 7919));
  doc.setIn(['identity', 'aws', 'oidcProvider'], `oidc.eks.${region}.amazonaws.com/id/${name.toUpperCase()}`);

  // Tenants: 1 to 3 named hashrings of 1 to 4 tenants each, then the catch-all.
  const rf = pick([1, 3, 3]);
  doc.setIn(['receive', 'replicationFactor'], rf);
  doc.setIn(['receive', 'router', 'replicas'], 1 + Math.floor(rnd() * 4));
  doc.setIn(['receive', 'retention'], `${pick([2, 7, 12, 15])}d`);
  const hashrings = [];
  const named = Math.floor(rnd() * 4);
  for (let h = 0; h < named; h++) {
    const tenants = Array.from({ length: 1 + Math.floor(rnd() * 4) }, (_, t) => `${pick(TENANT_WORDS)}-${h}${t}`);
    hashrings.push({
      name: `ring-${TENANT_WORDS[h]}`,
      tenants,
      replicas: rf + Math.floor(rnd() * 3),
      storage: `${pick([50, 100, 150])}Gi`,
      storageClass: 'gp3',
    });
  }
  hashrings.push({ name: 'default', replicas: rf + Math.floor(rnd() * 3), storage: '120Gi', storageClass: 'gp3' });
  doc.setIn(['receive', 'hashrings'], hashrings);

  doc.setIn(['query', 'replicas'], 1 + Math.floor(rnd() * 4));
  doc.setIn(['query', 'autoscaling', 'maxReplicas'], 6 + Math.floor(rnd() * 6));
  doc.setIn(['storeGateway', 'shards'], 1 + Math.floor(rnd() * 4));
  doc.setIn(['storeGateway', 'replicasPerShard'], 1 + Math.floor(rnd() * 2));
  if (rnd() < 0.3) doc.deleteIn(['storeGateway', 'partitions']);
  if (rnd() < 0.25) doc.setIn(['ruler', 'enabled'], false);
  if (rnd() < 0.3) doc.setIn(['bucketWeb', 'enabled'], false);
  if (rnd() < 0.2) doc.deleteIn(['queryFrontend', 'cache']);
  return doc.toString();
}

/** `n` synthetic environments as { name, text }. */
export function syntheticEnvironments(n) {
  return Array.from({ length: n }, (_, i) => ({ name: syntheticName(i), text: syntheticEnvironment(i) }));
}
