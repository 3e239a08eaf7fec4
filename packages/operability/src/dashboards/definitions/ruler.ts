/** The ruler dashboard. */
import type { Environment } from '@thanos-gitops/schema';
import { jobSelector } from '@thanos-gitops/thanos-components';
import { type DashboardSpec, type Row, timeseries } from '../spec.js';
import type { Jobs } from './jobs.js';
import { rate } from './promql.js';
import { resourcesRow } from './shared-panels.js';

/** Rule evaluation: failures, missed iterations, duration and alerts sent. */
function evaluationRow(sel: string): Row {
  return {
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
  };
}

/** The stateless ruler's remote write of its results: pending and failed samples, lag and shards. */
function remoteWriteRow(sel: string): Row {
  return {
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
  };
}

/** The ruler dashboard, when the environment runs a ruler; else nothing. */
export function rule(env: Environment, jobs: Jobs): DashboardSpec | undefined {
  if (jobs.rule.length === 0) return undefined;
  const sel = jobSelector(env, jobs.rule);
  const rows: Row[] = [evaluationRow(sel)];
  if (env.ruler.mode === 'stateless') rows.push(remoteWriteRow(sel));
  rows.push(resourcesRow(sel));
  return {
    id: 'rule',
    title: 'Ruler',
    description: `Rule evaluation and alerting (${env.ruler.mode} mode).`,
    jobs: jobs.rule,
    rows,
  };
}
