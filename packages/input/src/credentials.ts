/**
 * The last line of defence before anything is written: rendered files are scanned for credentials, and a hit is
 * traced back to the option of the environment file that carried it. Three families are recognised:
 * - shapes: key material (PEM, OpenSSH and PGP private keys, also base64-encoded), AWS keys, bearer tokens, JWTs,
 *   well-known token prefixes, URLs with a password (or any user) in their userinfo;
 * - credential fields of the config formats the project writes, wherever they are embedded (YAML, JSON, a flag's
 *   value, a ConfigMap's data): Prometheus/Thanos HTTP client settings (`basic_auth.password`, `bearer_token`,
 *   `authorization.credentials`, `oauth2.client_secret`), objstore keys, tokens;
 * - environment variables whose name carries a credential (`isCredentialName`) with a literal `value`.
 * References (`$(VAR)`, `${VAR}`, absolute paths, `*_file` fields) are not credentials.
 */

import type { FieldPath } from '@thanos-gitops/problems';
import { isCredentialName } from './input-rules.js';

/**
 * What every match of a pattern holds: one of the texts `any` (followed by one of the characters of `next` when
 * given), or a match of `re`. A file that holds none is not searched with the pattern, which would try to match at
 * every position. A text is looked for from its rarest character in the output written (`RARITY`), which `indexOf`
 * finds with memchr, or from `at`, a character every one of `any` holds, searched once for all. `re` is for texts
 * of common letters only, or in any case, which irregexp skips through faster than memchr stops at them.
 */
export interface Need {
  readonly any: readonly string[];
  readonly next?: string;
  readonly at?: string;
  readonly re?: RegExp;
}

/**
 * What a credential looks like, by kind. Each pattern's first capture group is the credential itself; `need` is
 * what every match holds.
 */
export const CREDENTIAL_SHAPES: readonly { kind: string; re: RegExp; need: Need }[] = [
  {
    kind: 'an AWS access key id',
    re: /\b((?:AKIA|ASIA|ABIA|ACCA|AROA|AIDA)[A-Z0-9]{16})\b/g,
    need: { any: ['AKIA', 'ASIA', 'ABIA', 'ACCA', 'AROA', 'AIDA'], at: 'A' },
  },
  {
    kind: 'an AWS secret access key',
    re: /(?:aws_secret_access_key|secret_access_key|secretaccesskey|secret_key)["']?\s*[:=]\s*["']?([A-Za-z0-9/+=]{40})(?![A-Za-z0-9/+=])/gi,
    need: { any: [], re: /secret(?:_key|accesskey|_access_key)/i },
  },
  {
    kind: 'a private key',
    re: /(-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----)/g,
    need: { any: ['PRIVATE KEY'] },
  },
  {
    kind: 'an OpenSSH private key (base64)',
    re: /(b3BlbnNzaC1rZXktdjE[A-Za-z0-9+/]{8,})/g,
    need: { any: ['b3BlbnNzaC1rZXktdjE'] },
  },
  {
    kind: 'a bearer token',
    re: /\b[Bb]earer\s+([A-Za-z0-9\-._~+/]{16,}=*)/g,
    need: { any: ['Bearer', 'bearer'] },
  },
  {
    kind: 'a JSON web token',
    re: /\b(eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]{8,})/g,
    need: { any: ['eyJ'] },
  },
  {
    kind: 'an API token',
    re: /\b((?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{16,}|github_pat_[A-Za-z0-9_]{16,}|glpat-[A-Za-z0-9_-]{16,}|xox[abprs]-[A-Za-z0-9-]{10,}|sk_live_[A-Za-z0-9]{16,}|AIza[0-9A-Za-z_-]{35})/g,
    need: {
      any: ['ghp_', 'gho_', 'ghu_', 'ghs_', 'ghr_', 'github_pat_', 'sk_live_', 'glpat-', 'xox', 'AIza'],
      at: '_',
    },
  },
  {
    kind: 'a URL with a password',
    re: /[A-Za-z][A-Za-z0-9+.-]*:\/\/([^\s/?#@:'"\\]+:[^\s/?#@'"\\]+)@/g,
    need: { any: ['@'] },
  },
  { kind: 'a URL with credentials', re: /\bhttps?:\/\/([^\s/?#@'"\\]+)@/gi, need: { any: ['@'] } },
  {
    kind: 'an access key setting',
    re: /\b(?:access_key|secret_key|session_token)["']?\s*[:=]\s*["']?([^\s"'{}[\],]{8,})/g,
    need: { any: ['_key', '_token'] },
  },
];

/**
 * Credential fields of the formats written (Prometheus/Thanos HTTP client and objstore configs, OAuth2, SDKs), as
 * `field: value`, `"field":"value"` (also escaped inside a JSON string) or `field=value`. The value is group 2.
 * Every field name ends with one of `FIELD_NEED.any` or with `credentials` or `secret`, and what follows it
 * begins with one of `next`.
 */
export const CREDENTIAL_FIELD =
  /(?:^|[\s{,"'\\-])(password|bearer_token|credentials|client_secret|secret_access_key|secret_key|session_token|access_token|refresh_token|api_key|apikey|private_key|account_key|storage_account_key|sas_token|token|secret)\\?["']?[ \t]*[:=][ \t]*\\?["']?([^\s"'\\{}[\],#|>]+)/g;
export const FIELD_NEED: Need = {
  any: ['password', 'token', '_key', 'apikey'],
  re: /(?:credentials|secret)[\\"' \t:=]/,
  next: '\\"\' \t:=',
};

/** A Kubernetes env entry written as `name: X` then `value: Y` (YAML block or flow, JSON). Name group 1, value 2. */
export const ENV_PAIR =
  /\\?["']?name\\?["']?[ \t]*:[ \t]*\\?["']?([A-Za-z_][A-Za-z0-9_.-]*)\\?["']?[ \t]*(?:,|\r?\n)[\s-]*\\?["']?value\\?["']?[ \t]*:[ \t]*\\?["']?([^\s"'\\{}[\],]+)/g;
export const ENV_NEED: Need = { any: ['value'], next: '\\"\' \t:' };

/** A base64 run that begins like a PEM block (`-----BEGIN`). */
export const ENCODED_PEM = /(LS0tLS1CRUdJTi[A-Za-z0-9+/]{20,}={0,2})/g;
export const ENCODED_PEM_NEED: Need = { any: ['LS0tLS1CRUdJTi'] };

export interface CredentialHit {
  kind: string;
  /** The credential text as found in the output. */
  text: string;
}

/** A value that says where a credential comes from, not the credential: `$(VAR)`, `${VAR}`, a path, YAML null. */
function isReference(value: string): boolean {
  return /^(\$|\/|~$|null$|true$|false$|<)/.test(value) || value === '';
}

/** Every credential found in a text: by shape, by credential field, by env var name. */
export function findCredentials(text: string): CredentialHit[] {
  const hits: CredentialHit[] = [];
  for (const { kind, re, need } of CREDENTIAL_SHAPES) {
    if (!holds(text, need)) continue;
    for (const m of text.matchAll(re)) if (m[1]) hits.push({ kind, text: m[1] });
  }
  if (holds(text, FIELD_NEED)) {
    for (const m of text.matchAll(CREDENTIAL_FIELD)) {
      const value = m[2] ?? '';
      if (!isReference(value)) hits.push({ kind: `a credential field (${m[1]})`, text: value });
    }
  }
  if (holds(text, ENV_NEED)) {
    for (const m of text.matchAll(ENV_PAIR)) {
      const [name, value] = [m[1] ?? '', m[2] ?? ''];
      if (isCredentialName(name) && !isReference(value)) hits.push({ kind: `a literal ${name}`, text: value });
    }
  }
  return holds(text, ENCODED_PEM_NEED) ? [...hits, ...encodedKeys(text)] : hits;
}

/**
 * The characters of the output written, from the most common to the least (counted over the files of 100
 * environments); any other character is rarer than all of these. Only the speed of the scan depends on it.
 */
const RARITY = ' etoas"nri\n:pcl-uhdm,b.gyf{}0vk1/w_\\=P|2`[]()SqxjAT54CDR9L38$OMGE#N6IF\'U*V7>B<zKHW~Q';

/** How common a character is in the output: its place in `RARITY`, past the end when it is not there. */
function commonness(char: string): number {
  const place = RARITY.indexOf(char);
  return place === -1 ? RARITY.length : place;
}

/** The index in `literal` of its rarest character (by `RARITY`; the first of equally rare ones). */
export function rarest(literal: string): number {
  let best = 0;
  for (let i = 1; i < literal.length; i++) {
    if (commonness(literal.charAt(i)) > commonness(literal.charAt(best))) best = i;
  }
  return best;
}

/** A text to look for and the index in it of the character searched. */
type Anchored = readonly [literal: string, at: number];

/**
 * Whether `text` holds one of `literals`, followed by one of the characters of `next` when given. A text alone is
 * searched from its anchor on (`indexOf` compares the rest); several that share the character are compared around
 * each of its occurrences.
 */
export function holdsAny(text: string, literals: readonly Anchored[], next?: string): boolean {
  const [first, second] = literals;
  if (first === undefined) return false;
  const [literal, at] = first;
  const sought = second === undefined ? literal.slice(at) : literal.charAt(at);
  for (let i = text.indexOf(sought); i !== -1; i = text.indexOf(sought, i + 1)) {
    for (const [l, a] of literals) {
      const start = i - a;
      const found = text.charCodeAt(start) === l.charCodeAt(0) && text.startsWith(l, start);
      if (found && follows(text, start + l.length, next)) return true;
    }
  }
  return false;
}

/** Whether the character at `end` of `text` is one of `chars` (any character, or none, when not given). */
function follows(text: string, end: number, chars: string | undefined): boolean {
  if (chars === undefined) return true;
  const char = text.charAt(end);
  return char !== '' && chars.includes(char);
}

/** The texts of a need, each with the index of its character searched: those holding `at` in one group. */
export function anchorGroups(need: Need): Anchored[][] {
  const { at } = need;
  const shared = at === undefined ? [] : need.any.filter((l) => l.includes(at));
  const alone = need.any.filter((l) => !shared.includes(l)).map((l): Anchored[] => [[l, rarest(l)]]);
  return shared.length > 0 ? [shared.map((l): Anchored => [l, l.indexOf(at as string)]), ...alone] : alone;
}

const GROUPS = new WeakMap<Need, Anchored[][]>();

/** The groups of a need, made once. */
function groupsOf(need: Need): Anchored[][] {
  const known = GROUPS.get(need);
  if (known !== undefined) return known;
  const groups = anchorGroups(need);
  // Stryker disable next-line all: speed only, the groups made again are the same.
  GROUPS.set(need, groups);
  return groups;
}

/** Whether `text` holds what a pattern needs. */
export function holds(text: string, need: Need): boolean {
  return groupsOf(need).some((g) => holdsAny(text, g, need.next)) || (need.re?.test(text) ?? false);
}

/** Private keys encoded in base64 (a Secret's `data`, a config's inline key): decoded, then tested. */
function encodedKeys(text: string): CredentialHit[] {
  const hits: CredentialHit[] = [];
  for (const m of text.matchAll(ENCODED_PEM)) {
    const run = m[1] ?? '';
    const head = Buffer.from(run.slice(0, run.length - (run.length % 4)), 'base64').toString('latin1');
    if (/PRIVATE KEY/.test(head)) hits.push({ kind: 'a base64-encoded private key', text: run.slice(0, 40) });
  }
  return hits;
}

/** The path of the first string in `data` that contains `needle`, or undefined. */
export function pathOfString(data: unknown, needle: string, path: FieldPath = []): FieldPath | undefined {
  if (typeof data === 'string') return data.includes(needle) ? path : undefined;
  if (Array.isArray(data)) {
    for (const [i, v] of data.entries()) {
      const found = pathOfString(v, needle, [...path, i]);
      if (found) return found;
    }
  } else if (data && typeof data === 'object') {
    for (const [k, v] of Object.entries(data)) {
      if (k.includes(needle)) return [...path, k];
      const found = pathOfString(v, needle, [...path, k]);
      if (found) return found;
    }
  }
  return undefined;
}

/** Shows a credential without giving it away: its first four characters and its length. */
export function redact(text: string): string {
  return `${text.slice(0, 4)}… (${text.length} characters)`;
}
