/**
 * Restarting pods as Kubernetes replaces them on a pod-template change: SIGTERM with the pod's
 * `terminationGracePeriodSeconds` (then SIGKILL), the same process started again on the same address and data
 * folder (its PersistentVolumeClaim), and Ready as the kubelet reads the rendered readiness probe: polled every
 * `periodSeconds`, then held for `holdSeconds` of consecutive successes (a failure starts the hold again).
 */
import type { Pod } from './cluster.js';
import { readinessUrl } from './pods.js';
import { type Topology, waitFor } from './topology.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Seconds between two probes of the pod's rendered readiness probe (Kubernetes' default 10). */
function probePeriod(p: Pod): number {
  return Number(p.container.readinessProbe?.periodSeconds ?? 10);
}

function graceSeconds(p: Pod): number {
  return Number(p.owner.spec?.template?.spec?.terminationGracePeriodSeconds ?? 30);
}

async function probeOk(t: Topology, p: Pod): Promise<boolean> {
  const url = readinessUrl(p);
  if (!url) return p.child?.exitCode === null;
  return (await t.cluster.get(url)).status === 200;
}

/** Waits until the pod's probe answers, then until it has answered for `holdSeconds` in a row. */
async function readyAndHeld(t: Topology, p: Pod, holdSeconds: number, timeoutMs: number): Promise<number> {
  const period = probePeriod(p) * 1000;
  const started = Date.now();
  const ready = await waitFor(timeoutMs, async () => ((await probeOk(t, p)) ? Date.now() : undefined), period);
  if (ready === undefined) throw new Error(`${p.name} not Ready ${timeoutMs / 1000} s after its restart`);
  let since = ready;
  while (Date.now() - since < holdSeconds * 1000) {
    await sleep(Math.min(period, holdSeconds * 1000 - (Date.now() - since)));
    if (!(await probeOk(t, p))) since = Date.now();
    if (Date.now() - started > timeoutMs) throw new Error(`${p.name} did not stay Ready for ${holdSeconds} s`);
  }
  return (ready - started) / 1000;
}

export interface RestartFigures {
  pods: string[];
  /** Seconds from SIGTERM until every pod had exited. */
  secondsStopping: number;
  /** Seconds from the new process' start until its readiness probe first answered, per pod. */
  secondsToReady: Record<string, number>;
  /** Seconds the step took, hold included. */
  seconds: number;
}

/**
 * Replaces `pods` together (one step of a rollout): all stopped, all started again, each Ready and held for
 * `holdSeconds` before this returns.
 */
export async function restartPods(
  t: Topology,
  pods: Pod[],
  holdSeconds: number,
  timeoutMs = 300_000,
): Promise<RestartFigures> {
  const started = Date.now();
  await Promise.all(pods.map((p) => t.cluster.stop(p, graceSeconds(p) * 1000)));
  const stopped = Date.now();
  for (const p of pods) t.cluster.run(p);
  const ready = await Promise.all(pods.map((p) => readyAndHeld(t, p, holdSeconds, timeoutMs)));
  return {
    pods: pods.map((p) => p.name),
    secondsStopping: (stopped - started) / 1000,
    secondsToReady: Object.fromEntries(pods.map((p, i) => [p.name, ready[i] ?? 0])),
    seconds: (Date.now() - started) / 1000,
  };
}
