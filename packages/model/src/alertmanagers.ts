/**
 * The ruler's Alertmanager URLs. A plain `http://<service>…` URL is one static address: Thanos resolves it once
 * per request to whatever the name gives, and with a headless Service that is a single pod. Alerts must reach
 * every Alertmanager replica (they deduplicate among themselves), so headless Services are resolved with
 * `dns+` (every A record, on the URL's port) and the user is warned to say so.
 */
import type { ProblemSink } from '@thanos-gitops/problems';
import type { Environment } from '@thanos-gitops/schema';

const DISCOVERY = /^(dnssrv\+|dns\+)/;

/**
 * Whether a URL without `dns+`/`dnssrv+` names what looks like a headless Service: the Prometheus Operator's
 * `<name>-operated` Services (`alertmanager-operated`), or a Service with `headless` in its name.
 */
export function looksHeadless(url: string): boolean {
  if (DISCOVERY.test(url)) return false;
  const host = /^https?:\/\/([^/:?#]+)/.exec(url)?.[1]?.toLowerCase() ?? '';
  const service = host.split('.')[0] ?? '';
  return service.endsWith('-operated') || service.includes('headless');
}

/** The URL the ruler gets (`--alertmanagers.url`): headless-looking Services resolved with `dns+`. */
export function alertmanagerUrl(url: string): string {
  return looksHeadless(url) ? `dns+${url}` : url;
}

/** Warns, at each URL, when it looks like a headless Service addressed without DNS discovery. */
export function alertmanagerRules(env: Environment, sink: ProblemSink): void {
  if (!env.ruler.enabled) return;
  env.ruler.alertmanagers.forEach((url, i) => {
    if (!looksHeadless(url)) return;
    sink.warn?.(
      ['ruler', 'alertmanagers', i],
      'looks like a headless Service without `dns+` or `dnssrv+`: as one static address only one Alertmanager ' +
        `pod would get the alerts, so it is generated as "${alertmanagerUrl(url)}" (every pod, same port). ` +
        'Write that (or `dnssrv+http://_<port name>._tcp.<service>…`) to say so and silence this warning',
    );
  });
}
