/**
 * Every project's tests run under the house rules of vitest.shared.ts (`testRules`): a test that makes no assertion
 * fails. A package added with its own vitest.config.ts that leaves them out fails here.
 */
import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { testRules } from '../../../vitest.shared.js';

const PACKAGES = fileURLToPath(new URL('../../', import.meta.url));
const configs = readdirSync(PACKAGES, { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(`${PACKAGES}${d.name}/vitest.config.ts`))
  .map((d) => d.name);

describe('test rules', () => {
  it('require an assertion in every test', () => {
    expect(testRules.expect.requireAssertions).toBe(true);
  });

  it.each(configs)('packages/%s/vitest.config.ts applies them', async (pkg) => {
    const config = (await import(`${PACKAGES}${pkg}/vitest.config.ts`)).default;
    expect(config.test?.expect, `packages/${pkg}/vitest.config.ts spreads testRules into test`).toMatchObject(
      testRules.expect,
    );
  });

  it('apply to the StrykerJS runs too', async () => {
    const config = (await import('../../../vitest.stryker.config.js')).default;
    expect(config.test?.expect).toMatchObject(testRules.expect);
  });
});
