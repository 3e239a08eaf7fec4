/**
 * The README section that grows the persistent volumes of an environment without losing data: the StatefulSets
 * whose volume claim templates Kubernetes will not change are deleted with `--cascade=orphan` (their pods and
 * volumes keep running), each PersistentVolumeClaim is grown in place, and the delivery tool creates the
 * StatefulSets again. Every command names this environment's objects, read from the rendered StatefulSets.
 */
import { names, type StorageOption, storageOptions } from '@thanos-gitops/model';
import { markdownCode, markdownFence, shellCommand, shellWord } from '@thanos-gitops/output';
import type { Environment } from '@thanos-gitops/schema';

// biome-ignore lint/suspicious/noExplicitAny: plain object data of many kinds, read field by field.
type PlainObject = Record<string, any>;

/** The heading whose GitHub anchor is model's `RESIZE_ANCHOR` (what `pnpm diff` links to). */
export const RESIZE_HEADING = '## Growing volumes';

const code = (s: string) => markdownCode(s);
/** Every name, namespace and size in a command is a shell word: a patched or odd name cannot run anything. */
const w = shellWord;
/** The merge patch that grows a claim to `size`. */
const sizePatch = (size: string) => ({ spec: { resources: { requests: { storage: size } } } });
const fieldName = (path: StorageOption['path']) =>
  path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');

/** One StatefulSet with volumes, as the procedure needs it. */
interface VolumeSet {
  name: string;
  claims: string[];
  size: string;
  storageClass?: string;
  deletesVolumes: boolean;
  rolloutGroup?: string;
}

function volumeSet(o: PlainObject): VolumeSet | undefined {
  const templates = (o.spec?.volumeClaimTemplates ?? []) as PlainObject[];
  const [first] = templates;
  if (first === undefined) return undefined;
  const replicas = Number(o.spec.replicas ?? 1);
  const claims = templates.flatMap((t) =>
    Array.from({ length: replicas }, (_, i) => `${t.metadata.name}-${o.metadata.name}-${i}`),
  );
  return {
    name: o.metadata.name,
    claims,
    size: first.spec.resources.requests.storage,
    storageClass: first.spec.storageClassName,
    deletesVolumes: o.spec.persistentVolumeClaimRetentionPolicy?.whenDeleted === 'Delete',
    rolloutGroup: o.spec.updateStrategy?.type === 'OnDelete' ? o.metadata.labels?.['rollout-group'] : undefined,
  };
}

/** The storage options of the environment with their rendered StatefulSets (only options with volumes). */
function volumeGroups(env: Environment, objects: readonly PlainObject[]) {
  const byName = new Map(objects.filter((o) => o.kind === 'StatefulSet').map((o) => [o.metadata.name, o]));
  return storageOptions(env)
    .map((option) => ({
      option,
      sets: option.statefulSets
        .map((n) => byName.get(n))
        .flatMap((o) => (o ? [volumeSet(o)] : []))
        .filter((s): s is VolumeSet => s !== undefined),
    }))
    .filter((g) => g.sets.length > 0);
}
type Group = ReturnType<typeof volumeGroups>[number];

const sh = (lines: string[]) => [markdownFence('sh', lines.join('\n')), ''];

interface DeliverySteps {
  tool: string;
  pause: string[];
  resume: string[];
}

/** Argo CD: automated sync off (in the ApplicationSet, whose controller undoes changes to its Applications). */
function argoSteps(env: Environment): DeliverySteps {
  const d = env.delivery;
  const app = names.delivery(env.name);
  const set = d.argocd.mode === 'applicationset';
  const target = set
    ? `applicationset ${w(names.applicationSet)} --type json -p '[{"op":"remove","path":"/spec/template/spec/syncPolicy/automated"}]'`
    : `application ${w(app)} --type json -p '[{"op":"remove","path":"/spec/syncPolicy/automated"}]'`;
  const ns = `--app-namespace ${w(d.argocd.namespace)}`;
  return {
    tool: 'Argo CD',
    pause: [
      ...(set
        ? [
            `The Application ${code(app)} comes from the ApplicationSet ${code(names.applicationSet)}, whose ` +
              'controller undoes any change to it: turn automated sync off in the ApplicationSet, which pauses every ' +
              'environment it holds for the time being.',
          ]
        : []),
      `If an app-of-apps syncs ${markdownCode(`${d.path}/argocd/`)} with self-heal, pause it first: it would turn automated sync ` +
        'back on.',
      '',
      ...sh([
        `kubectl -n ${w(d.argocd.namespace)} patch ${target}`,
        '# prints nothing once automated sync is off',
        `kubectl -n ${w(d.argocd.namespace)} get application ${w(app)} -o jsonpath='{.spec.syncPolicy.automated}'`,
      ]),
    ],
    resume: [
      'Sync the Application once (it creates the StatefulSets from the merged revision), then put automated sync ' +
        `back by applying the generated ${set ? 'ApplicationSet' : 'Application'} again (or resume the app-of-apps). ` +
        'Never sync with `Replace` or `Force`: Argo CD would delete the StatefulSets with their pods.',
      '',
      ...sh([
        `argocd app sync ${w(app)} ${ns}   # or Sync in the Argo CD UI`,
        `argocd app wait ${w(app)} ${ns} --health`,
        `kubectl apply -k ${shellWord(`${d.path}/argocd`)}`,
      ]),
    ],
  };
}

/** Flux: the Kustomization suspended, then resumed on the merged revision. */
function fluxSteps(env: Environment): DeliverySteps {
  const app = w(names.delivery(env.name));
  const ns = w(env.delivery.flux.namespace);
  return {
    tool: 'Flux',
    pause: sh([`flux suspend kustomization ${app} -n ${ns}`]),
    resume: [
      'Resume the Kustomization and have it fetch the merged revision; it creates the StatefulSets and waits ' +
        'until they are ready. Never reconcile with `force`: Flux would delete the StatefulSets with their pods.',
      '',
      ...sh([
        `flux resume kustomization ${app} -n ${ns}`,
        `flux reconcile kustomization ${app} -n ${ns} --with-source`,
      ]),
    ],
  };
}

/** How the environment's delivery tool is paused before, and made to recreate the StatefulSets after. */
function deliverySteps(env: Environment): DeliverySteps {
  if (env.delivery.tool === 'argocd') return argoSteps(env);
  if (env.delivery.tool === 'flux') return fluxSteps(env);
  return {
    tool: 'kubectl',
    pause: [],
    resume: [
      'Apply the folder as usual; it creates the StatefulSets.',
      '',
      ...sh([`kubectl apply --server-side -k ${shellWord(`${env.delivery.path}/${env.name}`)}`]),
    ],
  };
}

/** Step 1's table: each option, what it sizes and how. */
function optionsTable(groups: readonly Group[]): string[] {
  const rows = groups.map(({ option, sets }) => {
    const classes = [...new Set(sets.map((s) => s.storageClass ?? '(cluster default)'))];
    const claims = sets.reduce((n, s) => n + s.claims.length, 0);
    const sizes = [...new Set(sets.map((s) => s.size))];
    return `| ${code(fieldName(option.path))} | ${option.what} | ${claims} | ${sizes.join(', ')} | ${classes.join(', ')} |`;
  });
  return ['| option | volumes of | volumes | size | StorageClass |', '| --- | --- | --: | --- | --- |', ...rows, ''];
}

/** Step 2: the StorageClass of each group must allow expansion. */
function storageClassCheck(env: Environment, groups: readonly Group[]): string[] {
  // One check per StorageClass; the cluster default's name is read from a volume that uses it.
  const first = new Map<string, VolumeSet>();
  for (const s of groups.flatMap((g) => g.sets))
    if (!first.has(s.storageClass ?? '')) first.set(s.storageClass ?? '', s);
  const print = `-o jsonpath='{.allowVolumeExpansion}{"\\n"}'`;
  return [...first.values()].map((s) =>
    s.storageClass
      ? `kubectl get storageclass ${shellWord(s.storageClass)} ${print}`
      : `kubectl get storageclass "$(kubectl -n ${w(env.namespace)} get pvc ${w(s.claims[0] ?? '')} ` +
        `-o jsonpath='{.spec.storageClassName}')" ${print}`,
  );
}

/** Step 4 for one option: grow each claim, wait for it, delete the StatefulSets but not their pods. */
function growCommands(env: Environment, { option, sets }: Group): string[] {
  const ns = w(env.namespace);
  const claims = sets.flatMap((s) => s.claims.map((c) => ({ claim: c, size: s.size })));
  const deletes = sets.some((s) => s.deletesVolumes);
  return [
    `#### ${code(fieldName(option.path))}: ${option.what}`,
    '',
    ...sh([
      '# grow each volume to the size of this render',
      ...claims.map(
        ({ claim, size }) =>
          `kubectl -n ${ns} patch pvc ${w(claim)} --type merge -p ${w(JSON.stringify(sizePatch(size)))}`,
      ),
      '# wait until the provisioner has grown each of them',
      ...claims.map(
        ({ claim, size }) =>
          `kubectl -n ${ns} wait ${w(`pvc/${claim}`)} --for=jsonpath='{.status.capacity.storage}'=${w(size)} --timeout=1h`,
      ),
      `# delete the ${sets.length === 1 ? 'StatefulSet' : 'StatefulSets'} only: the pods keep running, the volumes stay`,
      ...sets.map((s) => `kubectl -n ${ns} delete statefulset ${w(s.name)} --cascade=orphan`),
    ]),
    ...(deletes
      ? [
          `${sets.length === 1 ? 'Deleting this StatefulSet deletes its' : 'Deleting these StatefulSets deletes their'} ` +
            'volumes too (`persistentVolumeClaimRetentionPolicy.whenDeleted: Delete`): only `--cascade=orphan` keeps ' +
            'them, and the pods. Never leave it out.',
          '',
        ]
      : []),
  ];
}

/** What recreating the StatefulSets does to their pods, and the file-system resize some drivers leave pending. */
function afterwards(env: Environment, groups: readonly Group[]): string[] {
  const ns = w(env.namespace);
  const sets = groups.flatMap((g) => g.sets);
  const groupsOf = [...new Set(sets.flatMap((s) => (s.rolloutGroup ? [s.rolloutGroup] : [])))];
  return [
    'A StatefulSet created again adopts the running pods and their volumes. Volume claim templates are not part of ' +
      'the pod template, so pods whose template did not change are not restarted; if the same change also altered ' +
      'the pod template, they roll as for any such change' +
      (groupsOf.length > 0
        ? ` (the rollout-operator restarts ${groupsOf.map(code).join(', ')} one StatefulSet, one zone, at a time).`
        : '.'),
    '',
    ...sh([
      shellCommand('kubectl', '-n', env.namespace, 'get', 'statefulset', ...sets.map((s) => s.name)),
      shellCommand('kubectl', '-n', env.namespace, 'get', 'pvc', ...sets.flatMap((s) => s.claims)),
    ]),
    'Every volume shows its new CAPACITY. Most CSI drivers (the AWS EBS, GCE PD and Azure Disk ones among them) ' +
      'grow the file system while it is mounted. Others grow it only when the volume is mounted again: the claim ' +
      'then has the condition `FileSystemResizePending` ' +
      `(${code(`kubectl -n ${ns} get pvc <claim> -o jsonpath='{.status.conditions[*].type}'`)}). Restart those ` +
      `pods one at a time, each once the previous one is Ready again (${code(`kubectl -n ${ns} delete pod <pod>`)}, ` +
      `then ${code(`kubectl -n ${ns} wait pod/<pod> --for=condition=Ready --timeout=30m`)}); one ingestor at a time keeps ` +
      'every hashring above its write quorum when the replication factor is 3 or more.',
    '',
  ];
}

/** The section: what Kubernetes allows, the options and their volumes, then the steps with this environment's names. */
export function volumesSection(env: Environment, file: string, objects: readonly PlainObject[]): string[] {
  const groups = volumeGroups(env, objects);
  const head = [RESIZE_HEADING, ''];
  if (groups.length === 0) return [...head, 'No workload of this environment has a persistent volume.', ''];
  const tool = deliverySteps(env);
  const ingestors = groups.some((g) => g.option.path[0] === 'receive');
  return [
    ...head,
    'Kubernetes never changes the volume claim templates of a StatefulSet, and never shrinks a volume ' +
      '(`generate` refuses a smaller `storage`). A larger `storage` grows the existing volumes in place, data ' +
      'kept, where the StorageClass allows expansion: `pnpm diff` says "volume grows" and points here. The ' +
      'commands below name this environment’s objects at the sizes of this render: take them from this file as ' +
      'the change that raises the size generates it.',
    '',
    ...optionsTable(groups),
    `1. **Raise the size** in \`${file}\`, run \`pnpm generate\` and open the pull request. ${tool.tool} cannot ` +
      'apply it as it is: Kubernetes refuses the change of each StatefulSet whose volumes grow.',
    '2. **Check that each StorageClass can grow volumes**: each command prints `true`. Otherwise stop: the data ' +
      'would have to be moved to new volumes (an administrator may set `allowVolumeExpansion: true` if the ' +
      'provisioner supports it).',
    '',
    ...sh(storageClassCheck(env, groups)),
    ...(tool.pause.length === 0
      ? [
          '3. **Merge the pull request, but do not apply it yet**: `delivery.tool` is `none`, nothing applies the ' +
            'folder but you; apply it in step 5.',
          '',
        ]
      : [
          `3. **Pause ${tool.tool}** for this environment. Otherwise it may create a StatefulSet again the moment ` +
            'it is deleted, from a revision that still holds the old size; paused, it creates them once, in step ' +
            '5, from the merged change.',
          '',
          ...tool.pause,
          'Then merge the pull request.',
          '',
        ]),
    '4. **Grow the volumes, then delete the StatefulSets but not their pods**, for each option that grows. Growing ' +
      'first keeps the time without a StatefulSet short; some providers allow one change of a disk every few hours ' +
      '(AWS EBS: 6).' +
      (ingestors
        ? ' The ingestors keep running and receiving throughout: their write-ahead log and head block, not yet ' +
          'uploaded to the bucket, stay in place, so nothing is lost.'
        : ''),
    '',
    ...groups.flatMap((g) => growCommands(env, g)),
    `5. **Let ${tool.tool} create the StatefulSets again**, with the new volume claim templates.`,
    '',
    ...tool.resume,
    '6. **Check**.',
    '',
    ...afterwards(env, groups),
  ];
}
