/** `--selector.relabel-config` documents that split blocks between shards. */
import { yamlText } from '@thanos-gitops/manifests';

/** Keeps the blocks whose `label` hashes to `shard` out of `shards`. */
export function hashmodSelector(label: string, shard: number, shards: number): string {
  return yamlText([
    { action: 'hashmod', source_labels: [label], target_label: '__tmp_shard', modulus: shards },
    { action: 'keep', source_labels: ['__tmp_shard'], regex: String(shard) },
  ]);
}
