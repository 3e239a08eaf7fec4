/**
 * The input of the real run: an environment of the tests' fixtures (test/fixtures/environments, never the users'
 * environments/), optionally changed, rendered by the project's render pipeline into a temporary clusters/<env>
 * tree, then built with kustomize. Everything after this reads only the built objects.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderEnvironments } from '@thanos-gitops/cli';
import { parseAllDocuments, parseDocument } from 'yaml';

export type Plain = Record<string, any>;

export const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const FIXTURES = join(REPO_ROOT, 'test/fixtures/environments');

/** A fixture environment's text with fields set (YAML paths), renamed to `name`. */
export function fixtureSource(from: string, name: string, set: [(string | number)[], unknown][] = []): string {
  const doc = parseDocument(readFileSync(join(FIXTURES, `${from}.yaml`), 'utf8'));
  doc.set('name', name);
  for (const [path, value] of set) doc.setIn(path, value);
  return doc.toString();
}

/** kustomize on this machine: `kustomize` on PATH, else the newest versioned kubectl of the Google Cloud SDK. */
export function findKustomize(): { command: string; args: string[] } | undefined {
  for (const dir of (process.env.PATH ?? '').split(':')) {
    if (dir !== '' && existsSync(join(dir, 'kustomize'))) return { command: join(dir, 'kustomize'), args: ['build'] };
  }
  const sdk = '/usr/lib/google-cloud-sdk/bin';
  if (existsSync(sdk)) {
    const newest = readdirSync(sdk)
      .filter((f) => /^kubectl\.1\.[0-9]+$/.test(f))
      .sort((a, b) => Number(a.split('.')[2]) - Number(b.split('.')[2]))
      .at(-1);
    if (newest) return { command: join(sdk, newest), args: ['kustomize'] };
  }
  return undefined;
}

export interface Rendered {
  env: string;
  /** The temporary clusters/<env> folder. */
  dir: string;
  /** `kustomize build` of it. */
  objects: Plain[];
  /** Files of the tree that are no Kubernetes objects (the writers' Prometheus fragments). */
  files: ReadonlyMap<string, string>;
}

/** Renders `text` (an environment file named `name`) into `root/clusters/<name>` and builds it with kustomize. */
export function renderAndBuild(root: string, name: string, text: string): Rendered {
  const [r] = renderEnvironments([{ path: `environments/${name}.yaml`, text }]);
  if (!r) throw new Error(`environment ${name} did not render`);
  const dir = join(root, 'clusters', name);
  for (const [path, content] of r.tree.files) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  const k = findKustomize();
  if (!k) throw new Error('no kustomize (or kubectl kustomize) on this machine');
  const run = spawnSync(k.command, [...k.args, dir], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (run.status !== 0) throw new Error(`kustomize build ${dir} failed: ${run.stderr}`);
  const objects = parseAllDocuments(run.stdout)
    .map((d) => d.toJS() as Plain | null)
    .filter((o): o is Plain => o !== null);
  return { env: name, dir, objects, files: r.tree.files };
}
