/** Panels every component dashboard shares: resources, targets up, HTTP traffic. */
import { type Panel, type Row, stat, timeseries } from '../spec.js';
import { p99, rate, ratio } from './promql.js';

/** CPU, memory and goroutines of the pods of some Thanos jobs. */
export function resourcesRow(sel: string): Row {
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

/** How many pods of the jobs Prometheus scrapes successfully. */
export function upStat(sel: string): Panel {
  return stat({
    title: 'Targets up',
    unit: 'short',
    description: 'Pods of these jobs Prometheus scrapes successfully.',
    query: { expr: `sum(up{${sel}})` },
    width: 4,
  });
}

/** Requests, errors and p99 latency of the HTTP handlers `handlerSel` selects, served by `who`. */
export function httpPanels(handlerSel: string, who: string): Panel[] {
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
