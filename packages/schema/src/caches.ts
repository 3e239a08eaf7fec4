/** Cache options shared by sections: in-memory or memcached (`storeGateway.indexCache`, `queryFrontend.cache`). */
import { Type } from '@sinclair/typebox';
import { CHUNK_CACHE_PRESETS, type MemcachedPreset } from '@thanos-gitops/catalog';
import { ByteSize, Obj, Quantity, Replicas, schedulingOptions, withDefault } from './common.js';

/** A memcached item size limit as memcached's `-I` takes it: kilobytes or megabytes (`512k`, `5m`). */
export const MEMCACHED_ITEM_SIZE = '^[0-9]+[km]$';

const REPLICAS_TEXT =
  'Number of memcached pods. Thanos spreads keys over all of them, so the cache holds `replicas` times ' +
  '`memoryLimitMb`.';
const MEMORY_TEXT =
  'Item memory of each memcached (`-m`, MiB). The container memory limit adds headroom for connections and the ' +
  'hash table.';
const CPU_TEXT = 'CPU request of each memcached pod (no CPU limit is set).';

/** What every generated memcached takes besides its size. */
const memcachedTuning = {
  maxItemSize: Type.String(
    withDefault({
      pattern: MEMCACHED_ITEM_SIZE,
      default: '5m',
      description:
        'Largest item memcached accepts (`-I`, `k` or `m` suffix, between 1k and half of `memoryLimitMb`). ' +
        "Thanos' memcached client gets the same `max_item_size`, so it never sends a larger item.",
    }),
  ),
  threads: Type.Integer(
    withDefault({
      minimum: 1,
      maximum: 64,
      default: 4,
      description: 'Worker threads of each memcached (`-t`); about one per CPU it may use.',
    }),
  ),
  connectionLimit: Type.Integer(
    withDefault({
      minimum: 1024,
      maximum: 65536,
      default: 4096,
      description:
        'Maximum simultaneous client connections of each memcached (`-c`). Every Thanos pod keeps a pool of ' +
        'connections to every memcached pod.',
    }),
  ),
  ...schedulingOptions,
};

const MemoryLimitMb = (description: string, defaultValue?: number) =>
  Type.Integer(
    defaultValue === undefined
      ? { minimum: 64, maximum: 65536, description }
      : withDefault({ minimum: 64, maximum: 65536, description, default: defaultValue }),
  );

export const Memcached = Obj(
  {
    replicas: Replicas(REPLICAS_TEXT, 1),
    memoryLimitMb: MemoryLimitMb(MEMORY_TEXT, 1024),
    ...memcachedTuning,
    cpu: Quantity(CPU_TEXT, '500m'),
  },
  'The memcached generated for this cache: a StatefulSet `thanos-memcached-<cache>` behind a headless Service, ' +
    'with a Prometheus exporter sidecar. Only generated when a cache uses it.',
  { default: {} },
);

/** Per size, how the caching bucket's memcached is sized unless its options say otherwise. */
const bySize = (pick: (p: MemcachedPreset) => string | number) =>
  (Object.entries(CHUNK_CACHE_PRESETS) as [string, MemcachedPreset][])
    .map(([size, p]) => `${pick(p)} (${size})`)
    .join(', ');

/**
 * The caching bucket's own memcached (`thanos-memcached-chunks`): the options of `Memcached`, with replicas,
 * memory and CPU from the environment's `size` unless given (`CHUNK_CACHE_PRESETS`), and `dedicated: false`
 * to share the index cache's memcached instead.
 */
export const ChunkMemcached = Obj(
  {
    dedicated: Type.Boolean(
      withDefault({
        default: true,
        description:
          'Run a memcached of its own for the caching bucket, `thanos-memcached-chunks` (StatefulSet, headless ' +
          'Service, NetworkPolicy open to the store gateways only, ServiceMonitor, PodDisruptionBudget). Chunk ' +
          'entries are many, large and short-lived: in a shared memcached they evict the index entries that make ' +
          'queries fast. `false` puts the caching bucket into the index cache memcached (`thanos-memcached-index`, ' +
          'sized by `indexCache.memcached`), the single memcached of earlier versions, and ignores the options ' +
          'below.',
      }),
    ),
    replicas: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: 100,
        description: `${REPLICAS_TEXT} Default by \`size\`: ${bySize((p) => p.replicas)}.`,
      }),
    ),
    memoryLimitMb: Type.Optional(
      MemoryLimitMb(`${MEMORY_TEXT} Default by \`size\`: ${bySize((p) => p.memoryLimitMb)}.`),
    ),
    ...memcachedTuning,
    cpu: Type.Optional(Quantity(`${CPU_TEXT} Default by \`size\`: ${bySize((p) => `\`${p.cpu}\``)}.`)),
  },
  "The caching bucket's memcached, sized on its own by `size` (chunks need more room than the index; see the " +
    'size presets). Only generated with `enabled: true`.',
  { default: {} },
);

/** A cache that lives either in the Thanos process or in a generated memcached. */
export const Cache = (what: string, defaultSize = '512Mi') =>
  Obj(
    {
      type: Type.Union(
        [Type.Literal('in-memory'), Type.Literal('memcached')],
        withDefault({
          default: 'in-memory',
          description:
            `Where the ${what} lives: in the process (lost on restart, not shared between pods), or in a ` +
            'generated memcached shared by all pods.',
        }),
      ),
      size: ByteSize(
        `Size of an in-memory ${what} (\`${defaultSize}\`); it counts against the container memory limit, of ` +
          'which caches may take at most half. Ignored with memcached.',
        defaultSize,
      ),
      memcached: Memcached,
    },
    `The ${what}.`,
    { default: {} },
  );
