/**
 * `clusters/<env>/README.md`: a picture of the environment for people. Kustomize never reads it (it is not in
 * `kustomization.yaml`); GitHub renders its Mermaid diagrams. Endpoints, cloud roles and versions are read from
 * the rendered objects, so they say what is deployed.
 */
import { type Manifest, toPlain } from '@thanos-gitops/manifests';
import {
  names,
  PORTS,
  readersOn,
  readersUrl,
  readUrl,
  remoteWriteMtls,
  remoteWriteUrl,
  serviceHost,
} from '@thanos-gitops/model';
import { generatedMarkdownHeader } from '@thanos-gitops/output';
import type { Environment } from '@thanos-gitops/schema';
import { type PlainObject, type RolloutGroup, rolloutPlan } from '../rollout/plan.js';
import { capacitySection } from './capacity.js';
import { timelineMermaid, topologyMermaid } from './mermaid.js';
import { ageText, timeline } from './timeline.js';
import { trustRows } from './trust.js';
import { volumesSection } from './volumes.js';

export const README = 'README.md';

/** A cloud role of the environment, as the identity package describes it. */
export interface ReadmeRole {
  role: string;
  /** The role's identifier (ARN, service-account e-mail, client id); else read from the ServiceAccounts. */
  identity?: string;
  serviceAccounts: string[];
  /** What it may do with the bucket (`read, write, delete`). */
  access: string;
}

export interface ReadmeExtras {
  roles?: readonly ReadmeRole[];
  /** Files beside the objects for other tools (IAM policies, Terraform), relative to `clusters/<env>/`. */
  documents?: readonly string[];
  /** `manifests` as plain data (`toPlain`), when the caller has them already: each object is converted once. */
  objects?: readonly object[];
}

/** Annotations that name a pod's cloud identity on its ServiceAccount (IRSA, GKE, Azure). */
const IDENTITY_ANNOTATION = /role-arn$|iam\.gke\.io\/gcp-service-account$|azure\.workload\.identity\/client-id$/;

/** The fenced Mermaid blocks of a README (topology first, then timeline). */
export function mermaidBlocks(markdown: string): string[] {
  // Found with indexOf, not a lazy regular expression: with many unclosed fences that one takes quadratic time.
  const open = '```mermaid\n';
  const blocks: string[] = [];
  for (let at = markdown.indexOf(open); at >= 0; ) {
    const start = at + open.length;
    const end = markdown.indexOf('```', start);
    if (end < 0) break;
    blocks.push(markdown.slice(start, end));
    at = markdown.indexOf(open, end + 3);
  }
  return blocks;
}

function table(head: string[], rows: string[][]): string[] {
  return [
    `| ${head.join(' | ')} |`,
    `| ${head.map(() => '---').join(' | ')} |`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ];
}

const code = (s: string) => `\`${s}\``;

/** Where data of each age comes from: the timeline diagram, its table and whether any age has a gap. */
function timelineSection(t: ReturnType<typeof timeline>): string[] {
  return [
    '## Which component answers which age of data',
    '',
    '```mermaid',
    timelineMermaid(t).trimEnd(),
    '```',
    '',
    ...table(
      ['answers', 'from', 'to'],
      t.lanes.map((l) => [l.who, ageText(l.newest), ageText(l.oldest)]),
    ),
    '',
    t.gaps.length > 0
      ? `**${t.gaps.length} gap(s)**: queries over those ages return nothing.`
      : t.lanes.length === 0
        ? 'No gap, but this deployment serves no stored data itself (receive and the store gateway are disabled).'
        : 'No gap: every age from the newest to the oldest data served has a component answering for it.',
    '',
  ];
}

/** The URLs writers, Grafana and people use, with how writers authenticate and name their tenant. */
function endpointsSection(env: Environment): string[] {
  const endpoints: string[][] = [];
  if (env.receive.enabled) {
    const mtls = remoteWriteMtls(env);
    endpoints.push([
      'remote-write URL',
      `${code(remoteWriteUrl(env))}${mtls ? ' (mTLS: a client certificate from this environment’s CA is required)' : ''}`,
    ]);
    endpoints.push(
      mtls && env.remoteWrite.mtls.tenancy === 'certificate'
        ? ['tenant', 'the Organization of the writer’s client certificate (see `writers/`)']
        : [
            'tenant header',
            `${code(env.receive.tenantHeader)} (without it: tenant ${code(env.receive.defaultTenant)})`,
          ],
    );
  }
  endpoints.push(['query URL (Grafana datasource)', code(readUrl(env))]);
  if (readersOn(env)) {
    endpoints.push([
      'read entry point (readers, one tenant each)',
      `${code(readersUrl(env))}, a client certificate of the readers' CA (see \`readers/\`)`,
    ]);
  }
  if (env.bucketWeb.enabled)
    endpoints.push(['bucket web UI', code(`http://${serviceHost(env, names.bucketWeb)}:${PORTS.http}`)]);
  return ['## Endpoints', '', ...table(['what', 'where'], endpoints), ''];
}

/** The cloud roles pods assume: the identity package's table, else the identities annotated on ServiceAccounts. */
function cloudRolesSection(objects: readonly PlainObject[], extras: ReadmeExtras): string[] {
  const annotated = new Map(
    objects
      .filter((o) => o.kind === 'ServiceAccount')
      .flatMap((o) =>
        Object.entries((o.metadata.annotations ?? {}) as Record<string, string>)
          .filter(([k]) => IDENTITY_ANNOTATION.test(k))
          .map(([, v]) => [o.metadata.name as string, v] as const),
      ),
  );
  const lines = ['## Cloud roles', ''];
  if (extras.roles && extras.roles.length > 0) {
    lines.push(
      ...table(
        ['role', 'identity', 'ServiceAccounts', 'bucket access'],
        extras.roles.map((r) => [
          r.role,
          code(r.identity ?? r.serviceAccounts.map((sa) => annotated.get(sa)).find(Boolean) ?? '(none)'),
          r.serviceAccounts.map(code).join(', '),
          r.access,
        ]),
      ),
    );
  } else if (annotated.size > 0) {
    lines.push(
      ...table(
        ['ServiceAccount', 'identity'],
        [...annotated].map(([sa, id]) => [code(sa), code(id)]),
      ),
    );
  } else {
    lines.push('No pod assumes a cloud role.');
  }
  const docs = [...(extras.documents ?? [])].sort();
  if (docs.length > 0) {
    const index = docs.find((d) => /(^|\/)README\.md$/.test(d));
    lines.push(
      '',
      index
        ? `The policies and bindings that create them are beside this file: see [\`${index}\`](${index}) (${docs.length} files).`
        : `The policies and bindings that create them are beside this file: ${docs.map((d) => `[\`${d}\`](${d})`).join(', ')}.`,
    );
  }
  lines.push('');
  return lines;
}

/** How one group rolls, in words: its mechanism and pace. */
function rolloutHow(g: RolloutGroup): string {
  const hold = g.minReadySeconds > 0 ? `, each held ${g.minReadySeconds} s after Ready` : '';
  if (g.mechanisms.includes('rollout-operator')) return `rollout-operator, one zone at a time${hold}`;
  if (g.mechanisms.includes('recreate')) return 'replaced (Recreate)';
  if (g.kind === 'Deployment') {
    return g.maxPodsDown === 0 ? `new pods first, none down${hold}` : `at most ${g.maxPodsDown} down${hold}`;
  }
  if (g.stuck.length > 0) return 'OnDelete: only when its pods are deleted';
  return `one pod at a time${hold}`;
}

/**
 * How a pod-template change rolls, read from the rendered objects by the same model the diff and the tests use,
 * with what happens when a zone's new pods never become Ready.
 */
function rolloutSection(objects: readonly PlainObject[]): string[] {
  const plan = rolloutPlan(objects);
  const groups = [...plan.groups].sort((a, b) => Number(b.kind === 'hashring') - Number(a.kind === 'hashring'));
  const rows = groups.map((g) => [
    g.kind === 'hashring' ? `hashring ${code(g.name)}` : code(g.name),
    rolloutHow(g),
    String(g.steps.length),
    `${g.maxPodsDown} of ${g.replicas}`,
    g.hashring
      ? `${g.maxSeriesCopiesDown} of ${g.hashring.replicationFactor} (quorum ${g.hashring.quorum})${g.safe ? '' : ' **below quorum**'}`
      : '–',
  ]);
  const zoned = plan.groups.some((g) => g.mechanisms.includes('rollout-operator'));
  return [
    '## Rollouts',
    '',
    'How a change of pod template (a Thanos upgrade, a flag, a resource) rolls out, read from these objects:',
    '',
    ...table(['workload', 'how', 'steps', 'pods down at once', 'copies of a series down'], rows),
    '',
    ...(zoned
      ? [
          "When a zone's new pods never become Ready, the rollout-operator takes no other zone down: writes keep " +
            'their quorum on the other zones, the ingestor alerts fire, and reverting the change in Git lets the ' +
            'operator replace the failing pods with the previous template.',
          '',
        ]
      : []),
  ];
}

/** Every container image deployed, with the components that run it, and the pull secrets of their pods. */
function versionsSection(objects: readonly PlainObject[]): string[] {
  const images = new Map<string, Set<string>>();
  const secrets = new Set<string>();
  for (const o of objects) {
    if (o.kind !== 'Deployment' && o.kind !== 'StatefulSet') continue;
    const pod = o.spec.template.spec;
    for (const s of (pod.imagePullSecrets ?? []) as { name: string }[]) secrets.add(s.name);
    for (const c of pod.containers as { name: string; image: string }[]) {
      const set = images.get(c.image) ?? new Set<string>();
      set.add(o.metadata.labels?.['app.kubernetes.io/name'] ?? o.metadata.name);
      images.set(c.image, set);
    }
  }
  return [
    '## Versions',
    '',
    'Every image the pods run (set by `thanos`, `rolloutOperator.image` and `images`; `images.registry` is the ' +
      'mirror). An image pinned by tag only can change under the same tag; add its digest to pin it.',
    '',
    ...table(
      ['image', 'pinned by', 'used by'],
      [...images]
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([image, users]) => [
          code(image),
          image.includes('@sha256:') ? 'digest' : 'tag',
          [...users].sort().join(', '),
        ]),
    ),
    '',
    secrets.size > 0
      ? `Pulled with the image pull secrets ${[...secrets].sort().map(code).join(', ')} (create them in the namespace).`
      : 'No image pull secrets (`images.pullSecrets`).',
    '',
  ];
}

/**
 * Who can reach what, with which credential: every ingress rule of the NetworkPolicies, with what the destination
 * demands on that port. Without NetworkPolicies, every pod of the cluster reaches every listener.
 */
function trustSection(objects: readonly PlainObject[]): string[] {
  const rows = trustRows(objects).map((r) => [r.from, `${r.to}:${r.port}`, r.credential]);
  const intro =
    rows.length === 0
      ? 'No NetworkPolicies are generated (`networkPolicies.enabled: false`): every pod of the cluster reaches ' +
        'every listener; only the servers given a client CA demand a certificate.'
      : 'Every ingress rule of the generated NetworkPolicies (default deny otherwise), with the credential the ' +
        'destination demands on that port; "none" means the NetworkPolicy is the only guard.';
  return [
    '## Who can reach what',
    '',
    intro,
    '',
    ...(rows.length > 0 ? table(['from', 'to', 'credential'], rows) : []),
    '',
  ];
}

/**
 * The README of `clusters/<env>/`: title, topology, data ages, endpoints, cloud roles, image versions and how to
 * grow the volumes.
 */
export function environmentReadme(
  env: Environment,
  environmentFile: string,
  manifests: readonly Manifest[],
  extras: ReadmeExtras = {},
): string {
  const t = timeline(env);
  const objects = (extras.objects ?? manifests.map((m) => toPlain(m.object))) as readonly PlainObject[];
  return [
    generatedMarkdownHeader(environmentFile),
    '',
    `# Thanos environment \`${env.name}\``,
    '',
    `Cluster ${code(env.cluster.name)}, namespace ${code(env.namespace)}, Thanos ${code(env.thanos.version)}. ` +
      `Generated from \`${environmentFile}\`; Kustomize does not read this file.`,
    '',
    '## Topology',
    '',
    '```mermaid',
    topologyMermaid(env, t).trimEnd(),
    '```',
    '',
    ...timelineSection(t),
    ...endpointsSection(env),
    ...capacitySection(env),
    ...trustSection(objects),
    ...cloudRolesSection(objects, extras),
    ...rolloutSection(objects),
    ...versionsSection(objects),
    ...volumesSection(env, environmentFile, objects),
  ].join('\n');
}

/**
 * For a diff: when the topology diagram differs between two versions of a README, a Markdown section showing the
 * new diagram (GitHub renders it in a pull-request comment); undefined when the topology is unchanged.
 */
export function topologyChange(before: string | undefined, after: string | undefined): string | undefined {
  const [a] = mermaidBlocks(before ?? '');
  const [b] = mermaidBlocks(after ?? '');
  if (b === undefined || a === b) return undefined;
  return [
    a === undefined ? 'Topology (new environment):' : 'Topology changed; the new diagram:',
    '',
    '```mermaid',
    b.trimEnd(),
    '```',
    '',
  ].join('\n');
}
