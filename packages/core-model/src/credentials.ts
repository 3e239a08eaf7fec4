/**
 * The last line of defence before anything is written: rendered files are scanned for the shapes of
 * credentials, and a hit is traced back to the option of the environment file that carried it.
 */
import type { FieldPath } from './problems.js';

/** What a credential looks like, by kind. Each pattern's first capture group is the credential itself. */
export const CREDENTIAL_SHAPES: readonly { kind: string; re: RegExp }[] = [
  { kind: 'an AWS access key id', re: /\b((?:AKIA|ASIA|ABIA|ACCA|AROA|AIDA)[A-Z0-9]{16})\b/ },
  {
    kind: 'an AWS secret access key',
    re: /(?:aws_secret_access_key|secret_access_key|secretaccesskey|secret_key)["']?\s*[:=]\s*["']?([A-Za-z0-9/+=]{40})(?![A-Za-z0-9/+=])/i,
  },
  { kind: 'a PEM private key', re: /(-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----)/ },
  { kind: 'a bearer token', re: /\b[Bb]earer\s+([A-Za-z0-9\-._~+/]{16,}=*)/ },
  {
    kind: 'an access key setting',
    re: /\b(?:access_key|secret_key|session_token)["']?\s*[:=]\s*["']?([^\s"'{}[\],]{8,})/,
  },
];

export interface CredentialHit {
  kind: string;
  /** The credential text as found in the output. */
  text: string;
}

/** Every credential shape found in a text. */
export function findCredentials(text: string): CredentialHit[] {
  const hits: CredentialHit[] = [];
  for (const { kind, re } of CREDENTIAL_SHAPES) {
    const m = re.exec(text);
    if (m?.[1]) hits.push({ kind, text: m[1] });
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
