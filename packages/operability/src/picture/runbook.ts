/**
 * `clusters/<env>/RUNBOOK.md`: one section per alert of the PrometheusRule, which each alert's `runbook_url`
 * points at (`runbookUrl`), with this environment's commands: its namespace, the workloads and pods the alert is
 * about (read from the rendered objects), its volume claims and its bucket. Not in `kustomization.yaml`.
 */
import type { ComponentKind } from '@thanos-gitops/catalog';
import { type Manifest, toPlain } from '@thanos-gitops/manifests';
import { COMPONENT_RECORDS, RESIZE_ANCHOR } from '@thanos-gitops/model';
import { generatedMarkdownHeader } from '@thanos-gitops/output';
import type { Environment } from '@thanos-gitops/schema';
import { type Alert, type AlertGroup, alertGroups, DOWN_ALERTS, RUNBOOK } from '@thanos-gitops/thanos-components';
import type { PlainObject } from '../rollout/plan.js';

export { RUNBOOK };

/** The file every Thanos pod reads the bucket configuration from (`pod.ts`' OBJSTORE_FILE). */
const OBJSTORE = '/etc/thanos/objstore/objstore.yml';

/** The components each alert group is about (availability alerts name theirs in `DOWN_ALERTS`). */
const GROUP_KINDS: Record<string, ComponentKind[]> = {
  'thanos-receive': ['receive-router', 'receive-ingestor'],
  'thanos-query': ['query', 'query-frontend'],
  'thanos-store': ['store-gateway', 'memcached-index', 'memcached-chunks'],
  'thanos-compact': ['compactor'],
  'thanos-rule': ['ruler'],
  'thanos-rollout': ['rollout-operator', 'receive-ingestor'],
  'thanos-volumes': ['receive-ingestor', 'store-gateway', 'compactor', 'ruler'],
};

/** A workload as kubectl names it (`statefulset/thanos-compact`), with its app and first container. */
interface Workload {
  ref: string;
  app: string;
  container: string;
  claims: boolean;
}

function workloadsOf(objects: readonly PlainObject[]): Workload[] {
  return objects
    .filter((o) => o.kind === 'Deployment' || o.kind === 'StatefulSet')
    .map((o) => ({
      ref: `${o.kind.toLowerCase()}/${o.metadata.name}`,
      app: o.metadata.labels?.['app.kubernetes.io/name'] ?? o.metadata.name,
      container: o.spec.template.spec.containers[0]?.name ?? '',
      claims: (o.spec.volumeClaimTemplates ?? []).length > 0,
    }));
}

function kindsOf(group: AlertGroup, alert: Alert): ComponentKind[] {
  if (group.name !== 'thanos-availability') return GROUP_KINDS[group.name] ?? [];
  const kinds = (Object.keys(DOWN_ALERTS) as ComponentKind[]).filter((k) => DOWN_ALERTS[k].alert === alert.alert);
  return kinds.length > 0 ? kinds : (Object.keys(COMPONENT_RECORDS) as ComponentKind[]);
}

/**
 * The applications (`app.kubernetes.io/name`) an alert is about, sorted. They depend only on the group's and the
 * alert's names, which every environment shares: found once per process.
 */
const appsByAlert = new Map<string, readonly string[]>();
function appsOf(group: AlertGroup, alert: Alert): readonly string[] {
  const key = `${group.name}\n${alert.alert}`;
  let apps = appsByAlert.get(key);
  if (apps === undefined) {
    apps = [...new Set(kindsOf(group, alert).map((k) => COMPONENT_RECORDS[k].app))].sort();
    appsByAlert.set(key, apps);
  }
  return apps;
}

/** The bucket in words, as the provider names it. */
function bucketOf(env: Environment): string {
  const o = env.objectStorage;
  if (o.provider === 'azure') return `container \`${o.container}\` of storage account \`${o.storageAccount}\``;
  return `${o.provider === 's3' ? 'S3' : 'GCS'} bucket \`${o.bucket}\``;
}

interface Context {
  env: Environment;
  workloads: Workload[];
  /**
   * One workload per application (the others of a hashring or shard answer alike): the last of its workloads, in
   * the order the applications first appear. Found once for every alert of the environment.
   */
  byApp: Map<string, Workload>;
  /** The bucket listing command, which several alerts show; none without a pod that mounts the bucket. */
  ls: string[];
  /** The workloads with volume claims. */
  claims: string[];
}

/** What the sections of one environment share, found once for all of its alerts. */
function contextOf(env: Environment, objects: readonly PlainObject[]): Context {
  const workloads = workloadsOf(objects);
  const ls = bucketCommand({ env, workloads }, 'ls -o wide');
  return {
    env,
    workloads,
    byApp: new Map(workloads.map((w) => [w.app, w])),
    ls: ls ? [ls] : [],
    claims: workloads.filter((w) => w.claims).map((w) => w.ref),
  };
}

/** Look first: the pods, the workload, its recent logs (`apps` sorted). */
function lookCommands(ctx: Context, apps: readonly string[]): string[] {
  const ns = ctx.env.namespace;
  const ours = [...ctx.byApp.values()].filter((w) => apps.includes(w.app));
  return [
    ...apps.map((app) => `kubectl -n ${ns} get pods -l app.kubernetes.io/name=${app} -o wide`),
    ...ours.flatMap((w) => [
      `kubectl -n ${ns} describe ${w.ref}`,
      `kubectl -n ${ns} logs ${w.ref} -c ${w.container} --since=1h | grep -iE 'level=(error|warn)'`,
    ]),
  ];
}

/** A command run with the thanos binary of a pod that has the bucket configuration mounted. */
function bucketCommand(ctx: Pick<Context, 'env' | 'workloads'>, tool: string): string | undefined {
  const order = ['thanos-compact', 'thanos-store', 'thanos-receive-ingestor', 'thanos-bucket-web', 'thanos-rule'];
  const pod = order.map((app) => ctx.workloads.find((w) => w.app === app && w.container === 'thanos')).find(Boolean);
  if (!pod) return undefined;
  return `kubectl -n ${ctx.env.namespace} exec ${pod.ref} -c thanos -- thanos tools bucket ${tool} --objstore.config-file=${OBJSTORE}`;
}

/** What to do beyond looking, for the alerts that have a known way out. */
function actions(ctx: Context, alert: string): { text: string[]; commands: string[] } {
  const ns = ctx.env.namespace;
  switch (alert) {
    case 'ThanosCompactHalted':
      return {
        text: [
          'Find the block the compactor halted on in its log (overlapping blocks name both ULIDs). Mark the ' +
            'broken block `no-compact` (or delete it after checking the bucket), then delete the pod: the ' +
            'StatefulSet recreates it and it starts over.',
        ],
        commands: [
          `kubectl -n ${ns} logs statefulset/thanos-compact -c thanos | grep -iE 'halt|overlap' | tail -20`,
          ...[
            bucketCommand(ctx, 'verify --issues=overlapped_blocks'),
            bucketCommand(ctx, "mark --marker=no-compact-mark.json --details='halted compaction' --id=<ULID>"),
          ].filter((c): c is string => c !== undefined),
          `kubectl -n ${ns} delete pod -l app.kubernetes.io/name=thanos-compact`,
        ],
      };
    case 'ThanosCompactBacklog':
    case 'ThanosCompactNotRunning':
      return {
        text: [
          'Compare the planned work with what finishes: a compactor short of CPU or disk falls behind. Give it ' +
            'more (`compactor.resources`, `storage.compactor`) in `environments/' +
            `${ctx.env.name}.yaml\`.`,
        ],
        commands: ctx.ls,
      };
    case 'ThanosVolumeFillingUp':
    case 'ThanosVolumeAlmostFull':
      return {
        text: [
          `Grow the volume (README, [Growing volumes](README.md#${RESIZE_ANCHOR})): raise its \`storage\` option; ` +
            'shorter retention (`receive.retention`) frees an ingestor volume only after its blocks are uploaded.',
        ],
        commands: [`kubectl -n ${ns} get pvc -o wide`, ...ctx.claims.map((c) => `kubectl -n ${ns} get ${c} -o wide`)],
      };
    case 'ThanosReceiveTenantNearSeriesLimit':
    case 'ThanosReceiveRequestsRefusedByLimits':
      return {
        text: ["Raise the tenant's limit under `receive.limits` or ask its writer to drop series it does not need."],
        commands: [`kubectl -n ${ns} get configmap thanos-receive-limits -o yaml`],
      };
    case 'ThanosReceiveIngestorNotUploading':
    case 'ThanosReceiveIngestorUploadFailing':
      return {
        text: ["Check the bucket permissions of the ingestors' role and the newest blocks."],
        commands: ctx.ls,
      };
    default:
      return { text: [], commands: [] };
  }
}

/** `{{ $labels.x }}` and `{{ $value … }}` as readers see them in the notification. */
function plain(template: string): string {
  return template.replace(/\{\{\s*\$labels\.([a-z_]+)\s*\}\}/g, '<$1>').replace(/\{\{[^}]*\}\}/g, '<value>');
}

/**
 * An alert's first line. Most environments share it (its thresholds and durations come from a few options): kept,
 * up to HEADLINES_KEPT lines (then forgotten, so that a run of many environments that differ holds no more).
 */
const headlines = new Map<string, string>();
const HEADLINES_KEPT = 2000;
function headline(alert: Alert): string {
  const key = `${alert.severity}\n${alert.for}\n${alert.summary}\n${alert.description}`;
  let line = headlines.get(key);
  if (line === undefined) {
    line = `**${alert.severity}**, after ${alert.for}: ${alert.summary} ${plain(alert.description)}`;
    if (headlines.size >= HEADLINES_KEPT) headlines.clear();
    headlines.set(key, line);
  }
  return line;
}

function alertSection(ctx: Context, group: AlertGroup, alert: Alert): string[] {
  const apps = appsOf(group, alert);
  const act = actions(ctx, alert.alert);
  const sh = (commands: string[]) => (commands.length > 0 ? ['```sh', ...commands, '```', ''] : []);
  return [
    `## ${alert.alert}`,
    '',
    headline(alert),
    '',
    'Look:',
    '',
    ...sh(lookCommands(ctx, apps)),
    ...(act.text.length + act.commands.length > 0 ? ['Act:', '', ...act.text, '', ...sh(act.commands)] : []),
  ];
}

/** The runbook of `clusters/<env>/`; `objects` are `manifests` as plain data when the caller has them already. */
export function environmentRunbook(
  env: Environment,
  environmentFile: string,
  manifests: readonly Manifest[],
  objects: readonly object[] = manifests.map((m) => toPlain(m.object)),
): string {
  const ctx = contextOf(env, objects as readonly PlainObject[]);
  const seen = new Set<string>();
  const sections = alertGroups(env).flatMap((g) =>
    g.alerts.flatMap((a) => {
      if (seen.has(a.alert)) return [];
      seen.add(a.alert);
      return alertSection(ctx, g, a);
    }),
  );
  const lines = [
    generatedMarkdownHeader(environmentFile),
    '',
    `# Runbook of \`${env.name}\``,
    '',
    `One section per alert of the PrometheusRule \`thanos-alerts\`; each alert's \`runbook_url\` points at its ` +
      `section. The commands are this environment's: cluster \`${env.cluster.name}\`, namespace \`${env.namespace}\`, ` +
      `${bucketOf(env)}. Fix causes in \`environments/${env.name}.yaml\`, never in the generated files.`,
    '',
    ...sections,
  ];
  // The trailing newlines (the sections end with blank lines) as one, without a regular expression over the text.
  const text = lines.join('\n');
  let end = text.length;
  while (end > 0 && text.charCodeAt(end - 1) === 10) end--;
  return end === text.length ? text : `${text.slice(0, end)}\n`;
}
