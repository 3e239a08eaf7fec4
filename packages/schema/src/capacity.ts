/**
 * Sizing from numbers (issue #23): the load an environment is built for, from which model's `capacity.ts`
 * derives ingestor volumes and requests, the compactor's disk, the chunk cache's memcached and the routers' and
 * Query's CPU. `size` stays the preset for everything else; a value the file gives still wins.
 */
import { Type } from '@sinclair/typebox';
import { Obj, withDefault } from './common.js';

export const Capacity = Obj(
  {
    activeSeries: Type.Integer({
      minimum: 1,
      maximum: 10_000_000_000,
      description: 'Active (head) series over all tenants, before replication.',
    }),
    samplesPerSecond: Type.Integer({
      minimum: 1,
      maximum: 1_000_000_000,
      description: 'Samples written per second over all writers, before replication (series / scrape interval).',
    }),
    tenants: Type.Integer(
      withDefault({
        minimum: 1,
        maximum: 100_000,
        default: 1,
        description: 'Tenants writing (one TSDB each per ingestor).',
      }),
    ),
    queriesPerSecond: Type.Number(
      withDefault({
        minimum: 0,
        maximum: 100_000,
        default: 1,
        description: "Queries per second reaching Query (after the frontend's cache), dashboards and rules included.",
      }),
    ),
  },
  "The load this environment is sized for. When set, the ingestors' volumes (`receive.hashrings[].storage`) and " +
    "memory and CPU requests, the compactor's volume, the chunk cache memcached and the CPU requests of the " +
    'routers and Query are derived from it, by the formulas of the README (section "Sizing from numbers"); the ' +
    'environment README shows the inputs and the results. A value the file gives wins over the derived one; ' +
    'what is not derived comes from `size`.',
);
