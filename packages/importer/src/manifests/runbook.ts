/**
 * A placeholder runbook for `import manifests`: the one call site (`index.ts`) switches to the shared migration
 * runbook when it lands.
 */
export function manifestsRunbook(name: string): string {
  return [
    `# Migration runbook: ${name}`,
    '',
    '1. Pause the old delivery (Helm, Argo CD application, or `kubectl apply` job) so it stops reconciling.',
    `2. Run \`thanos-gitops diff\` and read the adoption diff: objects recreated keep their volumes only when the claim names match.`,
    `3. Sync \`clusters/${name}/\`; check the ingestors are ready and Query sees every store.`,
    '4. Move the writers to the new remote-write URL one at a time.',
    '5. Delete what the adoption diff lists as orphaned. To roll back, resume the old delivery.',
    '',
  ].join('\n');
}
