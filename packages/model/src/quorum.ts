/**
 * The receive write quorum: how many of the `rf` copies of a write must succeed for the router to accept it,
 * floor(RF/2)+1 (Thanos' `receive.replication-factor` arithmetic). The rules (an even RF survives no more
 * failures than RF-1), the ingestors' disruption budget and the replication alert all derive from it.
 */
export function writeQuorum(rf: number): number {
  return Math.floor(rf / 2) + 1;
}
