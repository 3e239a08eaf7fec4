/**
 * The pipeline, in memory and free of side effects but one (V8's tiering, `tier-up.ts`): environment files in,
 * one file tree per environment out. Identity and TLS are computed first and handed to the components; delivery
 * annotates the objects for Argo CD or Flux; overlays assemble the tree. The Argo CD and Flux objects themselves
 * come from every environment at once (`renderDelivery`).
 */

import { annotateForDelivery, checkDelivery, type DeliveryEnvironment, deliveryTrees } from '@thanos-gitops/delivery';
import type { LoadedEnvironment } from '@thanos-gitops/input';
import { findCredentials, loadEach, pathOfString, redact, type SourceFile, sortProblems } from '@thanos-gitops/input';
import { awsIdentity, cloudRoles, documents, gcpIdentity, gsaEmail, identity, roleArnOf } from '@thanos-gitops/irsa';
import { type Manifest, manifestBody, manifestFile, objectProblems, toPlain, yamlText } from '@thanos-gitops/manifests';
import { claimSizes, type PreviousVolumes, volumeShrinks } from '@thanos-gitops/model';
import { outsideFiles, remoteWriteManifests, tls } from '@thanos-gitops/mtls';
import { dashboards, environmentReadme, environmentRunbook, README, RUNBOOK } from '@thanos-gitops/operability';
import type { EnvironmentTree } from '@thanos-gitops/output';
import { assembleTree } from '@thanos-gitops/overlays';
import type { ProblemSink } from '@thanos-gitops/problems';
import { InvalidEnvironmentError, type Problem } from '@thanos-gitops/problems';
import type { Environment } from '@thanos-gitops/schema';
import { renderComponents } from '@thanos-gitops/thanos-components';
import { kustomizeNameMatcher } from './kustomize-name.js';
import { patchChecks } from './patch-checks.js';
import { optimizeHotCodeOnly } from './tier-up.js';

export interface RenderedEnvironment {
  env: string;
  file: string;
  /** The validated, defaulted environment. */
  environment: Environment;
  manifests: Manifest[];
  tree: EnvironmentTree;
  /** Located warnings: printed, never fatal. */
  warnings: readonly Problem[];
}

/**
 * The files a run is about (`--env`): every file is loaded, for the checks that span environments, but only
 * these are rendered and only their problems reported, a conflict with another file included (at this file's
 * field: the selected file is the one that introduces it).
 */
export type Scope = (file: SourceFile) => boolean;
const everyFile: Scope = () => true;

/** The scope of the files `selected` among every file of the folder. */
export function scopeOf(selected: readonly SourceFile[]): Scope {
  const paths = new Set(selected.map((f) => f.path));
  return (file) => paths.has(file.path);
}

/**
 * Renders every environment, or throws InvalidEnvironmentError with every problem of every file. With `previous`
 * (the volumes committed in clusters/), a volume that would shrink is one of them.
 */
export function renderEnvironments(
  files: readonly SourceFile[],
  previous?: PreviousVolumes,
  scope: Scope = everyFile,
): RenderedEnvironment[] {
  const rendered: RenderedEnvironment[] = [];
  const steps = renderEach(files, scope, previous, scope);
  for (let r = steps.next(); !r.done; r = steps.next()) rendered.push(r.value.rendered);
  return rendered;
}

/** An environment rendered by renderSelected: its objects are dropped once written as text. */
export interface RenderedTree {
  env: string;
  file: string;
  environment: Environment;
  objects: number;
  tree: EnvironmentTree;
  warnings: readonly Problem[];
  /**
   * Whether no file had a problem so far. When false the run fails at the end (with every problem of every file),
   * so the tree need not be written or compared.
   */
  clean: boolean;
  /**
   * The object of each resource file of the tree (one object a file), as plain data: what parsing that file's
   * text gives (`diff` reads them instead of parsing its own render; test/built-tree.test.ts holds them equal).
   */
  resources: ReadonlyMap<string, object>;
}

/**
 * Loads and validates every file, then renders those `render` selects (the others' output is known to be up to
 * date) one at a time: a generator that yields each rendered tree as soon as it is made, so the caller compares or
 * stages it and lets it go before the next one (memory holds one environment's objects and text). When done, it
 * returns, with `delivery`, the Argo CD and Flux trees of all of them; it throws InvalidEnvironmentError with every
 * problem of every file, after all of them were tried.
 */
export function* renderSelected(
  files: readonly SourceFile[],
  render: (file: SourceFile) => boolean,
  delivery: boolean,
  previous?: PreviousVolumes,
  scope: Scope = everyFile,
): Generator<RenderedTree, EnvironmentTree[]> {
  const steps = renderEach(files, (f) => scope(f) && render(f), previous, scope);
  for (let r = steps.next(); ; r = steps.next()) {
    // With `--env`, another file that does not load leaves the shared folders alone (they would lose it).
    if (r.done) return delivery && r.value.length === files.length ? renderDelivery(r.value) : [];
    const { rendered: e, clean, plain } = r.value;
    yield {
      env: e.env,
      file: e.file,
      environment: e.environment,
      objects: e.manifests.length,
      tree: e.tree,
      warnings: e.warnings,
      clean,
      resources: new Map(e.manifests.map((m, i) => [manifestFile(m), plain[i] as object])),
    };
  }
}

/** The environment's documents for people: its README and its runbook (not in kustomization.yaml). */
function pictures(
  l: LoadedEnvironment,
  manifests: Manifest[],
  plain: readonly object[],
  documents: string[],
): [string, string][] {
  const readme = environmentReadme(l.env, l.file, manifests, {
    roles: cloudRoles(l.env).map((r) => ({
      role: r.key,
      identity: awsIdentity(l.env) ? roleArnOf(l.env, r) : gcpIdentity(l.env) ? gsaEmail(l.env, r) : undefined,
      serviceAccounts: r.serviceAccounts,
      access: (['read', 'write', 'delete'] as const).filter((a) => r.access[a]).join(', '),
    })),
    documents,
    objects: plain,
  });
  return [
    [README, readme],
    [RUNBOOK, environmentRunbook(l.env, l.file, manifests, plain)],
  ];
}

/**
 * The pipeline: load and check every file, render the selected ones one at a time (yielding each, and whether no
 * problem was found so far), check what spans them; returns every loaded environment.
 */
function* renderEach(
  files: readonly SourceFile[],
  select: (file: SourceFile) => boolean,
  previous: PreviousVolumes | undefined,
  scope: Scope = everyFile,
): Generator<
  { rendered: RenderedEnvironment; clean: boolean; plain: readonly object[] },
  { environment: Environment; file: string }[]
> {
  const { loaded, problems } = loadEach(files);
  // The one side effect: V8 optimizes only the render's hot code from here on (tier-up.ts).
  optimizeHotCodeOnly();
  const delivery: DeliveryEnvironment[] = [];
  const byPath = new Map(files.map((f) => [f.path, f]));
  const inScope = (path: string) => {
    const source = byPath.get(path);
    return source === undefined || scope(source);
  };
  for (const l of loaded) {
    const sink = l.sink(problems);
    // Built outside this loop body: a closure made here would share the body's context, and so keep every
    // environment's objects (`plain`, captured by the checks below) alive until the run ends.
    delivery.push({ env: l.env, file: l.file, report: reporter(sink) });
    deliveryCredentials(l.env, sink);
    const source = byPath.get(l.file);
    if (source && !select(source)) continue;
    const manifests = [
      ...renderComponents({
        env: l.env,
        file: l.file,
        identity: identity(l.env),
        tls: tls(l.env),
        report: (path, message) => sink.report(path, message),
      }),
      ...dashboards(l.env),
      ...remoteWriteManifests(l.env),
    ];
    annotateForDelivery(l.env, manifests);
    // Each object is converted to plain data once, for its checks and for its YAML.
    const plain = manifests.map((m) => toPlain(m.object));
    // Each object's YAML, written once: for its file, and for the checks to know an object already found valid.
    const bodies = plain.map((p) => manifestBody(p));
    // Files for the writers' and readers' clusters: in the tree, but not in kustomization.yaml.
    const writers = outsideFiles(l.env, l.file);
    const invalid = [
      ...manifests.flatMap((m, i) => objectProblems(m.object, plain[i], bodies[i])),
      ...writers.objects.flatMap((o) => objectProblems(o)),
    ];
    if (invalid.length > 0) {
      throw new Error(`generated objects failed validation (a bug in thanos-gitops):\n  ${invalid.join('\n  ')}`);
    }
    const docs = documents(l.env, l.file);
    const files = [...docs, ...writers.files, ...pictures(l, manifests, plain, [...docs.keys()])];
    const tree = assembleTree(l.env, l.file, manifests, new Map(files), plain, bodies);
    patchTargetRules(l.env, manifests, sink);
    const reported = credentialScan(l.env, tree, sink);
    patchChecks(l.env, plain, sink, (i) => reported.has(JSON.stringify(['patches', i, 'patch'])));
    if (previous) volumeShrinks(l.env, claimSizesOf(plain), previous(l.env.name, tree.files), sink);
    yield {
      rendered: { env: l.env.name, file: l.file, environment: l.env, manifests, tree, warnings: l.warnings },
      clean: !problems.some((p) => inScope(p.file)),
      plain,
    };
  }
  // The files out of scope first: a setting that must agree is reported at the later file, the one in scope.
  checkDelivery([...delivery.filter((d) => !inScope(d.file)), ...delivery.filter((d) => inScope(d.file))]);
  const reported = problems.filter((p) => inScope(p.file));
  if (reported.length > 0) throw new InvalidEnvironmentError(sortProblems(reported));
  return loaded.map((l) => ({ environment: l.env, file: l.file }));
}

/** The StatefulSets among rendered objects, with the sizes of their volume claim templates. */
function claimSizesOf(plain: readonly unknown[]): { name: string; sizes: Map<string, string> }[] {
  return (plain as { kind?: string; metadata?: { name?: string } }[])
    .filter((o) => o.kind === 'StatefulSet')
    .map((o) => ({ name: o.metadata?.name ?? '', sizes: claimSizes(o) }));
}

/** A sink's `report`, as a closure that holds nothing but the sink. */
function reporter(sink: ProblemSink): ProblemSink['report'] {
  return (path, message) => sink.report(path, message);
}

/** The trees of `clusters/argocd/` and `clusters/flux/` for these rendered environments (all of them). */
export function renderDelivery(rendered: readonly { environment: Environment; file: string }[]): EnvironmentTree[] {
  return deliveryTrees(rendered.map((r) => ({ env: r.environment, file: r.file })));
}

/**
 * Before anything is written, every rendered file is scanned for credential shapes (access keys, private keys,
 * bearer tokens). A hit is reported at the option of the environment file it came from; a hit that no option
 * explains is a bug, and stops the run all the same.
 */
function credentialScan(env: LoadedEnvironment['env'], tree: EnvironmentTree, sink: ProblemSink): Set<string> {
  const reported = new Set<string>();
  for (const [file, text] of tree.files) {
    for (const hit of findCredentials(text)) {
      const path = pathOfString(env, hit.text);
      const key = JSON.stringify(path);
      if (reported.has(key)) continue;
      reported.add(key);
      if (!path) {
        throw new Error(
          `generated ${hit.kind} (${redact(hit.text)}) into ${env.name}/${file} (a bug in thanos-gitops)`,
        );
      }
      sink.report(
        path,
        `holds what looks like ${hit.kind} (${redact(hit.text)}), which would be committed to Git in ` +
          `clusters/${env.name}/${file}: keep credentials in a Secret created out of band, or use the pods' cloud identity`,
      );
    }
  }
  return reported;
}

/**
 * The Argo CD and Flux objects are rendered from every environment at once, after the per-environment scan: the
 * `delivery` settings they carry (`repoURL` above all: `https://user:token@…`) are scanned here, at their option.
 */
function deliveryCredentials(env: LoadedEnvironment['env'], sink: ProblemSink): void {
  for (const hit of findCredentials(yamlText(env.delivery))) {
    const path = pathOfString(env.delivery, hit.text);
    sink.report(
      ['delivery', ...(path ?? [])],
      `holds what looks like ${hit.kind} (${redact(hit.text)}), which would be committed to Git in the Argo CD or ` +
        'Flux objects: give the repository URL without credentials, and the credentials to Argo CD (a repository ' +
        'Secret) or Flux (`secretRef` of the GitRepository) out of band',
    );
    return;
  }
}

/** Every patch targets a kind the generator produces, and a name (Kustomize reads it as a regex) of that kind. */
function patchTargetRules(env: LoadedEnvironment['env'], manifests: readonly Manifest[], sink: ProblemSink): void {
  const byKind = new Map<string, string[]>();
  for (const m of manifests) {
    const o = m.object as { kind?: string; metadata?: { name?: string } };
    if (!o.kind) continue;
    byKind.set(o.kind, [...(byKind.get(o.kind) ?? []), o.metadata?.name ?? '']);
  }
  env.patches.forEach((p, i) => {
    const names = byKind.get(p.target.kind);
    if (!names) {
      const kinds = [...byKind.keys()].sort().join(', ');
      sink.report(
        ['patches', i, 'target', 'kind'],
        `no generated object is a ${p.target.kind}; generated kinds: ${kinds}`,
      );
      return;
    }
    if (p.target.name === undefined) return;
    const re = kustomizeNameMatcher(p.target.name);
    if (typeof re === 'string') {
      sink.report(
        ['patches', i, 'target', 'name'],
        `is not a valid regular expression (Go syntax, as Kustomize reads it): ${re}`,
      );
      return;
    }
    if (!names.some((n) => re.test(n))) {
      sink.report(
        ['patches', i, 'target', 'name'],
        `matches no generated ${p.target.kind} (found "${p.target.name}"; generated: ${[...names].sort().join(', ')})`,
      );
    }
  });
}
