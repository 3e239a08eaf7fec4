#!/usr/bin/env node
// `pnpm verify`: before a pull request, check the user's own environments fully, in seconds. It runs
// `thanos-gitops check --no-cache` (every environment file validated and rendered: each object against its
// Kubernetes schema, each flag against its Thanos release, patches applied, credentials scanned, and clusters/
// compared with the render), then builds every folder of clusters/ with kustomize and checks that the build
// succeeds, gives objects, and gives no object twice. Arguments (`--env NAME`, `--clusters DIR`, …) go to `check`;
// the kustomize step covers the folders of `--env` (and the Argo CD and Flux folders) or all of them.
// Exit 0 when all passes, 1 on a finding, 3 when a tool is missing or broken.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';

const args = process.argv.slice(2);
const cli = new URL('../packages/cli/dist/thanos-gitops.mjs', import.meta.url).pathname;
const optionValues = (name) =>
  args.flatMap((a, i) => (a === name ? [args[i + 1]] : a.startsWith(`${name}=`) ? [a.slice(name.length + 1)] : []));

const started = Date.now();
const check = spawnSync(process.execPath, [cli, 'check', '--no-cache', ...args], { stdio: 'inherit' });
if (check.status !== 0) process.exit(check.status ?? 3);

/** kustomize: `kustomize` on PATH, else the newest versioned kubectl of the Google Cloud SDK, else `kubectl`. */
function findKustomize() {
  const onPath = (p) =>
    (process.env.PATH ?? '')
      .split(':')
      .map((d) => join(d, p))
      .find((f) => f !== p && existsSync(f));
  const standalone = process.env.THANOS_GITOPS_KUSTOMIZE ?? onPath('kustomize');
  if (standalone) return { command: standalone, args: ['build'] };
  const sdk = '/usr/lib/google-cloud-sdk/bin';
  const minor = (f) => Number(/kubectl\.1\.([0-9]+)$/.exec(f)?.[1] ?? 0);
  const versioned = existsSync(sdk) ? readdirSync(sdk).filter((f) => /^kubectl\.1\.[0-9]+$/.test(f)) : [];
  const newest = versioned.sort((a, b) => minor(a) - minor(b)).at(-1);
  if (newest) return { command: join(sdk, newest), args: ['kustomize'] };
  const kubectl = onPath('kubectl');
  return kubectl ? { command: kubectl, args: ['kustomize'] } : undefined;
}

/** Every folder under `dir` holding a kustomization.yaml (not the generator's working folders). */
function kustomizations(dir) {
  if (existsSync(join(dir, 'kustomization.yaml'))) return [dir];
  return readdirSync(dir)
    .filter((f) => !f.startsWith('.') && f !== 'iam' && f !== 'writers' && statSync(join(dir, f)).isDirectory())
    .flatMap((f) => kustomizations(join(dir, f)));
}

const kustomize = findKustomize();
if (!kustomize) {
  console.error('verify: no kustomize (or kubectl) on PATH: install one, or set THANOS_GITOPS_KUSTOMIZE');
  process.exit(3);
}
const clusters = optionValues('--clusters').at(-1) ?? 'clusters';
const only = optionValues('--env');
const folders = readdirSync(clusters)
  .filter((f) => !f.startsWith('.') && statSync(join(clusters, f)).isDirectory())
  .filter((f) => only.length === 0 || only.includes(f) || f === 'argocd' || f === 'flux')
  .flatMap((f) => kustomizations(join(clusters, f)));
let failed = 0;
for (const folder of folders) {
  const run = spawnSync(kustomize.command, [...kustomize.args, folder], { encoding: 'utf8', maxBuffer: 1 << 28 });
  const seen = new Set();
  const twice = [];
  const objects =
    run.status === 0
      ? parseAllDocuments(run.stdout)
          .map((d) => d.toJS())
          .filter(Boolean)
      : [];
  for (const o of objects) {
    const id = `${o.kind} ${o.metadata?.namespace ?? ''}/${o.metadata?.name}`;
    if (seen.has(id)) twice.push(id);
    seen.add(id);
  }
  const problem =
    run.status !== 0
      ? `kustomize build failed:\n${run.stderr}`
      : objects.length === 0
        ? 'builds no object'
        : twice.length > 0
          ? `builds these objects twice: ${twice.join(', ')}`
          : undefined;
  if (problem) {
    failed++;
    console.error(`verify: ${folder}: ${problem}`);
  } else console.log(`${folder}: kustomize build: ${objects.length} objects`);
}
const seconds = ((Date.now() - started) / 1000).toFixed(1);
if (failed > 0) {
  console.error(`verify: ${failed} of ${folders.length} folders failed (${seconds} s)`);
  process.exit(1);
}
console.log(
  `verify: every environment validated, rendered, up to date, and ${folders.length} folders built (${seconds} s)`,
);
