/**
 * How the StatefulSets that Query reads from roll: Kubernetes' `RollingUpdate` replaces one pod at a time, highest
 * ordinal first, and waits for the new pod before the next (with `Parallel` pod management too: that only
 * changes scaling). For the store gateways of a shard and the rulers, "the new pod is Ready" is not yet "Query
 * reads from it": Query finds them through DNS SRV records of their headless Service, resolved every
 * `--store.sd-dns-interval` (30 s, Thanos' default, which Query keeps), and takes a new address in at its next
 * endpoint update (every `--endpoint.info-timeout`, 5 s). Replacing the next pod before that would leave Query,
 * for up to 35 s, with no known replica of the shard. `minReadySeconds` holds each step that long (plus CoreDNS'
 * 5 s record TTL): the shard keeps one replica Query reads from throughout, when it has two or more.
 *
 * A shard (or a ruler) of one replica is down from its pod's stop to its replacement's first answer whatever
 * the strategy: StatefulSets replace a pod, they never add one first. `storeGateway.replicasPerShard: 2`
 * is the way to roll without a gap.
 */
export const QUERY_DISCOVERY_SECONDS = 30 + 5 + 5;
