/**
 * The end of every `switch` or `if` chain over a closed set (component kinds, TLS roles, storage providers,
 * exposure types, remote-write targets): its argument has type `never` once every member is handled, so a new
 * member that is not handled fails to compile instead of falling through to another member's behaviour. Should
 * the types be bypassed (a cast, an unvalidated file), it throws rather than guess.
 */
export function unhandled(value: never, what: string): never {
  throw new Error(`unhandled ${what}: ${JSON.stringify(value)}`);
}
