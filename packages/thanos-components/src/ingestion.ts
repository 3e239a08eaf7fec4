/**
 * The flags of the ingestion options (`receive.*`, schema/ingestion.ts): what the routers do with a write before
 * forwarding it, and what the ingestors' TSDB accepts. A flag is written only when its value differs from
 * Thanos' default, so an environment that leaves them out renders as before.
 */
import { PORTS, parseDuration } from '@thanos-gitops/model';
import type { Environment } from '@thanos-gitops/schema';

/** Thanos' defaults of the router flags below (`thanos receive --help`, v0.41 and v0.42). */
const THANOS_FORWARD_TIMEOUT = '5s';
const THANOS_ASYNC_WORKERS = 5;

const positive = (d: string) => (parseDuration(d) ?? 0) > 0;

/** Whether the routers replicate to the ingestors with Cap'n Proto, by the typed option. */
export function capnpChosen(r: Environment['receive']): boolean {
  return r.replicationProtocol === 'capnproto';
}

/** The routers' replication, forwarding, split-tenant and OTLP flags. */
export function routerIngestionArgs(r: Environment['receive']): string[] {
  return [
    ...(capnpChosen(r) ? ['--receive.replication-protocol=capnproto'] : []),
    ...(r.forwardTimeout === THANOS_FORWARD_TIMEOUT ? [] : [`--receive-forward-timeout=${r.forwardTimeout}`]),
    ...(r.forwardAsyncWorkers === THANOS_ASYNC_WORKERS
      ? []
      : [`--receive.forward.async-workers=${r.forwardAsyncWorkers}`]),
    ...(r.splitTenantLabel === undefined ? [] : [`--receive.split-tenant-label-name=${r.splitTenantLabel}`]),
    ...(r.otlp.enableTargetInfo ? [] : ['--no-receive.otlp-enable-target-info']),
    ...r.otlp.promoteResourceAttributes.map((a) => `--receive.otlp-promote-resource-attributes=${a}`),
  ];
}

/** The ingestors' TSDB windows: out-of-order samples (with their chunk cap) and samples from the future. */
export function ingestorTsdbArgs(r: Environment['receive']): string[] {
  return [
    ...(positive(r.outOfOrderTimeWindow)
      ? [
          `--tsdb.out-of-order.time-window=${r.outOfOrderTimeWindow}`,
          `--tsdb.out-of-order.cap-max=${r.outOfOrderCapMax}`,
        ]
      : []),
    ...(positive(r.tooFarInFutureTimeWindow)
      ? [`--tsdb.too-far-in-future.time-window=${r.tooFarInFutureTimeWindow}`]
      : []),
  ];
}

/** Whether blocks may overlap in time because ingestors accept out-of-order samples. */
export function outOfOrderIngestion(env: Environment): boolean {
  return env.receive.enabled && positive(env.receive.outOfOrderTimeWindow);
}

/** The ingestors' Cap'n Proto listener: on every address when the routers replicate with it, else pod-local. */
export function ingestorCapnpAddress(capnp: boolean, podLocal: string): string {
  return `--receive.capnproto-address=${capnp ? '0.0.0.0' : podLocal}:${PORTS.capnp}`;
}
