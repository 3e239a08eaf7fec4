/**
 * stderr is read by the GitHub Actions runner too: a value echoed in a message (here an unknown command and an
 * option value with a line break) must not start a workflow command on any line.
 */
import { describe, expect, it } from 'vitest';
import { main } from '../src/main.js';

async function stderrOf(argv: string[]): Promise<string> {
  let err = '';
  await main(argv, { out: () => undefined, err: (t) => (err += t), color: false, errColor: false });
  return err;
}

describe('stderr', () => {
  it.each([
    [['\n::add-mask::x']],
    [['validate', '--format', 'x\n::error::injected\n  ::set-output name=a::b\n##[warning]old']],
  ])('starts no workflow command for %j', async (argv) => {
    const err = await stderrOf(argv);
    expect(err).toContain('::');
    for (const line of err.split(/\r\n|\r|\n/)) expect(line.trimStart().startsWith('::')).toBe(false);
    expect(err).not.toContain('##[');
  });
});
