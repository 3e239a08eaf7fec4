/**
 * Our own implementation of the Kubernetes Pod Security Standards, "baseline" and "restricted" profiles, plus the
 * house rules (resources, probes, read-only root filesystem), run over every pod template of every rendered
 * environment. The namespace enforces "restricted", so a violation here is a pod the API server would refuse.
 *
 * House-rule exceptions (decided here, not by the standard):
 * - Init containers that run to completion (no `restartPolicy: Always`) need no probes: Kubernetes rejects probes
 *   on them. Native sidecars (init containers with `restartPolicy: Always`) are long-running and need them.
 * - Containers named `exporter` or `*-exporter` need a liveness probe but no readiness probe: they serve only
 *   metrics, so their readiness gates nothing; a hung exporter must still be restarted.
 * - Pods of Jobs and CronJobs run to completion, so they need no readiness probe.
 */
import { describe, expect, it } from 'vitest';
import { allContainers, objectName, type Plain, plainObjects, podSpecs, renderAll } from './helpers.js';

/** Volume types the restricted profile allows. */
const RESTRICTED_VOLUMES = new Set([
  'configMap',
  'csi',
  'downwardAPI',
  'emptyDir',
  'ephemeral',
  'persistentVolumeClaim',
  'projected',
  'secret',
]);
/** Capabilities the baseline profile allows adding. */
const BASELINE_CAPABILITIES = new Set([
  'AUDIT_WRITE',
  'CHOWN',
  'DAC_OVERRIDE',
  'FOWNER',
  'FSETID',
  'KILL',
  'MKNOD',
  'NET_BIND_SERVICE',
  'SETFCAP',
  'SETGID',
  'SETPCAP',
  'SETUID',
  'SYS_CHROOT',
]);
/** Sysctls the baseline profile allows. */
const SAFE_SYSCTLS = new Set([
  'kernel.shm_rmid_forced',
  'net.ipv4.ip_local_port_range',
  'net.ipv4.ip_unprivileged_port_start',
  'net.ipv4.tcp_syncookies',
  'net.ipv4.ping_group_range',
  'net.ipv4.ip_local_reserved_ports',
  'net.ipv4.tcp_keepalive_time',
  'net.ipv4.tcp_fin_timeout',
  'net.ipv4.tcp_keepalive_intvl',
  'net.ipv4.tcp_keepalive_probes',
]);
const SELINUX_TYPES = new Set(['', 'container_t', 'container_init_t', 'container_kvm_t', 'container_engine_t']);
const APPARMOR_ANNOTATION = 'container.apparmor.security.beta.kubernetes.io/';
const VOLUME_META_FIELDS = new Set(['name']);

/** A pod to check: its spec, its template metadata (annotations), and the kind that owns it. */
export interface PodUnderTest {
  kind: string;
  metadata: Plain;
  spec: Plain;
}

/** Every way the pod breaks the baseline profile. */
export function baselineViolations(pod: PodUnderTest): string[] {
  const { spec, metadata } = pod;
  const out: string[] = [];
  for (const field of ['hostNetwork', 'hostPID', 'hostIPC'] as const) {
    if (spec[field] === true) out.push(`spec.${field} must not be true`);
  }
  if (spec.securityContext?.windowsOptions?.hostProcess === true) out.push('pod: hostProcess must not be true');
  for (const v of spec.volumes ?? []) if (v.hostPath) out.push(`volume ${v.name}: hostPath volumes are not allowed`);
  for (const s of spec.securityContext?.sysctls ?? []) {
    if (!SAFE_SYSCTLS.has(s.name)) out.push(`pod: sysctl ${s.name} is not in the safe set`);
  }
  out.push(...profileViolations('pod', spec.securityContext));
  for (const [key, value] of Object.entries((metadata.annotations ?? {}) as Record<string, string>)) {
    if (key.startsWith(APPARMOR_ANNOTATION) && value !== 'runtime/default' && !value.startsWith('localhost/')) {
      out.push(`annotation ${key}: AppArmor profile ${value} is not allowed`);
    }
  }
  for (const c of allContainers(spec)) {
    const where = `container ${c.name}`;
    const sc = c.securityContext ?? {};
    if (sc.privileged === true) out.push(`${where}: privileged must not be true`);
    if (sc.windowsOptions?.hostProcess === true) out.push(`${where}: hostProcess must not be true`);
    for (const cap of sc.capabilities?.add ?? []) {
      if (!BASELINE_CAPABILITIES.has(cap)) out.push(`${where}: capability ${cap} may not be added`);
    }
    if (sc.procMount !== undefined && sc.procMount !== 'Default') out.push(`${where}: procMount must be Default`);
    for (const p of c.ports ?? []) {
      if (p.hostPort !== undefined && p.hostPort !== 0) out.push(`${where}: hostPort ${p.hostPort} is not allowed`);
    }
    out.push(...profileViolations(where, sc));
  }
  return out;
}

/** AppArmor, SELinux and seccomp settings of a pod or container security context (baseline). */
function profileViolations(where: string, sc: Plain | undefined): string[] {
  const out: string[] = [];
  if (!sc) return out;
  if (sc.appArmorProfile?.type === 'Unconfined') out.push(`${where}: AppArmor profile must not be Unconfined`);
  if (sc.seccompProfile?.type === 'Unconfined') out.push(`${where}: seccomp profile must not be Unconfined`);
  const se = sc.seLinuxOptions;
  if (se) {
    if (!SELINUX_TYPES.has(se.type ?? '')) out.push(`${where}: SELinux type ${se.type} is not allowed`);
    if (se.user) out.push(`${where}: SELinux user must not be set`);
    if (se.role) out.push(`${where}: SELinux role must not be set`);
  }
  return out;
}

/** Every way the pod breaks the restricted profile (which includes baseline). */
export function restrictedViolations(pod: PodUnderTest): string[] {
  const { spec } = pod;
  const out = baselineViolations(pod);
  const podSc = spec.securityContext ?? {};
  for (const v of spec.volumes ?? []) {
    const types = Object.keys(v).filter((k) => !VOLUME_META_FIELDS.has(k));
    for (const t of types) if (!RESTRICTED_VOLUMES.has(t)) out.push(`volume ${v.name}: type ${t} is not allowed`);
  }
  if (podSc.runAsUser === 0) out.push('pod: runAsUser must not be 0');
  const seccompOk = (t: unknown) => t === 'RuntimeDefault' || t === 'Localhost';
  for (const c of allContainers(spec)) {
    const where = `container ${c.name}`;
    const sc = c.securityContext ?? {};
    if (sc.allowPrivilegeEscalation !== false) out.push(`${where}: allowPrivilegeEscalation must be false`);
    const nonRoot = sc.runAsNonRoot ?? podSc.runAsNonRoot;
    if (nonRoot !== true) out.push(`${where}: runAsNonRoot must be true (on the pod or the container)`);
    if (sc.runAsUser === 0) out.push(`${where}: runAsUser must not be 0`);
    const seccomp = sc.seccompProfile?.type ?? podSc.seccompProfile?.type;
    if (!seccompOk(seccomp)) out.push(`${where}: seccompProfile must be RuntimeDefault or Localhost`);
    const caps = sc.capabilities ?? {};
    if (!(caps.drop ?? []).includes('ALL')) out.push(`${where}: capabilities must drop ALL`);
    for (const cap of caps.add ?? []) {
      if (cap !== 'NET_BIND_SERVICE') out.push(`${where}: only NET_BIND_SERVICE may be added (found ${cap})`);
    }
  }
  return out;
}

const isSidecar = (c: Plain) => c.restartPolicy === 'Always';
const isExporter = (c: Plain) => /(^|-)exporter$/.test(String(c.name));

/** The house rules on top of the standard: resources, probes, read-only root filesystem. */
export function houseRuleViolations(pod: PodUnderTest): string[] {
  const { spec, kind } = pod;
  const out: string[] = [];
  const runsToCompletion = kind === 'Job' || kind === 'CronJob';
  const longRunning = [...(spec.initContainers ?? []).filter(isSidecar), ...(spec.containers ?? [])];
  for (const c of allContainers(spec)) {
    const where = `container ${c.name}`;
    const r = c.resources ?? {};
    if (!r.requests?.cpu) out.push(`${where}: no cpu request`);
    if (!r.requests?.memory) out.push(`${where}: no memory request`);
    if (!r.limits?.memory) out.push(`${where}: no memory limit`);
    if (c.securityContext?.readOnlyRootFilesystem !== true) out.push(`${where}: readOnlyRootFilesystem must be true`);
  }
  for (const c of longRunning) {
    const where = `container ${c.name}`;
    if (!c.livenessProbe) out.push(`${where}: no liveness probe`);
    if (!c.readinessProbe && !isExporter(c) && !runsToCompletion) out.push(`${where}: no readiness probe`);
  }
  return out;
}

/** Every violation of the restricted profile and the house rules. */
export function podViolations(pod: PodUnderTest): string[] {
  return [...restrictedViolations(pod), ...houseRuleViolations(pod)];
}

/** A pod that passes every check, to break one thing at a time. */
function goodPod(): PodUnderTest {
  const container = {
    name: 'app',
    image: 'example/app:1',
    ports: [{ name: 'http', containerPort: 8080 }],
    resources: { requests: { cpu: '100m', memory: '64Mi' }, limits: { memory: '128Mi' } },
    livenessProbe: { httpGet: { path: '/healthz', port: 'http' } },
    readinessProbe: { httpGet: { path: '/ready', port: 'http' } },
    securityContext: {
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
    },
  };
  return {
    kind: 'Deployment',
    metadata: {},
    spec: {
      securityContext: { runAsNonRoot: true, runAsUser: 65534, seccompProfile: { type: 'RuntimeDefault' } },
      containers: [container],
      volumes: [{ name: 'tmp', emptyDir: {} }],
    },
  };
}

function broken(edit: (pod: Plain) => void): PodUnderTest {
  const pod = structuredClone(goodPod()) as Plain;
  edit(pod);
  return pod as PodUnderTest;
}

describe('the pod checker', () => {
  it('accepts a pod that follows every rule', () => {
    expect(podViolations(goodPod())).toEqual([]);
  });

  it.each<[string, (p: Plain) => void, string]>([
    ['host network', (p) => (p.spec.hostNetwork = true), 'spec.hostNetwork must not be true'],
    ['host PID', (p) => (p.spec.hostPID = true), 'spec.hostPID must not be true'],
    ['host IPC', (p) => (p.spec.hostIPC = true), 'spec.hostIPC must not be true'],
    ['a hostPath volume', (p) => p.spec.volumes.push({ name: 'h', hostPath: { path: '/' } }), 'hostPath'],
    [
      'a disallowed volume type',
      (p) => p.spec.volumes.push({ name: 'n', nfs: { server: 'x', path: '/' } }),
      'type nfs',
    ],
    ['a host port', (p) => (p.spec.containers[0].ports[0].hostPort = 80), 'hostPort 80'],
    ['privileged', (p) => (p.spec.containers[0].securityContext.privileged = true), 'privileged'],
    ['privilege escalation', (p) => delete p.spec.containers[0].securityContext.allowPrivilegeEscalation, 'allowPriv'],
    ['root', (p) => (p.spec.securityContext.runAsNonRoot = false), 'runAsNonRoot must be true'],
    ['uid 0 on the pod', (p) => (p.spec.securityContext.runAsUser = 0), 'pod: runAsUser must not be 0'],
    ['uid 0 in a container', (p) => (p.spec.containers[0].securityContext.runAsUser = 0), 'runAsUser must not be 0'],
    ['no seccomp profile', (p) => delete p.spec.securityContext.seccompProfile, 'seccompProfile must be'],
    [
      'an unconfined seccomp profile',
      (p) => (p.spec.containers[0].securityContext.seccompProfile = { type: 'Unconfined' }),
      'seccomp profile must not be Unconfined',
    ],
    ['capabilities not dropped', (p) => (p.spec.containers[0].securityContext.capabilities.drop = []), 'drop ALL'],
    [
      'a capability added',
      (p) => (p.spec.containers[0].securityContext.capabilities.add = ['NET_ADMIN']),
      'capability NET_ADMIN may not be added',
    ],
    [
      'an allowed-by-baseline capability added',
      (p) => (p.spec.containers[0].securityContext.capabilities.add = ['CHOWN']),
      'only NET_BIND_SERVICE may be added (found CHOWN)',
    ],
    ['an unsafe sysctl', (p) => (p.spec.securityContext.sysctls = [{ name: 'kernel.msgmax', value: '1' }]), 'sysctl'],
    ['an unmasked /proc', (p) => (p.spec.containers[0].securityContext.procMount = 'Unmasked'), 'procMount'],
    [
      'AppArmor unconfined (field)',
      (p) => (p.spec.securityContext.appArmorProfile = { type: 'Unconfined' }),
      'AppArmor profile must not be Unconfined',
    ],
    [
      'AppArmor unconfined (annotation)',
      (p) => (p.metadata.annotations = { [`${APPARMOR_ANNOTATION}app`]: 'unconfined' }),
      'AppArmor profile unconfined',
    ],
    [
      'a custom SELinux type',
      (p) => (p.spec.containers[0].securityContext.seLinuxOptions = { type: 'spc_t' }),
      'SELinux type spc_t',
    ],
    ['a SELinux user', (p) => (p.spec.securityContext.seLinuxOptions = { user: 'root' }), 'SELinux user'],
    [
      'a writable root filesystem',
      (p) => delete p.spec.containers[0].securityContext.readOnlyRootFilesystem,
      'readOnly',
    ],
    ['no cpu request', (p) => delete p.spec.containers[0].resources.requests.cpu, 'no cpu request'],
    ['no memory request', (p) => delete p.spec.containers[0].resources.requests.memory, 'no memory request'],
    ['no memory limit', (p) => delete p.spec.containers[0].resources.limits, 'no memory limit'],
    ['no liveness probe', (p) => delete p.spec.containers[0].livenessProbe, 'no liveness probe'],
    ['no readiness probe', (p) => delete p.spec.containers[0].readinessProbe, 'no readiness probe'],
  ])('rejects %s', (_, edit, expected) => {
    const problems = podViolations(broken(edit));
    expect(
      problems.some((p) => p.includes(expected)),
      problems.join('\n'),
    ).toBe(true);
  });

  it('checks init containers and sidecars like the main containers', () => {
    const pod = broken((p) => {
      p.spec.initContainers = [
        { ...structuredClone(p.spec.containers[0]), name: 'init', securityContext: {} },
        {
          ...structuredClone(p.spec.containers[0]),
          name: 'sidecar',
          restartPolicy: 'Always',
          livenessProbe: undefined,
        },
      ];
    });
    const problems = podViolations(pod);
    expect(problems).toContain('container init: allowPrivilegeEscalation must be false');
    expect(problems).toContain('container sidecar: no liveness probe');
    expect(problems.filter((p) => p.startsWith('container init:') && p.includes('probe'))).toEqual([]);
  });

  it('accepts runAsNonRoot and seccomp set on every container instead of the pod', () => {
    const pod = broken((p) => {
      p.spec.securityContext = {};
      p.spec.containers[0].securityContext.runAsNonRoot = true;
      p.spec.containers[0].securityContext.seccompProfile = { type: 'Localhost', localhostProfile: 'x.json' };
    });
    expect(podViolations(pod)).toEqual([]);
  });

  it('lets an exporter go without a readiness probe, but not without a liveness probe', () => {
    const exporter = (p: Plain) => {
      p.spec.containers.push({ ...structuredClone(p.spec.containers[0]), name: 'exporter', readinessProbe: undefined });
    };
    expect(podViolations(broken(exporter))).toEqual([]);
    const withoutLiveness = broken((p) => {
      exporter(p);
      p.spec.containers[1].livenessProbe = undefined;
    });
    expect(podViolations(withoutLiveness)).toEqual(['container exporter: no liveness probe']);
  });
});

describe('every rendered pod', () => {
  const rendered = renderAll();
  const pods = rendered.flatMap((r) =>
    podSpecs(plainObjects(r)).map(({ owner, spec, metadata }) => ({
      name: `${r.env}: ${objectName(owner)}`,
      pod: { kind: owner.kind, spec, metadata } satisfies PodUnderTest,
    })),
  );

  it('exists (the checks below are not vacuous)', () => {
    expect(pods.length).toBeGreaterThan(10);
    expect(new Set(rendered.map((r) => r.env))).toContain('everything');
  });

  it.each(pods)('$name follows the restricted profile and the house rules', ({ pod }) => {
    expect(podViolations(pod)).toEqual([]);
  });
});
