/**
 * The credential scan's shortcut: a pattern is only searched in texts that hold what every one of its matches holds
 * (its `need`). The shortcut must never hide a match: the scanner finds exactly what the scanner before the
 * shortcut found (`support/credentials-reference.ts`), on fuzzed texts built from the patterns' own pieces (cases
 * flipped, separators, references, non-ASCII letters that case-folding could confuse with ASCII ones) and on pumped
 * hostile texts. And it must skip: the texts a render writes open none of the needs but the ones they hold.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  anchorGroups,
  CREDENTIAL_FIELD,
  CREDENTIAL_SHAPES,
  ENCODED_PEM,
  ENCODED_PEM_NEED,
  ENV_NEED,
  ENV_PAIR,
  FIELD_NEED,
  findCredentials,
  holds,
  holdsAny,
  type Need,
  rarest,
} from '../src/credentials.js';
import { referenceFindCredentials } from './support/credentials-reference.js';

/** Every pattern of the scan with its need. */
const SCANS: [string, RegExp, Need][] = [
  ...CREDENTIAL_SHAPES.map((s): [string, RegExp, Need] => [s.kind, s.re, s.need]),
  ['a credential field', CREDENTIAL_FIELD, FIELD_NEED],
  ['an env pair', ENV_PAIR, ENV_NEED],
  ['a base64 PEM block', ENCODED_PEM, ENCODED_PEM_NEED],
];

const PEM_B64 = Buffer.from('-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA7\n').toString('base64');

/** The pieces fuzzed texts are made of: the patterns' words, separators, references, values, odd characters. */
const WORDS = [
  ...['password', 'bearer_token', 'credentials', 'client_secret', 'secret_access_key', 'secret_key', 'session_token'],
  ...['access_token', 'refresh_token', 'api_key', 'apikey', 'private_key', 'account_key', 'storage_account_key'],
  ...['sas_token', 'token', 'secret', 'aws_secret_access_key', 'secretaccesskey', 'access_key', 'password_file'],
  ...['name', 'value', 'DB_PASSWORD', 'API_TOKEN', 'S3_KEY', 'LOG_LEVEL', 'DB_PASSWORD_FILE', 'authz', 'my_pwd'],
  ...['Bearer', 'bearer', 'eyJhbGciOiJIUzI1NiJ9', 'eyJzdWIiOiJ4In0', 'c2lnbmF0dXJl', '.', 'AKIA', 'ASIA', 'AROA'],
  ...['ABIA', 'ACCA', 'AIDA', 'AIza', 'ghp_', 'gho_', 'ghr_', 'github_pat_', 'glpat-', 'xoxb-', 'xox', 'sk_live_'],
  ...['https://', 'HTTP://', 's3+https://', 'x://', 'user', 'user:pass', '@', '-----BEGIN ', 'RSA ', 'PGP '],
  ...['PRIVATE KEY', ' BLOCK', '-----', 'b3BlbnNzaC1rZXktdjE', 'LS0tLS1CRUdJTi', PEM_B64, PEM_B64.slice(0, 30)],
];
const SEPARATORS = [':', ': ', '=', ' = ', '"', "'", '\\', '\\"', ' ', '  ', '\t', '\n', '\r\n', ',', '{', '}'];
// biome-ignore lint/suspicious/noTemplateCurlyInString: the text of a reference, not a template of this test
const OTHERS = ['[', ']', '-', '- ', '#', '|', '>', '$(X)', '${X}', '/etc/p', '~', 'null', 'true', 'false', '<p>', '_'];
const VALUES = ['hunter22', 'abcdefghijklmnop', 'IOSFODNN7EXAMPLE', 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', '='];
const ODD = ['ſ', '\u212A', 'İ', 'ı', 'é', '\u00a0', '\u2028', '\ufeff', '😀', 'A'.repeat(16), '0123456789', '+/'];

/** A piece with its case as written, upper-cased, lower-cased or flipped letter by letter. */
const piece = fc
  .tuple(fc.constantFrom(...WORDS, ...SEPARATORS, ...OTHERS, ...VALUES, ...ODD), fc.nat(7), fc.nat())
  .map(([p, how, mask]) => {
    if (how === 1) return p.toUpperCase();
    if (how === 2) return p.toLowerCase();
    if (how === 3) return [...p].map((c, i) => ((mask >> (i % 30)) & 1 ? c.toUpperCase() : c.toLowerCase())).join('');
    return p;
  });
const text = fc.oneof(
  fc.array(piece, { maxLength: 40 }).map((ps) => ps.join('')),
  fc.string({ unit: 'binary', maxLength: 80 }),
);

const found = (t: string) => findCredentials(t).map((h) => [h.kind, h.text]);
const expected = (t: string) => referenceFindCredentials(t).map((h) => [h.kind, h.text]);

describe('the scan finds what the scan of every pattern over every text finds', () => {
  it('on fuzzed texts', () => {
    fc.assert(
      fc.property(text, (t) => {
        expect(found(t)).toEqual(expected(t));
      }),
      { numRuns: 800 },
    );
  });

  it('on fuzzed texts that hold a match of a pattern, that pattern is searched', () => {
    fc.assert(
      fc.property(text, (t) => {
        for (const [, re, need] of SCANS)
          if (new RegExp(re.source, re.flags).test(t)) expect(holds(t, need)).toBe(true);
      }),
      { numRuns: 800 },
    );
  });

  it.each([
    ['an access key id among many A', `${'A'.repeat(5000)} AKIAIOSFODNN7EXAMPLE ${'AKIA'.repeat(300)}`],
    [
      'secret keys in every case',
      'SECRET_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\nSecretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"',
    ],
    ['a field after a thousand underscores', `${'_'.repeat(1000)} password: hunter22 ${'_key'.repeat(500)}`],
    [
      'tokens after pumped prefixes',
      `${'gh'.repeat(2000)} ghp_abcdefghijklmnop1234 ${'xo'.repeat(900)} xoxb-1234567890-abc`,
    ],
    ['an env pair after pumped names', `${'name: A\n'.repeat(800)}- name: DB_PASSWORD\n  value: hunter22\n`],
    [
      'a key at the very start and end',
      'AKIAIOSFODNN7EXAMPLE password=x eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl',
    ],
    ['a base64 key among base64', `${'LS0tLS1CRUdJTi'.repeat(50)} tls.key: ${PEM_B64}`],
    ['a field escaped in JSON', '{"config":"{\\"bearer_token\\": \\"tok123\\", \\"client_secret\\":\\"s3\\"}"}'],
  ])('%s', (_, t) => {
    expect(found(t)).toEqual(expected(t));
    expect(found(t).length).toBeGreaterThan(0);
  });

  it('finds nothing where the field names end the text', () => {
    const t = 'x password secret credentials token _key apikey value name';
    expect(found(t)).toEqual(expected(t));
    expect(found(t)).toEqual([]);
  });
});

describe('what each pattern needs', () => {
  it('every text a need names is found, followed by a character it allows', () => {
    for (const [kind, , need] of SCANS) {
      for (const literal of need.any) {
        const broken = `${literal.slice(0, rarest(literal))}~${literal.slice(rarest(literal) + 1)}`;
        for (const next of need.next ?? '') {
          expect(holds(`..${literal}${next}..`, need), `${kind}: ${literal}${next}`).toBe(true);
          expect(holds(`..${broken}${next}..`, need), `${kind}: ${broken}${next}`).toBe(false);
        }
        if (need.next === undefined) {
          expect(holds(`..${literal}`, need), `${kind}: ${literal}`).toBe(true);
          expect(holds(`..${broken}`, need), `${kind}: ${broken}`).toBe(false);
        }
      }
    }
  });

  it('the field names of common letters are found by the gate pattern, before each separator', () => {
    for (const next of FIELD_NEED.next ?? '') {
      expect(holds(`"secret${next}`, FIELD_NEED), `secret${next}`).toBe(true);
      expect(holds(`"credentials${next}`, FIELD_NEED), `credentials${next}`).toBe(true);
      expect(holds(`"secrets${next}`, FIELD_NEED), `secrets${next}`).toBe(false);
    }
  });

  it('the field names and env keys count only before a separator', () => {
    expect(holds('password:', FIELD_NEED)).toBe(true);
    expect(holds('passwords: x, my_key_id, token_file, apikeys', FIELD_NEED)).toBe(false);
    expect(holds('password', FIELD_NEED)).toBe(false);
    expect(holds('{"secret":1}', FIELD_NEED)).toBe(true);
    expect(holds('credentials\t', FIELD_NEED)).toBe(true);
    expect(holds('secretName: a, credentialsSecret: b', FIELD_NEED)).toBe(false);
    expect(holds('valueFrom: {}', ENV_NEED)).toBe(false);
    expect(holds('"value": 1', ENV_NEED)).toBe(true);
  });

  it('a need of a pattern that ignores case is looked for in any case', () => {
    const secret = CREDENTIAL_SHAPES[1]?.need as Need;
    expect(holds('AWS_SECRET_ACCESS_KEY', secret)).toBe(true);
    expect(holds('SecretAccessKey', secret)).toBe(true);
    expect(holds('Secret_Key', secret)).toBe(true);
    expect(holds('SECRET-KEY', secret)).toBe(false);
  });

  it('a rendered file opens only the needs it holds', () => {
    const deployment = [
      'spec:\n  template:\n    spec:\n      containers:\n        - name: thanos\n          args:\n',
      '            - --objstore.config-file=/etc/thanos/objstore.yml\n          env:\n',
      '            - name: GOMEMLIMIT\n              valueFrom:\n                resourceFieldRef: {resource: limits.memory}\n',
      '      volumes:\n        - name: objstore\n          secret:\n            secretName: thanos-objstore\n',
      '      topologySpreadConstraints:\n        - topologyKey: topology.kubernetes.io/zone\n',
    ].join('');
    const dashboard =
      '{"current": {"text": "Prometheus", "value": "Prometheus"}, "title": "Thanos / Receive high load"}';
    const prose = 'Keep secrets out of Git: tokens and passwords of a bucket go to a Secret, values to a key.';
    const open = (t: string) => SCANS.filter(([, , need]) => holds(t, need)).map(([kind]) => kind);
    expect(open(deployment)).toEqual(['a credential field']);
    expect(open(dashboard)).toEqual(['an env pair']);
    expect(open(prose)).toEqual([]);
  });

  it('a pattern whose need a text does not hold is not run on it', () => {
    /** The text as a String object that counts the patterns run on it (`matchAll`); the needs read it as usual. */
    const counting = (t: string) => {
      const counted = Object.assign(new String(t), { runs: 0 });
      counted.matchAll = (re: RegExp) => {
        counted.runs++;
        return t.matchAll(re);
      };
      return counted;
    };
    for (const [t, runs] of [
      ['volumes:\n  - name: objstore\n    secret:\n      secretName: thanos-objstore\n', 1],
      ['{"text": "Prometheus", "value": "Prometheus"}', 1],
      ['Keep secrets out of Git: tokens go to a Secret.', 0],
      [`AKIA ${PEM_B64}`, 2],
    ] as const) {
      const text = counting(t);
      expect(findCredentials(text as unknown as string)).toEqual(referenceFindCredentials(t));
      expect(text.runs, t).toBe(runs);
    }
  });

  it('the gate patterns are not global: a test leaves no state behind', () => {
    for (const [, , need] of SCANS) expect(need.re?.flags ?? '').not.toMatch(/[gy]/);
  });
});

describe('looking for a text', () => {
  it('starts from its rarest character in the output', () => {
    expect(rarest('eyJ')).toBe(2);
    expect(rarest('AKIA')).toBe(1);
    expect(rarest('password')).toBe(4);
    expect(rarest('PRIVATE KEY')).toBe(10);
    expect(rarest('value')).toBe(0);
    expect(rarest('secret_key')).toBe(6);
    expect(rarest('@')).toBe(0);
    expect(rarest('aa')).toBe(0);
  });

  it('groups the texts that hold `at`, and looks for each other one alone', () => {
    const api = CREDENTIAL_SHAPES.find((s) => s.kind === 'an API token')?.need as Need;
    expect(anchorGroups(api)).toEqual([
      [
        ['ghp_', 3],
        ['gho_', 3],
        ['ghu_', 3],
        ['ghs_', 3],
        ['ghr_', 3],
        ['github_pat_', 6],
        ['sk_live_', 2],
      ],
      [['glpat-', 0]],
      [['xox', 0]],
      [['AIza', 2]],
    ]);
    expect(anchorGroups({ any: ['token', 'eyJ'] })).toEqual([[['token', 2]], [['eyJ', 2]]]);
  });

  it('finds a text of a group wherever it is, and only a whole one', () => {
    const group = [
      ['ab_c', 2],
      ['_de', 0],
    ] as const;
    expect(holdsAny('_de', group)).toBe(true);
    expect(holdsAny('xx ab_c', group)).toBe(true);
    expect(holdsAny('b_c _d _e', group)).toBe(false);
    expect(holdsAny('ab_c!', group, '!')).toBe(true);
    expect(holdsAny('ab_c? _de', group, '!')).toBe(false);
    expect(holdsAny('ab_c', group, '!')).toBe(false);
    expect(holdsAny('anything', [])).toBe(false);
  });

  it('finds a text alone from its anchor, not before the start of the text', () => {
    expect(holdsAny('eyJ', [['eyJ', 2]])).toBe(true);
    expect(holdsAny('yJ eJ J', [['eyJ', 2]])).toBe(false);
    expect(holdsAny('a value: b', [['value', 2]], ':')).toBe(true);
    expect(holdsAny('values value', [['value', 2]], ':')).toBe(false);
  });
});
