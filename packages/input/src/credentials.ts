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
 * What a credential looks like, by kind. Each pattern's first capture group is the credential itself. `needs`, when
 * given, is a text that every match contains: a file without it is not searched with that pattern (a scan of the
 * file for one character is far cheaper than the pattern, which tries to match at every letter).
 */
export const CREDENTIAL_SHAPES: readonly { kind: string; re: RegExp; needs?: string }[] = [
  { kind: 'an AWS access key id', re: /\b((?:AKIA|ASIA|ABIA|ACCA|AROA|AIDA)[A-Z0-9]{16})\b/g },
  {
    kind: 'an AWS secret access key',
    re: /(?:aws_secret_access_key|secret_access_key|secretaccesskey|secret_key)["']?\s*[:=]\s*["']?([A-Za-z0-9/+=]{40})(?![A-Za-z0-9/+=])/gi,
  },
  { kind: 'a private key', re: /(-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----)/g },
  { kind: 'an OpenSSH private key (base64)', re: /(b3BlbnNzaC1rZXktdjE[A-Za-z0-9+/]{8,})/g },
  { kind: 'a bearer token', re: /\b[Bb]earer\s+([A-Za-z0-9\-._~+/]{16,}=*)/g },
  { kind: 'a JSON web token', re: /\b(eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]{8,})/g },
  {
    kind: 'an API token',
    re: /\b((?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{16,}|github_pat_[A-Za-z0-9_]{16,}|glpat-[A-Za-z0-9_-]{16,}|xox[abprs]-[A-Za-z0-9-]{10,}|sk_live_[A-Za-z0-9]{16,}|AIza[0-9A-Za-z_-]{35})/g,
  },
  {
    kind: 'a URL with a password',
    re: /[A-Za-z][A-Za-z0-9+.-]*:\/\/([^\s/?#@:'"\\]+:[^\s/?#@'"\\]+)@/g,
    needs: '@',
  },
  { kind: 'a URL with credentials', re: /\bhttps?:\/\/([^\s/?#@'"\\]+)@/gi, needs: '@' },
  {
    kind: 'an access key setting',
    re: /\b(?:access_key|secret_key|session_token)["']?\s*[:=]\s*["']?([^\s"'{}[\],]{8,})/g,
  },
];

/**
 * Credential fields of the formats written (Prometheus/Thanos HTTP client and objstore configs, OAuth2, SDKs), as
 * `field: value`, `"field":"value"` (also escaped inside a JSON string) or `field=value`. The value is group 2.
 */
const CREDENTIAL_FIELD =
  /(?:^|[\s{,"'\\-])(password|bearer_token|credentials|client_secret|secret_access_key|secret_key|session_token|access_token|refresh_token|api_key|apikey|private_key|account_key|storage_account_key|sas_token|token|secret)\\?["']?[ \t]*[:=][ \t]*\\?["']?([^\s"'\\{}[\],#|>]+)/g;

/** A Kubernetes env entry written as `name: X` then `value: Y` (YAML block or flow, JSON). Name group 1, value 2. */
const ENV_PAIR =
  /\\?["']?name\\?["']?[ \t]*:[ \t]*\\?["']?([A-Za-z_][A-Za-z0-9_.-]*)\\?["']?[ \t]*(?:,|\r?\n)[\s-]*\\?["']?value\\?["']?[ \t]*:[ \t]*\\?["']?([^\s"'\\{}[\],]+)/g;

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
  for (const { kind, re, needs } of CREDENTIAL_SHAPES) {
    if (needs !== undefined && !text.includes(needs)) continue;
    for (const m of text.matchAll(re)) if (m[1]) hits.push({ kind, text: m[1] });
  }
  for (const m of text.matchAll(CREDENTIAL_FIELD)) {
    const value = m[2] ?? '';
    if (!isReference(value)) hits.push({ kind: `a credential field (${m[1]})`, text: value });
  }
  for (const m of text.matchAll(ENV_PAIR)) {
    const [name, value] = [m[1] ?? '', m[2] ?? ''];
    if (isCredentialName(name) && !isReference(value)) hits.push({ kind: `a literal ${name}`, text: value });
  }
  return [...hits, ...encodedKeys(text)];
}

/** Private keys encoded in base64 (a Secret's `data`, a config's inline key): decoded, then tested. */
function encodedKeys(text: string): CredentialHit[] {
  const hits: CredentialHit[] = [];
  for (const m of text.matchAll(/(LS0tLS1CRUdJTi[A-Za-z0-9+/]{20,}={0,2})/g)) {
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
