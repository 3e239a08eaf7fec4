/**
 * The objects every component has besides its workload (objects.ts): ServiceAccount, Services, ServiceMonitor and
 * PodDisruptionBudget, built by the helpers for a context of a test environment, each test building its own.
 */
import { loadEnvironments } from '@thanos-gitops/input';
import { toPlain } from '@thanos-gitops/manifests';
import { NO_TLS } from '@thanos-gitops/model';
import { describe, expect, it } from 'vitest';
import type { RenderContext } from '../src/context.js';
import {
  disruptionBudget,
  GRPC_AND_HTTP,
  HTTP_ONLY,
  metadata,
  service,
  serviceAccount,
  serviceMonitor,
} from '../src/objects.js';
import { MINIMAL } from './support/render.js';

type Obj = Record<string, any>;
const LABELS = { name: 'thanos-x', instance: 'thanos-x-a', component: 'x', version: 'v0.42.4' };
const SELECTOR = { 'app.kubernetes.io/name': 'thanos-x', 'app.kubernetes.io/instance': 'thanos-x-a' };
const PROPS = { folder: 'x', name: 'thanos-x-a', labels: LABELS };

function context(yaml = '', annotations: Record<string, string> = {}): RenderContext {
  return {
    env: loadEnv(yaml),
    file: 'environments/test.yaml',
    identity: {
      objstoreConfig: '',
      forComponent: () => ({ serviceAccountAnnotations: annotations, podLabels: {}, env: [] }),
    },
    tls: { forComponent: () => NO_TLS },
    report: () => {},
  };
}
/** The environment alone (no component rendered): the helpers under test build the objects. */
function loadEnv(yaml = '') {
  const [loaded] = loadEnvironments([{ path: 'environments/test.yaml', text: `${MINIMAL}${yaml}` }]);
  if (!loaded) throw new Error('no environment');
  return loaded.env;
}
const plain = (m: { object: unknown }): Obj => toPlain(m.object as never);

describe('metadata', () => {
  it('names the object in the environment namespace with the standard labels', () => {
    const m = metadata(context('namespace: observability\n').env, 'thanos-x-a', LABELS);
    expect(m).toMatchObject({ name: 'thanos-x-a', namespace: 'observability' });
    expect(m.labels).toMatchObject({ ...SELECTOR, 'app.kubernetes.io/component': 'x' });
    expect(m).not.toHaveProperty('annotations');
  });

  it('carries annotations only when there are some', () => {
    const env = context().env;
    expect(metadata(env, 'a', LABELS, { 'example.com/a': 'b' }).annotations).toEqual({ 'example.com/a': 'b' });
    expect(metadata(env, 'a', LABELS, {})).not.toHaveProperty('annotations');
  });
});

describe('serviceAccount', () => {
  it('mounts no API token and carries the identity annotations of its component', () => {
    const role = { 'eks.amazonaws.com/role-arn': 'arn:aws:iam::123456789012:role/x' };
    const m = serviceAccount(context('', role), { ...PROPS, component: 'query' });
    expect(m.component).toBe('x');
    const o = plain(m);
    expect(o.kind).toBe('ServiceAccount');
    expect(o.automountServiceAccountToken).toBe(false);
    expect(o.metadata.annotations).toEqual(role);
  });
});

describe('service', () => {
  it('is a ClusterIP Service selecting the pods, each port to the container port of the same name', () => {
    const m = service(context(), { ...PROPS, ports: [...GRPC_AND_HTTP, { name: 'remote-write', port: 19291 }] });
    expect(m.component).toBe('x');
    const o = plain(m);
    expect(o.spec).not.toHaveProperty('clusterIP');
    expect(o.spec).not.toHaveProperty('publishNotReadyAddresses');
    expect(o.spec.selector).toEqual(SELECTOR);
    expect(o.spec.ports).toEqual([
      { name: 'grpc', port: 10901, targetPort: 'grpc', protocol: 'TCP', appProtocol: 'grpc' },
      { name: 'http', port: 10902, targetPort: 'http', protocol: 'TCP', appProtocol: 'http' },
      { name: 'remote-write', port: 19291, targetPort: 'remote-write', protocol: 'TCP' },
    ]);
  });

  it('headless: no cluster IP, not-ready pods published (stable names for StatefulSet pods)', () => {
    const o = plain(service(context(), { ...PROPS, ports: HTTP_ONLY, headless: true }));
    expect(o.spec.clusterIP).toBe('None');
    expect(o.spec.publishNotReadyAddresses).toBe(true);
    expect(o.spec.ports).toEqual([
      { name: 'http', port: 10902, targetPort: 'http', protocol: 'TCP', appProtocol: 'http' },
    ]);
  });

  it('takes an explicit selector and target port', () => {
    const o = plain(
      service(context(), { ...PROPS, ports: [{ name: 'web', port: 80, targetPort: 8080 }], selector: { a: 'b' } }),
    );
    expect(o.spec.selector).toEqual({ a: 'b' });
    expect(o.spec.ports[0].targetPort).toBe(8080);
  });
});

describe('serviceMonitor', () => {
  it('scrapes the http port every 30s with pod and namespace labels, carrying the monitoring labels', () => {
    const ms = serviceMonitor(context('namespace: obs\nmonitoring: { labels: { release: kps } }\n'), PROPS);
    expect(ms).toHaveLength(1);
    const o = plain(ms[0] as never);
    expect(ms[0]?.component).toBe('x');
    expect(o.kind).toBe('ServiceMonitor');
    expect(o.metadata.labels).toMatchObject({ ...SELECTOR, release: 'kps' });
    expect(o.spec.selector).toEqual({ matchLabels: SELECTOR });
    expect(o.spec.namespaceSelector).toEqual({ matchNames: ['obs'] });
    expect(o.spec.endpoints).toEqual([
      {
        port: 'http',
        interval: '30s',
        relabelings: [
          { action: 'replace', sourceLabels: ['__meta_kubernetes_pod_name'], targetLabel: 'pod' },
          { action: 'replace', sourceLabels: ['__meta_kubernetes_namespace'], targetLabel: 'namespace' },
        ],
      },
    ]);
  });

  it('takes another port and selector', () => {
    const [m] = serviceMonitor(context(), { ...PROPS, port: 'metrics', selector: { a: 'b' } });
    const o = plain(m as never);
    expect(o.spec.endpoints[0].port).toBe('metrics');
    expect(o.spec.selector).toEqual({ matchLabels: { a: 'b' } });
  });

  it('is not rendered without ServiceMonitors', () => {
    expect(serviceMonitor(context('monitoring: { serviceMonitors: false }\n'), PROPS)).toEqual([]);
  });
});

describe('disruptionBudget', () => {
  it('lets one pod go at a time by default, and evicts unhealthy pods always', () => {
    const m = disruptionBudget(context(), PROPS);
    expect(m.component).toBe('x');
    const o = plain(m);
    expect(o.spec).toEqual({
      maxUnavailable: 1,
      selector: { matchLabels: SELECTOR },
      unhealthyPodEvictionPolicy: 'AlwaysAllow',
    });
    expect(plain(disruptionBudget(context(), { ...PROPS, maxUnavailable: 2 })).spec.maxUnavailable).toBe(2);
  });
});
