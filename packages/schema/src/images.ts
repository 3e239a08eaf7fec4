/**
 * The `images` section: where every image the environment runs comes from. Thanos keeps its own
 * `thanos.image`/`thanos.version`/`thanos.digest` and the rollout-operator its `rolloutOperator.image`; the images
 * the generator pins for the side containers (memcached, its exporter, the ruler's config reloader) are here, with
 * the mirror and the pull secrets that apply to all of them.
 *
 * The `// renovate:` comments are read by the custom regex manager of `renovate.json`: keep each on the line
 * above its tag.
 */
import { type Static, Type } from '@sinclair/typebox';
import { DNS_SUBDOMAIN, IMAGE_DIGEST, Obj, withDefault } from './common.js';

/** A registry host with an optional port and path, no scheme (`registry.example.com:5000/mirror`). */
export const IMAGE_REGISTRY = '^[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:[0-9]{1,5})?(/[a-z0-9]+([._-][a-z0-9]+)*)*$';
/** An image tag. */
export const IMAGE_TAG = '^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$';

/** A side image the generator pins: its upstream repository (registry host included) and default tag. */
export interface PinnedImage {
  repository: string;
  tag: string;
}

/** The side images, keyed as in the `images` section. Renovate proposes their updates (see `renovate.json`). */
export const PINNED_IMAGES = {
  memcached: {
    repository: 'memcached',
    // renovate: datasource=docker depName=memcached
    tag: '1.6.39-alpine',
  },
  memcachedExporter: {
    repository: 'prom/memcached-exporter',
    // renovate: datasource=docker depName=prom/memcached-exporter
    tag: 'v0.15.3',
  },
  configReloader: {
    repository: 'quay.io/prometheus-operator/prometheus-config-reloader',
    // renovate: datasource=docker depName=quay.io/prometheus-operator/prometheus-config-reloader
    tag: 'v0.81.0',
  },
} as const satisfies Record<string, PinnedImage>;

export type PinnedImageName = keyof typeof PINNED_IMAGES;

function pinned(name: PinnedImageName, what: string) {
  const { repository, tag } = PINNED_IMAGES[name];
  return Obj(
    {
      tag: Type.String(
        withDefault({ pattern: IMAGE_TAG, default: tag, description: `Tag of ${repository} (${what}).` }),
      ),
      digest: Type.Optional(
        Type.String({
          pattern: IMAGE_DIGEST,
          description:
            'Pin by digest (`sha256:…`) as well as by tag: the image becomes `repository:tag@digest` and the ' +
            'node pulls exactly that manifest. No digest when unset (the generator knows no digest it could ' +
            'vouch for; Renovate adds them, see `renovate.json`).',
        }),
      ),
    },
    `The ${what} image.`,
    { default: {} },
  );
}

export const Images = Obj(
  {
    registry: Type.Optional(
      Type.String({
        pattern: IMAGE_REGISTRY,
        description:
          'A registry mirror for every image at once: each repository left at its default is pulled from ' +
          '`<registry>/<path>`, its path without the upstream registry host (Docker Hub official images under ' +
          '`library/`, so `memcached` becomes `<registry>/library/memcached`, `quay.io/thanos/thanos` becomes ' +
          '`<registry>/thanos/thanos`). A repository you set yourself (`thanos.image`, `rolloutOperator.image`) ' +
          'is used as written. Unset: the upstream registries.',
      }),
    ),
    pullSecrets: Type.Array(Type.String({ pattern: DNS_SUBDOMAIN, maxLength: 253 }), {
      default: [],
      uniqueItems: true,
      description:
        'Names of `kubernetes.io/dockerconfigjson` Secrets in the namespace, put as `imagePullSecrets` on every ' +
        'pod the environment runs. Create them yourself (they hold credentials, which the generator never writes). ' +
        'Default none.',
    }),
    memcached: pinned('memcached', 'memcached of the caches'),
    memcachedExporter: pinned('memcachedExporter', "memcached's Prometheus exporter, beside each memcached"),
    configReloader: pinned('configReloader', "the ruler's config reloader sidecar, with `ruler.ruleConfigMaps`"),
  },
  'Where the images come from: a registry mirror, pull secrets, and the tag or digest of each side image.',
  { default: {} },
);

export type ImagesOptions = Static<typeof Images>;
