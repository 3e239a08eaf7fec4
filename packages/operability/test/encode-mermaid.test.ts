/**
 * Mermaid labels against Mermaid's own parser: a hostile string in a label leaves the flowchart's structure as it
 * was (the same nodes and edge), and reads back intact from the parsed diagram; inside the README's fence it cannot
 * close the fence (CommonMark sees one code block).
 */
import { markdownFence, mermaidLabel } from '@thanos-gitops/output';
import { Parser } from 'commonmark';
import fc from 'fast-check';
import { Window } from 'happy-dom';
import { beforeAll, describe, expect, it } from 'vitest';
import { hostile } from '../../output/test/support/hostile.js';

interface Vertex {
  id: string;
  text: string;
}
let diagram: (text: string) => Promise<{ vertices: Vertex[]; edges: number }>;

beforeAll(async () => {
  const g = globalThis as Record<string, unknown>;
  if (!g.window) {
    const w = new Window();
    g.window = w;
    g.document = w.document;
  }
  const { default: mermaid } = await import('mermaid');
  diagram = async (text) => {
    await mermaid.parse(text);
    const d = await mermaid.mermaidAPI.getDiagramFromText(text);
    const db = d.db as unknown as { getVertices(): Map<string, Vertex>; getEdges(): unknown[] };
    return { vertices: [...db.getVertices().values()], edges: db.getEdges().length };
  };
}, 60_000);

/** A label as Mermaid's parser keeps it, entity codes decoded (the parser holds `#35;` as `ﬂ°°35¶ß`). */
const decode = (text: string) => text.replace(/ﬂ°°(\d+)¶ß/g, (_, n) => String.fromCodePoint(Number(n)));
/** Mermaid trims the spaces around a label (other blanks are entity codes, so they stay). */
const trimSpaces = (s: string) => s.replace(/^ +| +$/g, '');

describe('Mermaid labels', () => {
  it('keep the flowchart structure, read back intact and stay inside the fence', async () => {
    const markdown = new Parser();
    await fc.assert(
      fc.asyncProperty(hostile, hostile, async (a, b) => {
        const chart = `flowchart LR\n  one[${mermaidLabel(a)}] --> two([${mermaidLabel(b)}])\n  three[${mermaidLabel(a, b)}]\n`;
        const parsed = await diagram(chart);
        expect(parsed.edges).toBe(1);
        expect(parsed.vertices.map((v) => v.id)).toEqual(['one', 'two', 'three']);
        expect(parsed.vertices.slice(0, 2).map((v) => decode(v.text))).toEqual([a, b].map(trimSpaces));
        const doc = markdown.parse(`${markdownFence('mermaid', chart)}\n\nAfter.\n`);
        const blocks: string[] = [];
        const w = doc.walker();
        for (let e = w.next(); e; e = w.next()) if (e.entering && e.node.type !== 'text') blocks.push(e.node.type);
        expect(blocks).toEqual(['document', 'code_block', 'paragraph']);
        expect(doc.firstChild?.literal).toBe(chart);
      }),
      { numRuns: 200, seed: 20 },
    );
  }, 120_000);
});
