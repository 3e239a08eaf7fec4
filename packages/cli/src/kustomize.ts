/**
 * `kustomize build` for the diff, so that the patches of a `kustomization.yaml` are compared by their effect on
 * the built objects. Uses `kustomize` from PATH, else `kubectl kustomize` (preferring the versioned kubectl
 * binaries the Google Cloud SDK installs beside its dispatcher, which needs no cluster).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { YAML_FILE } from '@thanos-gitops/output';
import { parseAllDocuments } from 'yaml';
import type { Plain } from './review.js';

export interface Kustomize {
  command: string;
  args: string[];
}

function onPath(program: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(':')) {
    if (dir !== '' && existsSync(join(dir, program))) return join(dir, program);
  }
  return undefined;
}

const minor = (path: string) => Number(/kubectl\.1\.([0-9]+)$/.exec(path)?.[1] ?? 0);

/** kustomize on this machine, or undefined. `THANOS_GITOPS_KUSTOMIZE` names a kustomize binary to use. */
export function findKustomize(): Kustomize | undefined {
  const forced = process.env.THANOS_GITOPS_KUSTOMIZE;
  if (forced) return { command: forced, args: ['build'] };
  const standalone = onPath('kustomize');
  if (standalone) return { command: standalone, args: ['build'] };
  const kubectl = onPath('kubectl');
  if (kubectl === undefined) return undefined;
  let dir: string;
  try {
    dir = dirname(realpathSync(kubectl));
  } catch {
    return { command: kubectl, args: ['kustomize'] };
  }
  const versioned = readdirSync(dir)
    .filter((f) => /^kubectl\.1\.[0-9]+$/.test(f))
    .map((f) => join(dir, f))
    .sort((a, b) => minor(a) - minor(b))
    .at(-1);
  return { command: versioned ?? kubectl, args: ['kustomize'] };
}

/** Builds `dir` and returns its objects; throws with kustomize's message when the build fails. */
export function kustomizeBuild(k: Kustomize, dir: string): Plain[] {
  const run = spawnSync(k.command, [...k.args, dir], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  if (run.error) throw run.error;
  if (run.status !== 0) throw new Error(`kustomize build ${dir} failed (exit ${run.status}):\n${run.stderr}`);
  return parseAllDocuments(run.stdout)
    .map((d) => d.toJS() as Plain | null)
    .filter((o): o is Plain => o !== null && typeof o === 'object');
}

/** The objects of the YAML files of a tree, without building it (when no kustomize is found). */
export function treeObjects(files: ReadonlyMap<string, string>): Plain[] {
  const yamlFiles = [...files].filter(([path]) => YAML_FILE.test(path)).map(([, text]) => text);
  return yamlFiles.flatMap((text) =>
    parseAllDocuments(text)
      .map((d) => d.toJS() as Plain | null)
      .filter((o): o is Plain => o !== null && typeof o === 'object' && typeof o.kind === 'string'),
  );
}
