/**
 * One pod alone in a network namespace of its own, as in Kubernetes: its loopback (127.0.0.1) and its pod
 * address (any other 127.x address, local on the namespace's `lo`) are different addresses, so a listener the
 * rendered args bind to 127.0.0.1 is reachable from the pod itself only. The shared-namespace cluster cannot
 * show this (it moves pod-local listeners to the pod address, a listed substitution); this runs the pod's
 * prepared process again with those listeners put back on 127.0.0.1, after the cluster is down (same folders).
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import type { Pod } from './cluster.js';

export class IsolatedPod {
  readonly netns = `tg-iso-${process.pid}-${Math.floor(Math.random() * 1e6)}`;
  private child?: ChildProcess;
  readonly log: string[] = [];
  /** `--flag=127.0.0.1:port` of the rendered args, by flag. */
  readonly podLocal: Map<string, number>;

  constructor(
    readonly pod: Pod,
    readonly replace: (args: string[]) => string[] = (a) => a,
  ) {
    this.podLocal = new Map(
      ((pod.container.args ?? []) as string[]).flatMap((a) => {
        const m = /^--([a-z.-]*address)=127\.0\.0\.1:(\d+)$/.exec(a);
        return m?.[1] ? [[m[1], Number(m[2])] as const] : [];
      }),
    );
  }

  /** The pod's prepared args with its pod-local listeners on 127.0.0.1 again. */
  args(): string[] {
    const args = this.pod.args.map((a) => {
      const m = /^--([a-z.-]*address)=([0-9.]+):(\d+)$/.exec(a);
      return m?.[1] && this.podLocal.has(m[1]) ? `--${m[1]}=127.0.0.1:${m[3]}` : a;
    });
    return this.replace(args);
  }

  start(): void {
    const ip = (args: string[]) => {
      const r = spawnSync('ip', args, { encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`ip ${args.join(' ')}: ${r.stderr}`);
    };
    ip(['netns', 'add', this.netns]);
    ip(['-n', this.netns, 'link', 'set', 'lo', 'up']);
    const child = spawn('ip', ['netns', 'exec', this.netns, this.pod.program, ...this.args()], {
      cwd: this.pod.root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const collect = (b: Buffer) => this.log.push(...b.toString().split('\n').filter(Boolean));
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    this.child = child;
  }

  exited(): boolean {
    return this.child?.exitCode !== null && this.child?.exitCode !== undefined;
  }

  /** SIGKILL to whatever runs in the namespace, then the namespace. Safe to call twice (the test's afterAll does). */
  stopNow(): void {
    const pids = spawnSync('ip', ['netns', 'pids', this.netns], { encoding: 'utf8' }).stdout ?? '';
    for (const pid of pids.split('\n').filter(Boolean)) {
      try {
        process.kill(Number(pid), 'SIGKILL');
      } catch {
        // already gone
      }
    }
    spawnSync('ip', ['netns', 'del', this.netns]);
  }
}
