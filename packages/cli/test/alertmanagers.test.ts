/** Alertmanagers behind a headless Service: every replica gets alerts, and a plain URL is warned about at its line. */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { cli, tempDir } from './helpers.js';

const env = (url: string) =>
  [
    'name: lab',
    'cluster: { name: lab }',
    'objectStorage: { provider: s3, bucket: lab-thanos, region: eu-west-1 }',
    'ruler:',
    '  enabled: true',
    '  alertmanagers:',
    `    - ${url}`,
    '',
  ].join('\n');

async function generate(url: string) {
  const dir = tempDir('alertmanagers-');
  mkdirSync(join(dir, 'environments'));
  writeFileSync(join(dir, 'environments', 'lab.yaml'), env(url));
  const run = await cli(['generate', '--environments', join(dir, 'environments'), '--clusters', join(dir, 'clusters')]);
  const sts = parse(readFileSync(join(dir, 'clusters/lab/ruler/stateful-set-thanos-rule.yaml'), 'utf8'));
  const args: string[] = sts.spec.template.spec.containers[0].args;
  return { run, urls: args.filter((a) => a.startsWith('--alertmanagers.url=')).map((a) => a.split('=')[1]) };
}

describe('alertmanager URLs', () => {
  it('resolves a headless Service with dns+ and warns at its line', async () => {
    const { run, urls } = await generate('http://alertmanager-operated.monitoring.svc:9093');
    expect(run.code).toBe(0);
    expect(urls).toEqual(['dns+http://alertmanager-operated.monitoring.svc:9093']);
    expect(run.err).toMatch(/^warning .*lab\.yaml:7:7 ruler\.alertmanagers\[0\]: looks like a headless Service/m);
  });

  it('keeps URLs with discovery, or of ordinary Services, as written and says nothing', async () => {
    for (const url of [
      'dnssrv+http://_web._tcp.alertmanager-operated.monitoring.svc.cluster.local',
      'dns+http://alertmanager-operated.monitoring.svc:9093',
      'http://alertmanager.monitoring.svc:9093',
    ]) {
      const { run, urls } = await generate(url);
      expect(run.code, url).toBe(0);
      expect(urls).toEqual([url]);
      expect(run.err, url).not.toContain('warning');
    }
  });
});
