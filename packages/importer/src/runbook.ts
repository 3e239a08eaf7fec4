/**
 * The migration runbook generated with every import (Bitnami values or rendered manifests): the order of steps
 * that moves a running Thanos under the environment without losing data, what to check after each, and how to
 * roll back. It takes plain facts, not either importer's input.
 */

/** What the runbook needs to know about the old deployment and the new environment. */
export interface RunbookFacts {
  /** The environment's name (`environments/<name>.yaml`, `clusters/<name>/`). */
  environment: string;
  namespace: string;
  /** How the old deployment is applied: a Helm release (its name), or manifests applied by a tool or by hand. */
  old: { kind: 'helm'; release: string } | { kind: 'manifests'; how: string };
  /** The environment's delivery tool; `none` when not chosen yet (both are shown). */
  delivery: 'argocd' | 'flux' | 'none';
  /** The old ingestor StatefulSets, and the volume claims the new ones bind again. */
  ingestors: { statefulSet: string; replicas: number }[];
  keptClaims: string[];
  /** The old compactor's workload (`Deployment/<name>`): stopped first, two compactors must never run. */
  compactor?: string;
  /** The remote-write URL writers push to today, when known, and the new one. */
  oldRemoteWriteUrl?: string;
  newRemoteWriteUrl: string;
  /**
   * The old remote-write Service, to keep answering on the new routers until every writer has moved (plain HTTP
   * only: with mTLS the writers need their certificates anyway): its name, the routers' pod selector, its port.
   */
  bridge?: { service: string; selector: Readonly<Record<string, string>>; port: number };
  /** Whether the new endpoint requires client certificates (`remoteWrite.mtls`). */
  mtls: boolean;
  /** The writers the environment lists (`remoteWrite.writers`); empty when none are listed yet. */
  writers: string[];
}

const code = (s: string) => ['```sh', s, '```'];

function pause(f: RunbookFacts): string[] {
  const ns = f.namespace;
  const how =
    f.old.kind === 'helm'
      ? `Stop every \`helm upgrade\` of the release \`${f.old.release}\` (CI jobs, an Argo CD Application or Flux HelmRelease: suspend it, e.g. \`flux suspend helmrelease ${f.old.release} -n ${ns}\`, or turn off the Application's auto-sync and pruning).`
      : `Stop what applies the old manifests (${f.old.how}): an Argo CD Application without auto-sync and pruning, a suspended Flux Kustomization, no CI job.`;
  return [
    '### 1. Pause the old delivery',
    '',
    how,
    '',
    '_Check_: nothing re-applies the old objects (`kubectl get events -n ' +
      ns +
      '` stays quiet after a manual change).',
    '_Roll back_: resume it.',
    '',
  ];
}

function compactor(f: RunbookFacts): string[] {
  if (!f.compactor) return [];
  return [
    '### 2. Stop the old compactor',
    '',
    'Two compactors on one bucket corrupt it; stop the old one before anything new starts.',
    '',
    ...code(`kubectl -n ${f.namespace} scale ${f.compactor.toLowerCase()} --replicas=0`),
    '',
    '_Check_: no compactor pod runs. _Roll back_: scale it back to 1.',
    '',
  ];
}

function keepVolumes(f: RunbookFacts): string[] {
  if (f.ingestors.length === 0) return [];
  const claims = f.keptClaims.length > 0 ? f.keptClaims.join(' ') : '<claims>';
  return [
    '### 3. Keep the ingestor volumes',
    '',
    `The new ingestor StatefulSets (${f.ingestors.map((i) => `\`${i.statefulSet}\``).join(', ')}) keep the old names, so their pods bind the same claims. Make sure nothing deletes the volumes with the old objects: the claims stay when their StatefulSet goes (unless a \`persistentVolumeClaimRetentionPolicy\` says \`Delete\`: set it to \`Retain\` first), and their volumes must have the reclaim policy \`Retain\` in case a claim is deleted by mistake:`,
    '',
    ...code(
      [
        `for pv in $(kubectl -n ${f.namespace} get pvc ${claims} -o jsonpath='{.items[*].spec.volumeName}'); do`,
        `  kubectl patch pv "$pv" -p '{"spec":{"persistentVolumeReclaimPolicy":"Retain"}}'`,
        'done',
      ].join('\n'),
    ),
    '',
    'Writes pause from the next step until the new ingestors are Ready: writers queue them (Prometheus keeps about two hours in its WAL) and send them afterwards.',
    '',
  ];
}

function takeOver(f: RunbookFacts): string[] {
  const remove =
    f.old.kind === 'helm'
      ? `helm -n ${f.namespace} uninstall ${f.old.release}`
      : `kubectl -n ${f.namespace} delete statefulset ${f.ingestors.map((i) => i.statefulSet).join(' ') || '<ingestors>'} # and every other old object the adoption lists as recreated or orphaned`;
  const argo = `argocd app sync thanos-${f.environment}`;
  const flux = `flux reconcile kustomization thanos-${f.environment} --with-source`;
  const sync =
    f.delivery === 'argocd' ? [argo] : f.delivery === 'flux' ? [flux] : [`${argo}   # Argo CD`, `${flux}   # Flux`];
  return [
    '### 4. Remove the old objects, then let the environment take over',
    '',
    'The old objects go first: the new Deployments and StatefulSets that share their names have other selectors, which cannot change in place. The ingestors flush their head blocks as they stop (grace period).',
    '',
    ...code(
      [
        remove,
        `git push   # the reviewed commit of environments/${f.environment}.yaml and clusters/${f.environment}/ (step 0)`,
        ...sync,
      ].join('\n'),
    ),
    '',
    ...bridge(f),
    `_Check_: \`kubectl -n ${f.namespace} get pvc\` shows the kept claims Bound to the same volumes (their age did not change); each ingestor logs the WAL replay and \`prometheus_tsdb_head_series\` of the ingestors is back above 0; Query shows series older than the switch; the store gateway has loaded the bucket's blocks (\`thanos_bucket_store_blocks_loaded\`); the new compactor runs without \`halted\`.`,
    `_Roll back_: delete the environment's delivery object (or \`kubectl delete -k clusters/${f.environment}\`), then ${f.old.kind === 'helm' ? 'reinstall the release at its last values (`helm upgrade --install`)' : 're-apply the old manifests'}: the kept claims are bound again by the old StatefulSet names.`,
    '',
  ];
}

/** A Service of the old name in front of the new routers, so writers can move one by one. */
function bridge(f: RunbookFacts): string[] {
  if (!f.bridge || f.mtls) return [];
  const b = f.bridge;
  const manifest = [
    `kubectl -n ${f.namespace} apply -f - <<'EOF'`,
    'apiVersion: v1',
    'kind: Service',
    'metadata:',
    `  name: ${b.service}`,
    'spec:',
    '  selector:',
    ...Object.entries(b.selector).map(([k, v]) => `    ${k}: ${v}`),
    '  ports:',
    `    - { name: remote-write, port: ${b.port}, targetPort: remote-write }`,
    'EOF',
  ];
  return [
    `Right after the sync, keep the old URL answering: a Service of the old name (\`${b.service}\`) in front of the new routers, so no writer is cut off while they move one by one (step 5). Delete it after the last writer.`,
    '',
    ...code(manifest.join('\n')),
    '',
  ];
}

function writers(f: RunbookFacts): string[] {
  const same = f.oldRemoteWriteUrl === f.newRemoteWriteUrl;
  const from = f.oldRemoteWriteUrl && !same ? `from \`${f.oldRemoteWriteUrl}\` ` : '';
  const each =
    f.writers.length > 0
      ? f.writers.map((w) => `- [ ] \`${w}\``)
      : ['- [ ] (list the writers in `remoteWrite.writers`)'];
  return [
    '### 5. Move the writers, one by one',
    '',
    same
      ? `The new routers' Service keeps the old name, so writers keep pushing to \`${f.newRemoteWriteUrl}\`${f.mtls ? ' (with their client certificates)' : ''}; check them one at a time:`
      : `Switch each Prometheus ${from}to \`${f.newRemoteWriteUrl}\`${f.mtls ? `, with its client certificate (\`clusters/${f.environment}/writers/<name>/\`, see docs/onboard-a-writer.md)` : ''}, one at a time:`,
    '',
    ...each,
    '',
    '_Check_ after each: its `prometheus_remote_storage_samples_failed_total` stays flat and `prometheus_remote_storage_highest_timestamp_in_seconds` minus `..._queue_highest_sent_timestamp_seconds` falls back under a minute; its series are in Query under the same external labels.',
    '_Roll back_: point that writer back (the old URL only answers while the old deployment runs).',
    '',
  ];
}

function finish(f: RunbookFacts): string[] {
  return [
    '### 6. Move the monitoring, then clean up',
    '',
    'The environment brings its own ServiceMonitors and alerts (`thanos-alerts`): remove the old ones from your Prometheus (and any dashboard that selected the old job names), and check that the new targets are up.',
    `Once the new deployment has run a day (a compaction cycle included), delete what the import report's adoption lists as orphaned (volume claims no new StatefulSet binds: \`kubectl -n ${f.namespace} delete pvc …\`), and the old delivery object.`,
    '',
  ];
}

/** The runbook, Markdown. */
export function migrationRunbook(f: RunbookFacts): string {
  return [
    `# Migration runbook: ${f.environment} (namespace ${f.namespace})`,
    '',
    'Do the steps in order; each says what to check before the next and how to undo it.',
    '',
    '### 0. Prepare',
    '',
    `Commit \`environments/${f.environment}.yaml\` with its \`clusters/${f.environment}/\` (\`pnpm generate\`) on a branch, review it (\`thanos-gitops diff\`, the report's "Needs a person"), and do not merge it yet: its objects would meet the old ones.`,
    '',
    ...pause(f),
    ...compactor(f),
    ...keepVolumes(f),
    ...takeOver(f),
    ...writers(f),
    ...finish(f),
  ].join('\n');
}
