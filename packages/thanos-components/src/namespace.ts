/**
 * The namespace (Pod Security "restricted" enforced, and the AWS Load Balancer Controller's pod readiness gate when
 * remote-write is exposed through the NLB) and the object-storage configuration.
 */
import type { Manifest } from '@thanos-gitops/manifests';
import { CONFIG_FILES, names, remoteWriteExposure } from '@thanos-gitops/model';
import { Namespace } from 'kubernetes-models/v1/Namespace';
import { Secret } from 'kubernetes-models/v1/Secret';
import type { RenderContext } from './context.js';
import { NLB_READINESS_GATE_LABEL } from './drain.js';
import { metadata } from './objects.js';

export function namespace(ctx: RenderContext): Manifest[] {
  const { env } = ctx;
  const labels = {
    name: 'thanos',
    instance: `thanos-${env.name}`,
    component: 'namespace',
    version: env.thanos.version,
  };
  const meta = metadata(env, env.namespace, labels);
  return [
    {
      component: 'namespace',
      object: new Namespace({
        metadata: {
          name: env.namespace,
          labels: {
            ...meta.labels,
            'pod-security.kubernetes.io/enforce': 'restricted',
            'pod-security.kubernetes.io/enforce-version': 'latest',
            'pod-security.kubernetes.io/audit': 'restricted',
            'pod-security.kubernetes.io/warn': 'restricted',
            // The routers behind the NLB: Ready only once their target is healthy (see drain.ts).
            ...(remoteWriteExposure(env) === 'loadBalancer' ? { [NLB_READINESS_GATE_LABEL]: 'enabled' } : {}),
          },
        },
      }),
    },
    {
      component: 'namespace',
      object: new Secret({
        metadata: metadata(env, names.objstoreSecret, { ...labels, component: 'object-storage' }),
        type: 'Opaque',
        // No credentials: pods authenticate with their cloud identity (see the irsa package).
        stringData: { [CONFIG_FILES.objstore]: ctx.identity.objstoreConfig },
      }),
    },
  ];
}
