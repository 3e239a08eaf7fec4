/** The PromQL shapes the dashboards repeat: rates, ratios and 99th percentiles. */
import { RATE } from '../spec.js';

/** `sum by (by) (rate(metric{sel}[$__rate_interval]))`. */
export function rate(metric: string, sel: string, by?: string): string {
  return `sum${by ? ` by (${by})` : ''} (rate(${metric}{${sel}}[${RATE}]))`;
}

/** Fraction of `metric` whose extra matcher `bad` holds, by `by`. */
export function ratio(metric: string, sel: string, bad: string, by?: string): string {
  return `${rate(metric, `${sel}, ${bad}`, by)}\n/\n${rate(metric, sel, by)}`;
}

/** `histogram_quantile(0.99, …)` of `metric` by `by`. */
export function p99(metric: string, sel: string, by: string): string {
  return `histogram_quantile(0.99, sum by (${by}, le) (rate(${metric}{${sel}}[${RATE}])))`;
}
