/** Environments the operability tests render: the shared test fixtures plus variants of this package's own. */
import { readFileSync } from 'node:fs';
import { loadEnvironments } from '@thanos-gitops/input';
import type { Manifest } from '@thanos-gitops/manifests';
import { NO_TLS } from '@thanos-gitops/model';
import type { Environment } from '@thanos-gitops/schema';
import { renderComponents } from '@thanos-gitops/thanos-components';

const SHARED = new URL('../../../test/fixtures/environments/', import.meta.url);

/** Variants that reach what the shared fixtures do not: no frontend, stateful ruler, sharded compactor, … */
const OWN: Record<string, string> = {
  variant: `name: variant
cluster: { name: variant-cluster }
namespace: observability
objectStorage: { provider: s3, bucket: variant-bucket, region: eu-west-1 }
receive:
  replicationFactor: 3
  hashrings:
    - { name: alpha, tenants: [a, b], replicas: 3 }
    - { name: beta, tenants: [c], replicas: 3 }
    - { name: rest, replicas: 3 }
queryFrontend: { enabled: false }
storeGateway: { shards: 3, indexCache: { type: memcached } }
compactor: { sharding: { shards: 2, label: tenant_id } }
ruler: { enabled: true, mode: stateful, alertmanagers: [http://am.monitoring.svc:9093] }
bucketWeb: { enabled: true }
monitoring:
  datasource: { enabled: true }
  dashboards: { grafanaOperator: { instanceSelector: { dashboards: grafana } } }
`,
  'no-receive': `name: no-receive
cluster: { name: c }
objectStorage: { provider: s3, bucket: nr-bucket, region: eu-west-1 }
receive: { enabled: false }
compactor: { retention: { raw: 0d, 5m: 0d, 1h: 0d } }
`,
};

export const FIXTURES = ['dev', 'staging', 'prod', ...Object.keys(OWN)];

export function fixtureText(name: string): string {
  return OWN[name] ?? readFileSync(new URL(`${name}.yaml`, SHARED), 'utf8');
}

/** A fixture, with `extra` top-level YAML appended (e.g. a `delivery` section). */
export function loadFixture(name: string, extra = ''): Environment {
  const [loaded] = loadEnvironments([{ path: `environments/${name}.yaml`, text: `${fixtureText(name)}\n${extra}` }]);
  if (!loaded) throw new Error(`fixture ${name} did not load`);
  return loaded.env;
}

/** The environment and its component objects, with a stand-in identity that annotates like IRSA does. */
export function renderFixture(name: string, extra = ''): { env: Environment; manifests: Manifest[] } {
  const env = loadFixture(name, extra);
  const manifests = renderComponents({
    env,
    file: `environments/${name}.yaml`,
    identity: {
      objstoreConfig: '',
      forComponent: (c) => ({
        serviceAccountAnnotations: { 'eks.amazonaws.com/role-arn': `arn:aws:iam::123456789012:role/test-${c}` },
        podLabels: {},
        env: [],
      }),
    },
    tls: { forComponent: () => NO_TLS },
    report: (path, message) => {
      throw new Error(`${path.join('.')}: ${message}`);
    },
  });
  return { env, manifests };
}
