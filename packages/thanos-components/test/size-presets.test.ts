/** The size presets are visible: the table of docs/operate.md and the schema's `size` description show what pods get. */
import { readFileSync } from 'node:fs';
import {
  CHUNK_CACHE_TITLE,
  groupedDigits,
  REQUEST_LIMIT_TITLES,
  sizePresetRows,
  sizePresetTable,
} from '@thanos-gitops/catalog';
import { EnvironmentSchema } from '@thanos-gitops/schema';
import { describe, expect, it } from 'vitest';
import { argsOf, find, flagValues, render } from './support/render.js';

const README = readFileSync(new URL('../../../docs/operate.md', import.meta.url), 'utf8');

/** The cells of the README's size table (without header and separator). */
function readmeRows(): string[][] {
  const section = README.split('## Size presets')[1]?.split('\n## ')[0] ?? '';
  const lines = section.split('\n').filter((l) => l.startsWith('|'));
  return lines.slice(2).map((l) =>
    l
      .split('|')
      .slice(1, -1)
      .map((c) => c.trim()),
  );
}

/** The main container's resources of a workload as a table cell. */
function cell(workload: Record<string, any>): string {
  const c = workload.spec.template.spec.containers.find((x: { name: string }) => x.name === 'thanos');
  return `${c.resources.requests.cpu} / ${c.resources.requests.memory} / ${c.resources.limits.memory}`;
}

describe('size presets', () => {
  it('are listed in the README and in the schema description, as the pods get them', () => {
    const rows = sizePresetRows();
    expect(readmeRows()).toEqual(rows);
    const description = EnvironmentSchema.properties.size.description ?? '';
    for (const row of rows) expect(description).toContain(`| ${row.join(' | ')} |`);
    const sizes = ['small', 'medium', 'large'];
    const byWorkload = new Map(rows.map((r) => [r[0], r.slice(1)]));
    sizes.forEach((size, i) => {
      const r = render(
        `size: ${size}\nruler: { enabled: true }\nbucketWeb: { enabled: true }\nstoreGateway: { bucketCache: { enabled: true } }\n`,
      );
      const rendered: [string, Record<string, any>][] = [
        ['receive router (`receive.router`)', find(r, 'Deployment', 'thanos-receive-router')],
        ['receive ingestor (`receive.hashrings[]`)', find(r, 'StatefulSet', 'thanos-receive-ingestor-default')],
        ['query', find(r, 'Deployment', 'thanos-query')],
        ['query frontend', find(r, 'Deployment', 'thanos-query-frontend')],
        ['store gateway', find(r, 'StatefulSet', 'thanos-store-0')],
        ['compactor', find(r, 'StatefulSet', 'thanos-compact')],
        ['ruler', find(r, 'StatefulSet', 'thanos-rule')],
        ['bucket web', find(r, 'Deployment', 'thanos-bucket-web')],
      ];
      const titles = [CHUNK_CACHE_TITLE, REQUEST_LIMIT_TITLES.store, REQUEST_LIMIT_TITLES.query];
      expect([...rendered.map(([w]) => w), ...titles].sort()).toEqual([...byWorkload.keys()].sort());
      // The request limits, as the flags of the store gateway and Query write them.
      const n = (args: string[], flag: string) => Number(flagValues(args, flag)[0]).toLocaleString('en-US');
      const store = argsOf(find(r, 'StatefulSet', 'thanos-store-0'));
      const limits = (args: string[]) => [
        n(args, 'store.limits.request-series'),
        n(args, 'store.limits.request-samples'),
      ];
      expect(limits(store).join(' / ')).toBe(byWorkload.get(REQUEST_LIMIT_TITLES.store)?.[i]);
      const query = argsOf(find(r, 'Deployment', 'thanos-query'));
      expect(
        [...limits(query), n(query, 'query.max-concurrent'), n(query, 'query.max-concurrent-select')].join(' / '),
      ).toBe(byWorkload.get(REQUEST_LIMIT_TITLES.query)?.[i]);
      for (const [w, workload] of rendered) expect(cell(workload), `${size} ${w}`).toBe(byWorkload.get(w)?.[i]);
      // The caching bucket's memcached: pods × CPU request / memory request / memory limit of each.
      const chunks = find(r, 'StatefulSet', 'thanos-memcached-chunks');
      const m = chunks.spec.template.spec.containers.find((x: { name: string }) => x.name === 'memcached');
      expect(
        `${chunks.spec.replicas} × ${m.resources.requests.cpu} / ${m.resources.requests.memory} / ${m.resources.limits.memory}`,
      ).toBe(byWorkload.get(CHUNK_CACHE_TITLE)?.[i]);
    });
  });

  it('writes the request limits as toLocaleString("en-US") does, without loading ICU', () => {
    const samples = [0, 7, 10, 999, 1000, 4096, 65_536, 999_999, 1_000_000, 25_000_000, 500_000_000, 2 ** 53 - 1];
    for (const x of [...samples, ...samples.filter((s) => s > 0).map((s) => -s)]) {
      expect(groupedDigits(x), String(x)).toBe(x.toLocaleString('en-US'));
    }
    expect(sizePresetTable()).toBe(sizePresetTable());
  });
});
