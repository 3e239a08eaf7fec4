/**
 * e2e/tls-probe (Go, standard library only) built once and run inside a network namespace: it dials one
 * listener as a peer would (TLS with a given client certificate or none, ALPN h2 then the HTTP/2 preface for
 * gRPC, or an HTTP/1.1 GET) and says whether the server accepted, and if not, at which stage and why.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './render.js';

export interface ProbeResult {
  accepted: boolean;
  stage: string;
  error?: string;
  proto?: string;
  tlsVersion?: string;
  answer?: string;
}

const PATH = `/usr/local/go/bin:${process.env.PATH ?? ''}`;

/** Builds the probe into `dir` (Go's build cache makes a rebuild take a second); returns the binary's path. */
export function buildProbe(dir: string): string {
  mkdirSync(dir, { recursive: true });
  const out = join(dir, 'tls-probe');
  if (existsSync(out)) return out;
  const r = spawnSync('go', ['build', '-o', out, '.'], {
    cwd: join(REPO_ROOT, 'e2e/tls-probe'),
    env: { ...process.env, PATH, GOFLAGS: '-mod=mod', GOTOOLCHAIN: 'local' },
    encoding: 'utf8',
    timeout: 600_000,
  });
  if (r.status !== 0) throw new Error(`go build e2e/tls-probe: ${r.stderr}`);
  return out;
}

/** Runs the probe in network namespace `netns`: `args` as e2e/tls-probe/main.go documents them. */
export function probe(bin: string, netns: string, args: string[]): ProbeResult {
  const r = spawnSync('ip', ['netns', 'exec', netns, bin, ...args], { encoding: 'utf8', timeout: 30_000 });
  const line = r.stdout.trim().split('\n').at(-1) ?? '';
  try {
    return JSON.parse(line) as ProbeResult;
  } catch {
    return { accepted: false, stage: 'probe', error: `no answer (exit ${r.status}): ${r.stderr.slice(0, 300)}` };
  }
}
