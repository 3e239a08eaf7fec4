/**
 * A rendered environment booted: local PKI, the cluster's pods, the Alertmanagers the ruler is pointed at, and
 * helpers to start writers (real Prometheus with a generated writer fragment) and to ask Thanos' HTTP APIs.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { Cluster, type Pod } from './cluster.js';
import { issue, issueAll } from './pki.js';
import { portOf, prepare, readinessUrl } from './pods.js';
import type { Plain, Rendered } from './render.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface BootOptions {
  thanos: Record<string, string>;
  scale?: Record<string, number>;
  extraArgs?: Record<string, string[]>;
  /** How many Alertmanager replicas stand behind the ruler's `dnssrv+` address. */
  alertmanagers?: number;
  /** A rule ConfigMap the environment names but does not render (user-managed): name -> rules file. */
  ruleConfigMaps?: Record<string, string>;
  /**
   * StoreAPI servers outside the deployment (for `query.extraEndpoints`): `name.namespace` -> a plaintext
   * Thanos store gateway on an empty bucket of its own, behind a Service of that name.
   */
  externalStores?: string[];
}

/** Polls `check` every `every` ms until it returns a value; undefined after `ms`. */
export async function waitFor<T>(
  ms: number,
  check: () => Promise<T | undefined> | T | undefined,
  every = 1000,
): Promise<T | undefined> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() >= end) return undefined;
    await sleep(every);
  }
}

/** The Alertmanager SRV name the ruler dials: `_web._tcp.<svc>.<ns>.svc.cluster.local`, parsed. */
function alertmanagerService(objects: readonly Plain[]): { name: string; namespace: string; port: string } | undefined {
  for (const o of objects) {
    if (o.kind !== 'StatefulSet' && o.kind !== 'Deployment') continue;
    for (const a of o.spec.template.spec.containers[0]?.args ?? []) {
      const m = /^--alertmanagers\.url=dnssrv\+https?:\/\/_([a-z0-9-]+)\._tcp\.([a-z0-9-]+)\.([a-z0-9-]+)\.svc/.exec(a);
      if (m?.[1] && m[2] && m[3]) return { port: m[1], name: m[2], namespace: m[3] };
    }
  }
  return undefined;
}

/** Objects the environment names but leaves to the user, supplied by the harness (each a substitution). */
function suppliedObjects(rendered: Rendered, o: BootOptions, notes: string[]): Plain[] {
  const extra: Plain[] = [];
  const am = alertmanagerService(rendered.objects);
  if (am && (o.alertmanagers ?? 2) > 0) {
    notes.push(
      `Alertmanager (named, not rendered): ${o.alertmanagers ?? 2} Debian prometheus-alertmanager replicas behind _${am.port}._tcp.${am.name}.${am.namespace}`,
    );
    extra.push({
      kind: 'Service',
      metadata: { name: am.name, namespace: am.namespace },
      spec: {
        clusterIP: 'None',
        selector: { 'e2e/app': 'alertmanager' },
        ports: [
          { name: am.port, port: 9093 },
          { name: 'mesh', port: 9094 },
        ],
      },
    });
  }
  for (const full of o.externalStores ?? []) {
    const [name, namespace] = full.split('.');
    notes.push(`extra endpoint ${full}: a plaintext Thanos store gateway on an empty bucket (outside the deployment)`);
    extra.push({
      kind: 'Service',
      metadata: { name, namespace },
      spec: { selector: { 'e2e/app': `external-${name}` }, ports: [{ name: 'grpc', port: 10901 }] },
    });
  }
  for (const [name, rules] of Object.entries(o.ruleConfigMaps ?? {})) {
    notes.push(`rule ConfigMap ${name} (user-managed, not rendered) holds the harness' test rules`);
    extra.push({ kind: 'ConfigMap', metadata: { name, namespace: 'thanos' }, data: { 'e2e.yaml': rules } });
  }
  return extra;
}

export class Topology {
  readonly cluster: Cluster;
  readonly bucket: string;
  readonly pki: string;

  constructor(
    readonly root: string,
    readonly rendered: Rendered,
    readonly options: BootOptions,
  ) {
    this.bucket = join(root, 'bucket');
    this.pki = join(root, 'pki');
    mkdirSync(this.bucket, { recursive: true });
    const notes: string[] = [];
    const objects = [...rendered.objects, ...suppliedObjects(rendered, options, notes)];
    const secrets = issueAll(this.pki, objects);
    const lb = objects.find((x) => x.kind === 'Service' && x.spec.type === 'LoadBalancer');
    const aliases: Record<string, string> = {};
    for (const host of this.writerHosts()) if (lb) aliases[host] = lb.metadata.name;
    this.cluster = new Cluster(root, objects, secrets, { ...options, aliases });
    for (const n of notes) this.cluster.note(n);
    if (lb)
      this.cluster.note(`the LoadBalancer's hostname resolves to its pods; writers dial its targetPort (no port 443)`);
    this.addAlertmanagers();
    this.addExternalStores();
  }

  private addExternalStores(): void {
    for (const full of this.options.externalStores ?? []) {
      const [name = '', namespace = ''] = full.split('.');
      const p = this.cluster.addExternalPod({
        name: `${name}-0`,
        namespace,
        labels: { 'e2e/app': `external-${name}` },
      });
      const bucket = join(p.root, 'bucket');
      mkdirSync(bucket, { recursive: true });
      writeFileSync(
        join(this.root, `${name}-objstore.yml`),
        stringify({ type: 'FILESYSTEM', config: { directory: bucket } }),
      );
      const thanos = Object.values(this.options.thanos)[0] ?? '';
      p.program = thanos;
      p.args = [
        'store',
        `--data-dir=${join(p.root, 'data')}`,
        `--objstore.config-file=${join(this.root, `${name}-objstore.yml`)}`,
        `--grpc-address=${p.ip}:10901`,
        `--http-address=${p.ip}:10902`,
      ];
      p.container = {
        ports: [{ name: 'http', containerPort: 10902 }],
        readinessProbe: { httpGet: { path: '/-/ready', port: 'http' } },
      };
    }
  }

  private writerHosts(): string[] {
    return this.writers().map(
      (w) => new URL(parse(this.rendered.files.get(`writers/${w}/prometheus.yml`) ?? '').remote_write[0].url).hostname,
    );
  }

  /** Names of the writers whose Prometheus fragments were rendered. */
  writers(): string[] {
    return [...this.rendered.files.keys()]
      .map((f) => /^writers\/([^/]+)\/prometheus\.yml$/.exec(f)?.[1])
      .filter((w): w is string => w !== undefined)
      .sort();
  }

  private addAlertmanagers(): void {
    const am = alertmanagerService(this.rendered.objects);
    const n = am ? (this.options.alertmanagers ?? 2) : 0;
    const pods: Pod[] = [];
    for (let i = 0; i < n && am; i++) {
      pods.push(
        this.cluster.addExternalPod({
          name: `alertmanager-e2e-${i}`,
          namespace: am.namespace,
          labels: { 'e2e/app': 'alertmanager' },
          subdomain: am.name,
        }),
      );
    }
    for (const p of pods) {
      p.program = 'prometheus-alertmanager';
      writeFileSync(
        join(this.root, 'alertmanager.yml'),
        stringify({ route: { receiver: 'null' }, receivers: [{ name: 'null' }] }),
      );
      p.args = [
        `--config.file=${join(this.root, 'alertmanager.yml')}`,
        `--storage.path=${join(p.root, 'data')}`,
        `--web.listen-address=${p.ip}:9093`,
        `--cluster.listen-address=${p.ip}:9094`,
        ...pods.filter((q) => q !== p).map((q) => `--cluster.peer=${q.ip}:9094`),
      ];
      p.container = { readinessProbe: { httpGet: { path: '/-/ready', port: 9093 } } };
    }
  }

  /** Prepares and starts every pod; waits (bounded) until each readiness probe answers 200. */
  async start(timeoutMs = 300_000): Promise<{ pods: number; seconds: number }> {
    const started = Date.now();
    for (const p of this.cluster.pods) if (!p.program) prepare(this.cluster, p, this.bucket);
    await this.cluster.up();
    for (const p of this.cluster.pods) this.cluster.run(p);
    await this.waitReady(this.cluster.pods, timeoutMs);
    return { pods: this.cluster.pods.length, seconds: (Date.now() - started) / 1000 };
  }

  /** Waits until every pod's readiness probe answers 200; throws naming the pods that did not, with their logs. */
  async waitReady(pods: Pod[], timeoutMs: number): Promise<void> {
    const pending = new Set(pods.filter((p) => readinessUrl(p)));
    await waitFor(timeoutMs, async () => {
      for (const p of [...pending]) {
        const url = readinessUrl(p);
        if (url && (await this.cluster.get(url)).status === 200) pending.delete(p);
      }
      return pending.size === 0 ? true : undefined;
    });
    if (pending.size > 0) {
      const detail = [...pending].map(
        (p) =>
          `${p.name} (${p.child?.exitCode !== null ? `exited ${p.child?.exitCode}` : 'running'}):\n  ${p.log.slice(-8).join('\n  ')}`,
      );
      throw new Error(`not ready after ${timeoutMs / 1000} s:\n${detail.join('\n')}`);
    }
  }

  /** A Prometheus API GET (`path` with query string) against a pod's named HTTP port; parsed JSON `data`. */
  async api(pod: Pod, port: string, path: string): Promise<any> {
    const r = await this.cluster.get(`http://${pod.ip}:${portOf(pod, port)}${path}`);
    if (r.status !== 200) throw new Error(`GET ${pod.name}${path}: ${r.status} ${r.body.slice(0, 300)}`);
    return JSON.parse(r.body).data;
  }

  /** An instant query through a pod's API (Query or Query Frontend). */
  async query(
    pod: Pod,
    port: string,
    promql: string,
    extra = '',
  ): Promise<{ metric: Record<string, string>; value: [number, string] }[]> {
    return (await this.api(pod, port, `/api/v1/query?query=${encodeURIComponent(promql)}${extra}`)).result;
  }

  /**
   * A real Prometheus using writer `name`'s generated fragment: its external labels, URL and TLS settings, with
   * the files of `tls` (`own`: the writer's issued certificate; `none`: no client certificate; `rogue`: a
   * certificate of another CA with the same subject; or a Secret name of the local PKI). Scrapes itself every
   * second.
   */
  startWriter(name: string, tls: 'own' | 'none' | 'rogue' | { secret: string }, label: string): Pod {
    const fragment = parse(this.rendered.files.get(`writers/${name}/prometheus.yml`) ?? '');
    const pod = this.cluster.addExternalPod({ name: `writer-${label}`, namespace: 'writers', labels: {} });
    const entry = fragment.remote_write[0];
    const url = new URL(entry.url);
    url.port = String(this.loadBalancerTargetPort());
    entry.url = url.toString();
    const secretName = /secrets\/([^/]+)\//.exec(entry.tls_config.cert_file ?? '')?.[1] ?? '';
    const files = this.writerTlsFiles(secretName, tls, label);
    entry.tls_config = { ...entry.tls_config, ca_file: join(this.pki, 'ca-of-writers.crt'), ...files };
    if (tls === 'none') {
      delete entry.tls_config.cert_file;
      delete entry.tls_config.key_file;
    }
    entry.queue_config = { ...(entry.queue_config ?? {}), batch_send_deadline: '1s' };
    const config = {
      global: { ...fragment.global, scrape_interval: '1s', evaluation_interval: '1s' },
      remote_write: fragment.remote_write,
      scrape_configs: [{ job_name: 'self', static_configs: [{ targets: [`${pod.ip}:9090`] }] }],
    };
    return this.runPrometheus(pod, config);
  }

  /**
   * A real Prometheus writing to the routers' in-cluster Service without TLS (environments without writers): the
   * routers' remote-write port, the tenant from the routers' default.
   */
  startPlainWriter(label: string): Pod {
    const pod = this.cluster.addExternalPod({ name: `writer-${label}`, namespace: 'writers', labels: {} });
    const router = this.cluster.selectedBy('thanos-receive-router')[0];
    if (!router) throw new Error('no router pod');
    const url = `http://thanos-receive-router.thanos.svc.cluster.local:${portOf(router, 'remote-write')}/api/v1/receive`;
    const config = {
      global: { scrape_interval: '1s', evaluation_interval: '1s', external_labels: { cluster: label } },
      remote_write: [{ url, queue_config: { batch_send_deadline: '1s' } }],
      scrape_configs: [{ job_name: 'self', static_configs: [{ targets: [`${pod.ip}:9090`] }] }],
    };
    return this.runPrometheus(pod, config);
  }

  private runPrometheus(pod: Pod, config: Plain): Pod {
    mkdirSync(pod.root, { recursive: true });
    writeFileSync(join(pod.root, 'prometheus.yml'), stringify(config));
    pod.program = 'prometheus';
    pod.args = [
      `--config.file=${join(pod.root, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(pod.root, 'data')}`,
      `--web.listen-address=${pod.ip}:9090`,
      '--storage.remote.flush-deadline=5s',
    ];
    pod.container = {
      ports: [{ name: 'http', containerPort: 9090 }],
      readinessProbe: { httpGet: { path: '/-/ready', port: 'http' } },
    };
    this.cluster.note('writers: batch_send_deadline 1s and a 1 s scrape of themselves (their only targets)');
    this.cluster.run(pod);
    return pod;
  }

  private writerTlsFiles(secretName: string, tls: 'own' | 'none' | 'rogue' | { secret: string }, label: string) {
    const own = this.cluster.secrets.get(secretName);
    if (!own) throw new Error(`no Certificate writes the writer Secret ${secretName}`);
    writeFileSync(join(this.pki, 'ca-of-writers.crt'), own['ca.crt']);
    if (tls === 'own' || tls === 'none')
      return { cert_file: join(this.pki, `${secretName}.crt`), key_file: join(this.pki, `${secretName}.key`) };
    if (tls === 'rogue') {
      const cert = this.rendered.objects.find((o) => o.kind === 'Certificate' && o.spec.secretName === secretName);
      issue(this.pki, `rogue-ca-${label}`, { isCA: true, commonName: 'rogue CA', usages: ['cert sign', 'crl sign'] });
      issue(this.pki, `rogue-${label}`, cert?.spec ?? {}, `rogue-ca-${label}`);
      return { cert_file: join(this.pki, `rogue-${label}.crt`), key_file: join(this.pki, `rogue-${label}.key`) };
    }
    return { cert_file: join(this.pki, `${tls.secret}.crt`), key_file: join(this.pki, `${tls.secret}.key`) };
  }

  /** The router port behind the LoadBalancer Service's port (its targetPort, by name). */
  loadBalancerTargetPort(): number {
    const lb = this.rendered.objects.find((x) => x.kind === 'Service' && x.spec.type === 'LoadBalancer');
    const target = lb?.spec.ports[0].targetPort;
    if (typeof target === 'number') return target;
    const router = this.cluster.selectedBy(lb?.metadata.name)[0];
    if (!router) throw new Error('no pod behind the LoadBalancer Service');
    return portOf(router, String(target));
  }

  async down(): Promise<void> {
    await this.cluster.down();
  }
}
