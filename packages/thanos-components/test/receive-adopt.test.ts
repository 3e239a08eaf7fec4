/**
 * `receive.hashrings[].adopt`: an ingestor StatefulSet taken over from another tool keeps its name (so its pods,
 * claims and `replica` label) and, with `tsdbAtVolumeRoot`, finds its TSDB at the root of the volume; the routers'
 * hashrings file reaches its pods through the hashring's Service.
 */
import { describe, expect, it } from 'vitest';
import { find, render } from './support/render.js';

const thanos = (workload: Record<string, any>) =>
  workload.spec.template.spec.containers.find((c: { name: string }) => c.name === 'thanos');

describe('an adopted ingestor StatefulSet', () => {
  it('keeps the old name and claim template, and mounts the volume at the TSDB path', () => {
    const r = render(
      'receive:\n  hashrings:\n    - name: default\n      replicas: 2\n      storage: 50Gi\n' +
        '      adopt: { statefulSet: thanos-receive, tsdbAtVolumeRoot: true }\n',
    );
    const sts = find(r, 'StatefulSet', 'thanos-receive');
    expect(sts.spec.serviceName).toBe('thanos-receive-ingestor-default');
    expect(sts.spec.volumeClaimTemplates.map((t: any) => t.metadata.name)).toEqual(['data']);
    expect(thanos(sts).volumeMounts).toContainEqual({ name: 'data', mountPath: '/var/thanos/receive' });
    expect(thanos(sts).args).toContain('--tsdb.path=/var/thanos/receive');
    expect(
      r.objects.some((o) => o.kind === 'StatefulSet' && o.metadata.name === 'thanos-receive-ingestor-default'),
    ).toBe(false);
    const hashrings = find(r, 'ConfigMap', 'thanos-receive-hashrings').data['hashrings.json'];
    expect(hashrings).toContain('thanos-receive-0.thanos-receive-ingestor-default.');
    expect(hashrings).toContain('thanos-receive-1.thanos-receive-ingestor-default.');
  });

  it("keeps the TSDB in the volume's receive/ folder without tsdbAtVolumeRoot", () => {
    const r = render('receive:\n  hashrings:\n    - name: default\n      adopt: { statefulSet: thanos-receive }\n');
    const sts = find(r, 'StatefulSet', 'thanos-receive');
    expect(thanos(sts).volumeMounts).toContainEqual({ name: 'data', mountPath: '/var/thanos' });
    expect(thanos(sts).args).toContain('--tsdb.path=/var/thanos/receive');
  });
});
