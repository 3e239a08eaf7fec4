/** The store-gateway dashboard. */
import type { Environment } from '@thanos-gitops/schema';
import { jobSelector, RECORDS } from '@thanos-gitops/thanos-components';
import { type DashboardSpec, type Panel, type Row, timeseries } from '../spec.js';
import type { Jobs } from './jobs.js';
import { rate, ratio } from './promql.js';
import { resourcesRow } from './shared-panels.js';

/** Series requests, errors and latency per shard. */
function seriesRow(sel: string, series: string): Row {
  return {
    title: 'Series requests per shard',
    panels: [
      timeseries({
        title: 'Series calls',
        unit: 'reqps',
        description: 'StoreAPI Series calls per second, per shard.',
        queries: [{ expr: rate('grpc_server_handled_total', series, 'job'), legend: '{{job}}' }],
      }),
      timeseries({
        title: 'Series errors',
        unit: 'percentunit',
        description: 'Fraction of Series calls failing, per shard.',
        queries: [{ expr: ratio('grpc_server_handled_total', series, 'grpc_code!="OK"', 'job'), legend: '{{job}}' }],
      }),
      timeseries({
        title: 'Series latency p99',
        unit: 's',
        description: '99th percentile of Series call duration, per shard: the slow shard stands out.',
        queries: [{ expr: `max by (job) (${RECORDS.storeSeriesLatencyP99}{${sel}})`, legend: '{{job}}' }],
      }),
    ],
  };
}

/** The index cache, the blocks loaded and the bucket operations failing. */
function cachesAndBucketPanels(sel: string): Panel[] {
  return [
    timeseries({
      title: 'Index cache hit ratio',
      unit: 'percentunit',
      description: 'Fraction of index cache lookups found, by item type.',
      queries: [
        {
          expr: `${rate('thanos_store_index_cache_hits_total', sel, 'item_type')}\n/\n${rate('thanos_store_index_cache_requests_total', sel, 'item_type')}`,
          legend: '{{item_type}}',
        },
      ],
    }),
    timeseries({
      title: 'Blocks loaded',
      unit: 'short',
      description: 'Blocks each shard serves.',
      queries: [{ expr: `sum by (job) (thanos_bucket_store_blocks_loaded{${sel}})`, legend: '{{job}}' }],
    }),
    timeseries({
      title: 'Bucket operation errors',
      unit: 'percentunit',
      description: 'Fraction of object-storage operations failing.',
      queries: [
        {
          expr: `${rate('thanos_objstore_bucket_operation_failures_total', sel, 'operation')}\n/\n${rate('thanos_objstore_bucket_operations_total', sel, 'operation')}`,
          legend: '{{operation}}',
        },
      ],
    }),
  ];
}

/** What the shards fetch from the bucket and the caches. */
function dataFetchedRow(sel: string): Row {
  return {
    title: 'Data fetched',
    panels: [
      timeseries({
        title: 'Series fetched',
        unit: 'ops',
        description: 'Series fetched from the bucket or cache per second, per shard.',
        queries: [
          {
            expr: rate('thanos_bucket_store_series_data_fetched_sum', `${sel}, data_type="series"`, 'job'),
            legend: '{{job}}',
          },
        ],
      }),
      timeseries({
        title: 'Chunks fetched',
        unit: 'ops',
        description: 'Chunks fetched per second, per shard.',
        queries: [
          {
            expr: rate('thanos_bucket_store_series_data_fetched_sum', `${sel}, data_type="chunks"`, 'job'),
            legend: '{{job}}',
          },
        ],
      }),
      timeseries({
        title: 'Blocks queried per request',
        unit: 'short',
        description: 'Average blocks a Series call touches, per shard.',
        queries: [
          {
            expr: `${rate('thanos_bucket_store_series_blocks_queried_sum', sel, 'job')}\n/\n${rate('thanos_bucket_store_series_blocks_queried_count', sel, 'job')}`,
            legend: '{{job}}',
          },
        ],
      }),
      ...cachesAndBucketPanels(sel),
    ],
  };
}

/** The store-gateway dashboard (every shard), when the environment runs one; else nothing. */
export function store(env: Environment, jobs: Jobs): DashboardSpec | undefined {
  if (jobs.store.length === 0) return undefined;
  const sel = jobSelector(env, jobs.store);
  const series = jobSelector(env, jobs.store, 'grpc_method="Series"');
  const s = env.storeGateway;
  return {
    id: 'store',
    title: 'Store Gateway',
    description:
      `Long-term reads: ${s.partitions.length} time partition(s) of ${s.shards} shard(s) each; every series is a ` +
      'job (one shard of one partition).',
    jobs: jobs.store,
    rows: [seriesRow(sel, series), dataFetchedRow(sel), resourcesRow(sel)],
  };
}
