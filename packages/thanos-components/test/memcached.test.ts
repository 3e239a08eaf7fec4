/** memcached's command line, the item sizes it refuses to start with, its exporter and its pod. */
import { describe, expect, it } from 'vitest';
import { memcachedArgs } from '../src/memcached.js';
import { find, render } from './support/render.js';

const INDEX = (memcached: string) => `storeGateway: { indexCache: { type: memcached, memcached: { ${memcached} } } }\n`;
const sts = (yaml: string) => find(render(yaml), 'StatefulSet', 'thanos-memcached-index');

describe('memcached', () => {
  it('starts with its memory, item size, connections, threads and port, verbose only when small', () => {
    const options = { memoryLimitMb: 1024, maxItemSize: '2m', connectionLimit: 4096, threads: 4 } as Parameters<
      typeof memcachedArgs
    >[0];
    expect(memcachedArgs(options, 'medium')).toEqual([
      '-m',
      '1024',
      '-I',
      '2m',
      '-c',
      '4096',
      '-t',
      '4',
      '-p',
      '11211',
    ]);
    expect(memcachedArgs(options)).toEqual(['-m', '1024', '-I', '2m', '-c', '4096', '-t', '4', '-p', '11211', '-v']);
    const args = sts(INDEX('connectionLimit: 2048, threads: 2')).spec.template.spec.containers[0].args;
    expect(args.slice(4, 8)).toEqual(['-c', '2048', '-t', '2']);
  });

  it('refuses item sizes below 1k and above 1024m, at the option', () => {
    const problems = (size: string, memory = 4096) =>
      render(INDEX(`memoryLimitMb: ${memory}, maxItemSize: ${size}`), { expectProblems: true }).problems;
    const at = ['storeGateway', 'indexCache', 'memcached', 'maxItemSize'];
    expect(problems('512k')).toEqual([]);
    expect(problems('0k')).toEqual([{ path: at, message: 'must be at least 1k (found "0k")' }]);
    expect(problems('1k')).toEqual([]);
    expect(problems('1024m', 4096)).toEqual([]);
    expect(problems('1025m', 4096)).toEqual([{ path: at, message: 'must be at most 1024m (found "1025m")' }]);
    expect(problems('2048m', 8192)).toEqual([{ path: at, message: 'must be at most 1024m (found "2048m")' }]);
    expect(problems('2048m', 4096)).toEqual([{ path: at, message: 'must be at most 1024m (found "2048m")' }]);
    // Exactly half of the memory is accepted.
    expect(problems('32m', 64)).toEqual([]);
    expect(problems('33m', 64)).toEqual([
      {
        path: at,
        message: 'must be at most half of memoryLimitMb (64), or memcached refuses to start (found "33m")',
      },
    ]);
  });

  it('exports metrics from the local memcached on 9150, probed on that port', () => {
    const exporter = sts(INDEX('memoryLimitMb: 512')).spec.template.spec.containers[1];
    expect(exporter.name).toBe('exporter');
    expect(exporter.args).toEqual(['--memcached.address=localhost:11211', '--web.listen-address=:9150']);
    expect(exporter.ports).toEqual([{ name: 'metrics', containerPort: 9150, protocol: 'TCP' }]);
    expect(exporter.livenessProbe).toEqual({
      tcpSocket: { port: 'metrics' },
      periodSeconds: 30,
      timeoutSeconds: 5,
      failureThreshold: 3,
    });
    expect(exporter.readinessProbe).toEqual({
      tcpSocket: { port: 'metrics' },
      periodSeconds: 10,
      timeoutSeconds: 5,
      failureThreshold: 3,
    });
    expect(exporter.resources).toEqual({ requests: { cpu: '10m', memory: '32Mi' }, limits: { memory: '64Mi' } });
    expect(exporter.imagePullPolicy).toBe('IfNotPresent');
    expect(exporter.terminationMessagePolicy).toBe('FallbackToLogsOnError');
  });

  it('probes memcached on its port, requests all the memory it limits, and stops within 30 s', () => {
    const pod = sts(INDEX('memoryLimitMb: 512, cpu: 250m')).spec.template.spec;
    const [m] = pod.containers;
    expect(m.ports).toEqual([{ name: 'memcached', containerPort: 11211, protocol: 'TCP' }]);
    expect(m.livenessProbe).toEqual({
      tcpSocket: { port: 'memcached' },
      periodSeconds: 10,
      timeoutSeconds: 5,
      failureThreshold: 3,
    });
    expect(m.readinessProbe).toEqual({
      tcpSocket: { port: 'memcached' },
      periodSeconds: 5,
      timeoutSeconds: 3,
      failureThreshold: 3,
    });
    expect(m.resources.requests.memory).toBe(m.resources.limits.memory);
    expect(m.resources.requests.cpu).toBe('250m');
    expect(m.imagePullPolicy).toBe('IfNotPresent');
    expect(m.terminationMessagePolicy).toBe('FallbackToLogsOnError');
    expect(pod.terminationGracePeriodSeconds).toBe(30);
    expect(pod.serviceAccountName).toBe('thanos-memcached-index');
    expect(pod.securityContext).toMatchObject({ runAsUser: 11211, runAsGroup: 11211, fsGroup: 11211 });
  });

  it('has its own ServiceAccount without an API token, and versions its labels by the image tag', () => {
    const r = render(INDEX('memoryLimitMb: 512'));
    expect(find(r, 'ServiceAccount', 'thanos-memcached-index').automountServiceAccountToken).toBe(false);
    const labels = find(r, 'StatefulSet', 'thanos-memcached-index').metadata.labels;
    expect(labels['app.kubernetes.io/version']).toBe(r.env.images.memcached.tag.split('-')[0]);
    expect(labels['app.kubernetes.io/version']).not.toContain('alpine');
    expect(labels['app.kubernetes.io/name']).toBe('memcached');
    const own = r.manifests.filter((x) => x.component === 'memcached').map((x) => x.object.kind);
    expect(own.sort()).toEqual(['PodDisruptionBudget', 'Service', 'ServiceAccount', 'ServiceMonitor', 'StatefulSet']);
  });
});
