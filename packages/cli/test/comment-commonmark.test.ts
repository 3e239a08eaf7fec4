/**
 * The whole PR comment (`diff --format markdown`) read by a real CommonMark parser, with hostile values in its
 * inputs: a `--base` branch whose name holds backticks, `<!--`, `@` and a tag; an annotation set by a JSON6902
 * patch that holds `<!--`, an image, a link, an @-mention, backticks, a fence on its own line, a bidi override, an
 * ESC sequence and `::`; a tenant with `<!--` and `@`. The comment keeps its structure (only the HTML the report
 * writes itself, no image, no link, no mention outside code), every environment's warning and diff is still
 * there, and each value reads back intact where it is shown. The text format of the same diff is inert too.
 */
import { execFileSync } from 'node:child_process';
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Node, Parser } from 'commonmark';
import { describe, expect, it, vi } from 'vitest';
import { parseDocument } from 'yaml';
import { cliIn, findKustomize, KUSTOMIZE_REQUIRED, type Workspace, workspace } from './helpers.js';

const EVIL = '<!-- x ![i](http://e.example/i.png) @octocat `tick` [l](http://e.example) <img src=x>';
/** The annotation's value: several lines, one of them a fence, with control characters at the end. */
const NOTE = `${EVIL}\n\`\`\`\n<!-- hidden\n\u202e\u001b[2J::add-mask::x`;
/** A branch name git accepts (no space, `[`, `~`, `^`, `:`, `?`, `*`, `\\`). */
const REF = 'b`a``se<!--@team/x<img/src=e.example>';
const TENANT = 'team-<!--@octocat';
/**
 * The HTML the report writes itself. An HTML block (a `<details><summary>…` line) is raw text to CommonMark and
 * HTML to GitHub: without these tags, no `<` (no other tag, no comment) and no mention may remain in it.
 */
const OWN_HTML = /<!-- thanos-gitops-diff -->|<\/?(details|summary|b|code)>/g;

async function hostileDiff(): Promise<{ ws: Workspace; markdown: string; text: string; err: string }> {
  const ws = workspace();
  expect((await cliIn(ws, 'generate')).code).toBe(0);
  const git = (...a: string[]) =>
    execFileSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', ...a], { cwd: ws.root });
  git('init', '--quiet', '--initial-branch=main');
  git('add', '-A');
  git('commit', '--quiet', '-m', 'base');
  git('branch', REF);
  appendFileSync(
    join(ws.environments, 'dev.yaml'),
    `patches:\n  - target: {kind: ConfigMap, name: thanos-dashboard-overview}\n    patch: |\n` +
      `      - op: add\n        path: /metadata/annotations\n        value: {note: ${JSON.stringify(NOTE)}}\n`,
  );
  // prod: an immutable field changed (a "must be recreated" warning) and a hostile tenant.
  const prod = join(ws.environments, 'prod.yaml');
  const doc = parseDocument(readFileSync(prod, 'utf8'));
  doc.setIn(['receive', 'hashrings', 0, 'tenants'], ['team-a', 'team-b', TENANT]);
  writeFileSync(
    prod,
    `${doc.toString()}patches:\n  - target: {kind: StatefulSet, name: thanos-store-p0-0}\n    patch: |\n` +
      '      - op: replace\n        path: /spec/serviceName\n        value: other-service\n',
  );
  const md = await cliIn(ws, 'diff', '--base', REF, '--format', 'markdown');
  expect(md.code, md.err).toBe(1);
  const text = await cliIn(ws, 'diff', '--base', REF);
  expect(text.code, text.err).toBe(1);
  return { ws, markdown: md.out, text: text.out, err: md.err + text.err };
}

/** Every node of the parsed document with its nearest code ancestor (inline code or a code block). */
function nodes(root: Node): Node[] {
  const out: Node[] = [];
  const walker = root.walker();
  for (let e = walker.next(); e; e = walker.next()) if (e.entering) out.push(e.node);
  return out;
}

/** The text of a node's subtree, code included. */
const textOf = (n: Node) =>
  nodes(n)
    .map((c) => c.literal ?? '')
    .join('');

const k = findKustomize();

describe.skipIf(!k && !KUSTOMIZE_REQUIRED)('the PR comment under hostile values', { timeout: 240_000 }, () => {
  it('keeps its structure for a CommonMark parser, and shows every warning and diff', async () => {
    vi.stubEnv('GITHUB_RUN_ID', ''); // no workflow-run link: the comment then has no link of its own at all
    const { markdown, text, err } = await hostileDiff();
    expect(err).toBe('');
    const all = nodes(new Parser().parse(markdown));

    const html = all.filter((n) => n.type === 'html_inline' || n.type === 'html_block');
    expect(html.length).toBeGreaterThan(0);
    for (const n of html) expect((n.literal ?? '').replace(OWN_HTML, '')).not.toMatch(/<|@[\p{L}\p{N}_-]/u);
    expect(all.filter((n) => n.type === 'image')).toEqual([]);
    expect(all.filter((n) => n.type === 'link')).toEqual([]);
    // GitHub links @name in text, not in code: every @ in text is followed by the zero-width space.
    for (const n of all.filter((x) => x.type === 'text')) expect(n.literal ?? '').not.toMatch(/@[\p{L}\p{N}_-]/u);

    // The base ref is one code span in the title, read back byte for byte.
    const title = all.find((n) => n.type === 'heading' && n.level === 3);
    expect(title && nodes(title).some((n) => n.type === 'code' && n.literal === REF)).toBe(true);

    // Each environment's heading, prod's warning, and both diffs are there: nothing was swallowed.
    const headings = all.filter((n) => n.type === 'heading' && n.level === 4).map(textOf);
    expect(headings).toEqual(
      expect.arrayContaining([expect.stringMatching(/^dev: /), expect.stringMatching(/^prod: /)]),
    );
    const warning = all.find((n) => n.type === 'block_quote' && textOf(n).includes('Must be recreated'));
    expect(warning && textOf(warning)).toContain('StatefulSet/thanos/thanos-store-p0-0');
    const diffs = all.filter((n) => n.type === 'code_block' && n.info === 'diff').map((n) => n.literal ?? '');
    const devDiff = diffs.find((d) => d.includes('note:'));
    expect(devDiff).toContain(EVIL); // the value, inside its block, unchanged
    expect(devDiff).toContain('<!-- hidden');
    expect(diffs.some((d) => d.includes('+  serviceName: other-service'))).toBe(true);
    expect(diffs.some((d) => d.includes(TENANT))).toBe(true);

    // Neither format lets a control character or a workflow command through.
    for (const out of [markdown, text]) {
      // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what must not be there
      expect(out).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
      for (const line of out.split('\n')) expect(line.trimStart().startsWith('::')).toBe(false);
    }
    expect(markdown).toContain('U+202E');
    expect(text).toMatch(/^ {2}RECREATED {2}StatefulSet\/thanos\/thanos-store-p0-0: immutable serviceName changed$/m);
    expect(text).toContain(EVIL);
  });
});
