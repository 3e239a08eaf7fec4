/**
 * Test helpers: load an environment from YAML text and render this package's components, with a
 * stand-in identity (the real one lives in the irsa package, which this package must not import).
 */
import { readFileSync } from 'node:fs';
import { loadEnvironments } from '@thanos-gitops/input';
import { type Manifest, toPlain } from '@thanos-gitops/manifests';
import { NO_TLS } from '@thanos-gitops/model';
import { InvalidEnvironmentError, type Problem } from '@thanos-gitops/problems';
import type { Environment } from '@thanos-gitops/schema';
import { renderComponents } from '../../src/index.js';

export const MINIMAL = `name: test
cluster: { name: test-cluster }
objectStorage: { provider: s3, bucket: test-bucket, region: eu-west-1 }
`;

export interface Rendered {
  env: Environment;
  manifests: Manifest[];
  /** Plain objects, as they are written. */
  objects: Record<string, any>[];
  problems: { path: (string | number)[]; message: string }[];
}

export interface RenderOptions {
  file?: string;
  /**
   * The test looks at the problems the environment has: return them in `problems`. Without it, any problem
   * fails the render, so that no test passes on output rendered from an environment with problems.
   */
  expectProblems?: boolean;
}

/** Renders `MINIMAL` merged with extra top-level YAML (the text must not repeat name/cluster/objectStorage). */
export function render(extraYaml = '', options: RenderOptions = {}): Rendered {
  return renderText(`${MINIMAL}${extraYaml}`, options);
}

/**
 * Renders a complete environment text (for fields `render` fixes, such as the cluster) with this package's
 * components, the stand-in identity and no TLS. Fails on any problem unless `expectProblems`.
 */
export function renderText(text: string, options: RenderOptions = {}): Rendered {
  const file = options.file ?? 'environments/test.yaml';
  const [loaded] = loadEnvironments([{ path: file, text }]);
  if (!loaded) throw new Error('no environment');
  const problems: Rendered['problems'] = [];
  const manifests = renderComponents({
    env: loaded.env,
    file,
    identity: {
      objstoreConfig: 'type: S3\nconfig: {bucket: test-bucket}\n',
      forComponent: () => ({ serviceAccountAnnotations: {}, podLabels: {}, env: [] }),
    },
    tls: { forComponent: () => NO_TLS },
    report: (path, message) => problems.push({ path: [...path], message }),
  });
  if (problems.length > 0 && !options.expectProblems) {
    throw new Error(
      `the environment has problems (pass { expectProblems: true } to look at them):\n  ${problems
        .map((p) => `${p.path.join('.')}: ${p.message}`)
        .join('\n  ')}`,
    );
  }
  return { env: loaded.env, manifests, objects: manifests.map((m) => toPlain(m.object)), problems };
}

export function find(r: Rendered, kind: string, name: string): Record<string, any> {
  const o = r.objects.find((x) => x.kind === kind && x.metadata?.name === name);
  if (!o) throw new Error(`no ${kind} ${name} in ${r.objects.map((x) => `${x.kind}/${x.metadata?.name}`).join(', ')}`);
  return o;
}

/** The args of the `thanos` container of a workload. */
export function argsOf(workload: Record<string, any>): string[] {
  const c = workload.spec.template.spec.containers.find((x: { name: string }) => x.name === 'thanos');
  return c.args;
}

/** The values of every `--flag=value` in `args`, in order. */
export const flagValues = (args: string[], flag: string) =>
  args.filter((a) => a.startsWith(`--${flag}=`)).map((a) => a.slice(flag.length + 3));

/** The problems loading `MINIMAL` plus `extraYaml` reports (empty when it loads). */
export function problemsOf(extraYaml: string): Problem[] {
  try {
    loadEnvironments([{ path: 'environments/test.yaml', text: `${MINIMAL}${extraYaml}` }]);
    return [];
  } catch (e) {
    if (e instanceof InvalidEnvironmentError) return e.problems;
    throw e;
  }
}

/** One of the test fixtures' example environments (`test/fixtures/environments/<name>.yaml`), loaded. */
export function example(name: string): Environment {
  const path = `environments/${name}.yaml`;
  const text = readFileSync(new URL(`../../../../test/fixtures/${path}`, import.meta.url), 'utf8');
  const [loaded] = loadEnvironments([{ path, text }]);
  if (!loaded) throw new Error(`no environment in ${path}`);
  return loaded.env;
}
