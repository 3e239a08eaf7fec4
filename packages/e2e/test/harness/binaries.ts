/**
 * The Thanos binaries the real run needs, from e2e/thanos/build.sh (cached by version; THANOS_BINARY or
 * THANOS_BINARY_v0_42_4-style variables point at your own), and the Debian tools it drives. Tells why the run
 * cannot happen instead of throwing, so the test file can skip locally and fail under CI=true.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './render.js';

export const BUILD_SCRIPT = join(REPO_ROOT, 'e2e/thanos/build.sh');
export const HOW_TO_RUN =
  'install Go >= 1.26 (or set THANOS_BINARY), run as root with iproute2, dnsmasq, prometheus, ' +
  'prometheus-alertmanager, memcached, openssl (see docs/contributing.md "Running it for real"), then `pnpm --filter @thanos-gitops/e2e test`';

const TOOLS = ['ip', 'dnsmasq', 'prometheus', 'promtool', 'prometheus-alertmanager', 'memcached', 'openssl', 'curl'];

function onPath(program: string): boolean {
  return (process.env.PATH ?? '')
    .split(':')
    .concat(['/usr/sbin', '/sbin'])
    .some((d) => d !== '' && existsSync(join(d, program)));
}

/** What is missing to run (empty when all is there). */
export function missingTools(): string[] {
  const missing = TOOLS.filter((t) => !onPath(t));
  if (process.getuid?.() !== 0) missing.push('root (ip netns needs it)');
  const hasOwn = Object.keys(process.env).some((k) => k.startsWith('THANOS_BINARY'));
  if (!hasOwn && !existsSync('/usr/local/go/bin/go') && !onPath('go')) missing.push('go (or THANOS_BINARY)');
  return missing;
}

/** Builds (or finds in the cache) each version's binary; `{ v0.42.4: path }`. Throws with the build's output. */
export function thanosBinaries(versions: string[]): Record<string, string> {
  const run = spawnSync(BUILD_SCRIPT, versions, { encoding: 'utf8', timeout: 3_600_000 });
  if (run.status !== 0) throw new Error(`e2e/thanos/build.sh failed (${run.status}):\n${run.stderr}`);
  const out: Record<string, string> = {};
  for (const line of run.stdout.trim().split('\n')) {
    const [v, path] = line.split(' ');
    if (v && path) out[v] = path;
  }
  return out;
}
