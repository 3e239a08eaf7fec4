/**
 * The credential scanner as it was before it skipped files (session 8): every pattern over every text. Test-only:
 * `credentials-needs.test.ts` checks that the scanner finds exactly what this finds, on every text.
 */

import { isCredentialName } from '../../src/input-rules.js';

const SHAPES: readonly { kind: string; re: RegExp; needs?: string }[] = [
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

const CREDENTIAL_FIELD =
  /(?:^|[\s{,"'\\-])(password|bearer_token|credentials|client_secret|secret_access_key|secret_key|session_token|access_token|refresh_token|api_key|apikey|private_key|account_key|storage_account_key|sas_token|token|secret)\\?["']?[ \t]*[:=][ \t]*\\?["']?([^\s"'\\{}[\],#|>]+)/g;

const ENV_PAIR =
  /\\?["']?name\\?["']?[ \t]*:[ \t]*\\?["']?([A-Za-z_][A-Za-z0-9_.-]*)\\?["']?[ \t]*(?:,|\r?\n)[\s-]*\\?["']?value\\?["']?[ \t]*:[ \t]*\\?["']?([^\s"'\\{}[\],]+)/g;

function isReference(value: string): boolean {
  return /^(\$|\/|~$|null$|true$|false$|<)/.test(value) || value === '';
}

export function referenceFindCredentials(text: string): { kind: string; text: string }[] {
  const hits: { kind: string; text: string }[] = [];
  for (const { kind, re, needs } of SHAPES) {
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
  for (const m of text.matchAll(/(LS0tLS1CRUdJTi[A-Za-z0-9+/]{20,}={0,2})/g)) {
    const run = m[1] ?? '';
    const head = Buffer.from(run.slice(0, run.length - (run.length % 4)), 'base64').toString('latin1');
    if (/PRIVATE KEY/.test(head)) hits.push({ kind: 'a base64-encoded private key', text: run.slice(0, 40) });
  }
  return hits;
}
