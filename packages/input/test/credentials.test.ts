/**
 * The credential scanner on its own: for each shape, field and env pair, the text found (exactly the credential,
 * nothing around it) and the near misses that are not credentials (a longer word, a reference, a path, a `*_file`
 * field). The CLI tests (credential-reports, patch-checks) check where the hits are reported.
 */
import { describe, expect, it } from 'vitest';
import { CREDENTIAL_SHAPES, findCredentials, pathOfString, redact } from '../src/credentials.js';

const ACCESS_KEY = 'AKIAIOSFODNN7EXAMPLE';
const SECRET_KEY = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl';
/** `-----BEGIN RSA PRIVATE KEY-----\nMIIE` in base64, as a Secret's data carries it. */
const PEM_B64 = Buffer.from('-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA7\n').toString('base64');
/** A base64 certificate: begins like a key, is not one. */
const CERT_B64 = Buffer.from('-----BEGIN CERTIFICATE-----\nMIIDdzCCAl+gAwIBAgIE\n').toString('base64');

const found = (text: string) => findCredentials(text).map((h) => [h.kind, h.text]);

describe('shapes', () => {
  it.each<[string, string, [string, string][]]>([
    ['an access key id', `id ${ACCESS_KEY} here`, [['an AWS access key id', ACCESS_KEY]]],
    ['a session key id', 'ASIAY34FZKBOKMUTVV7A', [['an AWS access key id', 'ASIAY34FZKBOKMUTVV7A']]],
    ['a role id', 'AROAY34FZKBOKMUTVV7A.', [['an AWS access key id', 'AROAY34FZKBOKMUTVV7A']]],
    ['an access key id inside a word', `x${ACCESS_KEY}`, []],
    ['an access key id one character too long', `${ACCESS_KEY}Z`, []],
    ['an access key id in lower case', ACCESS_KEY.toLowerCase(), []],
    [
      'a secret key after its name',
      `AWS_Secret_Access_Key = ${SECRET_KEY}`,
      [['an AWS secret access key', SECRET_KEY]],
    ],
    ['a quoted secret key', `"secretAccessKey": "${SECRET_KEY}"`, [['an AWS secret access key', SECRET_KEY]]],
    ['a secret key right after =', `SecretAccessKey=${SECRET_KEY}`, [['an AWS secret access key', SECRET_KEY]]],
    ['a 41-character secret key', `aws_secret_access_key=${SECRET_KEY}A`, []],
    ['a PEM private key', '-----BEGIN EC PRIVATE KEY-----', [['a private key', '-----BEGIN EC PRIVATE KEY-----']]],
    ['a PKCS#8 private key', '-----BEGIN PRIVATE KEY-----', [['a private key', '-----BEGIN PRIVATE KEY-----']]],
    [
      'a PGP private key block',
      '-----BEGIN PGP PRIVATE KEY BLOCK-----',
      [['a private key', '-----BEGIN PGP PRIVATE KEY BLOCK-----']],
    ],
    ['a public key', '-----BEGIN PUBLIC KEY-----', []],
    [
      'an OpenSSH key in base64',
      'b3BlbnNzaC1rZXktdjEAAAAABG5vbmU=',
      [['an OpenSSH private key (base64)', 'b3BlbnNzaC1rZXktdjEAAAAABG5vbmU']],
    ],
    ['an OpenSSH prefix too short', 'b3BlbnNzaC1rZXktdjEAAAA', []],
    ['a bearer token', 'Authorization: Bearer abcdefghijklmnop==', [['a bearer token', 'abcdefghijklmnop==']]],
    ['a lower-case bearer token', 'bearer abcdefghijklmnopq', [['a bearer token', 'abcdefghijklmnopq']]],
    ['a bearer token after two spaces', 'Bearer  abcdefghijklmnopq', [['a bearer token', 'abcdefghijklmnopq']]],
    ['a short bearer word', 'Bearer abcdefghijklmno', []],
    ['a JSON web token', `jwt ${JWT}`, [['a JSON web token', JWT]]],
    ['a GitHub token', 'ghp_abcdefghijklmnop1234', [['an API token', 'ghp_abcdefghijklmnop1234']]],
    ['a GitHub PAT', 'github_pat_abcdefghijklmnop_1', [['an API token', 'github_pat_abcdefghijklmnop_1']]],
    ['a GitLab token', 'glpat-abcdefghij_klmnop', [['an API token', 'glpat-abcdefghij_klmnop']]],
    ['a Slack token', 'xoxb-1234567890-abc', [['an API token', 'xoxb-1234567890-abc']]],
    ['a Stripe key', 'sk_live_abcdefghijklmnop', [['an API token', 'sk_live_abcdefghijklmnop']]],
    [
      'a Google API key',
      'AIzaSyA1234567890abcdefghijklmnopqrstuv',
      [['an API token', 'AIzaSyA1234567890abcdefghijklmnopqrstuv']],
    ],
    ['a GitHub token too short', 'ghp_abcdefghijklmno', []],
    [
      'a URL with a password',
      'url: https://user:pa55@host.example/path',
      [
        ['a URL with a password', 'user:pa55'],
        ['a URL with credentials', 'user:pa55'],
      ],
    ],
    ['a non-HTTP URL with a password', 'dsn postgres://app:pa55@db:5432/x', [['a URL with a password', 'app:pa55']]],
    ['a URL with a password at the start', 'postgres://app:pa55@db', [['a URL with a password', 'app:pa55']]],
    ['a scheme of one letter', 'x://app:pa55@db', [['a URL with a password', 'app:pa55']]],
    ['a scheme ending in a digit', 's3://key:s3cret@bucket', [['a URL with a password', 'key:s3cret']]],
    ['an HTTP URL with a user', 'http://token123@host.example/', [['a URL with credentials', 'token123']]],
    ['a URL with a user', 'HTTPS://token123@host.example/', [['a URL with credentials', 'token123']]],
    ['a URL without userinfo', 'https://host.example/a@b', []],
    ['an access key setting', 'access_key: abcdefgh1', [['an access key setting', 'abcdefgh1']]],
    ['a JSON access key setting', '{"access_key": "abcdefgh1"}', [['an access key setting', 'abcdefgh1']]],
    ['an access key setting, spaced', 'access_key : abcdefgh1', [['an access key setting', 'abcdefgh1']]],
    [
      'an access key setting, unspaced',
      'session_token=abcdefgh1',
      [
        ['an access key setting', 'abcdefgh1'],
        ['a credential field (session_token)', 'abcdefgh1'],
      ],
    ],
    ['a short access key setting', 'access_key: abcdefg', []],
  ])('%s', (_, text, hits) => {
    expect(found(text)).toEqual(hits);
  });

  it('every shape names what it found, and captures it', () => {
    for (const { kind, re } of CREDENTIAL_SHAPES) {
      expect(kind).toMatch(/^an? /);
      expect(re.flags).toContain('g');
    }
  });
});

describe('credential fields', () => {
  it.each<[string, string, [string, string][]]>([
    ['a YAML password', 'basic_auth:\n  password: hunter22\n', [['a credential field (password)', 'hunter22']]],
    ['a JSON client secret', '{"client_secret":"s3cr3t"}', [['a credential field (client_secret)', 's3cr3t']]],
    [
      'a field escaped in a JSON string',
      '"config": "{\\"bearer_token\\": \\"tok123\\"}"',
      [['a credential field (bearer_token)', 'tok123']],
    ],
    ['a flag', '--token=abc123', [['a credential field (token)', 'abc123']]],
    ['a flow mapping', '{ credentials: c0ffee }', [['a credential field (credentials)', 'c0ffee']]],
    ['a tab before the value', 'secret:\tsh', [['a credential field (secret)', 'sh']]],
    ['a value with a slash inside', 'password: pa/ss$1', [['a credential field (password)', 'pa/ss$1']]],
    ['a value that begins with ~', 'password: ~hunter2', [['a credential field (password)', '~hunter2']]],
    ['a value that begins with null', 'password: nullable1', [['a credential field (password)', 'nullable1']]],
    ['a value that begins with true', 'token: trueish1', [['a credential field (token)', 'trueish1']]],
    ['a value that begins with false', 'secret: falsehood', [['a credential field (secret)', 'falsehood']]],
    ['a reference to a variable', 'password: $(PASSWORD)', []],
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the text of a reference, not a template of this test
    ['a template', 'password: ${PASSWORD}', []],
    ['a path', 'password: /etc/secret/password', []],
    ['a home directory', 'password: ~', []],
    ['YAML null', 'password: null', []],
    ['a boolean', 'token: true', []],
    ['false', 'secret: false', []],
    ['a placeholder', 'password: <your password>', []],
    ['an empty value', 'password: ""', []],
    ['a *_file field', 'password_file: /etc/p', []],
    ['a longer field name', 'mypassword: hunter22', []],
    ['a comment after nothing', 'password: # later', []],
  ])('%s', (_, text, hits) => {
    expect(found(text)).toEqual(hits);
  });
});

describe('env pairs', () => {
  it.each<[string, string, [string, string][]]>([
    ['a YAML block entry', '- name: DB_PASSWORD\n  value: hunter22\n', [['a literal DB_PASSWORD', 'hunter22']]],
    ['a flow entry', '{ name: API_TOKEN, value: t0k }', [['a literal API_TOKEN', 't0k']]],
    ['a JSON entry', '{"name":"MY_SECRET",\n"value":"abc"}', [['a literal MY_SECRET', 'abc']]],
    ['a CRLF block entry', '- name: S3_KEY\r\n  value: k3y\r\n', [['a literal S3_KEY', 'k3y']]],
    ['a spaced flow entry', '{ name : API_TOKEN , value : t0k }', [['a literal API_TOKEN', 't0k']]],
    ['a name that is not a credential', '- name: LOG_LEVEL\n  value: debug\n', []],
    ['a *_FILE name', '- name: DB_PASSWORD_FILE\n  value: /run/p\n', []],
    ['a reference', '- name: DB_PASSWORD\n  value: $(FROM_SECRET)\n', []],
  ])('%s', (_, text, hits) => {
    expect(found(text)).toEqual(hits);
  });
});

describe('base64-encoded private keys', () => {
  it('decodes a run that begins like a PEM block and reports the key, shortened', () => {
    expect(found(`tls.key: ${PEM_B64}`)).toEqual([['a base64-encoded private key', PEM_B64.slice(0, 40)]]);
  });

  it('a run of any length is decoded from its whole quads', () => {
    expect(found(`k ${PEM_B64.replace(/=+$/, '')}x`)).toEqual([['a base64-encoded private key', PEM_B64.slice(0, 40)]]);
  });

  it('a certificate is not a key', () => {
    expect(found(`tls.crt: ${CERT_B64}`)).toEqual([]);
  });
});

describe('pathOfString', () => {
  const data = { a: [{ b: 'x' }, { c: 'the needle here' }], d: { needle_key: 1 }, e: 'needle' };

  it('finds the first string that contains the needle, by its path', () => {
    expect(pathOfString(data, 'needle')).toEqual(['a', 1, 'c']);
    expect(pathOfString(data, 'x')).toEqual(['a', 0, 'b']);
  });

  it('looks past the keys that do not hold it', () => {
    expect(pathOfString({ a: 'x', b: { c: 'y' }, d: 'the needle' }, 'needle')).toEqual(['d']);
  });

  it('finds a key that contains the needle', () => {
    expect(pathOfString({ d: { needle_key: 1 } }, 'needle_key')).toEqual(['d', 'needle_key']);
  });

  it('answers undefined when nothing holds it, and for non-strings', () => {
    expect(pathOfString(data, 'absent')).toBeUndefined();
    expect(pathOfString(42, '4')).toBeUndefined();
    expect(pathOfString(null, 'null')).toBeUndefined();
    expect(pathOfString('abc', 'b', ['root'])).toEqual(['root']);
  });
});

describe('redact', () => {
  it('shows the first four characters and the length', () => {
    expect(redact(SECRET_KEY)).toBe('wJal… (40 characters)');
  });
});
