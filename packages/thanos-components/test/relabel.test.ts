/** The `hashmod` relabel selector that splits blocks between shards (compactor and store gateway). */
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { hashmodSelector } from '../src/relabel.js';
import { argsOf, find, flagValues, render } from './support/render.js';

describe('hashmodSelector', () => {
  it('hashes the label into a temporary label modulo the shards, and keeps the blocks of this shard', () => {
    expect(parse(hashmodSelector('tenant_id', 2, 3))).toEqual([
      { action: 'hashmod', source_labels: ['tenant_id'], target_label: '__tmp_shard', modulus: 3 },
      { action: 'keep', source_labels: ['__tmp_shard'], regex: '2' },
    ]);
  });

  it('is what each store-gateway shard is started with, on the block ID', () => {
    const r = render('storeGateway: { shards: 2 }\n');
    const selector = (name: string) =>
      parse(flagValues(argsOf(find(r, 'StatefulSet', name)), 'selector.relabel-config')[0] ?? '');
    expect(selector('thanos-store-1')).toEqual([
      { action: 'hashmod', source_labels: ['__block_id'], target_label: '__tmp_shard', modulus: 2 },
      { action: 'keep', source_labels: ['__tmp_shard'], regex: '1' },
    ]);
  });
});
