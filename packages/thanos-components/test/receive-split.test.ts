/**
 * Split-mode receive, pinned whole: the exact command line of routers and ingestors (a flag that moves from one
 * to the other changes Thanos' mode), the files they mount, the objects each renders, and the located problems
 * for extra args that would break the split. Each case renders inside the test.
 */
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ingestorSeriesLabels, receive } from '../src/receive.js';
import { argsOf, find, type Rendered, render } from './support/render.js';

const LIMITS = '  limits:\n    write:\n      global: { max_concurrency: 10 }\n';
const thanos = (workload: Record<string, any>) =>
  workload.spec.template.spec.containers.find((c: { name: string }) => c.name === 'thanos');
const receiveNames = (r: Rendered) =>
  r.manifests.filter((m) => m.component === 'receive').map((m) => `${m.object.kind}/${m.object.metadata?.name}`);

describe('receive router', () => {
  it('routes by the hashrings file, with tenancy and limits, and nothing that stores', () => {
    const r = render(`receive:\n  replicationFactor: 3\n  hashrings: [{ name: default, replicas: 3 }]\n${LIMITS}`);
    const router = find(r, 'Deployment', 'thanos-receive-router');
    expect(argsOf(router)).toEqual([
      'receive',
      '--log.level=info',
      '--log.format=logfmt',
      '--enable-auto-gomemlimit',
      '--grpc-address=127.0.0.1:10901',
      '--receive.capnproto-address=127.0.0.1:19391',
      '--http-address=0.0.0.0:10902',
      '--remote-write.address=0.0.0.0:19291',
      '--label=receive="true"',
      '--receive.hashrings-file=/etc/thanos/hashrings/hashrings.json',
      '--receive.hashrings-algorithm=ketama',
      '--receive.replication-factor=3',
      '--receive.tenant-header=THANOS-TENANT',
      '--receive.default-tenant-id=default-tenant',
      '--receive.tenant-label-name=tenant_id',
      '--receive.limits-config-file=/etc/thanos/limits/limits.yaml',
      '--http-grace-period=90s',
      '--grpc-grace-period=90s',
    ]);
    expect(thanos(router).volumeMounts).toEqual([
      { name: 'hashrings', mountPath: '/etc/thanos/hashrings', readOnly: true },
      { name: 'limits', mountPath: '/etc/thanos/limits', readOnly: true },
    ]);
    expect(router.spec.template.spec.volumes).toEqual([
      { name: 'hashrings', configMap: { name: 'thanos-receive-hashrings' } },
      { name: 'limits', configMap: { name: 'thanos-receive-limits' } },
    ]);
    expect(Object.keys(router.spec.template.metadata.annotations)).toEqual([
      'thanos-gitops/hashrings-hash',
      'thanos-gitops/limits-hash',
    ]);
    expect(find(r, 'ConfigMap', 'thanos-receive-limits').data).toEqual({
      'limits.yaml': 'write:\n  global:\n    max_concurrency: 10\n',
    });
    const hashrings = find(r, 'ConfigMap', 'thanos-receive-hashrings');
    expect(Object.keys(hashrings.data)).toEqual(['hashrings.json']);
    expect(parse(hashrings.data['hashrings.json'])).toHaveLength(1);
    expect(hashrings.metadata.labels['app.kubernetes.io/component']).toBe('receive-router');
  });

  it('mounts only the hashrings without limits', () => {
    const router = find(render(''), 'Deployment', 'thanos-receive-router');
    expect(argsOf(router).filter((a) => a.includes('limits'))).toEqual([]);
    expect(thanos(router).volumeMounts).toEqual([
      { name: 'hashrings', mountPath: '/etc/thanos/hashrings', readOnly: true },
    ]);
    expect(Object.keys(router.spec.template.metadata.annotations)).toEqual(['thanos-gitops/hashrings-hash']);
  });

  it('follows the tenancy and hashring options', () => {
    const r = render(
      'receive:\n  tenantHeader: X-Scope-OrgID\n  defaultTenant: anonymous\n  tenantLabel: tenant\n  hashringAlgorithm: hashmod\n',
    );
    const args = argsOf(find(r, 'Deployment', 'thanos-receive-router'));
    expect(args).toEqual(
      expect.arrayContaining([
        '--receive.hashrings-algorithm=hashmod',
        '--receive.tenant-header=X-Scope-OrgID',
        '--receive.default-tenant-id=anonymous',
        '--receive.tenant-label-name=tenant',
      ]),
    );
    const ingestor = argsOf(find(r, 'StatefulSet', 'thanos-receive-ingestor-default'));
    expect(ingestor).toEqual(
      expect.arrayContaining(['--receive.tenant-header=X-Scope-OrgID', '--receive.tenant-label-name=tenant']),
    );
  });

  it('runs the configured number of routers', () => {
    expect(
      find(render('receive:\n  router:\n    replicas: 4\n'), 'Deployment', 'thanos-receive-router').spec.replicas,
    ).toBe(4);
  });
});

describe('receive ingestors', () => {
  it('store only: TSDB, replica labels, tenancy, object storage; no hashrings', () => {
    const r = render('receive:\n  retention: 3d\n');
    const sts = find(r, 'StatefulSet', 'thanos-receive-ingestor-default');
    expect(argsOf(sts)).toEqual([
      'receive',
      '--log.level=info',
      '--log.format=logfmt',
      '--enable-auto-gomemlimit',
      '--grpc-address=0.0.0.0:10901',
      '--http-address=0.0.0.0:10902',
      '--remote-write.address=127.0.0.1:19291',
      '--receive.capnproto-address=127.0.0.1:19391',
      '--tsdb.path=/var/thanos/receive',
      '--tsdb.retention=3d',
      '--label=replica="$(POD_NAME)"',
      '--label=receive="true"',
      '--receive.tenant-header=THANOS-TENANT',
      '--receive.default-tenant-id=default-tenant',
      '--receive.tenant-label-name=tenant_id',
      '--http-grace-period=120s',
      '--grpc-grace-period=120s',
      '--objstore.config-file=/etc/thanos/objstore/objstore.yml',
    ]);
    expect(thanos(sts).volumeMounts).toEqual([
      { name: 'data', mountPath: '/var/thanos' },
      { name: 'objstore', mountPath: '/etc/thanos/objstore', readOnly: true },
    ]);
    expect(thanos(sts).env).toEqual([{ name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }]);
    expect(sts.spec.template.spec.serviceAccountName).toBe('thanos-receive-ingestor');
  });

  it('keep their volumes when scaled down or deleted', () => {
    const sts = find(render(''), 'StatefulSet', 'thanos-receive-ingestor-default');
    expect(sts.spec.persistentVolumeClaimRetentionPolicy).toEqual({ whenDeleted: 'Retain', whenScaled: 'Retain' });
  });

  it('render their objects per hashring, and shared ones once', () => {
    const r = render('receive:\n  router:\n    replicas: 1\n  hashrings: [{ name: a, tenants: [x] }, { name: b }]\n');
    expect(receiveNames(r)).toEqual([
      'ServiceAccount/thanos-receive-router',
      'ConfigMap/thanos-receive-hashrings',
      'Deployment/thanos-receive-router',
      'Service/thanos-receive-router',
      'ServiceMonitor/thanos-receive-router',
      'ServiceAccount/thanos-receive-ingestor',
      'StatefulSet/thanos-receive-ingestor-a',
      'Service/thanos-receive-ingestor-a',
      'PodDisruptionBudget/thanos-receive-ingestor-a',
      'StatefulSet/thanos-receive-ingestor-b',
      'Service/thanos-receive-ingestor-b',
      'PodDisruptionBudget/thanos-receive-ingestor-b',
      'ServiceMonitor/thanos-receive-ingestor',
    ]);
    expect(find(r, 'Service', 'thanos-receive-ingestor-a').spec.clusterIP).toBe('None');
  });
});

describe('extra args that would break split mode', () => {
  const SPLIT = 'split mode keeps routing on the routers and storage on the ingestors';
  const guard = (yaml: string) =>
    render(yaml, { expectProblems: true })
      .problems.filter((p) => p.message.includes('split mode'))
      .map((p) => [p.path.join('.'), p.message]);

  it('are reported at the arg, with what they would do', () => {
    expect(
      guard("receive:\n  router:\n    extraArgs: ['--log.level=debug', '--receive.local-endpoint=127.0.0.1:10901']\n"),
    ).toEqual([['receive.router.extraArgs.1', `--receive.local-endpoint would make the routers ingest too; ${SPLIT}`]]);
    for (const flag of ['receive.hashrings-file', 'receive.hashrings', 'receive.local-endpoint']) {
      const yaml = `receive:\n  hashrings:\n    - name: default\n      extraArgs: ['--tsdb.no-lockfile', '--${flag}=x']\n`;
      expect(guard(yaml), flag).toEqual([
        ['receive.hashrings.0.extraArgs.1', `--${flag} would make the ingestors route too; ${SPLIT}`],
      ]);
    }
  });

  it('leave the routers their own hashring flags', () => {
    expect(guard("receive:\n  router:\n    extraArgs: ['--receive.hashrings={}']\n")).toEqual([]);
  });
});

describe('receive options reported where they are written', () => {
  it('locates a problem of a router or ingestor option at its own section', () => {
    const r = render(
      "receive:\n  router:\n    extraArgs: ['--log.level=debug']\n  hashrings:\n    - name: default\n      extraArgs: ['--log.level=debug']\n",
      { expectProblems: true },
    );
    expect(r.problems.map((p) => p.path.join('.'))).toEqual([
      'receive.router.extraArgs.0',
      'receive.hashrings.0.extraArgs.0',
    ]);
  });

  it('names the labels ingestors add to every series, and none without receive', () => {
    const env = (yaml: string) => render(yaml).env;
    expect(ingestorSeriesLabels(env('receive:\n  tenantLabel: tenant\n'))).toEqual(['replica', 'receive', 'tenant']);
    expect(ingestorSeriesLabels(env('receive:\n  enabled: false\n'))).toEqual([]);
    expect(receive({ env: env('receive:\n  enabled: false\n') } as Parameters<typeof receive>[0])).toEqual([]);
  });
});
