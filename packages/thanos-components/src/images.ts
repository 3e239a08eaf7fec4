/**
 * Every image reference the environment runs, from one place: the mirror (`images.registry`) applies to the
 * repositories left at their defaults, each side image takes its tag and digest from `images.<name>`, and every
 * pod gets `images.pullSecrets`.
 */

import type { Environment } from '@thanos-gitops/schema';
import { PINNED_IMAGES, type PinnedImageName } from '@thanos-gitops/schema';
import type { ILocalObjectReference } from 'kubernetes-models/v1/LocalObjectReference';

/** The upstream Thanos repository, `thanos.image`'s default. */
export const THANOS_REPOSITORY = 'quay.io/thanos/thanos';
/** The rollout-operator image `rolloutOperator.image` defaults to (Docker Hub). */
const ROLLOUT_OPERATOR_REPOSITORY = 'grafana/rollout-operator';

/**
 * A repository's path on a mirror: without its registry host (the first segment when it has a dot, a colon or is
 * `localhost`), and Docker Hub official images under `library/`.
 */
export function mirrorPath(repository: string): string {
  const [first = '', ...rest] = repository.split('/');
  const hasHost = rest.length > 0 && (first.includes('.') || first.includes(':') || first === 'localhost');
  const path = hasHost ? rest : [first, ...rest];
  return path.length === 1 ? `library/${path[0]}` : path.join('/');
}

/** `repository` from the mirror when one is set and the repository is the default `upstream`. */
function fromMirror(env: Environment, repository: string, upstream: string): string {
  const registry = env.images.registry;
  return registry !== undefined && repository === upstream ? `${registry}/${mirrorPath(repository)}` : repository;
}

function reference(repository: string, tag: string, digest: string | undefined): string {
  return `${repository}:${tag}${digest ? `@${digest}` : ''}`;
}

/** The Thanos image: `thanos.image` (or the mirror's copy), `thanos.version` as tag, `thanos.digest`. */
export function thanosImage(env: Environment): string {
  const t = env.thanos;
  return reference(fromMirror(env, t.image, THANOS_REPOSITORY), t.version, t.digest);
}

/** A side image the generator pins: the mirror's or upstream repository, with `images.<name>`'s tag and digest. */
export function pinnedImage(env: Environment, name: PinnedImageName): string {
  const { tag, digest } = env.images[name];
  return reference(fromMirror(env, PINNED_IMAGES[name].repository, PINNED_IMAGES[name].repository), tag, digest);
}

/** The rollout-operator image: `rolloutOperator.image`, from the mirror when its repository is the default one. */
export function rolloutOperatorImage(env: Environment): string {
  const image = env.rolloutOperator.image;
  const at = image.indexOf('@');
  const named = at < 0 ? image : image.slice(0, at);
  const colon = named.lastIndexOf(':');
  const repository = named.slice(0, colon);
  return `${fromMirror(env, repository, ROLLOUT_OPERATOR_REPOSITORY)}${image.slice(colon)}`;
}

/** `imagePullSecrets` of every pod, none when `images.pullSecrets` is empty. */
export function pullSecrets(env: Environment): { imagePullSecrets?: ILocalObjectReference[] } {
  const list = env.images.pullSecrets;
  return list.length > 0 ? { imagePullSecrets: list.map((name) => ({ name })) } : {};
}
