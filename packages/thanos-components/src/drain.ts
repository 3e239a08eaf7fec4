/**
 * How a receive router goes away without dropping the writes that reach it from outside the cluster.
 *
 * Thanos closes the remote-write server at once when it gets SIGTERM: the interrupt of the run group in
 * `runReceive` (cmd/thanos/receive.go) calls `Handler.Close` (pkg/receive/handler.go), which closes the
 * `http.Server` with `Close`, not `Shutdown` (read in v0.42.4). Open connections are cut and in-flight requests fail;
 * `--http-grace-period` only applies to the other HTTP server (probes, metrics). So the drain has to happen before
 * SIGTERM, while the router still serves: a `preStop` sleep. Kubernetes takes a terminating pod out of its
 * Services' endpoints when the deletion starts, in parallel with the preStop hook; the sleep is the time for
 * whatever routes to the pod to follow that.
 *
 * - `loadBalancer` (NLB, IP targets): the AWS Load Balancer Controller deregisters the pod's target when it leaves
 *   the endpoints; the NLB stops new connections to it and, after the target group's deregistration delay, resets
 *   the ones still open (`deregistration_delay.connection_termination.enabled`, set with the delay in
 *   mtls/exposure.ts), so writers reconnect to another router. The sleep lasts the delay plus a margin for the
 *   controller to notice and call the AWS API; the pod is then no longer a target when Thanos closes the port.
 *   On the way in, the controller's pod readiness gate (the namespace label, see namespace.ts) keeps a new router
 *   un-Ready until its target is healthy, so a rollout (maxSurge 1, maxUnavailable 0) never removes an old router
 *   before the new one takes traffic.
 * - `gateway` (TLSRoute): the Gateway API says nothing of draining. The implementation follows the Service's
 *   endpoints (EndpointSlices) at its own pace, and may or may not let open passthrough connections finish; the
 *   sleep (`exposure.gateway.drainSeconds`) is the time allowed for it to stop sending new connections. What it does
 *   with open ones once the router closes them cannot be known from here: writers retry.
 * - `none`: no sleep (the in-cluster Service follows endpoints within seconds; writers retry).
 */
import { unhandled } from '@thanos-gitops/catalog';
import { remoteWriteExposure } from '@thanos-gitops/model';
import type { Environment } from '@thanos-gitops/schema';
import { DEFAULT_TERMINATION_GRACE_SECONDS } from './pod.js';

/** Namespace label that makes the AWS Load Balancer Controller's webhook inject its pod readiness gate. */
export const NLB_READINESS_GATE_LABEL = 'elbv2.k8s.aws/pod-readiness-gate-inject';

/**
 * How much longer than the deregistration delay a router keeps serving: the controller's reaction to the endpoint
 * change (a watch event, then a `DeregisterTargets` call) and the NLB's own lag before the draining starts.
 */
export const NLB_DRAIN_MARGIN_SECONDS = 30;

export interface RouterDrain {
  /** The router container's `preStop` sleep. */
  readonly preStopSleepSeconds: number;
  /** The pod's grace period: the sleep, then the usual time for Thanos to shut down after SIGTERM. */
  readonly terminationGracePeriodSeconds: number;
}

/** The routers' drain for the environment's exposure; `undefined` when remote-write is not exposed. */
export function routerDrain(env: Environment): RouterDrain | undefined {
  const e = env.remoteWrite.exposure;
  let wait: number;
  const exposure = remoteWriteExposure(env);
  switch (exposure) {
    case 'loadBalancer':
      wait = e.loadBalancer.deregistrationDelaySeconds + NLB_DRAIN_MARGIN_SECONDS;
      break;
    case 'gateway':
      // Stryker disable next-line OptionalChaining: remoteWriteExposure says `gateway` only when the Gateway is set
      wait = e.gateway?.drainSeconds ?? 0;
      break;
    case 'none':
      return undefined;
    // Stryker disable all: unreachable, `exposure` is `never` here (the compiler refuses a new, unhandled member)
    default:
      return unhandled(exposure, 'remote-write exposure');
    // Stryker restore all
  }
  return { preStopSleepSeconds: wait, terminationGracePeriodSeconds: wait + DEFAULT_TERMINATION_GRACE_SECONDS };
}
