/**
 * Exposure of the remote-write endpoint outside the cluster, always as TLS passthrough: the routers terminate
 * mTLS themselves, so no load balancer or gateway ever sees a client certificate it could forge or drop.
 *
 * - `loadBalancer`: a Service of type LoadBalancer claimed by the AWS Load Balancer Controller
 *   (`loadBalancerClass: service.k8s.aws/nlb`): an NLB with a TCP listener, IP targets (the router pods), client
 *   addresses preserved, source ranges from `networkPolicies.remoteWriteCIDRs`.
 * - `gateway`: a Gateway API `TLSRoute` (v1) attached to an existing Gateway whose listener is TLS in
 *   `Passthrough` mode, routing the hostname by SNI to the routers' remote-write port.
 */
import { TLSRoute } from '@kubernetes-models/gateway-api/gateway.networking.k8s.io/v1/TLSRoute';
import { type Manifest, selectorLabels } from '@thanos-gitops/manifests';
import { names, PORTS, remoteWriteExposure } from '@thanos-gitops/model';
import type { Environment } from '@thanos-gitops/schema';
import { Service } from 'kubernetes-models/v1/Service';
import { FOLDER, pkiNames } from './names.js';
import { pkiLabels } from './pki.js';

const AWS = 'service.beta.kubernetes.io/aws-load-balancer';

/** The AWS Load Balancer Controller annotations of the NLB. */
export function nlbAnnotations(env: Environment): Record<string, string> {
  const lb = env.remoteWrite.exposure.loadBalancer;
  return {
    [`${AWS}-nlb-target-type`]: 'ip',
    [`${AWS}-scheme`]: lb.scheme,
    [`${AWS}-backend-protocol`]: 'tcp',
    [`${AWS}-healthcheck-protocol`]: 'tcp',
    [`${AWS}-healthcheck-port`]: 'traffic-port',
    // The deregistration delay, set rather than AWS' 300 s default, and the reset of the connections still open
    // when it ends (so writers reconnect elsewhere at once): the routers' preStop sleep outlasts it (see
    // thanos-components/src/drain.ts).
    [`${AWS}-target-group-attributes`]: [
      'preserve_client_ip.enabled=true',
      `deregistration_delay.timeout_seconds=${lb.deregistrationDelaySeconds}`,
      'deregistration_delay.connection_termination.enabled=true',
    ].join(','),
    [`${AWS}-attributes`]: 'load_balancing.cross_zone.enabled=true',
  };
}

/** The router pods' selector (the same labels receive.ts gives them). */
function routerSelector(env: Environment): Record<string, string> {
  return selectorLabels({ name: names.router, instance: names.router, component: '', version: env.thanos.version });
}

export function exposureManifests(env: Environment): Manifest[] {
  const e = env.remoteWrite.exposure;
  const type = remoteWriteExposure(env);
  const hostname = env.remoteWrite.hostname;
  // Stryker disable next-line ConditionalExpression,LogicalOperator: an exposure other than none implies the hostname
  if (type === 'none' || !hostname) return [];
  const labels = pkiLabels(env, 'remote-write-exposure');
  if (type === 'loadBalancer') {
    return [
      {
        component: FOLDER,
        object: new Service({
          metadata: {
            name: pkiNames.routerExternal,
            namespace: env.namespace,
            labels,
            annotations: nlbAnnotations(env),
          },
          spec: {
            type: 'LoadBalancer',
            loadBalancerClass: 'service.k8s.aws/nlb',
            allocateLoadBalancerNodePorts: false,
            loadBalancerSourceRanges: [...env.networkPolicies.remoteWriteCIDRs],
            selector: routerSelector(env),
            ports: [{ name: 'remote-write', port: e.loadBalancer.port, targetPort: 'remote-write', protocol: 'TCP' }],
          },
        }),
      },
    ];
  }
  const g = e.gateway;
  if (!g) return [];
  return [
    {
      component: FOLDER,
      object: new TLSRoute({
        metadata: { name: names.router, namespace: env.namespace, labels },
        spec: {
          parentRefs: [
            {
              group: 'gateway.networking.k8s.io',
              kind: 'Gateway',
              name: g.name,
              namespace: g.namespace,
              ...(g.sectionName ? { sectionName: g.sectionName } : {}),
            },
          ],
          hostnames: [hostname],
          rules: [{ backendRefs: [{ group: '', kind: 'Service', name: names.router, port: PORTS.remoteWrite }] }],
        },
      }),
    },
  ];
}
