/**
 * `clusters/<env>/README.md`: a picture of the environment for people. Kustomize never reads it (it is not in
 * `kustomization.yaml`); GitHub renders its Mermaid diagrams. Endpoints, cloud roles and versions are read from
 * the rendered objects, so they say what is deployed.
 */
import {
  type Environment,
  generatedMarkdownHeader,
  type Manifest,
  names,
  PORTS,
  serviceHost,
  toPlain,
} from '@thanos-gitops/core-model';
import { queryUrl } from '../dashboards/manifests.js';
import { timelineMermaid, topologyMermaid } from './mermaid.js';
import { ageText, timeline } from './timeline.js';

export const README = 'README.md';

/** The fenced Mermaid blocks of a README (topology first, then timeline). */
export function mermaidBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/```mermaid\n([\s\S]*?)```/g)].map((m) => m[1] ?? '');
}

function table(head: string[], rows: string[][]): string[] {
  return [
    `| ${head.join(' | ')} |`,
    `| ${head.map(() => '---').join(' | ')} |`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ];
}

const code = (s: string) => `\`${s}\``;

export function environmentReadme(env: Environment, environmentFile: string, manifests: readonly Manifest[]): string {
  const t = timeline(env);
  // biome-ignore lint/suspicious/noExplicitAny: plain object data of many kinds, read field by field.
  const objects = manifests.map((m) => toPlain(m.object) as Record<string, any>);
  const lines: string[] = [
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
    '## Endpoints',
    '',
  ];
  const endpoints: string[][] = [];
  if (env.receive.enabled) {
    endpoints.push([
      'remote-write URL',
      code(`http://${serviceHost(env, names.router)}:${PORTS.remoteWrite}/api/v1/receive`),
    ]);
    endpoints.push([
      'tenant header',
      `${code(env.receive.tenantHeader)} (without it: tenant ${code(env.receive.defaultTenant)})`,
    ]);
  }
  endpoints.push(['query URL (Grafana datasource)', code(queryUrl(env))]);
  if (env.bucketWeb.enabled)
    endpoints.push(['bucket web UI', code(`http://${serviceHost(env, names.bucketWeb)}:${PORTS.http}`)]);
  lines.push(...table(['what', 'where'], endpoints), '');

  const roles = objects
    .filter((o) => o.kind === 'ServiceAccount')
    .flatMap((o) =>
      Object.entries((o.metadata.annotations ?? {}) as Record<string, string>)
        .filter(([k]) => /role-arn$|iam\.gke\.io\/gcp-service-account$|azure\.workload\.identity\/client-id$/.test(k))
        .map(([, v]) => [code(o.metadata.name), code(v)]),
    );
  lines.push('## Cloud roles', '');
  if (roles.length > 0) lines.push(...table(['ServiceAccount', 'role'], roles));
  else lines.push('No pod assumes a cloud role.');
  lines.push('');

  const images = new Map<string, Set<string>>();
  for (const o of objects) {
    if (o.kind !== 'Deployment' && o.kind !== 'StatefulSet') continue;
    for (const c of o.spec.template.spec.containers as { name: string; image: string }[]) {
      const set = images.get(c.image) ?? new Set<string>();
      set.add(o.metadata.labels?.['app.kubernetes.io/name'] ?? o.metadata.name);
      images.set(c.image, set);
    }
  }
  lines.push(
    '## Versions',
    '',
    ...table(
      ['image', 'used by'],
      [...images]
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([image, users]) => [code(image), [...users].sort().join(', ')]),
    ),
    '',
  );
  return lines.join('\n');
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
