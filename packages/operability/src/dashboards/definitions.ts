/**
 * What each dashboard shows, read from the environment and the scrape jobs its ServiceMonitors produce: a
 * hashring, store shard, partition or cache added to the environment gets its rows and series without a change
 * here. Every selector is scoped to the namespace and the component's jobs, like the alerts.
 */
import type { Environment } from '@thanos-gitops/core-model';
import { jobSelector, RECORDS, scrapeJobs } from '@thanos-gitops/thanos-components';

/** The scrape jobs of each part the dashboards show, read from the component records (`scrapeJobs`). */
interface Jobs {
  router: string[];
  ingestors: string[];
  query: string[];
  queryFrontend: string[];
  store: string[];
  compact: string[];
  rule: string[];
  bucketWeb: string[];
  /** Every memcached component's jobs, whatever caches the records define. */
  memcached: string[];
}

function jobsOf(env: Environment): Jobs {
  const j = scrapeJobs(env);
  return {
    router: j['receive-router'],
    ingestors: j['receive-ingestor'],
    query: j.query,
    queryFrontend: j['query-frontend'],
    store: j['store-gateway'],
    compact: j.compactor,
    rule: j.ruler,
    bucketWeb: j['bucket-web'],
    memcached: Object.entries(j)
      .filter(([kind]) => kind.startsWith('memcached'))
      .flatMap(([, jobs]) => jobs),
  };
}

import { type DashboardSpec, type Panel, RATE, type Row, stat, timeseries } from './spec.js';

/** `sum by (by) (rate(metric{sel}[$__rate_interval]))`. */
function rate(metric: string, sel: string, by?: string): string {
  return `sum${by ? ` by (${by})` : ''} (rate(${metric}{${sel}}[${RATE}]))`;
}

/** Fraction of `metric` whose extra matcher `bad` holds, by `by`. */
function ratio(metric: string, sel: string, bad: string, by?: string): string {
  return `${rate(metric, `${sel}, ${bad}`, by)}\n/\n${rate(metric, sel, by)}`;
}

function p99(metric: string, sel: string, by: string): string {
  return `histogram_quantile(0.99, sum by (${by}, le) (rate(${metric}{${sel}}[${RATE}])))`;
}

/** CPU, memory and goroutines of the pods of some Thanos jobs. */
function resourcesRow(sel: string): Row {
  return {
    title: 'Resources',
    panels: [
      timeseries({
        title: 'CPU',
        unit: 'short',
        description: 'CPU cores used, per pod.',
        queries: [{ expr: rate('process_cpu_seconds_total', sel, 'pod'), legend: '{{pod}}' }],
      }),
      timeseries({
        title: 'Memory',
        unit: 'bytes',
        description: 'Resident memory, per pod.',
        queries: [{ expr: `sum by (pod) (process_resident_memory_bytes{${sel}})`, legend: '{{pod}}' }],
      }),
      timeseries({
        title: 'Goroutines',
        unit: 'short',
        description: 'Goroutines, per pod: a steady climb points at a leak or stuck requests.',
        queries: [{ expr: `sum by (pod) (go_goroutines{${sel}})`, legend: '{{pod}}' }],
      }),
    ],
  };
}

function upStat(sel: string): Panel {
  return stat({
    title: 'Targets up',
    unit: 'short',
    description: 'Pods of these jobs Prometheus scrapes successfully.',
    query: { expr: `sum(up{${sel}})` },
    width: 4,
  });
}

/** ` in 3 zones` when the ingestors are split by `receive.zones` (one StatefulSet per zone), else nothing. */
function inZones(env: Environment): string {
  const n = env.receive.zones.length;
  return n === 0 ? '' : ` in ${n} ${n === 1 ? 'zone' : 'zones'}`;
}
/** The tenants a hashring serves, in words. */
function tenantsOf(h: Environment['receive']['hashrings'][number]): string {
  return h.tenants && h.tenants.length > 0 ? h.tenants.join(', ') : 'every tenant no other hashring names';
}

function receive(env: Environment, jobs: Jobs): DashboardSpec | undefined {
  if (jobs.router.length === 0) return undefined;
  const router = jobSelector(env, jobs.router);
  const recorded = jobSelector(env, jobs.router);
  const rows: Row[] = [
    {
      title: 'Remote write at the routers',
      panels: [
        timeseries({
          title: 'Requests by tenant',
          unit: 'reqps',
          description: 'Remote-write requests per second accepted by the routers.',
          queries: [{ expr: `sum by (tenant) (${RECORDS.receiveRequests}{${recorded}})`, legend: '{{tenant}}' }],
        }),
        timeseries({
          title: 'Errors by tenant',
          unit: 'percentunit',
          description: 'Fraction of remote-write requests answered with 5xx.',
          queries: [
            {
              expr: `sum by (tenant) (${RECORDS.receiveRequests}{${recorded}, code=~"5.."})\n/\nsum by (tenant) (${RECORDS.receiveRequests}{${recorded}})`,
              legend: '{{tenant}}',
            },
          ],
        }),
        timeseries({
          title: 'Latency p99 by tenant',
          unit: 's',
          description: '99th percentile of remote-write request duration.',
          queries: [{ expr: `max by (tenant) (${RECORDS.receiveLatencyP99}{${recorded}})`, legend: '{{tenant}}' }],
        }),
        timeseries({
          title: 'Samples by tenant',
          unit: 'ops',
          description: 'Samples per second received, per tenant.',
          queries: [{ expr: rate('thanos_receive_write_samples_sum', router, 'tenant'), legend: '{{tenant}}' }],
        }),
        timeseries({
          title: 'Replication',
          unit: 'ops',
          description: 'Replication of writes to the ingestors, by result.',
          queries: [{ expr: rate('thanos_receive_replications_total', router, 'result'), legend: '{{result}}' }],
        }),
        timeseries({
          title: 'Forward errors',
          unit: 'percentunit',
          description: 'Fraction of forward requests from routers to ingestors that fail, per router pod.',
          queries: [
            {
              expr: ratio('thanos_receive_forward_requests_total', router, 'result="error"', 'pod'),
              legend: '{{pod}}',
            },
          ],
        }),
        timeseries({
          title: 'Hashring nodes',
          unit: 'short',
          description: 'Ingestors in each hashring as the routers see them.',
          queries: [{ expr: `max by (name) (thanos_receive_hashring_nodes{${router}})`, legend: '{{name}}' }],
        }),
        timeseries({
          title: 'Hashring tenants',
          unit: 'short',
          description: 'Tenants each hashring is configured for (0: the catch-all).',
          queries: [{ expr: `max by (name) (thanos_receive_hashring_tenants{${router}})`, legend: '{{name}}' }],
        }),
        stat({
          title: 'Hashring config loaded',
          unit: 'short',
          description: 'Whether every router loaded the current hashrings file (1: yes).',
          query: { expr: `min(thanos_receive_config_last_reload_successful{${router}})` },
          width: 4,
        }),
      ],
    },
  ];
  for (const h of env.receive.hashrings) {
    const sel = jobSelector(env, [`thanos-receive-ingestor-${h.name}`]);
    if (!jobs.ingestors.includes(`thanos-receive-ingestor-${h.name}`)) continue;
    rows.push({
      title: `Hashring ${h.name} (${h.replicas} ingestors${inZones(env)}; tenants: ${tenantsOf(h)})`,
      panels: [
        timeseries({
          title: 'Writes per ingestor',
          unit: 'reqps',
          description:
            'Remote-write gRPC requests each ingestor handles: the spread shows how balanced the hashring is.',
          queries: [
            { expr: rate('grpc_server_handled_total', `${sel}, grpc_method="RemoteWrite"`, 'pod'), legend: '{{pod}}' },
          ],
        }),
        timeseries({
          title: 'Write errors per ingestor',
          unit: 'percentunit',
          description: 'Fraction of remote-write gRPC requests failing.',
          queries: [
            {
              expr: ratio('grpc_server_handled_total', `${sel}, grpc_method="RemoteWrite"`, 'grpc_code!="OK"', 'pod'),
              legend: '{{pod}}',
            },
          ],
        }),
        timeseries({
          title: 'Write latency p99 per ingestor',
          unit: 's',
          description: '99th percentile of the time each ingestor takes to append a remote-write request.',
          queries: [
            {
              expr: p99('grpc_server_handling_seconds_bucket', `${sel}, grpc_method="RemoteWrite"`, 'pod'),
              legend: '{{pod}}',
            },
          ],
        }),
        timeseries({
          title: 'Head series per ingestor',
          unit: 'short',
          description: 'Series in the in-memory head of each ingestor.',
          queries: [{ expr: `max by (pod) (${RECORDS.ingestorHeadSeries}{${sel}})`, legend: '{{pod}}' }],
        }),
        timeseries({
          title: 'Head series by tenant',
          unit: 'short',
          description: 'Series in the head, per tenant (all replicas).',
          queries: [{ expr: `sum by (tenant) (prometheus_tsdb_head_series{${sel}})`, legend: '{{tenant}}' }],
        }),
        timeseries({
          title: 'Since last upload',
          unit: 's',
          description: 'Time since each ingestor last uploaded a block: it cuts one every 2 hours.',
          queries: [
            {
              expr: `time() - max by (pod) (thanos_objstore_bucket_last_successful_upload_time{${sel}})`,
              legend: '{{pod}}',
            },
          ],
        }),
      ],
    });
  }
  const all = [...jobs.router, ...jobs.ingestors];
  rows.push(resourcesRow(jobSelector(env, all)));
  return {
    id: 'receive',
    title: 'Receive',
    description: 'Write path: routers by tenant, then each hashring with its tenants and ingestors.',
    jobs: all,
    rows,
  };
}

function httpPanels(handlerSel: string, who: string): Panel[] {
  return [
    timeseries({
      title: `Requests`,
      unit: 'reqps',
      description: `${who} HTTP requests per second, by handler and code.`,
      queries: [{ expr: rate('http_requests_total', handlerSel, 'handler, code'), legend: '{{handler}} {{code}}' }],
    }),
    timeseries({
      title: `Errors`,
      unit: 'percentunit',
      description: `Fraction of ${who} HTTP requests answered with 5xx.`,
      queries: [{ expr: ratio('http_requests_total', handlerSel, 'code=~"5.."', 'handler'), legend: '{{handler}}' }],
    }),
    timeseries({
      title: `Latency p99`,
      unit: 's',
      description: `99th percentile of ${who} HTTP request duration.`,
      queries: [{ expr: p99('http_request_duration_seconds_bucket', handlerSel, 'handler'), legend: '{{handler}}' }],
    }),
  ];
}

function query(env: Environment, jobs: Jobs): DashboardSpec {
  const sel = jobSelector(env, jobs.query);
  const api = jobSelector(env, jobs.query, 'handler=~"query|query_range"');
  return {
    id: 'query',
    title: 'Query',
    description: 'Read path: the PromQL API and its fan-out to ingestors, store gateways and the ruler.',
    jobs: jobs.query,
    rows: [
      {
        title: 'PromQL API',
        panels: [
          ...httpPanels(api, 'Query').slice(0, 2),
          timeseries({
            title: 'Latency p99',
            unit: 's',
            description: '99th percentile of query and query_range duration.',
            queries: [{ expr: `max by (handler) (${RECORDS.queryLatencyP99}{${sel}})`, legend: '{{handler}}' }],
          }),
        ],
      },
      {
        title: 'StoreAPI fan-out',
        panels: [
          timeseries({
            title: 'Series calls by code',
            unit: 'reqps',
            description: 'Series calls Query makes to StoreAPI endpoints.',
            queries: [
              {
                expr: rate('grpc_client_handled_total', `${sel}, grpc_method="Series"`, 'grpc_code'),
                legend: '{{grpc_code}}',
              },
            ],
          }),
          timeseries({
            title: 'Series call latency p99',
            unit: 's',
            description: '99th percentile of Series calls to StoreAPI endpoints.',
            queries: [{ expr: p99('grpc_client_handling_seconds_bucket', `${sel}, grpc_method="Series"`, 'job') }],
          }),
          timeseries({
            title: 'Connected endpoints',
            unit: 'short',
            description: 'StoreAPI endpoints Query is connected to, by type.',
            queries: [
              { expr: `max by (store_type) (thanos_store_nodes_grpc_connections{${sel}})`, legend: '{{store_type}}' },
            ],
          }),
        ],
      },
      resourcesRow(sel),
    ],
  };
}

function queryFrontend(env: Environment, jobs: Jobs): DashboardSpec | undefined {
  if (jobs.queryFrontend.length === 0) return undefined;
  const sel = jobSelector(env, jobs.queryFrontend);
  const http = jobSelector(env, jobs.queryFrontend, 'handler="query-frontend"');
  return {
    id: 'query-frontend',
    title: 'Query Frontend',
    description: 'The read entry point: requests, latency, splitting and the results cache.',
    jobs: jobs.queryFrontend,
    rows: [
      { title: 'Requests', panels: httpPanels(http, 'query frontend') },
      {
        title: 'Splitting and caching',
        panels: [
          timeseries({
            title: 'Queries by type',
            unit: 'reqps',
            description: 'Queries per second by operation (range, instant, labels, series).',
            queries: [{ expr: rate('thanos_query_frontend_queries_total', sel, 'op'), legend: '{{op}}' }],
          }),
          timeseries({
            title: 'Split queries',
            unit: 'reqps',
            description: 'Requests sent to Query after splitting by interval.',
            queries: [{ expr: rate('thanos_frontend_split_queries_total', sel) }],
          }),
          timeseries({
            title: 'Results cache hit ratio',
            unit: 'percentunit',
            description: 'Fraction of cache keys looked up that were found.',
            queries: [
              {
                expr: `${rate('cortex_cache_hits_total', sel, 'name')}\n/\n${rate('cortex_cache_fetched_keys_total', sel, 'name')}`,
                legend: '{{name}}',
              },
            ],
          }),
        ],
      },
      resourcesRow(sel),
    ],
  };
}

function store(env: Environment, jobs: Jobs): DashboardSpec | undefined {
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
    rows: [
      {
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
            queries: [
              { expr: ratio('grpc_server_handled_total', series, 'grpc_code!="OK"', 'job'), legend: '{{job}}' },
            ],
          }),
          timeseries({
            title: 'Series latency p99',
            unit: 's',
            description: '99th percentile of Series call duration, per shard: the slow shard stands out.',
            queries: [{ expr: `max by (job) (${RECORDS.storeSeriesLatencyP99}{${sel}})`, legend: '{{job}}' }],
          }),
        ],
      },
      {
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
        ],
      },
      resourcesRow(sel),
    ],
  };
}

function compact(env: Environment, jobs: Jobs): DashboardSpec | undefined {
  if (jobs.compact.length === 0) return undefined;
  const sel = jobSelector(env, jobs.compact);
  return {
    id: 'compact',
    title: 'Compactor',
    description: 'Is the compactor keeping up: halted, backlog, failures and the time since its last upload.',
    jobs: jobs.compact,
    rows: [
      {
        title: 'Health',
        panels: [
          stat({
            title: 'Halted',
            unit: 'short',
            description: 'A compactor halts on a problem it cannot fix alone (1: halted).',
            query: {
              expr: `max(thanos_compact_halted{${sel}})`,
            },
            redAt: 1,
            width: 4,
          }),
          upStat(sel),
          timeseries({
            title: 'Since last upload',
            unit: 's',
            description: 'Time since each compactor last uploaded a block (a compaction or downsampling result).',
            queries: [
              {
                expr: `time() - max by (job) (thanos_objstore_bucket_last_successful_upload_time{${sel}})`,
                legend: '{{job}}',
              },
            ],
          }),
          timeseries({
            title: 'Iterations',
            unit: 'ops',
            description: 'Completed compaction iterations per second.',
            queries: [{ expr: rate('thanos_compact_iterations_total', sel, 'job'), legend: '{{job}}' }],
          }),
        ],
      },
      {
        title: 'Backlog',
        panels: [
          timeseries({
            title: 'Planned compactions',
            unit: 'short',
            description: 'Compactions still to do: a number that keeps growing means it is falling behind.',
            queries: [{ expr: `sum by (job) (thanos_compact_todo_compactions{${sel}})`, legend: '{{job}}' }],
          }),
          timeseries({
            title: 'Blocks to downsample',
            unit: 'short',
            description: 'Blocks waiting for downsampling.',
            queries: [{ expr: `sum by (job) (thanos_compact_todo_downsample_blocks{${sel}})`, legend: '{{job}}' }],
          }),
          timeseries({
            title: 'Blocks to delete',
            unit: 'short',
            description: 'Blocks marked for deletion, waiting for the delay to pass.',
            queries: [{ expr: `sum by (job) (thanos_compact_todo_deletion_blocks{${sel}})`, legend: '{{job}}' }],
          }),
        ],
      },
      {
        title: 'Failures',
        panels: [
          timeseries({
            title: 'Compaction failures',
            unit: 'ops',
            description: 'Failed group compactions per second.',
            queries: [{ expr: rate('thanos_compact_group_compactions_failures_total', sel, 'job'), legend: '{{job}}' }],
          }),
          timeseries({
            title: 'Downsample failures',
            unit: 'ops',
            description: 'Failed downsamplings per second.',
            queries: [{ expr: rate('thanos_compact_downsample_failures_total', sel, 'job'), legend: '{{job}}' }],
          }),
          timeseries({
            title: 'Garbage collection failures',
            unit: 'ops',
            description: 'Failed garbage collections per second.',
            queries: [
              { expr: rate('thanos_compact_garbage_collection_failures_total', sel, 'job'), legend: '{{job}}' },
            ],
          }),
        ],
      },
      resourcesRow(sel),
    ],
  };
}

function rule(env: Environment, jobs: Jobs): DashboardSpec | undefined {
  if (jobs.rule.length === 0) return undefined;
  const sel = jobSelector(env, jobs.rule);
  const rows: Row[] = [
    {
      title: 'Rule evaluation',
      panels: [
        timeseries({
          title: 'Evaluation failures',
          unit: 'ops',
          description: 'Failed rule evaluations per second, by group.',
          queries: [
            { expr: rate('prometheus_rule_evaluation_failures_total', sel, 'rule_group'), legend: '{{rule_group}}' },
          ],
        }),
        timeseries({
          title: 'Missed iterations',
          unit: 'ops',
          description: 'Group evaluations skipped because the previous one overran.',
          queries: [
            {
              expr: rate('prometheus_rule_group_iterations_missed_total', sel, 'rule_group'),
              legend: '{{rule_group}}',
            },
          ],
        }),
        timeseries({
          title: 'Evaluation time / interval',
          unit: 'percentunit',
          description: 'How much of its interval each group takes: above 1, iterations are missed.',
          queries: [
            {
              expr: `max by (rule_group) (prometheus_rule_group_last_duration_seconds{${sel}})\n/\nmax by (rule_group) (prometheus_rule_group_interval_seconds{${sel}})`,
              legend: '{{rule_group}}',
            },
          ],
        }),
        timeseries({
          title: 'Alerts sent',
          unit: 'ops',
          description: 'Alerts sent to Alertmanager per second, and dropped.',
          queries: [
            {
              expr: rate('thanos_alert_sender_alerts_sent_total', sel, 'alertmanager'),
              legend: 'sent {{alertmanager}}',
            },
            {
              expr: rate('thanos_alert_sender_alerts_dropped_total', sel, 'alertmanager'),
              legend: 'dropped {{alertmanager}}',
            },
          ],
        }),
      ],
    },
  ];
  if (env.ruler.mode === 'stateless') {
    rows.push({
      title: 'Remote write of results',
      panels: [
        timeseries({
          title: 'Pending samples',
          unit: 'short',
          description: 'Samples queued for remote write, per pod.',
          queries: [{ expr: `sum by (pod) (prometheus_remote_storage_samples_pending{${sel}})`, legend: '{{pod}}' }],
        }),
        timeseries({
          title: 'Failed samples',
          unit: 'ops',
          description: 'Samples that could not be sent (lost), per second.',
          queries: [{ expr: rate('prometheus_remote_storage_samples_failed_total', sel, 'pod'), legend: '{{pod}}' }],
        }),
        timeseries({
          title: 'Remote-write lag',
          unit: 's',
          description: 'How far the newest sent sample is behind the newest recorded one.',
          queries: [
            {
              expr: `max by (pod) (prometheus_remote_storage_highest_timestamp_in_seconds{${sel}})\n- on (pod)\nmax by (pod) (prometheus_remote_storage_queue_highest_sent_timestamp_seconds{${sel}})`,
              legend: '{{pod}}',
            },
          ],
        }),
        timeseries({
          title: 'Shards',
          unit: 'short',
          description: 'Remote-write shards in use, per pod.',
          queries: [{ expr: `max by (pod) (prometheus_remote_storage_shards{${sel}})`, legend: '{{pod}}' }],
        }),
      ],
    });
  }
  rows.push(resourcesRow(sel));
  return {
    id: 'rule',
    title: 'Ruler',
    description: `Rule evaluation and alerting (${env.ruler.mode} mode).`,
    jobs: jobs.rule,
    rows,
  };
}

function bucketWeb(env: Environment, jobs: Jobs): DashboardSpec | undefined {
  if (jobs.bucketWeb.length === 0) return undefined;
  const sel = jobSelector(env, jobs.bucketWeb);
  return {
    id: 'bucket-web',
    title: 'Bucket Web',
    description: 'The bucket inspection UI: its requests and its object-storage reads.',
    jobs: jobs.bucketWeb,
    rows: [
      {
        title: 'Requests',
        panels: [
          upStat(sel),
          timeseries({
            title: 'HTTP requests',
            unit: 'reqps',
            description: 'UI requests per second, by handler and code.',
            queries: [{ expr: rate('http_requests_total', sel, 'handler, code'), legend: '{{handler}} {{code}}' }],
          }),
          timeseries({
            title: 'Bucket operations',
            unit: 'ops',
            description: 'Object-storage operations per second, and failures.',
            queries: [
              { expr: rate('thanos_objstore_bucket_operations_total', sel, 'operation'), legend: '{{operation}}' },
              {
                expr: rate('thanos_objstore_bucket_operation_failures_total', sel, 'operation'),
                legend: 'failed {{operation}}',
              },
            ],
          }),
        ],
      },
      resourcesRow(sel),
    ],
  };
}

function memcached(env: Environment, jobs: Jobs): DashboardSpec | undefined {
  if (jobs.memcached.length === 0) return undefined;
  return {
    id: 'memcached',
    title: 'Memcached',
    description: 'The generated memcached caches, one row each.',
    jobs: jobs.memcached,
    rows: jobs.memcached.map((job) => {
      const sel = jobSelector(env, [job]);
      return {
        title: job,
        panels: [
          timeseries({
            title: 'Hit ratio',
            unit: 'percentunit',
            description: 'Fraction of gets that found their key.',
            queries: [
              {
                expr: `sum (rate(memcached_commands_total{${sel}, command="get", status="hit"}[${RATE}]))\n/\nsum (rate(memcached_commands_total{${sel}, command="get"}[${RATE}]))`,
              },
            ],
          }),
          timeseries({
            title: 'Memory used',
            unit: 'percentunit',
            description: 'Bytes stored over the memory limit (`-m`), per pod.',
            queries: [
              {
                expr: `sum by (pod) (memcached_current_bytes{${sel}})\n/\nsum by (pod) (memcached_limit_bytes{${sel}})`,
                legend: '{{pod}}',
              },
            ],
          }),
          timeseries({
            title: 'Evictions',
            unit: 'ops',
            description: 'Items evicted per second to make room: the cache is too small when high.',
            queries: [{ expr: rate('memcached_items_evicted_total', sel, 'pod'), legend: '{{pod}}' }],
          }),
          timeseries({
            title: 'Connections',
            unit: 'short',
            description: 'Open connections per pod, against the limit (`-c`).',
            queries: [
              { expr: `sum by (pod) (memcached_current_connections{${sel}})`, legend: '{{pod}}' },
              { expr: `max by (pod) (memcached_max_connections{${sel}})`, legend: 'limit {{pod}}' },
            ],
          }),
          stat({
            title: 'Up',
            unit: 'short',
            description: 'memcached pods the exporter reaches.',
            query: { expr: `sum(memcached_up{${sel}})` },
            width: 4,
          }),
        ],
      };
    }),
  };
}

/** Headline signals of every running component, with links to their dashboards. */
function overview(env: Environment, jobs: Jobs, components: DashboardSpec[]): DashboardSpec {
  const rows: Row[] = [];
  if (jobs.router.length > 0) {
    const sel = jobSelector(env, jobs.router);
    rows.push({
      title: 'Write path',
      panels: [
        upStat(jobSelector(env, [...jobs.router, ...jobs.ingestors])),
        timeseries({
          title: 'Remote-write requests',
          unit: 'reqps',
          description: 'Requests per second accepted by the routers, by code.',
          queries: [{ expr: `sum by (code) (${RECORDS.receiveRequests}{${sel}})`, legend: '{{code}}' }],
        }),
        timeseries({
          title: 'Remote-write errors',
          unit: 'percentunit',
          description: 'Fraction of remote-write requests answered with 5xx.',
          queries: [
            {
              expr: `sum (${RECORDS.receiveRequests}{${sel}, code=~"5.."})\n/\nsum (${RECORDS.receiveRequests}{${sel}})`,
            },
          ],
        }),
        timeseries({
          title: 'Remote-write latency p99',
          unit: 's',
          description: 'Worst tenant p99.',
          queries: [{ expr: `max (${RECORDS.receiveLatencyP99}{${sel}})` }],
        }),
      ],
    });
  }
  const entry = jobs.queryFrontend.length > 0 ? jobs.queryFrontend : jobs.query;
  const entryHttp = jobSelector(
    env,
    entry,
    jobs.queryFrontend.length > 0 ? 'handler="query-frontend"' : 'handler=~"query|query_range"',
  );
  rows.push({
    title: 'Read path',
    panels: [
      upStat(jobSelector(env, [...jobs.queryFrontend, ...jobs.query, ...jobs.store])),
      timeseries({
        title: 'Query requests',
        unit: 'reqps',
        description: 'Requests per second at the read entry point, by code.',
        queries: [{ expr: rate('http_requests_total', entryHttp, 'code'), legend: '{{code}}' }],
      }),
      timeseries({
        title: 'Query errors',
        unit: 'percentunit',
        description: 'Fraction of read requests answered with 5xx.',
        queries: [{ expr: ratio('http_requests_total', entryHttp, 'code=~"5.."') }],
      }),
      timeseries({
        title: 'Query latency p99',
        unit: 's',
        description: '99th percentile of read request duration at the entry point.',
        queries: [{ expr: p99('http_request_duration_seconds_bucket', entryHttp, 'job') }],
      }),
      ...(jobs.store.length > 0
        ? [
            timeseries({
              title: 'Slowest store shard p99',
              unit: 's',
              description: 'The highest Series p99 among store shards.',
              queries: [{ expr: `max (${RECORDS.storeSeriesLatencyP99}{${jobSelector(env, jobs.store)}})` }],
            }),
          ]
        : []),
    ],
  });
  if (jobs.compact.length > 0 || jobs.rule.length > 0) {
    const panels: Panel[] = [];
    if (jobs.compact.length > 0) {
      const sel = jobSelector(env, jobs.compact);
      panels.push(
        stat({
          title: 'Compactor halted',
          unit: 'short',
          description: '1 when a compactor has halted.',
          query: { expr: `max(thanos_compact_halted{${sel}})` },
          redAt: 1,
          width: 4,
        }),
        timeseries({
          title: 'Compaction backlog',
          unit: 'short',
          description: 'Planned compactions.',
          queries: [{ expr: `sum (thanos_compact_todo_compactions{${sel}})` }],
        }),
      );
    }
    if (jobs.rule.length > 0) {
      panels.push(
        timeseries({
          title: 'Rule evaluation failures',
          unit: 'ops',
          description: 'Failed rule evaluations per second.',
          queries: [{ expr: rate('prometheus_rule_evaluation_failures_total', jobSelector(env, jobs.rule)) }],
        }),
      );
    }
    rows.push({ title: 'Background', panels });
  }
  if (jobs.memcached.length > 0) {
    const sel = jobSelector(env, jobs.memcached);
    rows.push({
      title: 'Caches',
      panels: [
        timeseries({
          title: 'Memcached hit ratio',
          unit: 'percentunit',
          description: 'Fraction of gets found, per cache.',
          queries: [
            {
              expr: `sum by (job) (rate(memcached_commands_total{${sel}, command="get", status="hit"}[${RATE}]))\n/\nsum by (job) (rate(memcached_commands_total{${sel}, command="get"}[${RATE}]))`,
              legend: '{{job}}',
            },
          ],
        }),
      ],
    });
  }
  rows.push({
    title: 'Targets',
    panels: [
      timeseries({
        title: 'Targets up by job',
        unit: 'short',
        description: 'Scraped pods per job; a missing job is a component that is down.',
        queries: [
          {
            expr: `sum by (job) (up{${jobSelector(
              env,
              components.flatMap((c) => c.jobs),
            )}})`,
            legend: '{{job}}',
          },
        ],
      }),
    ],
  });
  return {
    id: 'overview',
    title: 'Overview',
    description: `Every component of environment ${env.name} at a glance; the links open each component's dashboard.`,
    jobs: [...new Set(components.flatMap((c) => c.jobs))],
    rows,
  };
}

/** The dashboards of an environment: the overview first, then one per running component. */
export function dashboardSpecs(env: Environment): DashboardSpec[] {
  const jobs = jobsOf(env);
  const components = [
    receive(env, jobs),
    query(env, jobs),
    queryFrontend(env, jobs),
    store(env, jobs),
    compact(env, jobs),
    rule(env, jobs),
    bucketWeb(env, jobs),
    memcached(env, jobs),
  ].filter((d): d is DashboardSpec => d !== undefined);
  return [overview(env, jobs, components), ...components];
}
