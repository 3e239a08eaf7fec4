/**
 * Every supported Thanos release: every environment (shipped and variants) renders at each release, and every
 * flag of every Thanos container exists for its subcommand in that release. The release table is what differs.
 */
import type { SourceFile } from '@thanos-gitops/input';
import { SUPPORTED_THANOS_VERSIONS, type ThanosVersion } from '@thanos-gitops/schema';
import { checkThanosArgs, RELEASES, type ThanosCommand } from '@thanos-gitops/thanos-components';
import { describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { renderEnvironments } from '../src/render.js';
import { allContainers, objectName, plainObjects, podSpecs, shippedSources, variantSources } from './helpers.js';

const THANOS_IMAGE = /^quay\.io\/thanos\/thanos[:@]/;

function atVersion(source: SourceFile, version: ThanosVersion): SourceFile {
  const doc = parseDocument(source.text);
  doc.setIn(['thanos', 'version'], version);
  return { path: source.path, text: doc.toString() };
}

function splitArgs(args: readonly string[]): { command: string; flags: string[] } {
  const first = args.findIndex((a) => a.startsWith('-'));
  const cut = first === -1 ? args.length : first;
  return { command: args.slice(0, cut).join(' '), flags: args.slice(cut) };
}

describe.each([...SUPPORTED_THANOS_VERSIONS])('at Thanos %s', (version) => {
  const sources = [...shippedSources(), ...variantSources()].map((s) => atVersion(s, version));
  const rendered = renderEnvironments(sources);
  const containers = rendered.flatMap((r) =>
    podSpecs(plainObjects(r)).flatMap(({ owner, spec }) =>
      allContainers(spec)
        .filter((c) => THANOS_IMAGE.test(String(c.image)))
        .map((c) => ({ name: `${r.env}: ${objectName(owner)} ${c.name}`, container: c })),
    ),
  );

  it('renders every environment, with that image tag', () => {
    expect(rendered.length).toBe(sources.length);
    expect(containers.length).toBeGreaterThan(10);
    for (const { container } of containers) expect(String(container.image)).toContain(`:${version}`);
  });

  it('emits only flags that release accepts', () => {
    // The ca-bundle check runs the image's shell, not thanos (flags-emitted.test.ts checks that).
    const runs = containers.filter(({ container }) => container.name !== 'ca-bundle-check');
    const bad = runs.flatMap(({ name, container }) => {
      const { command, flags } = splitArgs(container.args ?? []);
      return checkThanosArgs(command as ThanosCommand, flags, version).map((p) => `${name}: ${p}`);
    });
    expect(bad).toEqual([]);
  });

  it('follows the release table for instant-query retries of the query frontend', () => {
    const frontends = containers.filter(({ container }) => container.args?.[0] === 'query-frontend');
    expect(frontends.length).toBeGreaterThan(0);
    for (const { container } of frontends) {
      const has = (container.args as string[]).some((a) => a.startsWith('--query.max-retries-per-request='));
      expect(has).toBe(RELEASES[version].instantQueryRetries);
    }
  });
});

describe('flag data per release', () => {
  it('differs where the releases differ', () => {
    expect(checkThanosArgs('query-frontend', ['--query.max-retries-per-request=5'], 'v0.42.4')).toEqual([]);
    expect(checkThanosArgs('query-frontend', ['--query.max-retries-per-request=5'], 'v0.41.0')).toEqual([
      expect.stringMatching(/^unknown flag --query.max-retries-per-request for thanos query-frontend \(v0.41.0\)/),
    ]);
    expect(checkThanosArgs('store', ['--debug.advertise-compatibility-label'], 'v0.41.0')).toEqual([]);
    expect(checkThanosArgs('store', ['--debug.advertise-compatibility-label'], 'v0.42.4')).toHaveLength(1);
  });

  it('has a release-table row for every supported release', () => {
    expect(Object.keys(RELEASES).sort()).toEqual([...SUPPORTED_THANOS_VERSIONS].sort());
  });

  it('rejects an extra flag the environment release lacks, at its field', () => {
    const base = shippedSources()[0] as SourceFile;
    const doc = parseDocument(base.text);
    doc.setIn(['thanos', 'version'], 'v0.41.0');
    doc.setIn(['storeGateway', 'extraArgs'], ['--objstore-parquet.config-file=/x']);
    expect(() => renderEnvironments([{ path: base.path, text: doc.toString() }])).toThrow(
      /unknown flag --objstore-parquet.config-file for thanos store \(v0.41.0\)/,
    );
  });
});
