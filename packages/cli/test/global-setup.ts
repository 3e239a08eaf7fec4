/**
 * The cli project's globalSetup: builds the packages once per vitest run (turbo; a cache hit under `pnpm test`,
 * which has just built them), before any test file starts. The tests that spawn the bundled CLI
 * (`packages/cli/dist/thanos-gitops.mjs`: cli-errors, cache, diff-base) then run the current sources, and no test
 * file rebuilds `dist/` while a file in the other worker runs what is there.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export default function buildOnce(): void {
  const build = spawnSync('npx', ['turbo', 'run', 'build', '--output-logs=errors-only'], {
    cwd: fileURLToPath(new URL('../../../', import.meta.url)),
    encoding: 'utf8',
    env: { ...process.env, TURBO_TELEMETRY_DISABLED: '1' },
  });
  if (build.status !== 0) throw new Error(`build failed:\n${build.stdout}\n${build.stderr}`);
}
