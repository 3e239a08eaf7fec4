/**
 * The exposure of remote-write and of the read entry point: what the NLB or the TLSRoute sends where, asserted
 * whole, each test rendering for itself (per-test coverage under StrykerJS).
 */
import { objectProblems, toPlain } from '@thanos-gitops/manifests';
import { describe, expect, it } from 'vitest';
import { exposureManifests, nlbAnnotations, readersExposureManifests } from '../src/index.js';
import { envOf, MTLS } from './helpers.js';

type Plain = Record<string, any>;
const plainOf = (ms: { object: unknown }[]) => ms.map((m) => toPlain(m.object as never) as Plain);

const LB = (extra = '') =>
  `networkPolicies: { remoteWriteCIDRs: [198.51.100.0/24] }\n${MTLS}  exposure:\n    type: loadBalancer\n${extra}`;
const GATEWAY = (section = ', sectionName: tls') =>
  `${MTLS}  exposure:\n    type: gateway\n    gateway: { name: edge, namespace: gw${section} }\n`;
const ROUTER_SELECTOR = {
  'app.kubernetes.io/name': 'thanos-receive-router',
  'app.kubernetes.io/instance': 'thanos-receive-router',
};

describe('the remote-write NLB', () => {
  it('has the AWS Load Balancer Controller annotations: IP targets, TCP, the delay and reset at deregistration', () => {
    expect(nlbAnnotations(envOf(LB()))).toEqual({
      'service.beta.kubernetes.io/aws-load-balancer-nlb-target-type': 'ip',
      'service.beta.kubernetes.io/aws-load-balancer-scheme': 'internal',
      'service.beta.kubernetes.io/aws-load-balancer-backend-protocol': 'tcp',
      'service.beta.kubernetes.io/aws-load-balancer-healthcheck-protocol': 'tcp',
      'service.beta.kubernetes.io/aws-load-balancer-healthcheck-port': 'traffic-port',
      'service.beta.kubernetes.io/aws-load-balancer-target-group-attributes':
        'preserve_client_ip.enabled=true,deregistration_delay.timeout_seconds=60,' +
        'deregistration_delay.connection_termination.enabled=true',
      'service.beta.kubernetes.io/aws-load-balancer-attributes': 'load_balancing.cross_zone.enabled=true',
    });
  });

  it('follows the scheme and the deregistration delay set', () => {
    const env = envOf(LB('    loadBalancer: { scheme: internet-facing, deregistrationDelaySeconds: 45 }\n'));
    const a = nlbAnnotations(env);
    expect(a['service.beta.kubernetes.io/aws-load-balancer-scheme']).toBe('internet-facing');
    expect(a['service.beta.kubernetes.io/aws-load-balancer-target-group-attributes']).toContain(
      'deregistration_delay.timeout_seconds=45',
    );
  });

  it('is a LoadBalancer Service on the router pods, its port to remote-write, without node ports', () => {
    const env = envOf(LB('    loadBalancer: { port: 8443 }\n'));
    const ms = exposureManifests(env);
    expect(ms.map((m) => m.component)).toEqual(['remote-write']);
    const [svc] = plainOf(ms);
    expect(objectProblems(ms[0]?.object as never)).toEqual([]);
    expect(svc?.metadata).toMatchObject({ name: 'thanos-receive-router-external', namespace: 'thanos' });
    expect(svc?.metadata.labels['app.kubernetes.io/component']).toBe('remote-write-exposure');
    expect(svc?.metadata.annotations).toEqual(nlbAnnotations(env));
    expect(svc?.spec).toEqual({
      type: 'LoadBalancer',
      loadBalancerClass: 'service.k8s.aws/nlb',
      allocateLoadBalancerNodePorts: false,
      loadBalancerSourceRanges: ['198.51.100.0/24'],
      selector: expect.objectContaining(ROUTER_SELECTOR),
      ports: [{ name: 'remote-write', port: 8443, targetPort: 'remote-write', protocol: 'TCP' }],
    });
  });

  it('is nothing without an exposure or without a hostname', () => {
    expect(exposureManifests(envOf(MTLS))).toEqual([]);
    const noHost = structuredClone(envOf(LB()));
    noHost.remoteWrite.hostname = undefined;
    expect(exposureManifests(noHost)).toEqual([]);
    const noMtls = structuredClone(envOf(GATEWAY()));
    noMtls.remoteWrite.mtls.enabled = false;
    expect(exposureManifests(noMtls)).toEqual([]);
    const noGateway = structuredClone(envOf(GATEWAY()));
    noGateway.remoteWrite.exposure.gateway = undefined;
    expect(exposureManifests(noGateway)).toEqual([]);
  });
});

describe('the remote-write TLSRoute', () => {
  it('attaches to the listener of the named Gateway and routes the hostname to the remote-write port', () => {
    const ms = exposureManifests(envOf(GATEWAY()));
    expect(ms.map((m) => m.component)).toEqual(['remote-write']);
    const [route] = plainOf(ms);
    expect(route?.kind).toBe('TLSRoute');
    expect(route?.metadata).toMatchObject({ name: 'thanos-receive-router', namespace: 'thanos' });
    expect(route?.metadata.labels['app.kubernetes.io/component']).toBe('remote-write-exposure');
    expect(route?.spec).toEqual({
      parentRefs: [
        { group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'edge', namespace: 'gw', sectionName: 'tls' },
      ],
      hostnames: ['rw.example.com'],
      rules: [{ backendRefs: [{ group: '', kind: 'Service', name: 'thanos-receive-router', port: 19291 }] }],
    });
  });

  it('attaches to any listener without a sectionName', () => {
    const [route] = plainOf(exposureManifests(envOf(GATEWAY(''))));
    expect(route?.spec.parentRefs).toEqual([
      { group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'edge', namespace: 'gw' },
    ]);
  });
});

const READERS = (exposure: string) => `readers:
  hostname: read.example.com
  exposure: ${exposure}
  clients:
    - { name: grafana-a, tenant: team-a, cluster: a-eu }
`;
const READERS_SELECTOR = {
  'app.kubernetes.io/name': 'thanos-query',
  'app.kubernetes.io/instance': 'thanos-query-readers',
};

describe('the read entry point exposure', () => {
  it("is an NLB on the readers' Query, with the readers' scheme, source ranges and port", () => {
    const env = envOf(
      `${LB()}${READERS('{ type: loadBalancer, sourceCIDRs: [10.0.0.0/16], scheme: internet-facing, port: 9443 }')}`,
    );
    const ms = readersExposureManifests(env);
    expect(ms.map((m) => m.component)).toEqual(['remote-write']);
    expect(objectProblems(ms[0]?.object as never)).toEqual([]);
    const [svc] = plainOf(ms);
    expect(svc?.metadata).toMatchObject({ name: 'thanos-query-readers-external', namespace: 'thanos' });
    expect(svc?.metadata.labels['app.kubernetes.io/component']).toBe('read-exposure');
    expect(svc?.metadata.annotations).toEqual({
      ...nlbAnnotations(env),
      'service.beta.kubernetes.io/aws-load-balancer-scheme': 'internet-facing',
    });
    expect(svc?.spec).toEqual({
      type: 'LoadBalancer',
      loadBalancerClass: 'service.k8s.aws/nlb',
      allocateLoadBalancerNodePorts: false,
      loadBalancerSourceRanges: ['10.0.0.0/16'],
      selector: expect.objectContaining(READERS_SELECTOR),
      ports: [{ name: 'https', port: 9443, targetPort: 'http', protocol: 'TCP' }],
    });
  });

  it("is a TLSRoute to the readers' Query HTTP port, with or without a listener", () => {
    const env = envOf(
      `${MTLS}${READERS('{ type: gateway, gateway: { name: edge, namespace: gw, sectionName: tls } }')}`,
    );
    const ms = readersExposureManifests(env);
    expect(ms.map((m) => m.component)).toEqual(['remote-write']);
    const [route] = plainOf(ms);
    expect(route?.kind).toBe('TLSRoute');
    expect(route?.metadata).toMatchObject({ name: 'thanos-query-readers', namespace: 'thanos' });
    expect(route?.metadata.labels['app.kubernetes.io/component']).toBe('read-exposure');
    expect(route?.spec).toEqual({
      parentRefs: [
        { group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'edge', namespace: 'gw', sectionName: 'tls' },
      ],
      hostnames: ['read.example.com'],
      rules: [{ backendRefs: [{ group: '', kind: 'Service', name: 'thanos-query-readers', port: 10902 }] }],
    });
    const any = envOf(`${MTLS}${READERS('{ type: gateway, gateway: { name: edge, namespace: gw } }')}`);
    const [anyRoute] = plainOf(readersExposureManifests(any));
    expect(anyRoute?.spec.parentRefs[0]).not.toHaveProperty('sectionName');
  });

  it('is nothing without exposure, without a hostname or without mTLS', () => {
    expect(readersExposureManifests(envOf(`${MTLS}${READERS('{ type: none }')}`))).toEqual([]);
    const exposed = envOf(`${LB()}${READERS('{ type: loadBalancer, sourceCIDRs: [10.0.0.0/16] }')}`);
    expect(readersExposureManifests(exposed)).toHaveLength(1);
    const noHost = structuredClone(exposed);
    noHost.readers.hostname = undefined;
    expect(readersExposureManifests(noHost)).toEqual([]);
    const noMtls = structuredClone(exposed);
    noMtls.remoteWrite.mtls.enabled = false;
    expect(readersExposureManifests(noMtls)).toEqual([]);
    const noGateway = structuredClone(
      envOf(`${MTLS}${READERS('{ type: gateway, gateway: { name: edge, namespace: gw } }')}`),
    );
    noGateway.readers.exposure.gateway = undefined;
    expect(readersExposureManifests(noGateway)).toEqual([]);
  });
});
