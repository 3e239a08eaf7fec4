/**
 * What the environment's patches produce, checked before anything is written: the patches are applied in memory
 * (apply-patches.ts) to the generated objects, in order, and each patched object is validated again (its
 * kubernetes-models schema, known fields, name), scanned for credentials (credentials.ts, on its YAML) and
 * compared for a weaker security posture (posture.ts). Every problem is reported at the patch that caused it:
 * `patches[i].patch`, naming the line inside the patch where it can be told.
 */
import { findCredentials, redact } from '@thanos-gitops/input';
import { modelFor, objectId, objectProblems, yamlText } from '@thanos-gitops/manifests';
import type { ProblemSink } from '@thanos-gitops/problems';
import type { Environment } from '@thanos-gitops/schema';
import { applyJson6902, patchData, strategicMerge } from './apply-patches.js';
import { kustomizeNameMatcher } from './kustomize-name.js';
import { type PostureKind, type Weakening, weakenings } from './posture.js';

// biome-ignore lint/suspicious/noExplicitAny: objects of any kind, as plain data
type Plain = Record<string, any>;
type Patch = Environment['patches'][number];

const idOf = (o: Plain) => objectId(o as { kind: string; metadata?: { name?: string; namespace?: string } });

/** Lines of a patch where each kind of weakening is most likely written. */
const POSTURE_WORDS: Record<PostureKind, RegExp> = {
  privileged: /privileged/,
  hostNamespaces: /host(Network|PID|IPC)/,
  hostPath: /hostPath/,
  capabilities: /capabilities/,
  root: /runAsUser|runAsNonRoot|securityContext/,
  privilegeEscalation: /allowPrivilegeEscalation|securityContext/,
  exposedService: /LoadBalancer|NodePort/,
  networkPolicy: /\$patch|\bremove\b|ingress|egress|podSelector|spec/,
};

function lineOf(text: string, word: RegExp): number {
  const i = text.split('\n').findIndex((l) => word.test(l));
  return i < 0 ? 1 : i + 1;
}

/** The patch applied to one object; throws when it cannot apply. Undefined: the patch deletes the object. */
function applyOne(o: Plain, data: unknown): Plain | undefined {
  if (Array.isArray(data)) return applyJson6902(o, data as Plain[]);
  const { metadata, ...rest } = data as Plain;
  // kustomize patches every target with the patch's name and namespace set to the target's own.
  const { name: _n, namespace: _ns, ...meta } = (metadata ?? {}) as Plain;
  return strategicMerge(o, { ...rest, metadata: meta });
}

/** Problems of a patched object: kubernetes-models schema, unknown fields, names and labels. */
export function patchedObjectProblems(o: Plain): string[] {
  const Model = modelFor(String(o.apiVersion), String(o.kind));
  if (!Model) return [`${idOf(o)}: ${o.apiVersion}/${o.kind} is not a kind thanos-gitops can check`];
  try {
    return objectProblems(new Model(structuredClone(o)) as never, o);
  } catch (err) {
    return [`${idOf(o)}: ${(err as Error).message}`];
  }
}

/** The objects a patch's target selects; its name is matched as Kustomize does (RE2, linear time). */
function targets(p: Patch, objects: readonly (Plain | undefined)[]): number[] {
  let matcher: { test(name: string): boolean } | undefined;
  if (p.target.name !== undefined) {
    const m = kustomizeNameMatcher(p.target.name);
    // A name RE2 refuses is reported at load (patchTargetRules); it selects nothing here.
    if (typeof m === 'string') return [];
    matcher = m;
  }
  return objects.flatMap((o, k) =>
    o && o.kind === p.target.kind && (matcher === undefined || matcher.test(String(o.metadata?.name))) ? [k] : [],
  );
}

interface PatchOutcome {
  problems: string[];
  weakened: (Weakening & { id: string })[];
  credentials: string[];
}

/** Applies patch `p` to `objects` in place and says what it did wrong. */
function applyPatch(p: Patch, objects: (Plain | undefined)[]): PatchOutcome {
  const out: PatchOutcome = { problems: [], weakened: [], credentials: [] };
  const data = patchData(p.patch);
  if (!data || typeof data !== 'object') return out;
  for (const k of targets(p, objects)) {
    const before = objects[k] as Plain;
    let after: Plain | undefined;
    try {
      after = applyOne(before, data);
    } catch (err) {
      out.problems.push(`does not apply to ${idOf(before)}: ${(err as Error).message}`);
      continue;
    }
    objects[k] = after;
    out.weakened.push(...weakenings(before, after).map((w) => ({ ...w, id: idOf(before) })));
    if (!after) continue;
    const was = new Set(patchedObjectProblems(before));
    for (const problem of patchedObjectProblems(after)) {
      if (!was.has(problem)) out.problems.push(`makes an invalid object: ${problem}`);
    }
    const seen = new Set(findCredentials(yamlText(before)).map((h) => h.text));
    for (const hit of findCredentials(yamlText(after))) {
      if (!seen.has(hit.text)) out.credentials.push(`${hit.kind} (${redact(hit.text)}) into ${idOf(after)}`);
    }
  }
  return out;
}

/** Two objects with one kind, namespace and name after the patches (a patch renamed one onto another). */
function collisions(objects: readonly (Plain | undefined)[]): string[] {
  const seen = new Set<string>();
  const dup: string[] = [];
  for (const o of objects) {
    if (!o) continue;
    const id = `${o.apiVersion} ${idOf(o)}`;
    if (seen.has(id)) dup.push(idOf(o));
    seen.add(id);
  }
  return dup;
}

function reportWeakenings(p: Patch, i: number, weakened: PatchOutcome['weakened'], sink: ProblemSink): void {
  const acknowledged = new Set<string>(p.acknowledge);
  const byKind = new Map<PostureKind, string[]>();
  for (const w of weakened) byKind.set(w.kind, [...(byKind.get(w.kind) ?? []), `${w.id}: ${w.what}`]);
  for (const [kind, whats] of byKind) {
    if (acknowledged.has(kind)) continue;
    const more = whats.length > 2 ? ` and ${whats.length - 2} more` : '';
    sink.report(
      ['patches', i, 'patch'],
      `line ${lineOf(p.patch, POSTURE_WORDS[kind])} of the patch weakens the security posture (${whats.slice(0, 2).join('; ')}${more}): ` +
        `if that is intended, say so with \`acknowledge: [${kind}]\` on this patch`,
    );
  }
  p.acknowledge.forEach((a, j) => {
    if (!byKind.has(a)) {
      sink.report(['patches', i, 'acknowledge', j], `acknowledges ${a}, but the patch does no such thing: remove it`);
    }
  });
}

/**
 * Applies the environment's patches to its generated objects (plain data, left untouched) in order, and reports
 * at each patch what it breaks: an object it cannot apply to, an invalid object, two objects with one name, a
 * credential (unless `credentialReported` says the scan of the rendered files already reported one at this
 * patch), a weaker security posture it does not acknowledge. Returns the objects after the patches.
 */
export function patchChecks(
  env: Environment,
  plain: readonly Plain[],
  sink: ProblemSink,
  credentialReported: (i: number) => boolean,
): Plain[] {
  const objects: (Plain | undefined)[] = [...plain];
  env.patches.forEach((p, i) => {
    const at = ['patches', i, 'patch'];
    const { problems, weakened, credentials } = applyPatch(p, objects);
    for (const problem of problems.slice(0, 3)) sink.report(at, problem);
    for (const id of collisions(objects)) sink.report(at, `makes two objects named ${id}`);
    if (credentials[0] && !credentialReported(i)) {
      sink.report(
        at,
        `writes what looks like ${credentials[0]}, which would be committed to Git: take it from a Secret ` +
          '(`valueFrom.secretKeyRef`, or a `*_file` setting reading a mounted Secret) instead',
      );
    }
    reportWeakenings(p, i, weakened, sink);
  });
  return objects.filter((o): o is Plain => o !== undefined);
}
