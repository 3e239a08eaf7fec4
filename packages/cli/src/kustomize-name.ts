/**
 * `patches[].target.name` as Kustomize reads it: a Go regular expression (RE2 syntax), anchored as
 * `^(?:name)$`. Matched with RE2 (re2-wasm, already loaded by kubernetes-models' pattern checks), in time linear
 * in the name, so a crafted pattern cannot hang a run; what Go's engine refuses (lookarounds, back-references,
 * repetitions over 1000) is refused here too.
 */
import { RE2 } from 're2-wasm';

/** A matcher of generated object names, or why Kustomize would refuse the pattern. */
export function kustomizeNameMatcher(name: string): { test(objectName: string): boolean } | string {
  try {
    return new RE2(`^(?:${name})$`, 'u');
  } catch (err) {
    // "Invalid regular expression: /^(?:…)$/u: missing ): ^(?:…)$": RE2's reason, then the part it names
    // (quoted, for a name holding a newline), unless that is the whole pattern again.
    const message = (err as Error).message;
    const reason = message.slice(message.lastIndexOf('/u: ') + 4);
    const colon = reason.indexOf(': ');
    if (colon < 0) return reason;
    const part = reason.slice(colon + 2);
    return part.startsWith('^(?:') ? reason.slice(0, colon) : `${reason.slice(0, colon)}: ${JSON.stringify(part)}`;
  }
}
