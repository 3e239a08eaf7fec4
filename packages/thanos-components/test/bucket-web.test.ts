import { describe, expect, it } from 'vitest';
import { argsOf, find, flagValues, render } from './support/render.js';

describe('bucket web', () => {
  it('renders nothing unless enabled', () => {
    const r = render();
    expect(r.objects.filter((o) => o.metadata?.name === 'thanos-bucket-web')).toEqual([]);
  });

  it('runs `thanos tools bucket web` read-only against the bucket', () => {
    const r = render('bucketWeb: { enabled: true, refresh: 1h, timeout: 10m }\n');
    expect(r.problems).toEqual([]);
    const deployment = find(r, 'Deployment', 'thanos-bucket-web');
    const args = argsOf(deployment);
    expect(args.slice(0, 3)).toEqual(['tools', 'bucket', 'web']);
    expect(flagValues(args, 'http-address')).toEqual(['0.0.0.0:10902']);
    expect(flagValues(args, 'refresh')).toEqual(['1h']);
    expect(flagValues(args, 'timeout')).toEqual(['10m']);
    expect(flagValues(args, 'objstore.config-file')).toEqual(['/etc/thanos/objstore/objstore.yml']);
    expect(args).toContain('--disable-admin-operations');
    expect(deployment.spec.template.spec.serviceAccountName).toBe('thanos-bucket-web');
    expect(find(r, 'ServiceAccount', 'thanos-bucket-web').automountServiceAccountToken).toBe(false);
  });

  it('groups blocks by tenant by default, or by the chosen label', () => {
    const byTenant = argsOf(find(render('bucketWeb: { enabled: true }\n'), 'Deployment', 'thanos-bucket-web'));
    expect(flagValues(byTenant, 'label')).toEqual(['tenant_id']);
    const chosen = argsOf(
      find(render('bucketWeb: { enabled: true, label: cluster }\n'), 'Deployment', 'thanos-bucket-web'),
    );
    expect(flagValues(chosen, 'label')).toEqual(['cluster']);
    const noReceive = argsOf(
      find(render('bucketWeb: { enabled: true }\nreceive: { enabled: false }\n'), 'Deployment', 'thanos-bucket-web'),
    );
    expect(flagValues(noReceive, 'label')).toEqual([]);
  });

  it('is reachable and scraped on its http port', () => {
    const r = render('bucketWeb: { enabled: true }\n');
    const svc = find(r, 'Service', 'thanos-bucket-web');
    expect(svc.spec.ports).toEqual([expect.objectContaining({ name: 'http', port: 10902, targetPort: 'http' })]);
    expect(svc.spec.selector).toEqual(find(r, 'Deployment', 'thanos-bucket-web').spec.selector.matchLabels);
    expect(find(r, 'ServiceMonitor', 'thanos-bucket-web').spec.endpoints[0].port).toBe('http');
  });

  it('has a disruption budget with more than one replica only', () => {
    const one = render('bucketWeb: { enabled: true }\n');
    expect(one.objects.some((o) => o.kind === 'PodDisruptionBudget' && o.metadata.name === 'thanos-bucket-web')).toBe(
      false,
    );
    const two = render('bucketWeb: { enabled: true, replicas: 2 }\n');
    expect(find(two, 'PodDisruptionBudget', 'thanos-bucket-web').spec.maxUnavailable).toBe(1);
    expect(find(two, 'Deployment', 'thanos-bucket-web').spec.replicas).toBe(2);
  });
});
