/**
 * Each encoder against its format's real reader: bash (and `printf` to read the words back), Terraform itself (it
 * evaluates the JSON strings), a CommonMark parser, the Actions workflow-command grammar, Grafana's expansion rule.
 * Strings are drawn from tokens each format gives a meaning to, mixed with arbitrary text.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Parser } from 'commonmark';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  argoTemplateText,
  generatedHeader,
  generatedMarkdownHeader,
  githubData,
  githubProperty,
  grafanaValue,
  hclLiteral,
  inertWorkflowCommands,
  isGenerated,
  markdownCode,
  markdownFence,
  markdownText,
  oneLine,
  shellCommand,
  terraformJson,
  tfRef,
} from '../src/index.js';
import { hostile } from './support/hostile.js';

const RUNS = { numRuns: 300, seed: 20 };

function scratch(): string {
  return mkdtempSync(join(tmpdir(), 'encode-'));
}

describe('shell words', () => {
  it('bash parses the command and printf reads every word back intact', () => {
    const cases = fc.sample(
      fc.array(
        hostile.filter((s) => !s.includes('\0')),
        { minLength: 1, maxLength: 4 },
      ),
      RUNS,
    );
    const dir = scratch();
    try {
      const script = cases.map((words) => `${shellCommand('printf', '%s\\0', ...words)}; printf '\\1\\0'`).join('\n');
      writeFileSync(join(dir, 'readme.sh'), `${script}\n`);
      expect(spawnSync('bash', ['-n', 'readme.sh'], { cwd: dir }).status).toBe(0);
      const out = execFileSync('bash', ['readme.sh'], { cwd: dir, env: { PATH: process.env.PATH } }).toString();
      const read = out
        .split('\u0001\0')
        .slice(0, -1)
        .map((c) => c.split('\0').slice(0, -1));
      expect(read).toEqual(cases);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('Terraform JSON strings', () => {
  it('Terraform reads every value back literally; the references stay references', () => {
    const values = fc.sample(
      hostile.filter((s) => !s.includes('\0')),
      RUNS,
    );
    const locals = Object.fromEntries(values.map((v, i) => [`v${i}`, v]));
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a Terraform reference
    const doc = terraformJson({ locals: { ...locals, ref: tfRef('${upper("x")}') } });
    const text = JSON.stringify(doc);
    expect(JSON.parse(text)).toEqual(doc);
    const dir = scratch();
    try {
      writeFileSync(join(dir, 'main.tf.json'), text);
      const expr = `base64encode(jsonencode([${values.map((_, i) => `local.v${i}`).join(', ')}, local.ref]))`;
      const run = spawnSync('terraform', ['console'], {
        cwd: dir,
        input: expr,
        env: { PATH: process.env.PATH, TF_CLI_CONFIG_FILE: '/dev/null', CHECKPOINT_DISABLE: '1' },
      });
      const printed = run.stdout.toString().trim().split('\n').at(-1) ?? '';
      const back = JSON.parse(Buffer.from(JSON.parse(printed), 'base64').toString());
      expect(back).toEqual([...values, 'X']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('leaves no `${` or `%{` that is not doubled', () => {
    fc.assert(
      fc.property(hostile, (v) => {
        expect(hclLiteral(v).replace(/\$\$\{|%%\{/g, '')).not.toMatch(/\$\{|%\{/);
      }),
      RUNS,
    );
  });
});

const markdown = new Parser();

/** The node types of a parsed document, in walk order, and the text of its text and code nodes. */
function walk(source: string): { types: string[]; text: string; code: string[] } {
  const w = markdown.parse(source).walker();
  const types: string[] = [];
  let text = '';
  const code: string[] = [];
  for (let e = w.next(); e; e = w.next()) {
    if (!e.entering) continue;
    types.push(e.node.type);
    if (e.node.type === 'text') text += e.node.literal;
    if (e.node.type === 'code' || e.node.type === 'code_block') code.push(e.node.literal ?? '');
  }
  return { types, text, code };
}

describe('Markdown', () => {
  it('text stays one paragraph of plain text and reads back', () => {
    fc.assert(
      fc.property(hostile, (v) => {
        const parsed = walk(`Before ${markdownText(v)} after.`);
        expect(new Set(parsed.types.slice(2))).toEqual(new Set(['text']));
        expect(parsed.types.slice(0, 2)).toEqual(['document', 'paragraph']);
        expect(parsed.text.replaceAll('@\u200b', '@')).toBe(`Before ${oneLine(v)} after.`);
      }),
      RUNS,
    );
  });

  it('a code span stays one code span and reads back', () => {
    fc.assert(
      fc.property(
        hostile.filter((v) => oneLine(v) !== '' && oneLine(v).trim() !== ''),
        (v) => {
          const parsed = walk(`Before ${markdownCode(v)} after.`);
          expect(parsed.types.filter((t) => t !== 'text')).toEqual(['document', 'paragraph', 'code']);
          expect(parsed.code).toEqual([oneLine(v)]);
        },
      ),
      RUNS,
    );
  });

  it('a fence stays one code block with the body intact, and the text after it survives', () => {
    fc.assert(
      fc.property(
        hostile.filter((v) => !v.includes('\r') && !v.includes('\0')),
        (v) => {
          const parsed = walk(`${markdownFence('sh', v)}\n\nAfter.\n`);
          expect(parsed.types).toEqual(['document', 'code_block', 'paragraph', 'text']);
          expect(parsed.code).toEqual([v.endsWith('\n') ? v : `${v}\n`]);
        },
      ),
      RUNS,
    );
  });
});

/** The runner's reading of one line: `::command k=v,k=v::data`, or undefined when the line is no command. */
function workflowCommand(line: string) {
  const m = /^::([a-z-]+)(?: ([^:]*))?::(.*)$/s.exec(line.trimStart());
  if (!m) return undefined;
  const decodeValue = (s: string) =>
    s.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%3A/g, ':').replace(/%2C/g, ',').replace(/%25/g, '%');
  const props = Object.fromEntries(
    (m[2] ?? '')
      .split(',')
      .filter(Boolean)
      .map((p) => {
        const at = p.indexOf('=');
        return [p.slice(0, at), decodeValue(p.slice(at + 1))];
      }),
  );
  return { command: m[1], props, data: decodeValue(m[3] ?? '') };
}

describe('GitHub workflow commands', () => {
  it('one command per line; properties and data read back intact', () => {
    fc.assert(
      fc.property(hostile, hostile, hostile, (file, title, message) => {
        const line = `::error file=${githubProperty(file)},title=${githubProperty(title)}::${githubData(message)}`;
        expect(line).not.toMatch(/[\r\n]/);
        expect(workflowCommand(line)).toEqual({ command: 'error', props: { file, title }, data: message });
      }),
      RUNS,
    );
  });

  it('text made inert starts no command on any line the runner reads', () => {
    fc.assert(
      fc.property(hostile, (v) => {
        const out = inertWorkflowCommands(`error environments/a.yaml:1:1: tenant "${v}" is unknown\n${v}\n`);
        for (const line of out.split(/\r\n|\r|\n/)) expect(workflowCommand(line)).toBeUndefined();
        expect(out).not.toContain('##[');
      }),
      RUNS,
    );
  });
});

/** Grafana's reading of a provisioning value: `$$` is `$`, `$NAME` and `${NAME}` are environment variables. */
function grafanaExpand(value: string): { text: string; variables: string[] } {
  const variables: string[] = [];
  const text = value.replace(/\$\$|\$\{(\w+)\}|\$(\w+)/g, (m, a, b) => {
    if (m === '$$') return '$';
    variables.push(a ?? b);
    return '';
  });
  return { text, variables };
}

describe('Grafana provisioning values', () => {
  it('expand no variable and read back intact', () => {
    fc.assert(
      fc.property(
        hostile.map((v) => `${v}$GF_SECURITY_ADMIN_PASSWORD`),
        (v) => {
          expect(grafanaExpand(grafanaValue(v))).toEqual({ text: v, variables: [] });
          expect(grafanaExpand(v).variables).toContain('GF_SECURITY_ADMIN_PASSWORD');
        },
      ),
      RUNS,
    );
  });
});

/**
 * Go text/template as an ApplicationSet reads a template field: text outside `{{ … }}` is literal; the only action
 * the encoder may produce is a quoted string (printed as its value). Anything else is an injection.
 */
function goTemplate(field: string): string {
  let out = '';
  let rest = field;
  for (let at = rest.indexOf('{{'); at !== -1; at = rest.indexOf('{{')) {
    out += rest.slice(0, at);
    const end = rest.indexOf('}}', at + 2);
    if (end === -1) throw new Error(`unclosed action in ${JSON.stringify(field)}`);
    const action = rest.slice(at + 2, end).trim();
    if (!/^"(?:[^"\\]|\\.)*"$/.test(action)) throw new Error(`action {{${action}}} in ${JSON.stringify(field)}`);
    out += JSON.parse(action);
    rest = rest.slice(end + 2);
  }
  return out + rest;
}

describe('Argo CD ApplicationSet template fields', () => {
  it('run no action and print the value intact', () => {
    fc.assert(
      fc.property(hostile, (v) => {
        expect(goTemplate(argoTemplateText(v))).toBe(v);
        expect(() => goTemplate(`https://x/{{ .path.path }}${v}`)).toThrow();
      }),
      RUNS,
    );
  });
});

describe('the generated header', () => {
  it('keeps any --environments path on its one comment line', () => {
    fc.assert(
      fc.property(
        hostile.filter((p) => p !== ''),
        (path) => {
          const yaml = generatedHeader(path);
          expect(yaml.split(/\r\n|[\r\n\u2028\u2029\u0085\v\f]/)).toHaveLength(1);
          expect(isGenerated(`${yaml}\n`)).toBe(true);
          const md = generatedMarkdownHeader(path);
          expect(walk(`${md}\n\nText.\n`).types).toEqual(['document', 'html_block', 'paragraph', 'text']);
          expect(md.indexOf('-->')).toBe(md.length - 3);
        },
      ),
      RUNS,
    );
  });
});
