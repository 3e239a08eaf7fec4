/**
 * `import bitnami VALUES.yaml` / `import manifests PATH|-`: migration in. The importer (`@thanos-gitops/importer`)
 * turns the input into an environment file, its report and runbook; this renders the environment in memory (the
 * loader, the rules and the components: it must come out without problems before anything is written), applies the
 * environment's patches as kustomize would, compares the old objects with the result (`adoption`: kept, changed,
 * recreated, orphaned, removed, added), then writes `environments/<name>.yaml` and `environments/<name>.import.md`
 * (the report, the adoption and the runbook in one file, so the person migrating has one thing to read) and prints
 * the report and the adoption.
 */
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import {
  adoption,
  formatAdoption,
  formatReport,
  type ImportResult,
  importBitnami,
  importManifests,
  withAdoption,
} from '@thanos-gitops/importer';
import { toPlain } from '@thanos-gitops/manifests';
import type { ProblemSink } from '@thanos-gitops/problems';
import type { CommandOptions } from './args.js';
import { EnvironmentFileRefusedError } from './files.js';
import type { Io } from './io.js';
import { patchChecks } from './patch-checks.js';
import { renderEnvironments } from './render.js';

/** The input's text: a file, stdin (`-`), or every YAML file of a folder (manifests only), one document stream. */
function readInput(path: string, kind: string): string {
  if (path === '-') return readFileSync(0, 'utf8');
  if (kind === 'manifests' && lstatSync(path).isDirectory()) {
    return readdirSync(path, { recursive: true, encoding: 'utf8' })
      .filter((f) => /\.ya?ml$/.test(f))
      .sort()
      .map((f) => readFileSync(join(path, f), 'utf8'))
      .join('\n---\n');
  }
  return readFileSync(path, 'utf8');
}

type Plain = Record<string, unknown>;
type Rendered = ReturnType<typeof renderEnvironments>[number];

/** Patch problems were reported when the environment was rendered; applying them again reports nothing. */
const QUIET: ProblemSink = { report: () => undefined };

/**
 * The environment's objects as kustomize builds them: rendered, then its patches applied by `patchChecks`, the
 * one patch applier `render` checks them with (targets matched as Kustomize does, JSON6902 and strategic merge).
 */
export function builtObjects(r: Rendered): Plain[] {
  const plain = r.manifests.map((m) => toPlain(m.object) as Plain);
  return patchChecks(r.environment, plain, QUIET, () => true);
}

function runImporter(kind: string, path: string, options: CommandOptions): ImportResult {
  const text = readInput(path, kind);
  const given = {
    ...(options.release === undefined ? {} : { release: options.release }),
    ...(options.namespace === undefined ? {} : { namespace: options.namespace }),
    ...(options.name === undefined ? {} : { name: options.name }),
  };
  const source = { text, file: path === '-' ? '-' : relative(process.cwd(), path) || path };
  return kind === 'bitnami' ? importBitnami(source, given) : importManifests(source, given);
}

export async function importCommand(io: Io, options: CommandOptions): Promise<number> {
  const [kind = '', path = ''] = options.args ?? [];
  let result: ImportResult;
  try {
    result = runImporter(kind, path, options);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== undefined) throw err;
    io.err(`thanos-gitops import: ${(err as Error).message}\n`);
    return 1;
  }
  const file = join(options.environmentsDir, `${result.name}.yaml`);
  const reportFile = join(options.environmentsDir, `${result.name}.import.md`);
  const shown = relative(process.cwd(), file) || file;
  if (!options.force && (existsSync(file) || existsSync(reportFile))) {
    throw new EnvironmentFileRefusedError(
      `${shown} (or its report) exists: not overwritten. Choose another --name, or pass --force to replace it`,
    );
  }
  // In memory first: the environment must load and render without problems, else nothing is written.
  const [rendered] = renderEnvironments([{ path: `environments/${result.name}.yaml`, text: result.environment }]);
  const objects = rendered ? (builtObjects(rendered) as never[]) : [];
  const adopted = adoption(result.oldObjects ?? [], objects, result.oldDelivery ?? 'manifests');
  const report = `${formatReport(withAdoption(result.report, adopted))}\n${formatAdoption(adopted)}`;
  mkdirSync(options.environmentsDir, { recursive: true });
  writeFileSync(file, result.environment);
  writeFileSync(reportFile, `${report}\n${result.runbook}`);
  io.out(report);
  io.out(
    `\nwrote ${shown} and ${relative(process.cwd(), reportFile) || reportFile} (the report, and the migration runbook to follow);\n` +
      `next: resolve what "Needs a person" lists, then thanos-gitops generate --env ${result.name}\n`,
  );
  return 0;
}
