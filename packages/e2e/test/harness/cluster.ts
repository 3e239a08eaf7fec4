/**
 * A loopback "cluster" driven only by rendered objects: a network namespace of its own (`ip netns`), a dnsmasq
 * in it answering the names Kubernetes' DNS would (pod and Service A records, SRV records for every named
 * Service port), and each pod of each Deployment/StatefulSet started as a real process on its own 127.x address
 * with its container's args, env expansions done as the kubelet does, and its ConfigMaps, Secrets and
 * certificates materialised under a folder of its own. What differs from Kubernetes is listed in `substitutions`.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { appendFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SecretFiles } from './pki.js';
import type { Plain } from './render.js';

const DOMAIN = 'svc.cluster.local';
const DNS_IP = '127.0.0.53';

export interface Pod {
  name: string;
  namespace: string;
  ip: string;
  labels: Record<string, string>;
  /** The workload (Deployment/StatefulSet) this pod belongs to. */
  owner: Plain;
  /** `<pod>.<serviceName>` for StatefulSet pods. */
  subdomain?: string;
  container: Plain;
  volumes: Plain[];
  program: string;
  args: string[];
  root: string;
  child?: ChildProcess;
  log: string[];
  exits: number;
}

export interface ClusterOptions {
  /** Thanos binary by image tag (`v0.42.4`). */
  thanos: Record<string, string>;
  /** Replicas by workload name, where the harness must run fewer (a substitution, printed). */
  scale?: Record<string, number>;
  /** Extra args by workload name (Thanos' test flags; a substitution, printed). */
  extraArgs?: Record<string, string[]>;
  /** Extra DNS names (host -> Service name whose pods answer it). */
  aliases?: Record<string, string>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function podTemplate(o: Plain): Plain {
  return o.spec.template;
}

function matches(selector: Record<string, string> | undefined, labels: Record<string, string>): boolean {
  if (!selector || Object.keys(selector).length === 0) return false;
  return Object.entries(selector).every(([k, v]) => labels[k] === v);
}

/** Replicas the workload runs: spec.replicas, else an HPA's minReplicas, else 1. */
function replicasOf(o: Plain, objects: readonly Plain[]): number {
  if (typeof o.spec.replicas === 'number') return o.spec.replicas;
  const hpa = objects.find(
    (h) => h.kind === 'HorizontalPodAutoscaler' && h.spec.scaleTargetRef?.name === o.metadata.name,
  );
  return hpa?.spec.minReplicas ?? 1;
}

/** `$(VAR)` expansion as the kubelet does it, from the container's env (values and downward-API fields). */
export function expandEnv(
  text: string,
  env: Plain[] | undefined,
  pod: { name: string; namespace: string; ip: string },
) {
  const values = new Map<string, string>();
  for (const e of env ?? []) {
    const field = e.valueFrom?.fieldRef?.fieldPath;
    const v =
      e.value ??
      (field === 'metadata.name'
        ? pod.name
        : field === 'metadata.namespace'
          ? pod.namespace
          : field === 'status.podIP'
            ? pod.ip
            : undefined);
    if (v !== undefined) values.set(e.name, v);
  }
  return text.replace(/\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (all, name: string) => values.get(name) ?? all);
}

export class Cluster {
  readonly netns: string;
  readonly pods: Pod[] = [];
  readonly substitutions: string[] = [];
  private readonly hosts: string[] = [];
  private readonly srv: string[] = [];
  private dnsmasq?: ChildProcess;
  private nextIp = 10;

  constructor(
    readonly root: string,
    readonly objects: readonly Plain[],
    readonly secrets: Map<string, SecretFiles>,
    readonly options: ClusterOptions,
  ) {
    this.netns = `tg-e2e-${process.pid}-${Math.floor(Math.random() * 1e6)}`;
    this.plan();
  }

  /** Re-plans the DNS records (after pods were added). */
  replanDns(): void {
    this.planDns();
  }

  note(s: string): void {
    if (!this.substitutions.includes(s)) this.substitutions.push(s);
  }

  private allocateIp(): string {
    const n = this.nextIp++;
    return `127.1.${Math.floor(n / 250)}.${(n % 250) + 2}`;
  }

  private plan(): void {
    for (const o of this.objects) {
      if (o.kind !== 'Deployment' && o.kind !== 'StatefulSet') continue;
      const want = replicasOf(o, this.objects);
      const scaled = this.options.scale?.[o.metadata.name];
      if (scaled !== undefined && scaled !== want)
        this.note(`${o.metadata.name}: ${scaled} replicas instead of ${want}`);
      for (let i = 0; i < (scaled ?? want); i++) this.addPod(o, i);
    }
  }

  private addPod(o: Plain, i: number): void {
    const t = podTemplate(o);
    const name = o.kind === 'StatefulSet' ? `${o.metadata.name}-${i}` : `${o.metadata.name}-${i}`;
    const namespace = o.metadata.namespace ?? 'default';
    const [main, ...sidecars] = t.spec.containers as Plain[];
    for (const s of [...sidecars, ...(t.spec.initContainers ?? [])]) {
      this.note(`sidecar ${s.name} (${s.image}) not run`);
    }
    if (!main) return;
    if (/(^|\/)rollout-operator:/.test(String(main.image ?? ''))) {
      // It only watches StatefulSets and deletes pods through the Kubernetes API, which the loopback cluster has
      // not: a rollout here follows the rollout plan read from the same objects (operability's rolloutPlan).
      this.note(`${o.metadata.name} (${main.image}) not run: it acts through the Kubernetes API, which is not here`);
      return;
    }
    this.pods.push({
      name,
      namespace,
      ip: this.allocateIp(),
      labels: t.metadata?.labels ?? {},
      owner: o,
      subdomain: o.kind === 'StatefulSet' ? o.spec.serviceName : undefined,
      container: main,
      volumes: t.spec.volumes ?? [],
      program: '',
      args: [],
      root: join(this.root, 'pods', name),
      log: [],
      exits: 0,
    });
  }

  /** Adds a pod the rendered objects expect but do not hold (e.g. Alertmanager); `args` used verbatim. */
  addExternalPod(p: { name: string; namespace: string; labels: Record<string, string>; subdomain?: string }): Pod {
    const pod: Pod = {
      ...p,
      ip: this.allocateIp(),
      owner: { kind: 'External', metadata: { name: p.name } },
      container: {},
      volumes: [],
      program: '',
      args: [],
      root: join(this.root, 'pods', p.name),
      log: [],
      exits: 0,
    };
    this.pods.push(pod);
    return pod;
  }

  /** FQDN of a pod: `<pod>.<subdomain>.<ns>.svc.cluster.local` for StatefulSet pods, else the dashed IP. */
  fqdn(p: Pod, service?: string): string {
    if (p.subdomain && (!service || service === p.subdomain))
      return `${p.name}.${p.subdomain}.${p.namespace}.${DOMAIN}`;
    return `${p.ip.replaceAll('.', '-')}.${service ?? 'pod'}.${p.namespace}.${DOMAIN}`;
  }

  /** Service records: A for the Service name (its pods' IPs), SRV for each named port. */
  private planDns(): void {
    this.hosts.length = 0;
    this.srv.length = 0;
    for (const p of this.pods) this.hosts.push(`${p.ip} ${this.fqdn(p)}`);
    let clusterIp = false;
    for (const s of this.objects.filter((o) => o.kind === 'Service')) {
      const ns = s.metadata.namespace ?? 'default';
      const selected = this.pods.filter((p) => p.namespace === ns && matches(s.spec.selector, p.labels));
      const name = `${s.metadata.name}.${ns}.${DOMAIN}`;
      const headless = s.spec.clusterIP === 'None';
      if (!headless) clusterIp = true;
      for (const p of selected) {
        this.hosts.push(`${p.ip} ${name}`);
        if (headless && !p.subdomain) this.hosts.push(`${p.ip} ${this.fqdn(p, s.metadata.name)}`);
      }
      for (const port of s.spec.ports ?? []) {
        if (!port.name) continue;
        const proto = (port.protocol ?? 'TCP').toLowerCase();
        if (!headless) {
          this.srv.push(`srv-host=_${port.name}._${proto}.${name},${name},${port.port}`);
          continue;
        }
        for (const p of selected) {
          this.srv.push(`srv-host=_${port.name}._${proto}.${name},${this.fqdn(p, s.metadata.name)},${port.port}`);
        }
      }
    }
    if (clusterIp) this.note("ClusterIP Services resolve to their pods' addresses (no virtual IP, no kube-proxy)");
    for (const [host, service] of Object.entries(this.options.aliases ?? {})) {
      for (const p of this.pods.filter((x) => this.selectedBy(service).includes(x))) this.hosts.push(`${p.ip} ${host}`);
    }
  }

  /** `IP:port` of every SRV target of `_<port>._tcp.<service>` (as Thanos resolves a `dnssrv+` address). */
  srvTargets(name: string): string[] {
    return this.srv
      .filter((l) => l.startsWith(`srv-host=${name},`))
      .flatMap((l) => {
        const [, target, port] = l.split(',');
        return this.hosts.filter((h) => h.endsWith(` ${target}`)).map((h) => `${h.split(' ')[0]}:${port}`);
      });
  }

  /** Pods selected by a Service of the rendered objects. */
  selectedBy(service: string): Pod[] {
    const s = this.objects.find((o) => o.kind === 'Service' && o.metadata.name === service);
    if (!s) throw new Error(`no Service ${service} in the rendered objects`);
    return this.pods.filter((p) => matches(s.spec.selector, p.labels));
  }

  pod(name: string): Pod {
    const p = this.pods.find((x) => x.name === name);
    if (!p) throw new Error(`no pod ${name}; pods: ${this.pods.map((x) => x.name).join(', ')}`);
    return p;
  }

  /** Runs a command inside the namespace (synchronously). */
  exec(cmd: string, args: string[], timeoutMs = 30_000) {
    return spawnSync('ip', ['netns', 'exec', this.netns, cmd, ...args], {
      encoding: 'utf8',
      timeout: timeoutMs,
      maxBuffer: 64 * 1024 * 1024,
    });
  }

  /** An HTTP GET from inside the namespace: status and body (status 0 when nothing answered). */
  async get(url: string, extra: string[] = []): Promise<{ status: number; body: string }> {
    const args = [
      'netns',
      'exec',
      this.netns,
      'curl',
      '-sS',
      '--max-time',
      '10',
      '-w',
      '\n%{http_code}',
      ...extra,
      url,
    ];
    return new Promise((resolve) => {
      const child = spawn('ip', args, { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      child.stdout.on('data', (b) => {
        out += b;
      });
      child.on('close', () => {
        const i = out.lastIndexOf('\n');
        resolve({ status: Number(out.slice(i + 1)) || 0, body: out.slice(0, i) });
      });
    });
  }

  /** The namespace and dnsmasq; throws with what failed. */
  async up(): Promise<void> {
    // Whatever happens to the test process, its processes and namespace go with it.
    process.once('exit', () => this.downNow());
    for (const sig of ['SIGINT', 'SIGTERM'] as const) {
      process.once(sig, () => {
        this.downNow();
        process.exit(130);
      });
    }
    const ip = (args: string[]) => {
      const r = spawnSync('ip', args, { encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`ip ${args.join(' ')}: ${r.stderr}`);
    };
    this.planDns();
    ip(['netns', 'add', this.netns]);
    ip(['-n', this.netns, 'link', 'set', 'lo', 'up']);
    const etc = `/etc/netns/${this.netns}`;
    mkdirSync(etc, { recursive: true });
    writeFileSync(
      join(etc, 'resolv.conf'),
      `nameserver ${DNS_IP}\nsearch thanos.${DOMAIN} ${DOMAIN} cluster.local\noptions ndots:5 timeout:1 attempts:2\n`,
    );
    await this.startDns();
  }

  private async startDns(): Promise<void> {
    const dir = join(this.root, 'dns');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'hosts'), `${this.hosts.join('\n')}\n`);
    const domains = new Set(['cluster.local', ...Object.keys(this.options.aliases ?? {})]);
    const conf = [
      'no-resolv',
      'no-hosts',
      'bind-interfaces',
      `listen-address=${DNS_IP}`,
      `addn-hosts=${join(dir, 'hosts')}`,
      ...[...domains].map((d) => `local=/${d}/`),
      ...this.srv,
    ];
    writeFileSync(join(dir, 'dnsmasq.conf'), `${conf.join('\n')}\n`);
    this.dnsmasq = spawn(
      'ip',
      ['netns', 'exec', this.netns, 'dnsmasq', '-k', '-u', 'root', `--conf-file=${join(dir, 'dnsmasq.conf')}`],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let err = '';
    this.dnsmasq.stderr?.on('data', (b) => {
      err += b;
    });
    for (let i = 0; i < 40; i++) {
      const r = this.exec('getent', ['hosts', `kubernetes-probe.invalid`], 5000);
      if (r.status === 2 || r.status === 0) return;
      if (this.dnsmasq.exitCode !== null) throw new Error(`dnsmasq exited: ${err}`);
      await sleep(250);
    }
    throw new Error(`dnsmasq did not answer within 10 s: ${err}`);
  }

  /** Ends every process, the dnsmasq and the namespace. Safe to call twice. */
  async down(): Promise<void> {
    await Promise.all(this.pods.map((p) => this.stop(p, 5000)));
    if (this.dnsmasq && this.dnsmasq.exitCode === null) this.dnsmasq.kill('SIGKILL');
    this.downNow();
  }

  /** Synchronous last resort: SIGKILL to every process left in the namespace, then the namespace. */
  downNow(): void {
    const pids = spawnSync('ip', ['netns', 'pids', this.netns], { encoding: 'utf8' }).stdout ?? '';
    for (const pid of pids.split('\n').filter(Boolean)) {
      try {
        process.kill(Number(pid), 'SIGKILL');
      } catch {
        // already gone
      }
    }
    spawnSync('ip', ['netns', 'del', this.netns]);
    rmSync(`/etc/netns/${this.netns}`, { recursive: true, force: true });
  }

  /** Starts a pod's process (program and args already prepared). */
  run(p: Pod): void {
    const logFile = join(this.root, 'logs', `${p.name}.log`);
    mkdirSync(join(this.root, 'logs'), { recursive: true });
    mkdirSync(p.root, { recursive: true });
    const child = spawn('ip', ['netns', 'exec', this.netns, p.program, ...p.args], {
      cwd: p.root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    p.child = child;
    const collect = (b: Buffer) => {
      appendFileSync(logFile, b);
      const lines = b.toString().split('\n').filter(Boolean);
      p.log.push(...lines);
      if (p.log.length > 5000) p.log.splice(0, p.log.length - 4000);
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    child.on('exit', () => {
      p.exits++;
    });
  }

  /** SIGTERM, then SIGKILL after `graceMs`. */
  stop(p: Pod, graceMs: number): Promise<void> {
    const child = p.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
      const kill = setTimeout(() => child.kill('SIGKILL'), graceMs);
      child.once('exit', () => {
        clearTimeout(kill);
        resolve();
      });
      child.kill('SIGTERM');
    });
  }
}
