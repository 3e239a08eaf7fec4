import { defineProject } from 'vitest/config';
import { sharedWorkers, testLimits, testRules } from '../vitest.shared.js';

/** The repository's own structure: the layering lint and the import graph of every package's sources. */
export default defineProject({
  test: { ...testLimits, ...testRules, ...sharedWorkers, name: 'repo', include: ['*.test.ts'] },
});
