/**
 * What the generator built into a pod, for the escape-hatch checks (`checkPodOptions`): a file of its own, so the
 * render context can hold the built pods without importing the pod builder that imports the context.
 */
import type { VolumeMountSpec, VolumeSpec, WorkloadCommon } from '@thanos-gitops/model';
import type { FieldPath } from '@thanos-gitops/problems';
import type { ThanosCommand } from './flags.js';

/**
 * What the generator puts into a Thanos pod before the escape hatches (`extraArgs`, `extraVolumes`): its flags,
 * volumes and mounts, and the tracing config's rollout annotation. `checkPodOptions` holds the escape hatches to it.
 */
export interface GeneratedPod {
  command: ThanosCommand;
  args: string[];
  volumes: VolumeSpec[];
  mounts: VolumeMountSpec[];
  annotations: Record<string, string>;
}

/** A pod built from a section's options: where the options are, and what the generator put into the pod. */
export interface BuiltPod {
  optionsPath: FieldPath;
  options: WorkloadCommon;
  generated: GeneratedPod;
}
