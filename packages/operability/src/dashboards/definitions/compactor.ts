/** The compactor dashboard. */
import type { Environment } from '@thanos-gitops/schema';
import { jobSelector } from '@thanos-gitops/thanos-components';
import { type DashboardSpec, type Row, stat, timeseries } from '../spec.js';
import type { Jobs } from './jobs.js';
import { rate } from './promql.js';
import { resourcesRow, upStat } from './shared-panels.js';

/** Halted compactors and the time since the last upload. */
function healthRow(sel: string): Row {
  return {
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
  };
}

/** Planned compactions, downsamplings and deletions. */
function backlogRow(sel: string): Row {
  return {
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
  };
}

/** Failed compactions, downsamplings and garbage collections. */
function failuresRow(sel: string): Row {
  return {
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
        queries: [{ expr: rate('thanos_compact_garbage_collection_failures_total', sel, 'job'), legend: '{{job}}' }],
      }),
    ],
  };
}

/** The compactor dashboard (every compactor shard), when compaction runs; else nothing. */
export function compact(env: Environment, jobs: Jobs): DashboardSpec | undefined {
  if (jobs.compact.length === 0) return undefined;
  const sel = jobSelector(env, jobs.compact);
  return {
    id: 'compact',
    title: 'Compactor',
    description: 'Is the compactor keeping up: halted, backlog, failures and the time since its last upload.',
    jobs: jobs.compact,
    rows: [healthRow(sel), backlogRow(sel), failuresRow(sel), resourcesRow(sel)],
  };
}
