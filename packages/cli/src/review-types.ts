/**
 * The shapes of a review (review.ts): the objects compared, their changes, the restarts and what they do. Types
 * only, importing nothing of the command, so the review's parts (restarts, upgrade summary, version label) read
 * them without importing the review that imports them.
 */

// biome-ignore lint/suspicious/noExplicitAny: objects parsed from YAML, any shape
export type Plain = Record<string, any>;

export interface Restart {
  id: string;
  why: string;
}

/** The restarts of one hashring, or of the other workloads that roll the same way. */
export interface RestartConsequence {
  /** The hashring's name, for its ingestors. */
  hashring?: string;
  /** The workloads restarted, with why. */
  restarts: Restart[];
  /** How they restart, e.g. `zone by zone in 3 steps (rollout-operator)`. */
  how: string;
  /** Set when the change takes the hashring below its write quorum, or leaves its next restart so. */
  danger?: string;
}

export interface ObjectChange {
  change: 'added' | 'changed' | 'removed';
  /** `Kind/namespace/name` */
  id: string;
  kind: string;
  before?: Plain;
  after?: Plain;
}

export interface EnvironmentReview {
  env: string;
  added: ObjectChange[];
  changed: ObjectChange[];
  removed: ObjectChange[];
  /** Changed objects whose only change is the version label: folded into one line, not shown as diffs. */
  versionOnly: ObjectChange[];
  /** Workloads whose pods are replaced, with why (`pod template`, `config changed`). */
  restarts: { id: string; why: string }[];
  /** How the restarts roll: per receive hashring, and loud when one would go below its write quorum. */
  rollouts: RestartConsequence[];
  /** Objects that must be deleted and created again, with the immutable fields that changed. */
  recreates: { id: string; fields: string[] }[];
  /** StatefulSets whose only immutable change is larger volumes: grown in place by the README's procedure. */
  resizes: { id: string; why: string }[];
  /** What is destroyed, with what that means. */
  destroys: { id: string; why: string }[];
  /** Weaker security posture (a privileged container, a LoadBalancer, a NetworkPolicy removed, …; posture.ts). */
  weakened?: { id: string; why: string }[];
  /** Hashrings whose algorithm changes, which moves most of their series (reshuffle.ts). */
  reshuffles?: { id: string; why: string }[];
  /** The environment README's new topology diagram (a Mermaid block with its title) when the topology changed. */
  topology?: string;
}
