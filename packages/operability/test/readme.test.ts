/**
 * The environment README: both diagrams parse with Mermaid's own parser (headless, over happy-dom), the
 * timeline has no gap for every fixture, and a gap or a topology change shows.
 */

import { loadEnvironments } from '@thanos-gitops/input';
import fc from 'fast-check';
import { Window } from 'happy-dom';
import { beforeAll, describe, expect, it } from 'vitest';
import { environmentReadme, gapsOf, mermaidBlocks, timeline, timelineMermaid, topologyChange } from '../src/index.js';
import { FIXTURES, fixtureText, loadFixture, renderFixture } from './fixtures.js';

let parse: (text: string) => Promise<unknown>;

/** Mermaid's parser. Mermaid sanitises labels with DOMPurify, which needs a DOM: happy-dom provides one. */
beforeAll(async () => {
  const g = globalThis as Record<string, unknown>;
  if (!g.window) {
    const w = new Window();
    g.window = w;
    g.document = w.document;
  }
  const { default: mermaid } = await import('mermaid');
  parse = (text) => mermaid.parse(text);
  // Loading Mermaid takes seconds on a busy machine.
}, 60_000);

describe.each(FIXTURES)('README of %s', (name) => {
  const { env, manifests } = renderFixture(name);
  const readme = environmentReadme(env, `environments/${name}.yaml`, manifests);

  it('has the topology and the timeline, both valid Mermaid', async () => {
    const blocks = mermaidBlocks(readme);
    expect(blocks).toHaveLength(2);
    for (const b of blocks) await expect(parse(b)).resolves.toBeTruthy();
  });

  it('shows every hashring, store partition and cache', () => {
    const [topology] = mermaidBlocks(readme);
    for (const h of env.receive.enabled ? env.receive.hashrings : []) expect(topology).toContain(`hashring ${h.name}`);
    // Ingestors split by zone: each hashring says how many run in each zone.
    if (env.receive.enabled && env.receive.zones.length > 0) {
      for (const h of env.receive.hashrings) {
        expect(topology).toContain(
          `${h.replicas / env.receive.zones.length} in each of ${env.receive.zones.join(', ')}`,
        );
      }
    }
    if (env.storeGateway.enabled && env.storeGateway.partitions.length > 1) {
      for (let i = 0; i < env.storeGateway.partitions.length; i++) expect(topology).toContain(`partition ${i}`);
    }
    expect(topology).toContain(`bucket ${env.objectStorage.bucket}`);
  });

  it('has no gap in the timeline', () => {
    expect(timeline(env).gaps).toEqual([]);
    expect(readme).toContain('No gap');
  });

  it('lists the endpoints, roles and versions', () => {
    expect(readme).toContain('## Endpoints');
    if (env.receive.enabled) expect(readme).toContain('/api/v1/receive');
    expect(readme).toContain(`${env.thanos.image}:${env.thanos.version}`);
  });
});

describe('timeline gaps', () => {
  const day = 86_400_000;
  it('finds the stretch no lane answers for', () => {
    const lanes = [
      { id: 'a', who: 'a', newest: { ageMs: 0 }, oldest: { ageMs: 2 * day } },
      { id: 'b', who: 'b', newest: { ageMs: 3 * day }, oldest: { oldest: true as const } },
    ];
    expect(gapsOf(lanes, 30 * day)).toEqual([{ fromMs: 2 * day, toMs: 3 * day }]);
    expect(gapsOf(lanes.slice(0, 1), 30 * day)).toEqual([{ fromMs: 2 * day, toMs: 30 * day }]);
    expect(gapsOf(lanes.slice(0, 1), undefined)).toEqual([{ fromMs: 2 * day, toMs: 'oldest' }]);
  });

  it('is drawn in red in the timeline diagram, which still parses', async () => {
    // The loader's rules refuse environments with a gap, so the timeline is built by hand here.
    const day = 86_400_000;
    const t = {
      lanes: [
        { id: 'ingestors', who: 'Ingestors', newest: { ageMs: 0 }, oldest: { ageMs: 2 * day } },
        { id: 'store-p0', who: 'Store', newest: { ageMs: 5 * day }, oldest: { oldest: true as const } },
      ],
      newestFromOutside: false,
      servesBucket: true,
      retention: [{ resolution: 'raw' as const, ms: 30 * day }],
      horizonMs: 30 * day,
      gaps: [{ fromMs: 2 * day, toMs: 5 * day }],
    };
    const text = timelineMermaid(t);
    expect(text).toContain('GAP: nothing answers<br/>2d ago … 5d ago');
    await expect(parse(text)).resolves.toBeTruthy();
  });
});

describe('topology change in a diff', () => {
  it('shows the new diagram when the topology changes, and nothing otherwise', () => {
    const before = renderFixture('prod');
    const a = environmentReadme(before.env, 'environments/prod.yaml', before.manifests);
    expect(topologyChange(a, a)).toBeUndefined();
    const text = fixtureText('prod').replace('shards: 2', 'shards: 3');
    const [loaded] = loadEnvironments([{ path: 'environments/prod.yaml', text }]);
    const b = environmentReadme(loaded!.env, 'environments/prod.yaml', before.manifests);
    const change = topologyChange(a, b);
    expect(change).toContain('```mermaid');
    expect(change).toContain('3 shards');
    expect(loadFixture('prod').storeGateway.shards).toBe(2);
  });
});

describe('README details', () => {
  it('lists the cloud roles given, reading an identity from the ServiceAccounts when none is given', () => {
    const { env, manifests } = renderFixture('prod');
    const readme = environmentReadme(env, 'environments/prod.yaml', manifests, {
      roles: [
        {
          role: 'writer',
          identity: 'arn:aws:iam::1:role/w',
          serviceAccounts: ['thanos-receive-ingestor'],
          access: 'read, write',
        },
        { role: 'reader', serviceAccounts: ['thanos-store'], access: 'read' },
      ],
      documents: ['iam/README.md', 'iam/aws/x.json'],
    });
    expect(readme).toContain('| writer | `arn:aws:iam::1:role/w` | `thanos-receive-ingestor` | read, write |');
    expect(readme).toContain(
      '| reader | `arn:aws:iam::123456789012:role/test-store-gateway` | `thanos-store` | read |',
    );
    expect(readme).toContain('[`iam/README.md`](iam/README.md) (2 files)');
  });

  it('draws the edges into Query from its endpoint list', () => {
    const [stateless] = mermaidBlocks(environmentReadme(loadFixture('prod'), 'p', renderFixture('prod').manifests));
    expect(stateless).toContain('ruler -->|"Rules API"| query');
    const [stateful] = mermaidBlocks(
      environmentReadme(loadFixture('variant'), 'v', renderFixture('variant').manifests),
    );
    expect(stateful).toContain('ruler -->|"StoreAPI, Rules API"| query');
    expect(stateful).toContain('hr2 -->|"StoreAPI"| query');
  });
});

describe('README endpoints', () => {
  const endpoints = (name: string) => {
    const { env, manifests } = renderFixture(name);
    const readme = environmentReadme(env, `environments/${name}.yaml`, manifests);
    return readme.slice(readme.indexOf('## Endpoints'));
  };

  it('gives the exposed https URL and certificate tenancy where remote-write is behind mTLS', () => {
    const text = endpoints('prod');
    expect(text).toContain('| remote-write URL | `https://remote-write.prod.example.com/api/v1/receive` (mTLS');
    expect(text).toContain('| tenant | the Organization of the writer’s client certificate');
    expect(text).not.toContain('tenant header');
  });

  it('gives the in-cluster http URL and the tenant header without mTLS', () => {
    const text = endpoints('variant');
    expect(text).toContain(
      '| remote-write URL | `http://thanos-receive-router.observability.svc.cluster.local:19291/api/v1/receive` |',
    );
    expect(text).toContain('| tenant header |');
  });

  it('names in the topology the tenancy the routers use: the certificate in prod, the header in the variant', () => {
    const topology = (name: string) => {
      const { env, manifests } = renderFixture(name);
      const readme = environmentReadme(env, `environments/${name}.yaml`, manifests);
      return readme.slice(readme.indexOf('flowchart'), readme.indexOf('## Endpoints'));
    };
    expect(topology('prod')).toContain('tenant from the client certificate (O)');
    expect(topology('prod')).not.toContain('with header');
    expect(topology('variant')).toMatch(/remote-write with header [A-Za-z-]+/);
  });
});

describe('versions', () => {
  it('lists every image with what pins it, and the pull secrets', () => {
    const { env, manifests } = renderFixture('prod');
    const readme = environmentReadme(env, 'environments/prod.yaml', manifests);
    const versions = readme.slice(readme.indexOf('## Versions'));
    expect(versions).toContain(`| \`quay.io/thanos/thanos:${env.thanos.version}\` | tag |`);
    expect(versions).toContain('No image pull secrets');
  });
});

describe('mermaidBlocks', () => {
  it('finds the fenced blocks the lazy regular expression found, without its quadratic time', () => {
    const lazy = (md: string) => [...md.matchAll(/```mermaid\n([\s\S]*?)```/g)].map((m) => m[1] ?? '');
    const piece = fc.constantFrom('```mermaid\n', '```', '`', 'a', '\n', 'mermaid');
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 12 }), (pieces) => {
        const md = pieces.join('');
        expect(mermaidBlocks(md)).toEqual(lazy(md));
      }),
      { numRuns: 5000 },
    );
    const fences = '```mermaid\n'.repeat(20_000);
    expect(mermaidBlocks(fences)).toEqual(lazy(fences));
    const unclosed = `${'```mermaid\na'.repeat(2000)}\`\`\``;
    expect(mermaidBlocks(unclosed)).toEqual(lazy(unclosed));
  });
});
