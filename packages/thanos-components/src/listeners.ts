/**
 * The servers a Thanos command opens on its own: each listen flag with a `0.0.0.0:<port>` default (from the
 * `--help` of v0.41.0 and v0.42.4, the same in both). A rendered container that leaves one of these flags out
 * still listens there, on every address of the pod. One table for the generator's tests and the loopback
 * harness; test/listeners-table.test.ts checks every flag against each release's flag data.
 */
import type { ThanosCommand } from './flags.js';

/** Listen flag (without `--`) -> default port, by Thanos command. Commands that open no server are absent. */
export const DEFAULT_LISTENERS: Readonly<Partial<Record<ThanosCommand, Readonly<Record<string, number>>>>> = {
  receive: {
    'grpc-address': 10901,
    'http-address': 10902,
    'remote-write.address': 19291,
    'receive.capnproto-address': 19391,
  },
  query: { 'grpc-address': 10901, 'http-address': 10902 },
  rule: { 'grpc-address': 10901, 'http-address': 10902 },
  store: { 'grpc-address': 10901, 'http-address': 10902 },
  compact: { 'http-address': 10902 },
  'query-frontend': { 'http-address': 10902 },
  'tools bucket web': { 'http-address': 10902 },
};

/** The Thanos command of a container's args (`receive`, `tools bucket web`), as DEFAULT_LISTENERS keys it. */
export function thanosCommandOf(args: readonly string[]): string | undefined {
  return args[0] === 'tools' ? args.slice(0, 3).join(' ') : args[0];
}
