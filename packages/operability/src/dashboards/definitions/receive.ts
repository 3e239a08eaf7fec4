/** The receive dashboard: remote write at the routers, the hashrings, the ingestors and their TSDBs. */
import type { Environment } from '@thanos-gitops/schema';
import { jobSelector, RECORDS } from '@thanos-gitops/thanos-components';
import { type DashboardSpec, type Panel, type Row, stat, timeseries } from '../spec.js';
import type { Jobs } from './jobs.js';
import { p99, rate, ratio } from './promql.js';
import { resourcesRow } from './shared-panels.js';

/** ` in 3 zones` when the ingestors are split by `receive.zones` (one StatefulSet per zone), else nothing. */
export function inZones(env: Environment): string {
  const n = env.receive.zones.length;
  return n === 0 ? '' : ` in ${n} ${n === 1 ? 'zone' : 'zones'}`;
}
/** The tenants a hashring serves, in words. */
export function tenantsOf(h: Environment['receive']['hashrings'][number]): string {
  return h.tenants && h.tenants.length > 0 ? h.tenants.join(', ') : 'every tenant no other hashring names';
}

/** How the routers replicate and forward writes to the ingestors, and the hashrings they see. */
function hashringPanels(router: string): Panel[] {
  return [
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
  ];
}

/** The routers: remote-write requests, errors and latency by tenant, replication, and the hashrings they see. */
function routerRow(router: string): Row {
  return {
    title: 'Remote write at the routers',
    panels: [
      timeseries({
        title: 'Requests by tenant',
        unit: 'reqps',
        description: 'Remote-write requests per second accepted by the routers.',
        queries: [{ expr: `sum by (tenant) (${RECORDS.receiveRequests}{${router}})`, legend: '{{tenant}}' }],
      }),
      timeseries({
        title: 'Errors by tenant',
        unit: 'percentunit',
        description: 'Fraction of remote-write requests answered with 5xx.',
        queries: [
          {
            expr: `sum by (tenant) (${RECORDS.receiveRequests}{${router}, code=~"5.."})\n/\nsum by (tenant) (${RECORDS.receiveRequests}{${router}})`,
            legend: '{{tenant}}',
          },
        ],
      }),
      timeseries({
        title: 'Latency p99 by tenant',
        unit: 's',
        description: '99th percentile of remote-write request duration.',
        queries: [{ expr: `max by (tenant) (${RECORDS.receiveLatencyP99}{${router}})`, legend: '{{tenant}}' }],
      }),
      timeseries({
        title: 'Samples by tenant',
        unit: 'ops',
        description: 'Samples per second received, per tenant.',
        queries: [{ expr: rate('thanos_receive_write_samples_sum', router, 'tenant'), legend: '{{tenant}}' }],
      }),
      ...hashringPanels(router),
    ],
  };
}

/** One hashring: writes, errors, latency, head series and uploads of its ingestors. */
function hashringRow(env: Environment, h: Environment['receive']['hashrings'][number]): Row {
  const sel = jobSelector(env, [`thanos-receive-ingestor-${h.name}`]);
  return {
    title: `Hashring ${h.name} (${h.replicas} ingestors${inZones(env)}; tenants: ${tenantsOf(h)})`,
    panels: [
      timeseries({
        title: 'Writes per ingestor',
        unit: 'reqps',
        description: 'Remote-write gRPC requests each ingestor handles: the spread shows how balanced the hashring is.',
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
  };
}

/** The rollout-operator (zoned ingestors): reconciles of each hashring's rollout group and their failures. */
function rolloutRow(operator: string): Row {
  return {
    title: 'Ingestor rollouts (rollout-operator, one zone at a time)',
    panels: [
      timeseries({
        title: 'Reconciles by hashring',
        unit: 'ops',
        description: 'How often the rollout-operator checks each rollout group (one per hashring), and failures.',
        queries: [
          {
            expr: rate('rollout_operator_group_reconciles_total', operator, 'rollout_group'),
            legend: '{{rollout_group}}',
          },
          {
            expr: rate('rollout_operator_group_reconciles_failed_total', operator, 'rollout_group'),
            legend: 'failed {{rollout_group}}',
          },
        ],
      }),
      timeseries({
        title: 'Since last successful reconcile',
        unit: 's',
        description: 'Time since each rollout group was last reconciled without error.',
        queries: [
          {
            expr: `time() - max by (rollout_group) (rollout_operator_last_successful_group_reconcile_timestamp_seconds{${operator}})`,
            legend: '{{rollout_group}}',
          },
        ],
      }),
    ],
  };
}

/** The receive dashboard, when the environment runs receive; else nothing. */
export function receive(env: Environment, jobs: Jobs): DashboardSpec | undefined {
  if (jobs.router.length === 0) return undefined;
  const hashrings = env.receive.hashrings.filter((h) => jobs.ingestors.includes(`thanos-receive-ingestor-${h.name}`));
  const all = [...jobs.router, ...jobs.ingestors, ...jobs.rolloutOperator];
  return {
    id: 'receive',
    title: 'Receive',
    description: 'Write path: routers by tenant, then each hashring with its tenants and ingestors.',
    jobs: all,
    rows: [
      routerRow(jobSelector(env, jobs.router)),
      ...hashrings.map((h) => hashringRow(env, h)),
      ...(jobs.rolloutOperator.length > 0 ? [rolloutRow(jobSelector(env, jobs.rolloutOperator))] : []),
      resourcesRow(jobSelector(env, all)),
    ],
  };
}
