/** Cache options shared by sections: in-memory or memcached (`storeGateway.indexCache`, `queryFrontend.cache`). */
import { Type } from '@sinclair/typebox';
import { Obj, Quantity, Replicas, schedulingOptions } from './common.js';

/** A memcached item size limit as memcached's `-I` takes it: kilobytes or megabytes (`512k`, `5m`). */
export const MEMCACHED_ITEM_SIZE = '^[0-9]+[km]$';

export const Memcached = Obj(
  {
    replicas: Replicas(
      'Number of memcached pods. Thanos spreads keys over all of them, so the cache holds `replicas` times ' +
        '`memoryLimitMb`. Default 1.',
      1,
    ),
    memoryLimitMb: Type.Integer({
      minimum: 64,
      maximum: 65536,
      default: 1024,
      description:
        'Item memory of each memcached (`-m`, MiB). The container memory limit adds headroom for connections ' +
        'and the hash table. Default 1024.',
    }),
    maxItemSize: Type.String({
      pattern: MEMCACHED_ITEM_SIZE,
      default: '5m',
      description:
        'Largest item memcached accepts (`-I`, `k` or `m` suffix, between 1k and half of `memoryLimitMb`). ' +
        "Thanos' memcached client gets the same `max_item_size`, so it never sends a larger item. Default `5m`.",
    }),
    threads: Type.Integer({
      minimum: 1,
      maximum: 64,
      default: 4,
      description: 'Worker threads of each memcached (`-t`); about one per CPU it may use. Default 4.',
    }),
    connectionLimit: Type.Integer({
      minimum: 1024,
      maximum: 65536,
      default: 4096,
      description:
        'Maximum simultaneous client connections of each memcached (`-c`). Every Thanos pod keeps a pool of ' +
        'connections to every memcached pod. Default 4096.',
    }),
    cpu: Quantity('CPU request of each memcached pod (no CPU limit is set). Default `500m`.', '500m'),
    ...schedulingOptions,
  },
  'The memcached generated for this cache: a StatefulSet `thanos-memcached-<cache>` behind a headless Service, ' +
    'with a Prometheus exporter sidecar. Only generated when a cache uses it.',
  { default: {} },
);

/** A cache that lives either in the Thanos process or in a generated memcached. */
export const Cache = (what: string, defaultSize = '512Mi') =>
  Obj(
    {
      type: Type.Union([Type.Literal('in-memory'), Type.Literal('memcached')], {
        default: 'in-memory',
        description:
          `Where the ${what} lives: in the process (lost on restart, not shared between pods), or in a ` +
          'generated memcached shared by all pods. Default `in-memory`.',
      }),
      size: Quantity(
        `Size of an in-memory ${what} (\`${defaultSize}\`); it counts against the container memory limit, of ` +
          `which caches may take at most half. Ignored with memcached. Default \`${defaultSize}\`.`,
        defaultSize,
      ),
      memcached: Memcached,
    },
    `The ${what}.`,
    { default: {} },
  );
