/**
 * The escape hatches' rules that need the generated pods (pod-options.ts): each `extraArgs` and `extraVolumes` entry
 * is checked against every pod its section feeds, and each distinct problem is reported once at the entry.
 */
import { NO_TLS } from '@thanos-gitops/model';
import { describe, expect, it } from 'vitest';
import type { RenderContext } from '../src/context.js';
import { checkPodOptions } from '../src/pod-options.js';
import { render } from './support/render.js';

const problems = (yaml: string) => render(yaml, { expectProblems: true }).problems;

describe('extraArgs', () => {
  it('an unknown or malformed flag, with the release it is checked against', () => {
    expect(problems('query:\n  extraArgs: [--query.no-such-thing=1]\n')).toEqual([
      {
        path: ['query', 'extraArgs', 0],
        message: expect.stringMatching(/^unknown flag --query\.no-such-thing for thanos query \(v0\.42\.4\)/),
      },
    ]);
  });

  it('a flag the generator sets, which may not repeat', () => {
    expect(problems('compactor:\n  extraArgs: [--objstore.config-file=/etc/other/objstore.yml]\n')).toEqual([
      {
        path: ['compactor', 'extraArgs', 0],
        message: 'objstore.config-file is already set by the generator; change the modelled option instead',
      },
    ]);
  });

  it('a repeatable flag the generator sets too is fine', () => {
    expect(problems('query:\n  extraArgs: [--query.replica-label=cluster]\n')).toEqual([]);
  });

  it('the inline twin of a generated file flag', () => {
    expect(problems('compactor:\n  extraArgs: ["--objstore.config=type: S3"]\n')).toEqual([
      {
        path: ['compactor', 'extraArgs', 0],
        message:
          'objstore.config would compete with --objstore.config-file, which the generator sets: Thanos reads only ' +
          'one of the two. Change the modelled option instead (credentials never go into flags: pods get them from ' +
          'their identity)',
      },
    ]);
  });

  it('the twin of an earlier entry, reported at the later one', () => {
    const yaml =
      'query:\n  extraArgs:\n    - --tracing.config-file=/etc/tracing.yml\n    - "--tracing.config=type: JAEGER"\n';
    expect(problems(yaml)).toEqual([
      {
        path: ['query', 'extraArgs', 1],
        message:
          'tracing.config would compete with tracing.config-file of extraArgs[0]: Thanos reads only one of the two; ' +
          'keep one',
      },
    ]);
  });

  it('once per section, however many pods it feeds (every store shard)', () => {
    const found = problems("storeGateway:\n  shards: 3\n  extraArgs: ['--http-address=0.0.0.0:1']\n");
    expect(found).toHaveLength(1);
    expect(found[0]?.path).toEqual(['storeGateway', 'extraArgs', 0]);
  });
});

describe('extraVolumes', () => {
  it('a name the generator gives a volume of the pod', () => {
    expect(problems('compactor:\n  extraVolumes: [{ name: data, mountPath: /more-data, emptyDir: {} }]\n')).toEqual([
      {
        path: ['compactor', 'extraVolumes', 0, 'name'],
        message: '"data" is a volume the generator creates in this pod; choose another name',
      },
    ]);
  });

  it('a mount path the generator uses, or one above it', () => {
    expect(
      problems('storeGateway:\n  extraVolumes: [{ name: extra, mountPath: /etc/thanos/objstore/, configMap: c }]\n'),
    ).toEqual([
      {
        path: ['storeGateway', 'extraVolumes', 0, 'mountPath'],
        message:
          '"/etc/thanos/objstore" is "/etc/thanos/objstore", where the generator mounts volume "objstore"; mount it elsewhere',
      },
    ]);
    expect(problems('query:\n  extraVolumes: [{ name: extra, mountPath: /etc/thanos, configMap: c }]\n')).toEqual([
      {
        path: ['query', 'extraVolumes', 0, 'mountPath'],
        message:
          '"/etc/thanos" overlaps "/etc/thanos/endpoints", where the generator mounts volume "endpoints"; mount it elsewhere',
      },
    ]);
  });

  it('a name the generator gives a pod volume that no container of the pod mounts', () => {
    const { env } = render();
    const found: { path: (string | number)[]; message: string }[] = [];
    const ctx: RenderContext = {
      env,
      file: 'environments/test.yaml',
      identity: { objstoreConfig: '', forComponent: () => ({ serviceAccountAnnotations: {}, podLabels: {}, env: [] }) },
      tls: { forComponent: () => NO_TLS },
      report: (path, message) => found.push({ path: [...path], message }),
    };
    const options = { ...env.query, extraVolumes: [{ name: 'shards', mountPath: '/etc/extra', emptyDir: {} }] };
    const generated = {
      command: 'query' as const,
      args: [],
      volumes: [
        { name: 'shards', configMap: { name: 'thanos-shards' } },
        { name: 'other', configMap: { name: 'other' } },
      ],
      mounts: [],
      annotations: {},
    };
    checkPodOptions(ctx, [{ optionsPath: ['query'], options: options as never, generated }]);
    expect(found).toEqual([
      {
        path: ['query', 'extraVolumes', 0, 'name'],
        message: '"shards" is a volume the generator creates in this pod; choose another name',
      },
    ]);
  });

  it('a free name and path are fine', () => {
    expect(problems('query:\n  extraVolumes: [{ name: extra, mountPath: /etc/extra, configMap: c }]\n')).toEqual([]);
  });
});
