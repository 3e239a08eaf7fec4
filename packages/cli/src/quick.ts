/**
 * The quick answer of `check` and `generate` when there is nothing to do, decided from the render cache's records
 * before the command line parser, the commands or the render pipeline load (bundled, `bin.ts` and this file are
 * the entry file; everything else is loaded by `run.ts`).
 *
 * It answers only the plain case: the command alone on the command line (`check` or `generate`, no option), every
 * environment file an ordinary `*.yaml` file, every environment and the Argo CD and Flux folders shown up to date by
 * the render cache (`RenderCache.verify`, the test `plan.ts` makes), no folder to prune, no working folder, journal
 * or lock of a `generate`, and for `generate` no warning and no hand-written file to list. Anything else,
 * or anything it cannot read, returns undefined: the whole command runs and says what is what. What it prints is
 * what the whole command prints for the same state (`test/quick.test.ts` holds them to it).
 */
import { type Dirent, readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { RenderCache } from './cache.js';

/** An environment file this answers for; other names the whole command sorts out (notes, leftovers, `.yml`). */
const PLAIN_ENVIRONMENT = /^[a-z0-9][a-z0-9-]*\.yaml$/;
/** Names the whole command may read or mention: anything with `.yaml` or `.yml` in it. */
const YAML_LIKE = /\.ya?ml/;
/** The Argo CD and Flux folders (`RESERVED_CLUSTERS_FOLDERS` of output, not imported to keep this file small). */
const SHARED_FOLDERS = ['argocd', 'flux'];
/** A lock, swap journal or working folder of a `generate` (output's writer.ts): the whole command handles them. */
const WRITER_FILES = /^\.(thanos-gitops\.|.+\.(next|prev)-[0-9]+$)/;

interface EnvironmentFile {
  name: string;
  path: string;
  text: string;
}

/** The environment files of `dir`, as `files.ts` reads them; undefined when one is not a plain case. */
function environmentFiles(dir: string): EnvironmentFile[] | undefined {
  const names: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (!YAML_LIKE.test(e.name)) continue;
    if (!PLAIN_ENVIRONMENT.test(e.name) || !e.isFile()) return undefined;
    names.push(e.name);
  }
  return names.sort().map((file) => {
    const full = join(dir, file);
    return { name: file.slice(0, -'.yaml'.length), path: relative(process.cwd(), full) || full, text: '' };
  });
}

/** A folder shown up to date: what the command's report says of it. */
interface Folder {
  env: string;
  objects: number;
  unchanged: number;
}

const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? '' : 's'}`;

/** Every folder of clusters/ up to date, in the order `plan` lists them; undefined when any is not. */
function upToDate(command: string, clustersDir: string, files: EnvironmentFile[]): Folder[] | undefined {
  const cache = RenderCache.open(clustersDir);
  if (!cache) return undefined;
  const folders: Folder[] = [];
  const inputs: string[] = [];
  // `check` prints neither warnings nor hand-written files (but in formats other than text); `generate` prints both.
  const fits = (hit: ReturnType<RenderCache['verify']>) =>
    hit !== undefined && (command === 'check' || (hit.warnings.length === 0 && hit.foreign.length === 0));
  // Every input first: an edited environment file (the usual reason to run) is found before any folder is read.
  for (const f of files) {
    f.text = readFileSync(f.path, 'utf8');
    inputs.push(cache.inputHash(f.path, f.text));
    if (!cache.rendered(f.name, inputs.at(-1) as string)) return undefined;
  }
  for (const [i, f] of files.entries()) {
    const input = inputs[i] as string;
    const hit = cache.verify(clustersDir, f.name, input);
    if (!hit || !fits(hit)) return undefined;
    folders.push({ env: f.name, objects: hit.objects, unchanged: hit.unchanged.length });
  }
  let entries: Dirent[];
  try {
    entries = readdirSync(clustersDir, { withFileTypes: true });
  } catch {
    return undefined;
  }
  if (entries.some((e) => WRITER_FILES.test(e.name))) return undefined;
  const known = new Set([...files.map((f) => f.name), ...SHARED_FOLDERS]);
  const existing = entries.filter((e) => e.isDirectory() && !e.name.startsWith('.')).map((e) => e.name);
  if (existing.some((env) => !known.has(env))) return undefined; // a folder to prune
  const shared = cache.sharedHash(inputs);
  for (const folder of SHARED_FOLDERS) {
    const hit = cache.verify(clustersDir, folder, shared, 'shared');
    if (!hit || !fits(hit)) return undefined;
    if (hit.files > 0 || existing.includes(folder)) {
      folders.push({ env: folder, objects: hit.objects, unchanged: hit.unchanged.length });
    }
  }
  cache.keepOnly(new Set(files.map((f) => f.name)));
  cache.save();
  return folders;
}

/**
 * The exit code of `argv` when it is `check` or `generate` with nothing to do (its report written with `out`), or
 * undefined: run the whole command.
 */
export function quickAnswer(argv: readonly string[], out: (text: string) => void): number | undefined {
  const command = argv.length === 1 ? argv[0] : undefined;
  if (command !== 'check' && command !== 'generate') return undefined;
  let folders: Folder[] | undefined;
  try {
    const files = environmentFiles(resolve('environments'));
    if (files === undefined || files.length === 0) return undefined;
    folders = upToDate(command, resolve('clusters'), files);
  } catch {
    return undefined; // unreadable, or changing while read: the whole command says what
  }
  if (!folders) return undefined;
  if (command === 'check') {
    out(`clusters/ is up to date (${plural(folders.length, 'folder')}).\n`);
    return 0;
  }
  for (const f of folders) {
    out(`${f.env}: ${plural(f.objects, 'object')}, 0 files written, ${f.unchanged} unchanged, 0 removed\n`);
  }
  return 0;
}
